package calendar

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// ErrNoShare answers a share link that does not work (unknown, changed,
// expired or revoked), saying nothing more.
var ErrNoShare = errors.New("calendar: no such shared calendar")

// CreateShare makes a read-only link to the workspace's calendar, valid
// for days (1 to 365), and returns its token, shown this once. With
// canReview its holder may also review posts waiting for approval.
func (s *Service) CreateShare(ctx context.Context, a model.Actor, workspaceID, name string, days int, canReview bool) (model.CalendarShare, string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActCalendarShare); err != nil {
		return model.CalendarShare{}, "", err
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > 60 {
		return model.CalendarShare{}, "", model.Invalid("name", "name the link (1 to 60 characters), e.g. the client it is for")
	}
	if days < 1 || days > 365 {
		return model.CalendarShare{}, "", model.Invalid("days", "a link lasts 1 to 365 days")
	}
	now := s.now().UTC()
	token := secret.Token()
	c := model.CalendarShare{ID: ids.New(), WorkspaceID: workspaceID, Name: name, CreatedBy: a.UserID, CreatedAt: now,
		ExpiresAt: now.AddDate(0, 0, days), CanReview: canReview}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCalendarShare(ctx, c, secret.Hash(token)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "calendar.share.create", "calendar_share", c.ID, workspaceID, map[string]any{"name": name, "days": days, "can_review": canReview})
	})
	return c, token, err
}

// Shares lists the workspace's share links.
func (s *Service) Shares(ctx context.Context, a model.Actor, workspaceID string) ([]model.CalendarShare, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActCalendarShare); err != nil {
		return nil, err
	}
	return s.Store.Read().CalendarShares(ctx, workspaceID)
}

// RevokeShare ends a share link now.
func (s *Service) RevokeShare(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActCalendarShare); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeCalendarShare(ctx, workspaceID, id, s.now()); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no live link with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "calendar.share.revoke", "calendar_share", id, workspaceID, nil)
	})
}

// SharedView is the calendar a share link shows: month or list views of
// the posts and entries, in each channel's zone, with nothing to change.
func (s *Service) SharedView(ctx context.Context, token string, q Query) (View, model.CalendarShare, error) {
	c, err := s.LiveShare(ctx, token)
	if err != nil {
		return View{}, c, err
	}
	if q.Mode != List {
		q.Mode = Month
	}
	if _, err := time.Parse(time.DateOnly, q.Date); err != nil {
		q.Date = ""
	}
	v, err := s.build(ctx, c.WorkspaceID, Query{Mode: q.Mode, Date: q.Date})
	return v, c, err
}

// LiveShare finds the live share link a token opens, or ErrNoShare.
func (s *Service) LiveShare(ctx context.Context, token string) (model.CalendarShare, error) {
	if len(token) < 20 || len(token) > 100 {
		return model.CalendarShare{}, ErrNoShare
	}
	c, err := s.Store.Read().LiveCalendarShare(ctx, secret.Hash(token), s.now().UTC())
	if errors.Is(err, store.ErrNotFound) {
		return c, ErrNoShare
	}
	return c, err
}
