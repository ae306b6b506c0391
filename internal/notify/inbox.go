package notify

import (
	"context"
	"errors"
	"strings"

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

// Open marks one of the caller's notifications read and returns the page
// it points to (a path on this Herald; "/notifications" when it has none).
func (s *Service) Open(ctx context.Context, a model.Actor, id string) (string, error) {
	if a.UserID == "" {
		return "", model.Unauthorized("sign in to read notifications")
	}
	if !ids.Valid(id) {
		return "", model.NotFound("no such notification")
	}
	var n model.Notification
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.OpenNotification(ctx, a.UserID, id, s.now())
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", model.NotFound("no such notification")
	} else if err != nil {
		return "", err
	}
	return localPath(n.Link, s.BaseURL), nil
}

// localPath keeps a notification link on this Herald: a path, or an
// absolute URL under base turned into its path; anything else (which
// Herald never stores) leads to the list instead of elsewhere.
func localPath(link, base string) string {
	if base != "" && strings.HasPrefix(link, strings.TrimSuffix(base, "/")+"/") {
		link = link[len(strings.TrimSuffix(base, "/")):]
	}
	if strings.HasPrefix(link, "/") && !strings.HasPrefix(link, "//") && !strings.HasPrefix(link, "/\\") {
		return link
	}
	return "/notifications"
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
