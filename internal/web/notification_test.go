package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/platform/hooksig"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// notifyReconnect records a "needs reconnect" notification for the
// workspace's managers, as the channel service does.
func (e *env) notifyReconnect(wsID, msg string) {
	e.t.Helper()
	ctx := context.Background()
	err := e.a.Store.InTx(ctx, func(tx *store.Tx) error {
		return e.a.Notify.Notify(ctx, tx, notify.Event{Kind: model.NotifyChannelReconnect, WorkspaceID: wsID, ChannelID: ids.New(),
			Status: "needs_reconnect", Message: msg})
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

var bellRe = regexp.MustCompile(`data-unread="(\d+)"`)

func bell(t *testing.T, p page) string {
	t.Helper()
	m := bellRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no bell on %s", p.url)
	}
	return m[1]
}

func TestNotificationsBellPageAndMarkRead(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	if got := bell(t, c.open("/workspaces")); got != "0" {
		t.Fatalf("bell shows %s before anything happened", got)
	}
	mustContain(t, c.open("/notifications"), "No notifications yet")

	e.notifyReconnect(w.ID, "token revoked")
	e.notifyReconnect(w.ID, "token expired")
	p := c.open("/w/" + w.ID)
	if got := bell(t, p); got != "2" {
		t.Fatalf("bell shows %s, want 2", got)
	}
	mustContain(t, p, "Notifications, 2 unread")
	p = c.open("/notifications")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "needs reconnecting; posts to it fail until then: token revoked", "Acme")
	list, _ := e.a.Notify.List(context.Background(), e.actor("owner@example.test"), false, "", 0)
	if !strings.Contains(p.body, `href="/notifications/`+list[0].ID+`/open"`) {
		t.Error("the notification does not link through its open route")
	}
	// Opening a notification marks it read and leads to its channel (made
	// up here, so that page is not found).
	p = c.open("/notifications/" + list[0].ID + "/open")
	if !strings.Contains(p.url, "/w/"+w.ID+"/channels/"+list[0].ChannelID) {
		t.Errorf("opening the notification led to %s, not its channel", p.url)
	}
	if got := bell(t, c.open("/notifications")); got != "1" {
		t.Fatalf("bell shows %s after opening one", got)
	}
	wantStatus(t, c.open("/notifications/"+list[0].ID+"x/open"), http.StatusNotFound)
	mustContain(t, c.open("/notifications?unread=1"), "token revoked")
	p = c.submit("/notifications/read", url.Values{"all": {"1"}})
	mustContain(t, p, "1 notification marked read")
	if got := bell(t, p); got != "0" {
		t.Fatalf("bell shows %s after marking all read", got)
	}
	mustContain(t, c.open("/notifications?unread=1"), "No unread notifications")

	// Another person's notifications are not theirs to see or mark.
	e.member("owner@example.test", w.ID, "viewer@example.test", model.RoleViewer)
	v := e.client()
	v.signIn("viewer@example.test", testPassword)
	if got := bell(t, v.open("/notifications")); got != "0" {
		t.Fatalf("viewer's bell shows %s", got)
	}
	p = v.post("/notifications/read", url.Values{"id": {"not-an-id"}})
	wantStatus(t, p, http.StatusBadRequest)
}

var hookSecretRe = regexp.MustCompile(`value="(whsec_[0-9a-f]+)"`)

func TestNotificationWebhookSettings(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.AllowPrivate = true })
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	base := "/w/" + w.ID + "/settings"
	var secret atomic.Value
	secret.Store("")
	var got atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body := make([]byte, r.ContentLength)
		_, _ = r.Body.Read(body)
		if hooksig.Verify(secret.Load().(string), r.Header.Get("Herald-Signature"), body, 0) != nil || !strings.Contains(string(body), `"type":"ping"`) {
			rw.WriteHeader(http.StatusUnauthorized)
			return
		}
		got.Add(1)
		rw.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()

	mustContain(t, c.open(base), "Notification webhook", "Endpoint URL")
	p := c.post(base+"/webhook", url.Values{"url": {"ftp://example.com"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "url")

	p = c.post(base+"/webhook", url.Values{"url": {rcv.URL + "/events"}})
	wantStatus(t, p, http.StatusOK)
	m := hookSecretRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no secret shown after setting the hook: %s", text(p.body))
	}
	secret.Store(m[1])
	if hookSecretRe.MatchString(c.open(base).body) {
		t.Fatal("the secret is shown again")
	}
	p = c.submit(base+"/webhook/test", nil)
	mustContain(t, p, "The endpoint accepted a signed test event")
	if got.Load() != 1 {
		t.Fatalf("receiver got %d valid events", got.Load())
	}

	// Rotating shows a new secret; the receiver still has the old one.
	p = c.post(base+"/webhook/rotate", nil)
	wantStatus(t, p, http.StatusOK)
	if m2 := hookSecretRe.FindStringSubmatch(p.body); m2 == nil || m2[1] == m[1] {
		t.Fatal("rotate did not show a new secret")
	}
	p = c.post(base+"/webhook/test", nil)
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "did not accept the test event")

	// Managers cannot change it.
	e.member("owner@example.test", w.ID, "manager@example.test", model.RoleManager)
	mc := e.client()
	mc.signIn("manager@example.test", testPassword)
	wantStatus(t, mc.post(base+"/webhook", url.Values{"url": {"https://example.com/x"}}), http.StatusForbidden)

	p = c.submit(base+"/webhook/delete", nil)
	mustContain(t, p, "The notification webhook is removed")
	if strings.Contains(p.body, "Send a test event") {
		t.Fatal("test button shown without a hook")
	}
}

// The settings page offers the workspace's team-chat channels for
// notifications and refuses anything else.
func TestNotificationChatSettings(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	base := "/w/" + w.ID + "/settings"
	mustContain(t, c.open(base), "Notifications in team chat", "Connect a Slack, Discord, Matrix or Telegram channel")
	p := c.post(base+"/chat", url.Values{"channel": {"01ARZ3NDEKTSV4RRFFQ69G5FAV"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "No channel with that ID in this workspace")
	p = c.submit(base+"/chat", url.Values{"channel": {""}})
	mustContain(t, p, "Notifications are no longer posted to team chat.")
}
