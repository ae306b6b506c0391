package notify

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// ChatNetworks are the networks whose channels can carry a workspace's
// notifications: team chats, where a message reaches the team.
var ChatNetworks = []string{"slack", "discord", "matrix", "telegram"}

// ChatPoster posts a plain text message to a connected channel through its
// network's API. key identifies the message, so a repeated delivery of the
// same notification does not post it twice where the network can tell.
type ChatPoster interface {
	PostText(ctx context.Context, workspaceID, channelID, key, text string) error
}

// ChatArgs is the job that posts one notification to the workspace's
// team-chat channel.
type ChatArgs struct {
	WorkspaceID string `json:"workspace_id"`
	ChannelID   string `json:"channel_id"`
	Key         string `json:"key"`
	Text        string `json:"text"`
}

// Kind implements river.JobArgs.
func (ChatArgs) Kind() string { return "notify.chat" }

// InsertOpts retries a failing chat for a few hours with River's growing
// backoff.
func (ChatArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 8} }

// ChatWorker delivers ChatArgs jobs.
type ChatWorker struct {
	river.WorkerDefaults[ChatArgs]
	Service *Service
}

// Work posts the message. A chat that was switched off or moved to another
// channel since drops it; a refusal by the network is retried by River
// (the channel's health shows the error meanwhile).
func (w *ChatWorker) Work(ctx context.Context, job *river.Job[ChatArgs]) error {
	s := w.Service
	id, err := s.Store.Read().NotificationChat(ctx, job.Args.WorkspaceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && id != job.Args.ChannelID) {
		return nil
	} else if err != nil {
		return err
	}
	if s.Chat == nil {
		return river.JobCancel(errors.New("notify: no chat poster configured"))
	}
	return s.Chat.PostText(ctx, job.Args.WorkspaceID, job.Args.ChannelID, job.Args.Key, job.Args.Text)
}

// Timeout bounds one delivery attempt.
func (w *ChatWorker) Timeout(*river.Job[ChatArgs]) time.Duration { return time.Minute }

// ChatChannel returns the channel the workspace's notifications are posted
// to ("" for none). Owners and Admins only.
func (s *Service) ChatChannel(ctx context.Context, a model.Actor, workspaceID string) (string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActWorkspaceRename); err != nil {
		return "", err
	}
	id, err := s.Store.Read().NotificationChat(ctx, workspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return id, err
}

// SetChatChannel posts the workspace's notifications to a connected
// team-chat channel from now on; channelID "" stops that.
func (s *Service) SetChatChannel(ctx context.Context, a model.Actor, workspaceID, channelID string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActWorkspaceRename); err != nil {
			return err
		}
		if channelID == "" {
			if err := tx.DeleteNotificationChat(ctx, workspaceID); errors.Is(err, store.ErrNotFound) {
				return nil
			} else if err != nil {
				return err
			}
			return audit.Record(ctx, tx, a, "notify.chat.remove", "workspace", workspaceID, workspaceID, nil)
		}
		c, err := tx.ChannelByID(ctx, workspaceID, channelID)
		if errors.Is(err, store.ErrNotFound) {
			return model.Invalid("channel", "no channel with that ID in this workspace")
		} else if err != nil {
			return err
		}
		if !slices.Contains(ChatNetworks, c.Network) {
			return model.Invalid("channel", "%s is a %s channel; notifications can go to a Slack, Discord, Matrix or Telegram channel", c.Name, c.Network)
		}
		if err := tx.PutNotificationChat(ctx, workspaceID, channelID, a.UserID, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "notify.chat.set", "workspace", workspaceID, workspaceID, map[string]any{"channel": channelID})
	})
}

// enqueueChat queues the notification for the workspace's chat channel, if
// one is set.
func (s *Service) enqueueChat(ctx context.Context, tx *store.Tx, ev Event, text, link string) error {
	id, err := tx.NotificationChat(ctx, ev.WorkspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	msg := clipText(text, 900)
	if link != "" {
		msg += "\n" + s.BaseURL + link
	}
	return s.Queue.InsertTx(ctx, tx, ChatArgs{WorkspaceID: ev.WorkspaceID, ChannelID: id, Key: "ntf_" + ids.New(), Text: msg}, nil)
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
