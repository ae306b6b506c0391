package board

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

var errNoItem = model.NotFound("no such checklist item on this card")

// AddChecklistItem appends an item to a card's checklist.
func (s *Service) AddChecklistItem(ctx context.Context, a model.Actor, workspaceID, cardID, text string) (model.ChecklistItem, error) {
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n == 0 || n > 200 {
		return model.ChecklistItem{}, model.Invalid("text", "give the checklist item a text of 1 to 200 characters")
	}
	it := model.ChecklistItem{ID: ids.New(), CardID: cardID, Text: text, CreatedAt: s.now()}
	err := s.cardTx(ctx, a, workspaceID, func(tx *store.Tx) error {
		c, err := loadCard(ctx, tx, workspaceID, cardID)
		if err != nil {
			return err
		}
		if len(c.Checklist) >= MaxChecklist {
			return model.Invalid("text", "a checklist holds at most %d items", MaxChecklist)
		}
		it.Position = len(c.Checklist)
		if err := tx.AddChecklistItem(ctx, it); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "board.checklist.add", "board_card", cardID, workspaceID, map[string]any{"item": it.ID, "text": text})
	})
	return it, err
}

// SetChecklistItem ticks (done) or unticks an item of a card's checklist.
func (s *Service) SetChecklistItem(ctx context.Context, a model.Actor, workspaceID, cardID, itemID string, done bool) error {
	return s.cardTx(ctx, a, workspaceID, func(tx *store.Tx) error {
		if _, err := loadCard(ctx, tx, workspaceID, cardID); err != nil {
			return err
		}
		if err := tx.SetChecklistItemDone(ctx, cardID, itemID, done); errors.Is(err, store.ErrNotFound) {
			return errNoItem
		} else if err != nil {
			return err
		}
		action := "board.checklist.untick"
		if done {
			action = "board.checklist.tick"
		}
		return audit.Record(ctx, tx, a, action, "board_card", cardID, workspaceID, map[string]any{"item": itemID})
	})
}

// DeleteChecklistItem removes an item of a card's checklist.
func (s *Service) DeleteChecklistItem(ctx context.Context, a model.Actor, workspaceID, cardID, itemID string) error {
	return s.cardTx(ctx, a, workspaceID, func(tx *store.Tx) error {
		if _, err := loadCard(ctx, tx, workspaceID, cardID); err != nil {
			return err
		}
		if err := tx.DeleteChecklistItem(ctx, cardID, itemID); errors.Is(err, store.ErrNotFound) {
			return errNoItem
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "board.checklist.delete", "board_card", cardID, workspaceID, map[string]any{"item": itemID})
	})
}
