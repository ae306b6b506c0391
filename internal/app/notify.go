package app

import (
	"context"

	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/publish"
	"herald/internal/store"
)

// publishNotifier adapts the notification service to the publisher's
// Notifier, turning a target's end state into the notification's kind.
type publishNotifier struct{ n *notify.Service }

var problemKinds = map[model.TargetStatus]model.NotificationKind{
	model.TargetFailed:      model.NotifyPublishFailed,
	model.TargetUnconfirmed: model.NotifyPublishUnconfirmed,
	model.TargetMissed:      model.NotifyPublishMissed,
}

func (p publishNotifier) TargetProblem(ctx context.Context, tx *store.Tx, pr publish.Problem) error {
	kind, ok := problemKinds[pr.Status]
	if !ok {
		return nil // not a state people are told about
	}
	return p.n.Notify(ctx, tx, notify.Event{Kind: kind, WorkspaceID: pr.WorkspaceID, PostID: pr.PostID, ChannelID: pr.ChannelID,
		TargetID: pr.TargetID, Status: string(pr.Status), Message: pr.Message, At: pr.At})
}
