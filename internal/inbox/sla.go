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

// WarnSLA tells people, once per wait, about open conversations whose
// first-response target is near (warn_before_mins ahead) or passed: the
// assignee, or the workspace's Owners, Admins and Managers when nobody
// is assigned. It reports how many conversations were flagged.
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
		target := time.Duration(st.FirstResponseMins) * time.Minute
		warn := max(target-time.Duration(st.WarnBeforeMins)*time.Minute, 0)
		convs, err := s.Store.Read().AwaitingConversations(ctx, st.WorkspaceID, now.Add(-warn))
		if err != nil {
			return n, err
		}
		for _, c := range convs {
			ok, err := s.warn(ctx, c, target, now)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
	}
	return n, nil
}

func (s *Service) warn(ctx context.Context, c model.Conversation, target time.Duration, now time.Time) (bool, error) {
	var told bool
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		ok, err := tx.MarkSLAWarned(ctx, c.ID, now)
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
		due := c.AwaitingSince.Add(target)
		text := fmt.Sprintf("A conversation has waited since %s; its first-response target is %s", c.AwaitingSince.Format("2 Jan 15:04 MST"),
			due.Format("2 Jan 15:04 MST"))
		if due.Before(now) {
			text = fmt.Sprintf("A conversation missed its first-response target (%s); it has waited since %s", due.Format("2 Jan 15:04 MST"),
				c.AwaitingSince.Format("2 Jan 15:04 MST"))
		}
		return s.Notify.Tell(ctx, tx, notify.Message{Kind: model.NotifyInboxSLA, WorkspaceID: c.WorkspaceID, UserIDs: people,
			Subject: "A conversation waits for an answer", Text: text, Link: "/w/" + c.WorkspaceID + "/inbox/" + c.ID})
	})
	return told, err
}
