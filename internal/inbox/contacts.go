package inbox

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/store"
)

// Contacts lists the workspace's contacts whose name contains search.
func (s *Service) Contacts(ctx context.Context, a model.Actor, workspaceID, search string) ([]model.Contact, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return nil, err
	}
	return s.Store.Read().ListContacts(ctx, workspaceID, strings.TrimSpace(search), 100)
}

// ContactHistory is a contact with every message they wrote.
type ContactHistory struct {
	Contact  model.Contact
	Messages []model.InboxMessage
}

// Contact loads a contact and their history.
func (s *Service) Contact(ctx context.Context, a model.Actor, workspaceID, id string) (ContactHistory, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return ContactHistory{}, err
	}
	return s.history(ctx, s.Store.Read(), workspaceID, id)
}

func (s *Service) history(ctx context.Context, q *store.Queries, workspaceID, id string) (ContactHistory, error) {
	c, err := q.Contact(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return ContactHistory{}, model.NotFound("no contact with that ID in this workspace")
	} else if err != nil {
		return ContactHistory{}, err
	}
	msgs, err := q.ContactMessages(ctx, workspaceID, id)
	return ContactHistory{Contact: c, Messages: msgs}, err
}

// UpdateContact changes a contact's name, notes, tags and VIP flag.
func (s *Service) UpdateContact(ctx context.Context, a model.Actor, workspaceID string, c model.Contact) (model.Contact, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxManage); err != nil {
		return c, err
	}
	c.Name, c.Notes = strings.TrimSpace(c.Name), strings.TrimSpace(c.Notes)
	switch {
	case c.Name == "" || utf8.RuneCountInString(c.Name) > 200:
		return c, model.Invalid("name", "a contact's name is 1 to 200 characters")
	case utf8.RuneCountInString(c.Notes) > 5000:
		return c, model.Invalid("notes", "notes are at most 5,000 characters")
	case len(c.Tags) > 20:
		return c, model.Invalid("tags", "at most 20 tags")
	}
	for _, t := range c.Tags {
		if t == "" || utf8.RuneCountInString(t) > 40 {
			return c, model.Invalid("tags", "a tag is 1 to 40 characters")
		}
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.Contact(ctx, workspaceID, c.ID)
		if errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no contact with that ID in this workspace")
		} else if err != nil {
			return err
		}
		c.WorkspaceID, c.Handles, c.Followers, c.CreatedAt = workspaceID, old.Handles, old.Followers, old.CreatedAt
		if err := tx.UpdateContact(ctx, c, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "contact.update", "contact", c.ID, workspaceID, map[string]any{"vip": c.VIP})
	})
	return c, err
}

// MergeContacts makes one contact of two: the second's handles, messages
// and conversations move to the first, which keeps its name and notes.
func (s *Service) MergeContacts(ctx context.Context, a model.Actor, workspaceID, into, from string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxManage); err != nil {
		return err
	}
	if into == from {
		return model.Invalid("from", "choose two different contacts to merge")
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range []string{into, from} {
			if _, err := tx.Contact(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
				return model.NotFound("no contact %s in this workspace", id)
			} else if err != nil {
				return err
			}
		}
		if err := tx.MergeContacts(ctx, workspaceID, into, from); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "contact.merge", "contact", into, workspaceID, map[string]any{"merged": from})
	})
}

// Export is everything Herald holds about a contact (GDPR access): the
// contact with its handles, what they wrote, the team's replies in their
// conversations and the internal notes there.
type Export struct {
	Contact  model.Contact        `json:"contact"`
	Messages []model.InboxMessage `json:"messages"`
	Replies  []model.InboxMessage `json:"replies"`
	Notes    []model.InboxNote    `json:"notes"`
}

// ExportContact returns everything Herald holds about a contact.
func (s *Service) ExportContact(ctx context.Context, a model.Actor, workspaceID, id string) (Export, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActContactPrivacy); err != nil {
		return Export{}, err
	}
	q := s.Store.Read()
	h, err := s.history(ctx, q, workspaceID, id)
	if err != nil {
		return Export{}, err
	}
	ex := Export{Contact: h.Contact, Messages: h.Messages}
	seen := map[string]bool{}
	for _, m := range h.Messages {
		if seen[m.ConversationID] {
			continue
		}
		seen[m.ConversationID] = true
		all, err := q.ConversationMessages(ctx, m.ConversationID)
		if err != nil {
			return ex, err
		}
		for _, r := range all {
			if r.Direction == "out" && (r.ParentRemoteID == "" || mentionsAuthor(h.Messages, r.ParentRemoteID)) {
				ex.Replies = append(ex.Replies, r)
			}
		}
		notes, err := q.InboxNotes(ctx, m.ConversationID)
		if err != nil {
			return ex, err
		}
		ex.Notes = append(ex.Notes, notes...)
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, a, "contact.export", "contact", id, workspaceID, map[string]any{"messages": len(h.Messages)})
	})
	return ex, err
}

// EraseContact deletes a contact and everything they wrote (GDPR
// erasure); the audit log keeps that it happened, not what they said.
func (s *Service) EraseContact(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActContactPrivacy); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.EraseContact(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no contact with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "contact.erase", "contact", id, workspaceID, nil)
	})
}

// mentionsAuthor reports whether remoteID is one of the contact's messages
// (the team's reply answered them).
func mentionsAuthor(theirs []model.InboxMessage, remoteID string) bool {
	for _, m := range theirs {
		if m.RemoteID == remoteID {
			return true
		}
	}
	return false
}
