package inbox

import (
	"context"
	"errors"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// HideMessage hides a message, or deletes it (op "delete"), as a member:
// at once in Herald, and on the network by the same job the rules use,
// logged like a rule's action so it can be undone where that is possible
// (a hide in Herald; never a deletion on the network).
func (s *Service) HideMessage(ctx context.Context, a model.Actor, workspaceID, messageID, op string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxManage); err != nil {
		return err
	}
	if op != model.RuleHide && op != model.RuleDelete {
		return model.Invalid("op", "%q is not a moderation; one of hide, delete", op)
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		m, err := tx.InboxMessage(ctx, workspaceID, messageID)
		if errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no message with that ID in this workspace")
		} else if err != nil {
			return err
		}
		switch {
		case m.Direction != "in":
			return model.Invalid("message", "only messages from others can be hidden or deleted here")
		case !m.DeletedAt.IsZero():
			return model.Conflict("message", "this message was already deleted on the network")
		case op == model.RuleHide && !m.HiddenAt.IsZero():
			return model.Conflict("message", "this message is already hidden")
		}
		now := s.now()
		rec := model.RuleActionRecord{ID: ids.New(), WorkspaceID: workspaceID, MessageID: m.ID, CreatedAt: now,
			Action: model.RuleAction{Type: op, Rule: "by " + a.Email, Note: pendingNote(op)}}
		if op == model.RuleHide {
			rec.Undo = &model.RuleUndo{Unhide: true}
		}
		if m.HiddenAt.IsZero() {
			if err := tx.SetMessagesHidden(ctx, []string{m.ID}, now); err != nil {
				return err
			}
		}
		if err := tx.InsertRuleActions(ctx, []model.RuleActionRecord{rec}); err != nil {
			return err
		}
		if err := tx.TouchConversation(ctx, m.ConversationID, now); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, a, "inbox."+op, "conversation", m.ConversationID, workspaceID, map[string]any{"message": m.ID}); err != nil {
			return err
		}
		if s.Queue == nil {
			return errors.New("inbox: no job queue to moderate on the network")
		}
		return s.Queue.InsertTx(ctx, tx, ModerateArgs{WorkspaceID: workspaceID, ChannelID: m.ChannelID,
			Items: []ModerateItem{{MessageID: m.ID, ActionID: rec.ID, Op: op}}}, nil)
	})
}
