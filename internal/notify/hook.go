package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// Hook returns the workspace's notification webhook (never its secret), or
// a zero hook when none is set. Owners and Admins only.
func (s *Service) Hook(ctx context.Context, a model.Actor, workspaceID string) (model.NotificationHook, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActWorkspaceRename); err != nil {
		return model.NotificationHook{}, err
	}
	h, err := s.Store.Read().NotificationHook(ctx, workspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return model.NotificationHook{WorkspaceID: workspaceID}, nil
	}
	return model.NotificationHook{WorkspaceID: workspaceID, URL: h.URL, UpdatedBy: h.UpdatedBy, UpdatedAt: h.UpdatedAt}, err
}

// SetHook sets the workspace's notification webhook URL. A new hook gets a
// signing secret, returned in Secret this once (like a webhook channel's);
// changing the URL keeps the secret so receivers need no new one.
func (s *Service) SetHook(ctx context.Context, a model.Actor, workspaceID, rawURL string) (model.NotificationHook, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return model.NotificationHook{}, err
	}
	return s.saveHook(ctx, a, workspaceID, u, false)
}

// RotateSecret replaces the signing secret of the workspace's webhook and
// returns the new one (in Secret) this once.
func (s *Service) RotateSecret(ctx context.Context, a model.Actor, workspaceID string) (model.NotificationHook, error) {
	return s.saveHook(ctx, a, workspaceID, "", true)
}

func (s *Service) saveHook(ctx context.Context, a model.Actor, workspaceID, u string, rotate bool) (model.NotificationHook, error) {
	var out model.NotificationHook
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActWorkspaceRename); err != nil {
			return err
		}
		old, err := tx.NotificationHook(ctx, workspaceID)
		if errors.Is(err, store.ErrNotFound) && rotate {
			return model.Conflict("url", "set a notification webhook URL first")
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		h := store.StoredHook{WorkspaceID: workspaceID, URL: u, SealedSecret: old.SealedSecret, UpdatedBy: label(a), UpdatedAt: s.now()}
		if rotate {
			h.URL = old.URL
		}
		if h.SealedSecret == "" || rotate {
			out.Secret = newSecret()
			if h.SealedSecret, err = s.Box.Seal(out.Secret); err != nil {
				return err
			}
		}
		if err := tx.PutNotificationHook(ctx, h); err != nil {
			return err
		}
		action := "notify.hook.update"
		if rotate {
			action = "notify.hook.rotate"
		}
		out = model.NotificationHook{WorkspaceID: workspaceID, URL: h.URL, Secret: out.Secret, UpdatedBy: h.UpdatedBy, UpdatedAt: h.UpdatedAt}
		return audit.Record(ctx, tx, a, action, "workspace", workspaceID, workspaceID, map[string]any{"url": h.URL})
	})
	return out, err
}

// RemoveHook stops sending events to the workspace's webhook.
func (s *Service) RemoveHook(ctx context.Context, a model.Actor, workspaceID string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActWorkspaceRename); err != nil {
			return err
		}
		if err := tx.DeleteNotificationHook(ctx, workspaceID); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("this workspace has no notification webhook")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "notify.hook.delete", "workspace", workspaceID, workspaceID, nil)
	})
}

// SendTest delivers a signed "ping" event to the workspace's webhook now,
// so a wrong URL or secret shows its error to the person who asks instead
// of in a job's retries.
func (s *Service) SendTest(ctx context.Context, a model.Actor, workspaceID string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActWorkspaceRename); err != nil {
		return err
	}
	h, err := s.Store.Read().NotificationHook(ctx, workspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return model.Conflict("url", "set a notification webhook URL first")
	} else if err != nil {
		return err
	}
	ev := payload{ID: "evt_" + ids.New(), Type: "ping", WorkspaceID: workspaceID, Status: "test",
		Message: "a test event sent from the workspace settings", At: s.now().Format(time.RFC3339)}
	body, _ := json.Marshal(ev)
	if err := s.send(ctx, h, ev.ID, body); err != nil {
		return model.Invalid("url", "the endpoint did not accept the test event: %s", deliveryMessage(err))
	}
	return nil
}

// checkURL accepts an http(s) URL without credentials, as the webhook
// channel does; private addresses are refused when calling, not here, so
// DNS changes cannot get around it.
func checkURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(raw) > 2000 {
		return "", model.Invalid("url", "enter an http(s) URL without credentials, such as https://example.com/herald-events")
	}
	return u.String(), nil
}

// newSecret makes a signing secret in the webhook channel's format.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return "whsec_" + hex.EncodeToString(b)
}

// label names who changed the hook, for the settings page.
func label(a model.Actor) string {
	if a.Email != "" {
		return a.Email
	}
	return a.Via
}
