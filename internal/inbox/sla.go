package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/store"
)

// SLAArgs is the periodic job that warns before a response target is
// missed.
type SLAArgs struct{}

// Kind implements river.JobArgs.
func (SLAArgs) Kind() string { return "inbox.sla" }

// InsertOpts keeps one run at a time.
func (SLAArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

// SLAWorker runs SLAArgs jobs.
type SLAWorker struct {
	river.WorkerDefaults[SLAArgs]
	Service *Service
}

// Work sends the warnings that are due.
func (w *SLAWorker) Work(ctx context.Context, _ *river.Job[SLAArgs]) error {
	_, err := w.Service.WarnSLA(ctx)
	return err
}

// SLAPeriodic looks every minute.
func SLAPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return SLAArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
}

// WarnSLA tells people, once each, about open conversations whose
// first-response target (once per wait) or resolution target is near
// (warn_before_mins ahead) or passed, counting business hours when the
// workspace has set them: the assignee, or the workspace's Owners, Admins
// and Managers when nobody is assigned. It reports how many warnings went
// out.
func (s *Service) WarnSLA(ctx context.Context) (int, error) {
	if s.Notify == nil {
		return 0, nil
	}
	all, err := s.Store.Read().WorkspacesWithTargets(ctx)
	if err != nil {
		return 0, err
	}
	now, n := s.now(), 0
	for _, st := range all {
		hours := openingHours(st, s.log())
		before := time.Duration(st.WarnBeforeMins) * time.Minute
		for _, l := range []level{firstResponse(st), resolution(st)} {
			if l.target <= 0 {
				continue
			}
			warn := max(l.target-before, 0)
			// Business time never runs faster than the clock, so the
			// conversations started warn ago by the clock include every
			// one due.
			convs, err := l.list(s.Store.Read(), ctx, st.WorkspaceID, now.Add(-warn))
			if err != nil {
				return n, err
			}
			for _, c := range convs {
				start := l.start(c)
				if hours.due(start, warn).After(now) {
					continue
				}
				ok, err := s.warn(ctx, c, l, start, hours.due(start, l.target), now)
				if err != nil {
					return n, err
				}
				if ok {
					n++
				}
			}
		}
	}
	return n, nil
}

// level is one service-level target and how its warnings are found and
// recorded.
type level struct {
	name   string // "first-response", "resolution"
	target time.Duration
	list   func(q *store.Queries, ctx context.Context, workspaceID string, before time.Time) ([]model.Conversation, error)
	start  func(c model.Conversation) time.Time
	mark   func(ctx context.Context, tx *store.Tx, id string, now time.Time) (bool, error)
}

func firstResponse(st model.InboxSettings) level {
	return level{name: "first-response", target: time.Duration(st.FirstResponseMins) * time.Minute,
		list:  (*store.Queries).AwaitingConversations,
		start: func(c model.Conversation) time.Time { return c.AwaitingSince },
		mark: func(ctx context.Context, tx *store.Tx, id string, now time.Time) (bool, error) {
			return tx.MarkSLAWarned(ctx, id, now)
		}}
}

func resolution(st model.InboxSettings) level {
	return level{name: "resolution", target: time.Duration(st.ResolutionMins) * time.Minute,
		list:  (*store.Queries).UnresolvedConversations,
		start: func(c model.Conversation) time.Time { return c.FirstInboundAt },
		mark: func(ctx context.Context, tx *store.Tx, id string, now time.Time) (bool, error) {
			return tx.MarkResolutionWarned(ctx, id, now)
		}}
}

func (s *Service) warn(ctx context.Context, c model.Conversation, l level, start, due, now time.Time) (bool, error) {
	var told bool
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		ok, err := l.mark(ctx, tx, c.ID, now)
		if err != nil || !ok {
			return err
		}
		told = true
		people := []string{c.AssigneeID}
		if c.AssigneeID == "" {
			members, err := tx.ListMembers(ctx, c.WorkspaceID)
			if err != nil {
				return err
			}
			people = people[:0]
			for _, m := range members {
				if m.Role.AtLeast(model.RoleManager) {
					people = append(people, m.UserID)
				}
			}
		}
		const layout = "2 Jan 15:04 MST"
		subject, text := "A conversation waits for an answer", fmt.Sprintf("A conversation has waited since %s; its first-response target is %s",
			start.Format(layout), due.Format(layout))
		switch {
		case l.name == "resolution" && due.Before(now):
			subject, text = "A conversation is still open", fmt.Sprintf("A conversation opened %s missed its resolution target (%s)",
				start.Format(layout), due.Format(layout))
		case l.name == "resolution":
			subject, text = "A conversation is still open", fmt.Sprintf("A conversation opened %s should be resolved by %s",
				start.Format(layout), due.Format(layout))
		case due.Before(now):
			text = fmt.Sprintf("A conversation missed its first-response target (%s); it has waited since %s", due.Format(layout),
				start.Format(layout))
		}
		return s.Notify.Tell(ctx, tx, notify.Message{Kind: model.NotifyInboxSLA, WorkspaceID: c.WorkspaceID, UserIDs: people,
			Subject: subject, Text: text, Link: "/w/" + c.WorkspaceID + "/inbox/" + c.ID})
	})
	return told, err
}
