package inbox

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// Sender answers and reacts through a channel's connector.
type Sender interface {
	Reply(ctx context.Context, workspaceID, channelID string, parent provider.Interaction, text string) (provider.RemotePost, error)
	React(ctx context.Context, workspaceID, channelID string, target provider.Interaction, reaction string) error
}

// Enqueuer inserts jobs in the caller's transaction.
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// maxReply bounds a reply's text; each network's own limit is checked by
// its connector when sending.
const maxReply = 5000

// Reply answers a conversation as its channel: to parentID, or to the
// newest inbound message when parentID is "". It is sent by a job, after
// approval when the workspace wants approval for the replier's role. A
// message deleted on the network cannot be answered.
func (s *Service) Reply(ctx context.Context, a model.Actor, workspaceID, conversationID, parentID, text string) (model.InboxMessage, error) {
	role, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxReply)
	if err != nil {
		return model.InboxMessage{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return model.InboxMessage{}, model.Invalid("text", "write a reply")
	}
	if n := utf8.RuneCountInString(text); n > maxReply {
		return model.InboxMessage{}, model.Invalid("text", "a reply is at most %d characters (this one has %d)", maxReply, n)
	}
	var out model.InboxMessage
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		conv, parent, err := s.replyTarget(ctx, tx, workspaceID, conversationID, parentID)
		if err != nil {
			return err
		}
		settings, err := tx.InboxSettings(ctx, workspaceID)
		if err != nil {
			return err
		}
		now := s.now()
		author := a.Email
		if u, err := tx.UserByID(ctx, a.UserID); err == nil {
			author = u.Name
		}
		out = model.InboxMessage{ID: ids.New(), ConversationID: conv.ID, WorkspaceID: workspaceID, ChannelID: conv.ChannelID,
			RemoteID: "herald-out:" + ids.New(), ParentRemoteID: parent.RemoteID, Kind: model.MsgReply, Direction: "out",
			Author: author, Text: text, SentBy: a.UserID, State: "sending", CreatedAt: now, ReceivedAt: now}
		if slices.Contains(settings.ReplyApprovalRoles, role) {
			out.State = "pending_approval"
		}
		if _, err := tx.InsertMessages(ctx, []model.InboxMessage{out}); err != nil {
			return err
		}
		if err := tx.TouchConversation(ctx, conv.ID, now); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, a, "inbox.reply", "conversation", conv.ID, workspaceID,
			map[string]any{"message": out.ID, "state": out.State}); err != nil {
			return err
		}
		if out.State == "pending_approval" {
			return nil
		}
		return s.sendLater(ctx, tx, out)
	})
	return out, err
}

// replyTarget loads the conversation and the message answered.
func (s *Service) replyTarget(ctx context.Context, tx *store.Tx, workspaceID, conversationID, parentID string) (model.Conversation, model.InboxMessage, error) {
	conv, err := tx.ConversationByID(ctx, workspaceID, conversationID)
	if errors.Is(err, store.ErrNotFound) {
		return conv, model.InboxMessage{}, model.NotFound("no conversation with that ID in this workspace")
	} else if err != nil {
		return conv, model.InboxMessage{}, err
	}
	msgs, err := tx.ConversationMessages(ctx, conv.ID)
	if err != nil {
		return conv, model.InboxMessage{}, err
	}
	var parent model.InboxMessage
	for _, m := range msgs {
		if (parentID != "" && m.ID == parentID) || (parentID == "" && m.Direction == "in" && countsAsInbound(m)) {
			parent = m
		}
	}
	switch {
	case parent.ID == "" && parentID != "":
		return conv, parent, model.Invalid("parent_id", "no message with that ID in this conversation")
	case parent.ID == "":
		return conv, parent, model.Conflict("parent_id", "this conversation has no message to answer")
	case !parent.DeletedAt.IsZero():
		return conv, parent, model.Conflict("parent_id", "this message was deleted on the network; it can no longer be answered")
	case parent.Direction == "in" && parent.Kind == model.MsgLike:
		return conv, parent, model.Invalid("parent_id", "a like cannot be answered; answer a comment")
	}
	return conv, parent, nil
}

// ApproveReply sends a reply that waited for approval, or rejects it.
func (s *Service) ApproveReply(ctx context.Context, a model.Actor, workspaceID, messageID string, approve bool) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxApprove); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		m, err := tx.InboxMessage(ctx, workspaceID, messageID)
		if errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no reply with that ID in this workspace")
		} else if err != nil {
			return err
		}
		if m.State != "pending_approval" {
			return model.Conflict("state", "this reply is not waiting for approval (it is %s)", strings.ReplaceAll(m.State, "_", " "))
		}
		if m.SentBy == a.UserID {
			return model.Forbidden("nobody approves their own reply")
		}
		state, action := "sending", "inbox.reply.approve"
		if !approve {
			state, action = "rejected", "inbox.reply.reject"
		}
		if err := tx.SetMessageState(ctx, m.ID, state, ""); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, a, action, "conversation", m.ConversationID, workspaceID, map[string]any{"message": m.ID}); err != nil {
			return err
		}
		if !approve {
			return nil
		}
		m.State = state
		return s.sendLater(ctx, tx, m)
	})
}

// sendLater enqueues the job that sends an outbound message.
func (s *Service) sendLater(ctx context.Context, tx *store.Tx, m model.InboxMessage) error {
	if s.Queue == nil {
		return errors.New("inbox: no job queue to send replies")
	}
	return s.Queue.InsertTx(ctx, tx, SendReplyArgs{WorkspaceID: m.WorkspaceID, MessageID: m.ID}, nil)
}

// SendReplyArgs is the job that sends one reply.
type SendReplyArgs struct {
	WorkspaceID string `json:"workspace_id"`
	MessageID   string `json:"message_id"`
}

// Kind implements river.JobArgs.
func (SendReplyArgs) Kind() string { return "inbox.send_reply" }

// InsertOpts retries transient failures a few times.
func (SendReplyArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 6} }

// SendReplyWorker runs SendReplyArgs jobs.
type SendReplyWorker struct {
	river.WorkerDefaults[SendReplyArgs]
	Service *Service
}

// Work sends the reply.
func (w *SendReplyWorker) Work(ctx context.Context, job *river.Job[SendReplyArgs]) error {
	return w.Service.send(ctx, job.Args.WorkspaceID, job.Args.MessageID)
}

// Timeout bounds one attempt.
func (w *SendReplyWorker) Timeout(*river.Job[SendReplyArgs]) time.Duration { return time.Minute }

// send delivers an outbound message once: only from "sending"; a network
// refusal or an unknown outcome ends it as failed with the reason (an
// unknown outcome is never sent again blindly, since it may be out).
func (s *Service) send(ctx context.Context, workspaceID, messageID string) error {
	m, err := s.Store.Read().InboxMessage(ctx, workspaceID, messageID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if m.State != "sending" {
		return nil
	}
	parents, err := s.Store.Read().MessagesByRemote(ctx, m.ChannelID, []string{m.ParentRemoteID})
	if err != nil {
		return err
	}
	if len(parents) == 0 {
		return s.setState(ctx, m.ID, "failed", "the message it answered is gone from Herald")
	}
	if !parents[0].DeletedAt.IsZero() {
		return s.setState(ctx, m.ID, "failed", "the message it answered was deleted on the network; not sent")
	}
	if s.Sender == nil {
		return errors.New("inbox: no sender")
	}
	conv, err := s.Store.Read().ConversationByID(ctx, workspaceID, m.ConversationID)
	if err != nil {
		return err
	}
	parent := interactionOf(parents[0])
	parent.RootID = conv.RootRemoteID
	remote, err := s.Sender.Reply(ctx, workspaceID, m.ChannelID, parent, m.Text)
	switch provider.TraitOf(err) {
	case 0:
		if err != nil {
			return err // internal: the job retries
		}
	case provider.Transient, provider.RateLimited:
		return err
	default:
		msg := err.Error()
		if pe := provider.AsError(err); pe != nil && pe.Message != "" {
			msg = pe.Message
		}
		if provider.TraitOf(err) == provider.Unknown {
			msg = "the network did not say whether the reply arrived; check the thread before sending it again (" + msg + ")"
		}
		return s.setState(ctx, m.ID, "failed", msg)
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.MarkReplySent(ctx, m.ID, remote.ID, remote.URL, s.now()); err != nil {
			return err
		}
		if m.Automatic {
			return nil
		}
		return tx.ConversationAnswered(ctx, m.ConversationID, s.now())
	})
}

// interactionOf is the network's view of a stored message, for replying
// to it or reacting to it.
func interactionOf(m model.InboxMessage) provider.Interaction {
	return provider.Interaction{Kind: m.Kind, ID: m.RemoteID, ParentID: m.ParentRemoteID, AuthorID: m.AuthorRemoteID, Author: m.Author,
		Text: m.Text, CreatedAt: m.CreatedAt, URL: m.URL}
}

func (s *Service) setState(ctx context.Context, id, state, msg string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.SetMessageState(ctx, id, state, msg) })
}

// React likes or reacts to a message as the channel, at once (the
// network answers in the request; a refusal comes back as its words).
func (s *Service) React(ctx context.Context, a model.Actor, workspaceID, messageID, reaction string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxReply); err != nil {
		return err
	}
	if reaction == "" {
		reaction = "+"
	}
	if utf8.RuneCountInString(reaction) > 8 {
		return model.Invalid("reaction", "a reaction is one emoji, or + for a like")
	}
	m, err := s.Store.Read().InboxMessage(ctx, workspaceID, messageID)
	if errors.Is(err, store.ErrNotFound) {
		return model.NotFound("no message with that ID in this workspace")
	} else if err != nil {
		return err
	}
	if !m.DeletedAt.IsZero() {
		return model.Conflict("message", "this message was deleted on the network; it can no longer be reacted to")
	}
	if m.Direction != "in" {
		return model.Invalid("message", "react to someone else's message, not the channel's own")
	}
	if s.Sender == nil {
		return errors.New("inbox: no sender")
	}
	key := "herald-react:" + m.ID + ":" + reaction
	if done, err := s.Store.Read().MessagesByRemote(ctx, m.ChannelID, []string{key}); err != nil {
		return err
	} else if len(done) > 0 {
		return model.Conflict("reaction", "the channel already reacted with %s to this message", reaction)
	}
	if err := s.Sender.React(ctx, workspaceID, m.ChannelID, interactionOf(m), reaction); err != nil {
		if pe := provider.AsError(err); pe != nil && pe.Trait != provider.Transient {
			return model.Conflict("reaction", "the network refused: %s", pe.Message)
		}
		return err
	}
	now := s.now()
	kind := model.MsgReaction
	if reaction == "+" {
		kind = model.MsgLike
	}
	// The reaction is kept in the thread, so the page shows it and a
	// second click does not react twice.
	mark := model.InboxMessage{ID: ids.New(), ConversationID: m.ConversationID, WorkspaceID: workspaceID, ChannelID: m.ChannelID,
		RemoteID: key, ParentRemoteID: m.RemoteID, Kind: kind, Direction: "out", Reaction: reaction, SentBy: a.UserID, State: "sent",
		CreatedAt: now, ReceivedAt: now}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.InsertMessages(ctx, []model.InboxMessage{mark}); err != nil {
			return err
		}
		if err := tx.TouchConversation(ctx, m.ConversationID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "inbox.react", "conversation", m.ConversationID, workspaceID, map[string]any{"message": m.ID, "reaction": reaction})
	})
}
