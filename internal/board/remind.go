package board

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/store"
)

// RemindAhead is how long before its due date a card's assignee is told.
const RemindAhead = 24 * time.Hour

// remindBatch bounds one run; the next run picks up the rest.
const remindBatch = 500

// myWorkMax is how many cards "my work" lists.
const myWorkMax = 500

// MyWork lists the cards assigned to the actor across their workspaces
// that are not done, overdue ones first, then by due date (none last).
func (s *Service) MyWork(ctx context.Context, a model.Actor) ([]model.BoardCard, error) {
	if a.UserID == "" {
		return nil, model.Unauthorized("sign in to see your work")
	}
	return s.Store.Read().AssignedBoardCards(ctx, a.UserID, s.now(), myWorkMax)
}

// SendReminders tells each assignee of a card that is not done and due
// within RemindAhead (or already overdue) and not yet reminded, once per
// due date, and reports how many were told.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.now()
	cards, err := s.Store.Read().DueBoardCards(ctx, now.Add(RemindAhead), remindBatch)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, c := range cards {
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			// The mark is a compare-and-swap on the due date read above: a
			// card changed meanwhile, or reminded by another run, is skipped.
			if err := tx.MarkBoardCardReminded(ctx, c.ID, c.DueAt, now); err != nil {
				return err
			}
			return s.remind(ctx, tx, c, now)
		})
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

func (s *Service) remind(ctx context.Context, tx *store.Tx, c model.BoardCard, now time.Time) error {
	if s.Notify == nil {
		return nil
	}
	when := "is due " + c.DueAt.Format("Mon 2 Jan 2006 15:04") + " UTC"
	if c.DueAt.Before(now) {
		when = "was due " + c.DueAt.Format("Mon 2 Jan 2006 15:04") + " UTC and is overdue"
	}
	text := fmt.Sprintf("The card “%s” (%s, in %s) %s", notify.Excerpt(c.Title, 80), c.ColumnName, c.WorkspaceName, when)
	return s.Notify.Tell(ctx, tx, notify.Message{Kind: model.NotifyTaskDue, WorkspaceID: c.WorkspaceID, UserIDs: []string{c.AssigneeID},
		Subject: "Due soon: " + notify.Excerpt(c.Title, 60), Text: text, Link: CardLink(c.WorkspaceID, c.ID), PostID: c.PostID})
}

// ReminderArgs is the periodic job that sends due-soon reminders.
type ReminderArgs struct{}

// Kind implements river.JobArgs.
func (ReminderArgs) Kind() string { return "board.reminders" }

// InsertOpts keeps one reminder run per period.
func (ReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 10 * time.Minute}}
}

// ReminderWorker runs ReminderArgs jobs.
type ReminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	Service *Service
}

// Work sends the reminders that are due.
func (w *ReminderWorker) Work(ctx context.Context, _ *river.Job[ReminderArgs]) error {
	_, err := w.Service.SendReminders(ctx)
	return err
}

// ReminderPeriodic looks for cards due soon every 15 minutes.
func ReminderPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(15*time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return ReminderArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
}
