package inbox

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// Filter narrows the conversation list (store.InboxFilter without the
// workspace and clock, which the service sets).
type Filter = store.InboxFilter

// List lists the workspace's conversations by the filter.
func (s *Service) List(ctx context.Context, a model.Actor, workspaceID string, f Filter) ([]model.Conversation, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return nil, err
	}
	if err := checkFilter(&f); err != nil {
		return nil, err
	}
	f.WorkspaceID, f.Now = workspaceID, s.now()
	return s.Store.Read().ListConversations(ctx, f)
}

var (
	listStatuses   = []string{"", model.ConvOpen, model.ConvDone, model.ConvSnoozed, "all"}
	listKinds      = []string{"", model.MsgComment, model.MsgReply, model.MsgMention, model.MsgMessage, model.MsgReview}
	listSentiments = []string{"", "positive", "neutral", "negative"}
)

func checkFilter(f *Filter) error {
	switch {
	case !slices.Contains(listStatuses, f.Status):
		return model.Invalid("status", "%q is not a status; one of open, done, snoozed, all", f.Status)
	case !slices.Contains(listKinds, f.Kind):
		return model.Invalid("type", "%q is not a message type; one of comment, reply, mention, message, review", f.Kind)
	case !slices.Contains(listSentiments, f.Sentiment):
		return model.Invalid("sentiment", "%q is not a sentiment; one of positive, neutral, negative", f.Sentiment)
	case f.Unanswered < 0:
		return model.Invalid("unanswered", "give the hours as a positive number")
	case utf8.RuneCountInString(f.Search) > 200:
		return model.Invalid("q", "search for at most 200 characters")
	}
	return nil
}

// Thread is a conversation with everything its page shows.
type Thread struct {
	Conversation model.Conversation
	Messages     []model.InboxMessage
	Notes        []model.InboxNote
	Contact      model.Contact // the contact who started it, when known
	// Actions are the automatic actions rules took, by message ID.
	Actions map[string][]model.RuleActionRecord
}

// Get loads a conversation with its messages and notes, and marks it read.
func (s *Service) Get(ctx context.Context, a model.Actor, workspaceID, id string) (Thread, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return Thread{}, err
	}
	var th Thread
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.ConversationByID(ctx, workspaceID, id)
		if errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no conversation with that ID in this workspace")
		} else if err != nil {
			return err
		}
		if c.Unread > 0 {
			c.Unread = 0
			if err := tx.UpdateConversation(ctx, c, c.UpdatedAt); err != nil {
				return err
			}
		}
		th.Conversation = c
		if th.Messages, err = tx.ConversationMessages(ctx, c.ID); err != nil {
			return err
		}
		if th.Notes, err = tx.InboxNotes(ctx, c.ID); err != nil {
			return err
		}
		if th.Actions, err = tx.ConversationRuleActions(ctx, c.ID); err != nil {
			return err
		}
		contactID := c.ContactID
		for _, m := range th.Messages {
			if contactID == "" && m.Direction == "in" && m.ContactID != "" {
				contactID = m.ContactID
			}
		}
		if contactID != "" {
			if th.Contact, err = tx.Contact(ctx, workspaceID, contactID); errors.Is(err, store.ErrNotFound) {
				err = nil
			}
		}
		return err
	})
	return th, err
}

// Change is one edit to conversations by the team; nil fields stay.
type Change struct {
	Status     *string    // open, done, snoozed
	Until      *time.Time // snooze until
	AssigneeID *string    // "" unassigns
	Priority   *int
	AddTags    []string
	RemoveTags []string
}

// Update applies a change to one or more of the workspace's conversations
// (bulk actions), all or none.
func (s *Service) Update(ctx context.Context, a model.Actor, workspaceID string, ids []string, ch Change) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxManage); err != nil {
		return err
	}
	if len(ids) == 0 || len(ids) > 500 {
		return model.Invalid("ids", "choose 1 to 500 conversations")
	}
	if err := s.checkChange(ctx, workspaceID, &ch); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		now := s.now()
		for _, id := range ids {
			c, err := tx.ConversationByID(ctx, workspaceID, id)
			if errors.Is(err, store.ErrNotFound) {
				return model.NotFound("no conversation %s in this workspace", id)
			} else if err != nil {
				return err
			}
			applyChange(&c, ch, now)
			if err := tx.UpdateConversation(ctx, c, now); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, a, "inbox.update", "conversation", c.ID, workspaceID, changeDetails(ch)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Service) checkChange(ctx context.Context, workspaceID string, ch *Change) error {
	if ch.Status != nil {
		switch *ch.Status {
		case model.ConvOpen, model.ConvDone:
		case model.ConvSnoozed:
			if ch.Until == nil || !ch.Until.After(s.now()) {
				return model.Invalid("until", "snooze until a time in the future")
			}
		default:
			return model.Invalid("status", "%q is not a status; one of open, done, snoozed", *ch.Status)
		}
	}
	if ch.Priority != nil && (*ch.Priority < 0 || *ch.Priority > 2) {
		return model.Invalid("priority", "priority is 0 (normal), 1 (high) or 2 (urgent)")
	}
	for i, t := range ch.AddTags {
		t = strings.TrimSpace(t)
		if t == "" || utf8.RuneCountInString(t) > 40 {
			return model.Invalid("tags", "a tag is 1 to 40 characters")
		}
		ch.AddTags[i] = t
	}
	if ch.AssigneeID != nil && *ch.AssigneeID != "" {
		if _, err := s.Store.Read().MemberRole(ctx, workspaceID, *ch.AssigneeID); errors.Is(err, store.ErrNotFound) {
			return model.Invalid("assignee_id", "%q is not a member of this workspace", *ch.AssigneeID)
		} else if err != nil {
			return err
		}
	}
	return nil
}

func applyChange(c *model.Conversation, ch Change, now time.Time) {
	if ch.Status != nil {
		c.Status, c.SnoozedUntil = *ch.Status, time.Time{}
		switch *ch.Status {
		case model.ConvDone:
			c.ResolvedAt, c.Unread = now, 0
		case model.ConvSnoozed:
			c.SnoozedUntil = *ch.Until
		case model.ConvOpen:
			c.ResolvedAt = time.Time{}
		}
	}
	if ch.AssigneeID != nil {
		c.AssigneeID = *ch.AssigneeID
	}
	if ch.Priority != nil {
		c.Priority = *ch.Priority
	}
	for _, t := range ch.AddTags {
		if !slices.Contains(c.Tags, t) {
			c.Tags = append(c.Tags, t)
		}
	}
	c.Tags = slices.DeleteFunc(c.Tags, func(t string) bool { return slices.Contains(ch.RemoveTags, t) })
}

func changeDetails(ch Change) map[string]any {
	d := map[string]any{}
	if ch.Status != nil {
		d["status"] = *ch.Status
	}
	if ch.AssigneeID != nil {
		d["assignee"] = *ch.AssigneeID
	}
	if ch.Priority != nil {
		d["priority"] = *ch.Priority
	}
	if len(ch.AddTags) > 0 {
		d["add_tags"] = ch.AddTags
	}
	if len(ch.RemoveTags) > 0 {
		d["remove_tags"] = ch.RemoveTags
	}
	return d
}

// Note adds an internal note to a conversation; it is never sent.
func (s *Service) Note(ctx context.Context, a model.Actor, workspaceID, conversationID, body string) (model.InboxNote, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxManage); err != nil {
		return model.InboxNote{}, err
	}
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > 5000 {
		return model.InboxNote{}, model.Invalid("body", "a note is 1 to 5,000 characters")
	}
	n := model.InboxNote{ID: ids.New(), ConversationID: conversationID, WorkspaceID: workspaceID, UserID: a.UserID, Body: body, CreatedAt: s.now()}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ConversationByID(ctx, workspaceID, conversationID); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no conversation with that ID in this workspace")
		} else if err != nil {
			return err
		}
		if err := tx.AddInboxNote(ctx, n); err != nil {
			return err
		}
		if err := tx.TouchConversation(ctx, conversationID, n.CreatedAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "inbox.note", "conversation", conversationID, workspaceID, nil)
	})
	return n, err
}

// Unread counts unread messages per channel in the workspace.
func (s *Service) Unread(ctx context.Context, a model.Actor, workspaceID string) (map[string]int, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return nil, err
	}
	return s.Store.Read().UnreadByChannel(ctx, workspaceID)
}

// Changed returns a token that changes whenever the workspace's inbox
// does, for live updates (server-sent events) without a shared bus
// between Herald processes.
func (s *Service) Changed(ctx context.Context, a model.Actor, workspaceID string) (string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return "", err
	}
	return s.Store.Read().InboxChange(ctx, workspaceID)
}

// CursorAfter is the list cursor that continues after conversation c.
func CursorAfter(c model.Conversation) string {
	return c.LastMessageAt.UTC().Format(store.TimeLayout) + "_" + c.ID
}

// ValidCursor reports whether s is a cursor CursorAfter made.
func ValidCursor(s string) bool {
	at, id, ok := strings.Cut(s, "_")
	if _, err := time.Parse(store.TimeLayout, at); err != nil || !ok {
		return false
	}
	return ids.Valid(id)
}

// Latest returns the newest inbound message of each conversation, for the
// rows of the list.
func (s *Service) Latest(ctx context.Context, a model.Actor, workspaceID string, conversationIDs []string) (map[string]model.InboxMessage, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return nil, err
	}
	out, err := s.Store.Read().LatestInbound(ctx, conversationIDs)
	if err != nil {
		return nil, err
	}
	for id, m := range out {
		if m.WorkspaceID != workspaceID {
			delete(out, id)
		}
	}
	return out, nil
}
