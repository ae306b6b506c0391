package notify

import (
	"context"

	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// MaxPage is the most notifications one List returns.
const MaxPage = 100

// List returns the caller's notifications newest first: up to limit (1 to
// MaxPage), older than the notification ID before ("" for the newest),
// only unread ones when unreadOnly.
func (s *Service) List(ctx context.Context, a model.Actor, unreadOnly bool, before string, limit int) ([]model.Notification, error) {
	if a.UserID == "" {
		return nil, model.Unauthorized("sign in to read notifications")
	}
	if before != "" && !ids.Valid(before) {
		return nil, model.Invalid("cursor", "the cursor is not a notification ID")
	}
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	return s.Store.Read().Notifications(ctx, a.UserID, unreadOnly, before, limit)
}

// Unread counts the caller's unread notifications (the bell's number).
func (s *Service) Unread(ctx context.Context, a model.Actor) (int, error) {
	if a.UserID == "" {
		return 0, nil
	}
	return s.Store.Read().UnreadNotifications(ctx, a.UserID)
}

// MarkRead marks the caller's notifications named by idList read, or all
// of them when idList is empty, and returns how many changed. IDs of other
// people's notifications change nothing.
func (s *Service) MarkRead(ctx context.Context, a model.Actor, idList []string) (int, error) {
	if a.UserID == "" {
		return 0, model.Unauthorized("sign in to read notifications")
	}
	if len(idList) > MaxPage {
		return 0, model.Invalid("ids", "mark at most %d notifications at once, or all of them", MaxPage)
	}
	for _, id := range idList {
		if !ids.Valid(id) {
			return 0, model.Invalid("ids", "%q is not a notification ID", id)
		}
	}
	n := 0
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.MarkNotificationsRead(ctx, a.UserID, idList, s.now())
		return err
	})
	return n, err
}
