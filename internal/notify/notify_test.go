package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/platform/hooksig"
	"herald/internal/platform/httpclient"
	"herald/internal/provider/fake"
	"herald/internal/store"
	"herald/internal/testenv"
)

// env is a Herald without workers: jobs stay in the queue for the test to
// inspect and run by hand.
type env struct {
	t     *testing.T
	a     *app.App
	owner model.Actor
	ws    string
	ch    model.Channel
}

func start(t *testing.T, cfg config.Config) *env {
	t.Helper()
	cfg.Roles = []string{"web"}
	cfg.AllowPrivate = true // the test receiver listens on loopback
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	a.Providers.Register(fake.New())
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, a: a, owner: model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}}
	w, err := a.Workspaces.Create(ctx, e.owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	e.ws = w.ID
	if e.ch, err = a.Channels.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme"}); err != nil {
		t.Fatal(err)
	}
	return e
}

// member adds a person to the workspace with role.
func (e *env) member(email string, role model.Role) model.Actor {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.a.Accounts.CreateUser(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: email, Name: "N " + email, Password: "correct horse battery"})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.AddMember(ctx, e.ws, u.ID, role, time.Now()) }); err != nil {
		e.t.Fatal(err)
	}
	return model.Actor{UserID: u.ID, Email: u.Email, Via: "web"}
}

func (e *env) post(author model.Actor) model.Post {
	e.t.Helper()
	p, err := e.a.Compose.Create(context.Background(), author, e.ws, compose.Draft{Base: model.Content{Text: "Launch day is here"}, Channels: []string{e.ch.ID}})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) notify(ev notify.Event) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.a.Store.InTx(ctx, func(tx *store.Tx) error { return e.a.Notify.Notify(ctx, tx, ev) }); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) failed(p model.Post) notify.Event {
	return notify.Event{Kind: model.NotifyPublishFailed, WorkspaceID: e.ws, PostID: p.ID, ChannelID: e.ch.ID, TargetID: p.Targets[0].ID,
		Status: "failed", Message: "The network refused the post: too long"}
}

// jobs returns the queued jobs' args of one kind.
func (e *env) jobs(kind string) []string {
	e.t.Helper()
	// River keeps args as JSONB on both engines; json() turns SQLite's
	// binary form back into text.
	col := "CAST(args AS TEXT)"
	if e.a.Store.Dialect() == store.SQLite {
		col = "json(args)"
	}
	rows, err := e.a.Store.DB().Query(`SELECT `+col+` FROM river_job WHERE kind = $1 ORDER BY id`, kind)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func (e *env) inbox(a model.Actor) []model.Notification {
	e.t.Helper()
	list, err := e.a.Notify.List(context.Background(), a, false, "", 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return list
}

func TestRecipientsAndDedupe(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		admin := e.member("admin@example.com", model.RoleAdmin)
		manager := e.member("manager@example.com", model.RoleManager)
		editor := e.member("editor@example.com", model.RoleEditor)
		viewer := e.member("viewer@example.com", model.RoleViewer)
		other := e.member("other@example.com", model.RoleEditor)

		p := e.post(editor)
		e.notify(e.failed(p))
		for name, a := range map[string]model.Actor{"owner": e.owner, "admin": admin, "manager": manager, "author": editor} {
			list := e.inbox(a)
			if len(list) != 1 {
				t.Fatalf("%s has %d notifications, want 1", name, len(list))
			}
			n := list[0]
			if n.Kind != model.NotifyPublishFailed || n.Link != "/w/"+e.ws+"/posts/"+p.ID+"/edit" || n.Read() ||
				n.Text != "“Launch day is here” failed on "+e.ch.Name+": The network refused the post: too long" {
				t.Fatalf("%s: %+v", name, n)
			}
		}
		for name, a := range map[string]model.Actor{"viewer": viewer, "other editor": other} {
			if got := e.inbox(a); len(got) != 0 {
				t.Fatalf("%s was told: %+v", name, got)
			}
		}

		// The author is also a manager: told once.
		p2 := e.post(manager)
		e.notify(e.failed(p2))
		if got := len(e.inbox(manager)); got != 2 {
			t.Fatalf("manager has %d notifications after a second failure, want 2", got)
		}
		if got := len(e.inbox(editor)); got != 1 {
			t.Fatalf("editor told about someone else's post: %d", got)
		}
	})
}

func TestMailOnlyWhenConfigured(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		e.member("manager@example.com", model.RoleManager)
		p := e.post(e.owner)
		e.notify(e.failed(p))
		if n := len(e.jobs("mail.send")); n != 0 {
			t.Fatalf("%d mails queued without a mail server", n)
		}
		if len(e.inbox(e.owner)) != 1 {
			t.Fatal("in-app notification missing without mail")
		}
		err := e.a.Mail.SaveSettings(context.Background(), e.owner, model.MailSettings{Host: "smtp.example.com", Port: 25,
			From: "Herald <herald@example.com>", TLS: "none"})
		if err != nil {
			t.Fatal(err)
		}
		e.notify(e.failed(p))
		mails := e.jobs("mail.send")
		if len(mails) != 2 {
			t.Fatalf("%d mails queued, want 2 (owner, manager)", len(mails))
		}
		var to []string
		for _, m := range mails {
			var args struct{ To, Subject string }
			_ = json.Unmarshal([]byte(m), &args)
			to = append(to, args.To)
			if args.Subject != "A post failed on "+e.ch.Name {
				t.Fatalf("subject %q", args.Subject)
			}
		}
		sort.Strings(to)
		if to[0] != "manager@example.com" || to[1] != "owner@example.com" {
			t.Fatalf("mailed %v", to)
		}
	})
}

func TestMarkRead(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		admin := e.member("admin@example.com", model.RoleAdmin)
		p := e.post(e.owner)
		for range 3 {
			e.notify(e.failed(p))
		}
		ctx := context.Background()
		list := e.inbox(e.owner)
		if n, _ := e.a.Notify.Unread(ctx, e.owner); n != 3 || len(list) != 3 {
			t.Fatalf("unread %d, listed %d", n, len(list))
		}
		// Someone else's ID changes nothing.
		if n, err := e.a.Notify.MarkRead(ctx, admin, []string{list[0].ID}); err != nil || n != 0 {
			t.Fatalf("marked another's: %d %v", n, err)
		}
		if n, err := e.a.Notify.MarkRead(ctx, e.owner, []string{list[0].ID}); err != nil || n != 1 {
			t.Fatalf("mark one: %d %v", n, err)
		}
		if unread, _ := e.a.Notify.List(ctx, e.owner, true, "", 0); len(unread) != 2 {
			t.Fatalf("%d unread after marking one", len(unread))
		}
		if n, err := e.a.Notify.MarkRead(ctx, e.owner, nil); err != nil || n != 2 {
			t.Fatalf("mark all: %d %v", n, err)
		}
		if n, _ := e.a.Notify.Unread(ctx, admin); n != 3 {
			t.Fatalf("admin's unread changed to %d", n)
		}
		// Opening marks one read and gives its page; another's is not found.
		if _, err := e.a.Notify.Open(ctx, admin, list[0].ID); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("opened another's: %v", err)
		}
		if to, err := e.a.Notify.Open(ctx, e.owner, list[0].ID); err != nil || !strings.HasPrefix(to, "/w/") {
			t.Fatalf("open: %q %v", to, err)
		}
		if _, err := e.a.Notify.MarkRead(ctx, e.owner, []string{"nope"}); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("bad id: %v", err)
		}
		// Paging: the cursor is the last ID seen.
		page, _ := e.a.Notify.List(ctx, e.owner, false, "", 2)
		rest, _ := e.a.Notify.List(ctx, e.owner, false, page[1].ID, 2)
		if len(page) != 2 || len(rest) != 1 || rest[0].ID >= page[1].ID {
			t.Fatalf("pages %d + %d", len(page), len(rest))
		}
	})
}

// receiver is an httptest endpoint that answers with the queued statuses
// and records what it received.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	got      []http.Header
	bodies   [][]byte
	srv      *httptest.Server
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.got, r.bodies = append(r.got, req.Header.Clone()), append(r.bodies, b)
		status := http.StatusNoContent
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (e *env) hookArgs() notify.HookArgs {
	e.t.Helper()
	jobs := e.jobs("notify.webhook")
	if len(jobs) != 1 {
		e.t.Fatalf("%d webhook jobs queued, want 1", len(jobs))
	}
	var args notify.HookArgs
	if err := json.Unmarshal([]byte(jobs[0]), &args); err != nil {
		e.t.Fatal(err)
	}
	return args
}

func TestWebhookDeliversSignedEventAndRetries(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		rcv := newReceiver(t, http.StatusServiceUnavailable)
		p := e.post(e.owner)
		e.notify(e.failed(p))
		if n := len(e.jobs("notify.webhook")); n != 0 {
			t.Fatalf("%d webhook jobs without a hook", n)
		}
		hook, err := e.a.Notify.SetHook(ctx, e.owner, e.ws, rcv.srv.URL+"/events")
		if err != nil || len(hook.Secret) < 40 {
			t.Fatalf("set hook: %+v %v", hook, err)
		}
		e.notify(e.failed(p))
		args := e.hookArgs()

		err = e.a.Notify.Deliver(ctx, args)
		if err == nil || errors.Is(err, &rivertype.JobCancelError{}) {
			t.Fatalf("a 503 must be retried, got %v", err)
		}
		if err := e.a.Notify.Deliver(ctx, args); err != nil {
			t.Fatalf("second attempt: %v", err)
		}
		if len(rcv.bodies) != 2 {
			t.Fatalf("%d deliveries", len(rcv.bodies))
		}
		h, body := rcv.got[1], rcv.bodies[1]
		if err := hooksig.Verify(hook.Secret, h.Get("Herald-Signature"), body, 0); err != nil {
			t.Fatalf("signature: %v", err)
		}
		if h.Get("Herald-Event-Id") != args.EventID || rcv.got[0].Get("Herald-Event-Id") != args.EventID {
			t.Fatal("retries must carry the same event id")
		}
		var ev map[string]string
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"id": args.EventID, "type": "publish.failed", "workspace_id": e.ws, "post_id": p.ID, "channel_id": e.ch.ID,
			"target_id": p.Targets[0].ID, "status": "failed", "message": "The network refused the post: too long"}
		for k, v := range want {
			if ev[k] != v {
				t.Errorf("%s = %q, want %q", k, ev[k], v)
			}
		}
		if _, err := time.Parse(time.RFC3339, ev["at"]); err != nil {
			t.Errorf("at %q", ev["at"])
		}

		// Rotating keeps pending events deliverable with the new secret.
		rot, err := e.a.Notify.RotateSecret(ctx, e.owner, e.ws)
		if err != nil || rot.Secret == hook.Secret || rot.URL != hook.URL {
			t.Fatalf("rotate: %+v %v", rot, err)
		}
		if err := e.a.Notify.Deliver(ctx, args); err != nil {
			t.Fatal(err)
		}
		if err := hooksig.Verify(rot.Secret, rcv.got[2].Get("Herald-Signature"), rcv.bodies[2], 0); err != nil {
			t.Fatalf("signature after rotation: %v", err)
		}
	})
}

func TestWebhookGivesUp(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		rcv := newReceiver(t, http.StatusBadRequest)
		if _, err := e.a.Notify.SetHook(ctx, e.owner, e.ws, rcv.srv.URL); err != nil {
			t.Fatal(err)
		}
		e.notify(e.failed(e.post(e.owner)))
		args := e.hookArgs()
		if err := e.a.Notify.Deliver(ctx, args); !errors.Is(err, &rivertype.JobCancelError{}) {
			t.Fatalf("a 400 is final, got %v", err)
		}
		// Without the installation's permission, loopback is refused.
		strict := *e.a.Notify
		strict.HTTP = httpclient.New(httpclient.Options{})
		if err := strict.Deliver(ctx, args); !errors.Is(err, &rivertype.JobCancelError{}) || !errors.Is(err, httpclient.ErrPrivateAddress) {
			t.Fatalf("private address: %v", err)
		}
		if err := strict.SendTest(ctx, e.owner, e.ws); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("test event to a private address: %v", err)
		}
		if err := e.a.Notify.RemoveHook(ctx, e.owner, e.ws); err != nil {
			t.Fatal(err)
		}
		if err := e.a.Notify.Deliver(ctx, args); !errors.Is(err, &rivertype.JobCancelError{}) {
			t.Fatalf("removed hook: %v", err)
		}
	})
}

func TestHookSettingsPermissions(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		manager := e.member("manager@example.com", model.RoleManager)
		if _, err := e.a.Notify.SetHook(ctx, manager, e.ws, "https://example.com/h"); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("manager set the hook: %v", err)
		}
		if _, err := e.a.Notify.SetHook(ctx, e.owner, e.ws, "ftp://example.com"); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("ftp URL: %v", err)
		}
		if _, err := e.a.Notify.RotateSecret(ctx, e.owner, e.ws); model.KindOf(err) != model.KindConflict {
			t.Fatalf("rotate without hook: %v", err)
		}
		first, _ := e.a.Notify.SetHook(ctx, e.owner, e.ws, "https://example.com/a")
		second, err := e.a.Notify.SetHook(ctx, e.owner, e.ws, "https://example.com/b")
		if err != nil || first.Secret == "" || second.Secret != "" {
			t.Fatalf("changing the URL must keep the secret unshown: %+v %v", second, err)
		}
		got, err := e.a.Notify.Hook(ctx, e.owner, e.ws)
		if err != nil || got.URL != "https://example.com/b" || got.Secret != "" {
			t.Fatalf("hook: %+v %v", got, err)
		}
	})
}
