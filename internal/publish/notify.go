package publish

import (
	"context"
	"time"

	"herald/internal/model"
	"herald/internal/store"
)

// Problem is a target that ended in a state a person has to look at:
// failed, unconfirmed or missed.
type Problem struct {
	WorkspaceID string
	PostID      string
	ChannelID   string
	TargetID    string
	Status      model.TargetStatus
	Message     string // what the target's error says
	At          time.Time
}

// Notifier tells people about a Problem. It is called inside the
// transaction that sets the target's state, so the notice exists exactly
// when the state does (a rolled-back claim tells nobody); it must only
// write through tx and enqueue through it.
type Notifier interface {
	TargetProblem(ctx context.Context, tx *store.Tx, p Problem) error
}

// problem reports a target's end state to the Notifier, if one is wired.
func (s *Service) problem(ctx context.Context, tx *store.Tx, t store.PublishTarget, status model.TargetStatus, msg string) error {
	if s.Notifier == nil {
		return nil
	}
	return s.Notifier.TargetProblem(ctx, tx, Problem{WorkspaceID: t.WorkspaceID, PostID: t.PostID, ChannelID: t.ChannelID, TargetID: t.ID,
		Status: status, Message: msg, At: s.now()})
}
