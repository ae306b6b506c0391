package board

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// CardInput is what a person writes on a card. Every field replaces the
// card's; Due is parsed by ParseDue.
type CardInput struct {
	Title      string
	Notes      string
	PostID     string // "" for a standalone card
	AssigneeID string // "" for nobody
	Due        string // "" for none
	ColumnID   string // on creation: the column ("" for the first)
}

// DueLayouts are the forms a due date may take: an RFC 3339 instant, a
// date and time in UTC (the browser's datetime-local field), or a day
// (due at its end, 23:59 UTC).
var DueLayouts = []string{time.RFC3339, "2006-01-02T15:04", time.DateOnly}

// ParseDue reads a due date; "" is none.
func ParseDue(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range DueLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if layout == time.DateOnly {
			t = t.Add(24*time.Hour - time.Minute)
		}
		return t.UTC(), nil
	}
	return time.Time{}, model.Invalid("due", "%q is not a due date; use YYYY-MM-DD, YYYY-MM-DDTHH:MM (UTC) or an RFC 3339 time", s)
}

// Card loads one card of the workspace.
func (s *Service) Card(ctx context.Context, a model.Actor, workspaceID, id string) (model.BoardCard, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return model.BoardCard{}, err
	}
	c, err := s.Store.Read().BoardCard(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, errNoCard
	}
	return c, err
}

var errNoCard = model.NotFound("no such card on this workspace's board")

// cardTx checks the actor may edit cards, makes sure the board has its
// columns and runs fn in a transaction.
func (s *Service) cardTx(ctx context.Context, a model.Actor, workspaceID string, fn func(tx *store.Tx) error) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActBoardEdit); err != nil {
		return err
	}
	if _, err := s.Columns(ctx, a, workspaceID); err != nil {
		return err
	}
	return s.Store.InTx(ctx, fn)
}

// loadCard reads a card inside tx, mapping a miss to a not-found error.
func loadCard(ctx context.Context, tx *store.Tx, workspaceID, id string) (model.BoardCard, error) {
	c, err := tx.BoardCard(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, errNoCard
	}
	return c, err
}

// CreateCard adds a card at the end of a column (the first by default).
func (s *Service) CreateCard(ctx context.Context, a model.Actor, workspaceID string, in CardInput) (model.BoardCard, error) {
	now := s.now()
	c := model.BoardCard{ID: ids.New(), WorkspaceID: workspaceID, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	err := s.cardTx(ctx, a, workspaceID, func(tx *store.Tx) error {
		cols, err := tx.BoardColumns(ctx, workspaceID)
		if err != nil {
			return err
		}
		c.ColumnID = cols[0].ID
		if in.ColumnID != "" {
			i, err := findColumn(cols, in.ColumnID)
			if err != nil {
				return model.Invalid("column", "no such column on this workspace's board")
			}
			c.ColumnID = cols[i].ID
		}
		if err := s.fill(ctx, tx, &c, in); err != nil {
			return err
		}
		cards, err := tx.ColumnCardIDs(ctx, c.ColumnID)
		if err != nil {
			return err
		}
		c.Position = len(cards)
		if err := tx.PutBoardCard(ctx, c); err != nil {
			return err
		}
		if err := s.tellAssignee(ctx, tx, a, c, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "board.card.create", "board_card", c.ID, workspaceID, cardDetails(c))
	})
	if err != nil {
		return model.BoardCard{}, err
	}
	return s.Store.Read().BoardCard(ctx, workspaceID, c.ID)
}

// UpdateCard replaces a card's title, notes, post, assignee and due date.
// A new due date lets the assignee be reminded again.
func (s *Service) UpdateCard(ctx context.Context, a model.Actor, workspaceID, id string, in CardInput) (model.BoardCard, error) {
	err := s.cardTx(ctx, a, workspaceID, func(tx *store.Tx) error {
		c, err := loadCard(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		old := c
		if err := s.fill(ctx, tx, &c, in); err != nil {
			return err
		}
		if !c.DueAt.Equal(old.DueAt) {
			c.RemindedAt = time.Time{}
		}
		c.UpdatedAt = s.now()
		if err := tx.PutBoardCard(ctx, c); err != nil {
			return err
		}
		if err := s.tellAssignee(ctx, tx, a, c, old.AssigneeID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "board.card.update", "board_card", id, workspaceID, cardDetails(c))
	})
	if err != nil {
		return model.BoardCard{}, err
	}
	return s.Store.Read().BoardCard(ctx, workspaceID, id)
}

// fill checks in and copies it onto c: the post must be the workspace's,
// the assignee one of its members, and the due date no earlier than the
// card's creation.
func (s *Service) fill(ctx context.Context, tx *store.Tx, c *model.BoardCard, in CardInput) error {
	c.Title, c.Notes = strings.TrimSpace(in.Title), strings.TrimSpace(in.Notes)
	c.PostID, c.AssigneeID = strings.TrimSpace(in.PostID), strings.TrimSpace(in.AssigneeID)
	if n := utf8.RuneCountInString(c.Title); n == 0 || n > 200 {
		return model.Invalid("title", "give the card a title of 1 to 200 characters")
	}
	if utf8.RuneCountInString(c.Notes) > 10000 {
		return model.Invalid("notes", "keep the notes under 10,000 characters")
	}
	due, err := ParseDue(in.Due)
	if err != nil {
		return err
	}
	if !due.IsZero() && due.Before(c.CreatedAt.Truncate(time.Minute)) {
		return model.Invalid("due", "the due date (%s UTC) is before the card was created (%s UTC); pick a later time",
			due.Format("2 Jan 2006 15:04"), c.CreatedAt.Format("2 Jan 2006 15:04"))
	}
	c.DueAt = due
	if c.PostID != "" {
		if _, err := tx.PostByID(ctx, c.WorkspaceID, c.PostID); errors.Is(err, store.ErrNotFound) {
			return model.Invalid("post", "there is no post %q in this workspace", c.PostID)
		} else if err != nil {
			return err
		}
	}
	if c.AssigneeID != "" {
		if _, err := tx.MemberRole(ctx, c.WorkspaceID, c.AssigneeID); errors.Is(err, store.ErrNotFound) {
			return model.Invalid("assignee", "the person %q is not a member of this workspace", c.AssigneeID)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// tellAssignee tells a card's new assignee, unless they gave it to
// themselves or already had it.
func (s *Service) tellAssignee(ctx context.Context, tx *store.Tx, a model.Actor, c model.BoardCard, before string) error {
	if s.Notify == nil || c.AssigneeID == "" || c.AssigneeID == before || c.AssigneeID == a.UserID {
		return nil
	}
	text := fmt.Sprintf("%s gave you the card “%s”", who(a), notify.Excerpt(c.Title, 80))
	if !c.DueAt.IsZero() {
		text += ", due " + c.DueAt.Format("Mon 2 Jan 2006 15:04") + " UTC"
	}
	return s.Notify.Tell(ctx, tx, notify.Message{Kind: model.NotifyTaskAssigned, WorkspaceID: c.WorkspaceID, UserIDs: []string{c.AssigneeID},
		Subject: "Assigned to you: " + notify.Excerpt(c.Title, 60), Text: text, Link: CardLink(c.WorkspaceID, c.ID), PostID: c.PostID})
}

func who(a model.Actor) string {
	if a.Email != "" {
		return a.Email
	}
	return "Someone"
}

// CardLink is a card's place on its board.
func CardLink(workspaceID, cardID string) string {
	return "/w/" + workspaceID + "/board#card-" + cardID
}

func cardDetails(c model.BoardCard) map[string]any {
	d := map[string]any{"title": c.Title, "column": c.ColumnID, "assignee": c.AssigneeID, "post": c.PostID, "due": ""}
	if !c.DueAt.IsZero() {
		d["due"] = c.DueAt.Format(time.RFC3339)
	}
	return d
}

// MoveCard puts a card in a column at position (from 0; negative or
// beyond the end means last), shifting the others.
func (s *Service) MoveCard(ctx context.Context, a model.Actor, workspaceID, id, columnID string, position int) (model.BoardCard, error) {
	err := s.cardTx(ctx, a, workspaceID, func(tx *store.Tx) error {
		c, err := loadCard(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		cols, err := tx.BoardColumns(ctx, workspaceID)
		if err != nil {
			return err
		}
		if _, err := findColumn(cols, columnID); err != nil {
			return model.Invalid("column", "no such column on this workspace's board")
		}
		if err := placeCard(ctx, tx, c, columnID, position, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "board.card.move", "board_card", id, workspaceID, map[string]any{"title": c.Title,
			"from": c.ColumnID, "to": columnID, "position": position})
	})
	if err != nil {
		return model.BoardCard{}, err
	}
	return s.Store.Read().BoardCard(ctx, workspaceID, id)
}

// placeCard inserts c into column at position and renumbers the column,
// and the column it left.
func placeCard(ctx context.Context, tx *store.Tx, c model.BoardCard, columnID string, position int, now time.Time) error {
	list, err := tx.ColumnCardIDs(ctx, columnID)
	if err != nil {
		return err
	}
	list = without(list, c.ID)
	if position < 0 || position > len(list) {
		position = len(list)
	}
	list = append(list[:position:position], append([]string{c.ID}, list[position:]...)...)
	for i, id := range list {
		if err := tx.PlaceBoardCard(ctx, id, columnID, i, now); err != nil {
			return err
		}
	}
	if c.ColumnID == columnID {
		return nil
	}
	left, err := tx.ColumnCardIDs(ctx, c.ColumnID)
	if err != nil {
		return err
	}
	for i, id := range left {
		if err := tx.PlaceBoardCard(ctx, id, c.ColumnID, i, now); err != nil {
			return err
		}
	}
	return nil
}

func without(list []string, id string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

// DeleteCard removes a card and its checklist.
func (s *Service) DeleteCard(ctx context.Context, a model.Actor, workspaceID, id string) error {
	return s.cardTx(ctx, a, workspaceID, func(tx *store.Tx) error {
		c, err := loadCard(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteBoardCard(ctx, workspaceID, id); err != nil {
			return err
		}
		left, err := tx.ColumnCardIDs(ctx, c.ColumnID)
		if err != nil {
			return err
		}
		for i, cid := range left {
			if err := tx.PlaceBoardCard(ctx, cid, c.ColumnID, i, s.now()); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, a, "board.card.delete", "board_card", id, workspaceID, map[string]any{"title": c.Title})
	})
}
