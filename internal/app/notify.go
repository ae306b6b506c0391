package app

import (
	"context"
	"fmt"
	"time"

	"herald/internal/channel"
	"herald/internal/provider"

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
	model.TargetExpired:     model.NotifyApprovalExpired,
}

func (p publishNotifier) TargetProblem(ctx context.Context, tx *store.Tx, pr publish.Problem) error {
	kind, ok := problemKinds[pr.Status]
	if !ok {
		return nil // not a state people are told about
	}
	return p.n.Notify(ctx, tx, notify.Event{Kind: kind, WorkspaceID: pr.WorkspaceID, PostID: pr.PostID, ChannelID: pr.ChannelID,
		TargetID: pr.TargetID, Status: string(pr.Status), Message: pr.Message, At: pr.At})
}

// chatPoster posts notification messages through a channel's connector.
type chatPoster struct{ channels *channel.Service }

func (c chatPoster) PostText(ctx context.Context, workspaceID, channelID, key, text string) error {
	_, ch, err := c.channels.Account(ctx, workspaceID, channelID)
	if err != nil {
		return err
	}
	p, err := c.channels.Provider(ch.Network)
	if err != nil {
		return err
	}
	pub, ok := p.(provider.Publisher)
	if !ok {
		return fmt.Errorf("app: %s channels cannot post messages", ch.Network)
	}
	return c.channels.WithAuth(ctx, workspaceID, channelID, func(acct provider.Account) error {
		_, err := pub.Publish(ctx, acct, provider.Post{Key: key, At: time.Now(), Segments: []provider.Segment{{Text: text}}})
		return err
	})
}
