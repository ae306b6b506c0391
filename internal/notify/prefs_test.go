package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/testenv"
)

// Each person chooses per kind: an e-mail at once, a daily digest, or
// none; the in-app notification stays either way.
func TestMailPreferencesAndDigest(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		manager := e.member("manager@example.com", model.RoleManager)
		if err := e.a.Mail.SaveSettings(ctx, e.owner, model.MailSettings{Host: "smtp.example.com", Port: 25,
			From: "Herald <herald@example.com>", TLS: "none"}); err != nil {
			t.Fatal(err)
		}
		modes, err := e.a.Notify.Prefs(ctx, e.owner)
		if err != nil || modes[model.NotifyPublishFailed] != notify.MailInstant {
			t.Fatalf("default mode %v %v", modes, err)
		}
		if err := e.a.Notify.SetPrefs(ctx, e.owner, map[model.NotificationKind]string{model.NotifyPublishFailed: "weekly"}); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("unknown mode: %v", err)
		}
		if err := e.a.Notify.SetPrefs(ctx, e.owner, map[model.NotificationKind]string{"nope": notify.MailOff}); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("unknown kind: %v", err)
		}
		if err := e.a.Notify.SetPrefs(ctx, e.owner, map[model.NotificationKind]string{model.NotifyPublishFailed: notify.MailDigest}); err != nil {
			t.Fatal(err)
		}
		if err := e.a.Notify.SetPrefs(ctx, manager, map[model.NotificationKind]string{model.NotifyPublishFailed: notify.MailOff}); err != nil {
			t.Fatal(err)
		}
		p := e.post(e.owner)
		e.notify(e.failed(p))
		e.notify(e.failed(p))
		if n := len(e.jobs("mail.send")); n != 0 {
			t.Fatalf("%d e-mails at once; the owner wants a digest and the manager none", n)
		}
		if len(e.inbox(e.owner)) != 2 || len(e.inbox(manager)) != 2 {
			t.Fatal("in-app notifications must stay whatever the e-mail choice")
		}
		sent, err := e.a.Notify.SendDigests(ctx)
		if err != nil || sent != 1 {
			t.Fatalf("sent %d digests: %v", sent, err)
		}
		mails := e.jobs("mail.send")
		if len(mails) != 1 {
			t.Fatalf("%d e-mails, want the owner's digest", len(mails))
		}
		var m struct{ To, Subject, Text string }
		_ = json.Unmarshal([]byte(mails[0]), &m)
		if m.To != "owner@example.com" || m.Subject != "Herald daily digest: 2 notifications" {
			t.Fatalf("digest %+v", m)
		}
		// Once a day: a second run sends nothing.
		if sent, err := e.a.Notify.SendDigests(ctx); err != nil || sent != 0 {
			t.Fatalf("second run sent %d: %v", sent, err)
		}
		if strings.Contains(mails[0], "manager") {
			t.Fatal("the digest mentions another person")
		}
	})
}
