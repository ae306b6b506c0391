package calendar

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

// EntryKinds are the kinds of calendar entries.
var EntryKinds = []string{"note", "event", "holiday", "launch"}

// SaveEntry adds an entry (ID "") or changes one of the workspace's.
func (s *Service) SaveEntry(ctx context.Context, a model.Actor, workspaceID string, e model.CalendarEntry) (model.CalendarEntry, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActCalendarEdit); err != nil {
		return e, err
	}
	e.Title, e.Note = strings.TrimSpace(e.Title), strings.TrimSpace(e.Note)
	if e.Ends == "" {
		e.Ends = e.Starts
	}
	if err := checkEntry(e); err != nil {
		return e, err
	}
	now := s.now().UTC()
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		action := "calendar.entry.update"
		if e.ID == "" {
			e.ID, e.CreatedBy, e.CreatedAt, action = ids.New(), a.UserID, now, "calendar.entry.create"
		} else {
			old, err := tx.CalendarEntry(ctx, workspaceID, e.ID)
			if errors.Is(err, store.ErrNotFound) {
				return model.NotFound("no such calendar entry in this workspace")
			} else if err != nil {
				return err
			}
			e.CreatedBy, e.CreatedAt = old.CreatedBy, old.CreatedAt
		}
		e.WorkspaceID, e.UpdatedAt = workspaceID, now
		if err := tx.PutCalendarEntry(ctx, e); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, action, "calendar_entry", e.ID, workspaceID, map[string]any{"kind": e.Kind, "title": e.Title,
			"starts": e.Starts, "ends": e.Ends})
	})
	return e, err
}

func checkEntry(e model.CalendarEntry) error {
	if !slices.Contains(EntryKinds, e.Kind) {
		return model.Invalid("kind", "%q is not a kind of calendar entry; one of note, event, holiday, launch", e.Kind)
	}
	if n := utf8.RuneCountInString(e.Title); n == 0 || n > 120 {
		return model.Invalid("title", "give the entry a title of 1 to 120 characters")
	}
	if utf8.RuneCountInString(e.Note) > 2000 {
		return model.Invalid("note", "keep the note under 2,000 characters")
	}
	from, err := time.Parse(time.DateOnly, e.Starts)
	if err != nil {
		return model.Invalid("starts", "%q is not a date; use YYYY-MM-DD", e.Starts)
	}
	to, err := time.Parse(time.DateOnly, e.Ends)
	if err != nil {
		return model.Invalid("ends", "%q is not a date; use YYYY-MM-DD", e.Ends)
	}
	if to.Before(from) {
		return model.Invalid("ends", "the last day (%s) is before the first (%s)", e.Ends, e.Starts)
	}
	if to.Sub(from) > 366*24*time.Hour {
		return model.Invalid("ends", "an entry spans at most a year")
	}
	return nil
}

// DeleteEntry removes one of the workspace's calendar entries.
func (s *Service) DeleteEntry(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActCalendarEdit); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteCalendarEntry(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no such calendar entry in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "calendar.entry.delete", "calendar_entry", id, workspaceID, nil)
	})
}
