package publish

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/schedule"
	"herald/internal/store"
)

// SetSeries makes a post recur (an RRULE read in zone, starting at its
// next planned time) or evergreen (re-queued at least gap apart, at most max
// times); empty values turn either off.
func (s *Service) SetSeries(ctx context.Context, a model.Actor, workspaceID, postID string, rule, zone string, gap time.Duration, maxTimes int) (model.Post, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostSchedule); err != nil {
		return model.Post{}, err
	}
	p, err := s.Compose.Get(ctx, a, workspaceID, postID)
	if err != nil {
		return p, err
	}
	if rule != "" && gap > 0 {
		return p, model.Invalid("recurrence", "a post either recurs by a rule or is evergreen, not both")
	}
	series := model.Series{EvergreenGap: gap, EvergreenMax: maxTimes}
	if rule != "" {
		loc, err := schedule.LoadZone(zone)
		if err != nil {
			return p, err
		}
		r, err := schedule.ParseRule(rule, s.now().In(loc), loc)
		if err != nil {
			return p, err
		}
		series.Recurrence, series.RecurZone = r.String(), zone
	}
	if gap > 0 {
		ev := schedule.Evergreen{MinGap: gap, MaxCount: maxTimes}
		if err := ev.Validate(); err != nil {
			return p, err
		}
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetSeries(ctx, postID, series); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "post.series", "post", postID, workspaceID, map[string]any{"recurrence": series.Recurrence,
			"evergreen_gap": gap.String(), "evergreen_max": maxTimes})
	})
	if err != nil {
		return p, err
	}
	return s.Compose.Get(ctx, a, workspaceID, postID)
}

// ContinueArgs is the job that continues a series once a post's targets are
// done; it runs after the transaction that finished the last target, so a
// crash in between cannot lose the next occurrence.
type ContinueArgs struct {
	PostID      string `json:"post_id"`
	WorkspaceID string `json:"workspace_id"`
}

// Kind implements river.JobArgs.
func (ContinueArgs) Kind() string { return "publish.continue" }

// ContinueWorker runs ContinueArgs jobs.
type ContinueWorker struct {
	river.WorkerDefaults[ContinueArgs]
	Service *Service
}

// Work makes and schedules the series' next post.
func (w *ContinueWorker) Work(ctx context.Context, job *river.Job[ContinueArgs]) error {
	return w.Service.continueSeries(ctx, job.Args.WorkspaceID, job.Args.PostID)
}

// continueAfter enqueues the continuation of a series post inside tx.
func (s *Service) continueAfter(ctx context.Context, tx *store.Tx, p model.Post) error {
	if p.Series.Recurrence == "" && p.Series.EvergreenGap == 0 {
		return nil
	}
	return s.Queue.InsertTx(ctx, tx, ContinueArgs{PostID: p.ID, WorkspaceID: p.WorkspaceID}, nil)
}

func (s *Service) continueSeries(ctx context.Context, workspaceID, postID string) error {
	p, err := s.Store.Read().PostByID(ctx, workspaceID, postID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if p.Series.ContinuedBy != "" || slices.ContainsFunc(p.Targets, func(t model.Target) bool {
		return t.Status == model.TargetScheduled || t.Status == model.TargetPublishing || t.Status == model.TargetPaused
	}) {
		return nil // already continued, or another target is still on its way
	}
	next, ok, err := s.nextOccurrence(ctx, p)
	if err != nil || !ok {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		n, err := s.Compose.Continue(ctx, tx, p)
		if err != nil {
			return err
		}
		if won, err := tx.ClaimContinuation(ctx, p.ID, n.ID); err != nil || !won {
			if err == nil {
				err = errContinued
			}
			return err
		}
		for _, t := range n.Targets {
			old := targetFor(p, t.ChannelID)
			if err := s.plan(ctx, tx, workspaceID, t, next, old.TimeZone, old.Queued); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, model.Actor{Via: "system"}, "post.continue", "post", n.ID, workspaceID, map[string]any{"after": p.ID,
			"at": next.Format(time.RFC3339)})
	})
}

var errContinued = river.JobCancel(errors.New("publish: the series was continued by another job"))

func targetFor(p model.Post, channelID string) model.Target {
	for _, t := range p.Targets {
		if t.ChannelID == channelID {
			return t
		}
	}
	return model.Target{}
}

// nextOccurrence is when the series' next post goes out: the rule's next
// occurrence after this one (re-anchored to now after downtime, so missed
// ones are skipped), or for evergreen posts the gap after the last
// publication while the maximum is not reached.
func (s *Service) nextOccurrence(ctx context.Context, p model.Post) (time.Time, bool, error) {
	var last, published time.Time
	for _, t := range p.Targets {
		if t.ScheduledAt.After(last) {
			last = t.ScheduledAt
		}
		if t.PublishedAt.After(published) {
			published = t.PublishedAt
		}
	}
	now := s.now()
	if p.Series.Recurrence != "" {
		loc, err := schedule.LoadZone(p.Series.RecurZone)
		if err != nil {
			return time.Time{}, false, nil
		}
		r, err := schedule.ParseRule(p.Series.Recurrence, last.In(loc), loc)
		if err != nil {
			return time.Time{}, false, nil // the rule was valid when saved; a stale one ends the series
		}
		next, ok := r.Next(last)
		if ok && next.Before(now) {
			next, ok = r.NextAfterDowntime(now)
		}
		return next, ok, nil
	}
	series := p.Series.SeriesID
	if series == "" {
		series = p.ID
	}
	count, err := s.Store.Read().SeriesLength(ctx, series)
	if err != nil {
		return time.Time{}, false, err
	}
	if published.IsZero() || (p.Series.EvergreenMax > 0 && count >= p.Series.EvergreenMax) {
		return time.Time{}, false, nil
	}
	next := published.Add(p.Series.EvergreenGap)
	if next.Before(now) {
		next = now
	}
	return next, true, nil
}
