package api_test

import (
	"context"
	"net/http"
	"testing"

	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// reconnectNotice records a "needs reconnect" notification for the
// workspace's managers, as the channel service does.
func (h *harness) reconnectNotice(wsID, msg string) {
	h.t.Helper()
	ctx := context.Background()
	err := h.app.Store.InTx(ctx, func(tx *store.Tx) error {
		return h.app.Notify.Notify(ctx, tx, notify.Event{Kind: model.NotifyChannelReconnect, WorkspaceID: wsID, ChannelID: ids.New(),
			Status: "needs_reconnect", Message: msg})
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func TestNotificationsAPI(t *testing.T) {
	each(t, func(h *harness) {
		u := h.admin("owner@example.com")
		w, err := h.app.Workspaces.Create(context.Background(), actorOf(u), "Acme")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"first", "second", "third"} {
			h.reconnectNotice(w.ID, m)
		}
		reader := h.token(u, model.ScopeAccountRead)
		tok := h.token(u)

		r := h.do(http.MethodGet, "/api/v1/notifications?limit=2", reader, nil).want(t, http.StatusOK)
		items, next := r.list()
		if len(items) != 2 || next == "" || items[0]["kind"] != "channel_needs_reconnect" || items[0]["read_at"] != nil || items[0]["post_id"] != nil {
			t.Fatalf("first page: %s", r.body)
		}
		if items[0]["text"] != "a channel needs reconnecting; posts to it fail until then: third" {
			t.Fatalf("newest first: %v", items[0]["text"])
		}
		r = h.do(http.MethodGet, "/api/v1/notifications?limit=2&cursor="+next, reader, nil).want(t, http.StatusOK)
		if rest, end := r.list(); len(rest) != 1 || end != "" {
			t.Fatalf("second page: %s", r.body)
		}
		h.do(http.MethodGet, "/api/v1/notifications?unread=maybe", reader, nil).wantProblem(t, http.StatusBadRequest, "validation", "unread")

		// Marking read needs its own scope.
		h.do(http.MethodPost, "/api/v1/notifications/read", reader, map[string]any{"all": true}).want(t, http.StatusForbidden)
		h.do(http.MethodPost, "/api/v1/notifications/read", tok, map[string]any{}).wantProblem(t, http.StatusBadRequest, "validation", "ids")
		h.do(http.MethodPost, "/api/v1/notifications/read", tok, map[string]any{"ids": []string{"nope"}}).wantProblem(t, http.StatusBadRequest, "validation", "ids")
		r = h.do(http.MethodPost, "/api/v1/notifications/read", tok, map[string]any{"ids": []string{items[0]["id"].(string)}}).want(t, http.StatusOK)
		if r.json["marked"] != float64(1) || r.json["unread"] != float64(2) {
			t.Fatalf("mark one: %s", r.body)
		}
		r = h.do(http.MethodGet, "/api/v1/notifications?unread=true", reader, nil).want(t, http.StatusOK)
		if unread, _ := r.list(); len(unread) != 2 {
			t.Fatalf("unread after marking one: %s", r.body)
		}

		// Another person's token sees and marks nothing of these.
		other := h.user("other@example.com")
		otok := h.token(other)
		r = h.do(http.MethodGet, "/api/v1/notifications", otok, nil).want(t, http.StatusOK)
		if l, _ := r.list(); len(l) != 0 {
			t.Fatalf("other sees %s", r.body)
		}
		r = h.do(http.MethodPost, "/api/v1/notifications/read", otok, map[string]any{"ids": []string{items[1]["id"].(string)}}).want(t, http.StatusOK)
		if r.json["marked"] != float64(0) {
			t.Fatalf("other marked %s", r.body)
		}

		r = h.do(http.MethodPost, "/api/v1/notifications/read", tok, map[string]any{"all": true}).want(t, http.StatusOK)
		if r.json["marked"] != float64(2) || r.json["unread"] != float64(0) {
			t.Fatalf("mark all: %s", r.body)
		}
	})
}

func TestNotificationPreferencesAPI(t *testing.T) {
	each(t, func(h *harness) {
		u := h.admin("owner@example.com")
		reader := h.token(u, model.ScopeAccountRead)
		tok := h.token(u)
		r := h.do(http.MethodGet, "/api/v1/notifications/preferences", reader, nil).want(t, http.StatusOK)
		if r.json["publish_failed"] != "instant" || r.json["channel_needs_reconnect"] != "instant" {
			t.Fatalf("defaults: %s", r.body)
		}
		h.do(http.MethodPut, "/api/v1/notifications/preferences", reader, map[string]any{"publish_failed": "off"}).want(t, http.StatusForbidden)
		h.do(http.MethodPut, "/api/v1/notifications/preferences", tok, map[string]any{"publish_failed": "weekly"}).
			wantProblem(t, http.StatusBadRequest, "validation", "publish_failed")
		r = h.do(http.MethodPut, "/api/v1/notifications/preferences", tok, map[string]any{"publish_failed": "digest"}).want(t, http.StatusOK)
		if r.json["publish_failed"] != "digest" || r.json["publish_missed"] != "instant" {
			t.Fatalf("after change: %s", r.body)
		}
	})
}

func TestNotificationChatAPI(t *testing.T) {
	each(t, func(h *harness) {
		u := h.admin("owner@example.com")
		tok := h.token(u)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws + "/notification-chat"
		if r := h.do(http.MethodGet, base, tok, nil).want(t, 200); r.json["channel_id"] != nil {
			t.Fatalf("default: %s", r.body)
		}
		ch := h.do(http.MethodPost, "/api/v1/workspaces/"+ws+"/channels", tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "acme"}}).want(t, 201).str("id")
		h.do(http.MethodPut, base, tok, map[string]any{"channel_id": ch}).wantProblem(t, 400, "validation", "channel")
		if r := h.do(http.MethodPut, base, tok, map[string]any{"channel_id": nil}).want(t, 200); r.json["channel_id"] != nil {
			t.Fatalf("cleared: %s", r.body)
		}
	})
}
