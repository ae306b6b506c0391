package channel_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/fake"
	"herald/internal/testenv"
)

type env struct {
	a     *app.App
	fake  *fake.Provider
	owner model.Actor
	ws    string
}

func setup(t *testing.T, cfg config.Config) *env {
	t.Helper()
	cfg.Roles = []string{"web"}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	f := fake.New()
	a.Providers.Register(f)
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{}, testUser("owner@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{a: a, fake: f, owner: model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}}
	w, err := a.Workspaces.Create(ctx, e.owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	e.ws = w.ID
	return e
}

func wantKind(t *testing.T, err error, kind model.Kind, field string) {
	t.Helper()
	testenv.WantKind(t, err, kind, field)
}

func TestConnectListUpdateDisconnect(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		s := e.a.Channels
		_, err := s.Connect(ctx, e.owner, e.ws, "myspace", nil)
		wantKind(t, err, model.KindInvalid, "network")
		_, err = s.Connect(ctx, e.owner, e.ws, "fake", map[string]string{})
		wantKind(t, err, model.KindInvalid, "handle")
		_, err = s.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme", "colour": "red"})
		wantKind(t, err, model.KindInvalid, "colour")
		c, err := s.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != model.ChannelActive || c.Handle != "@acme" {
			t.Fatalf("channel %+v", c)
		}
		_, err = s.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme"})
		wantKind(t, err, model.KindConflict, "")

		acct, _, err := s.Account(ctx, e.ws, c.ID)
		if err != nil || acct.Credentials["token"] != "demo-acme" {
			t.Fatalf("credentials did not survive sealing: %+v %v", acct, err)
		}
		_, err = s.Update(ctx, e.owner, e.ws, c.ID, channelSettings("Acme main", "Mars/Olympus"))
		wantKind(t, err, model.KindInvalid, "time_zone")
		if c, err = s.Update(ctx, e.owner, e.ws, c.ID, channelSettings("Acme main", "Europe/Berlin")); err != nil || c.TimeZone != "Europe/Berlin" {
			t.Fatalf("update: %+v %v", c, err)
		}
		list, err := s.List(ctx, e.owner, e.ws)
		if err != nil || len(list) != 1 || list[0].Name != "Acme main" {
			t.Fatalf("list %+v %v", list, err)
		}
		if err := s.Disconnect(ctx, e.owner, e.ws, c.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.Get(ctx, e.owner, e.ws, c.ID)
		wantKind(t, err, model.KindNotFound, "")
	})
}

func TestExpiredCredentialsNeedReconnect(t *testing.T) {
	e := setup(t, testenv.Config(t))
	ctx := context.Background()
	s := e.a.Channels
	c, err := s.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	e.fake.Fail(fake.Failure{Op: "check", Trait: provider.AuthExpired, Message: "token revoked by the user"})
	st, err := s.Test(ctx, e.owner, e.ws, c.ID)
	if err != nil || st.OK || !strings.Contains(st.Message, "token revoked") {
		t.Fatalf("test: %+v %v", st, err)
	}
	got, _ := s.Get(ctx, e.owner, e.ws, c.ID)
	if got.Status != model.ChannelNeedsReconnect || got.StatusMessage != "token revoked by the user" {
		t.Fatalf("status %q %q", got.Status, got.StatusMessage)
	}
	entries, _ := e.a.Workspaces.Audit(ctx, e.owner, e.ws, model.AuditFilter{Action: "channel.needs_reconnect"})
	if len(entries) != 1 {
		t.Fatalf("needs_reconnect audited %d times", len(entries))
	}
	if _, err := s.Reconnect(ctx, e.owner, e.ws, c.ID, map[string]string{"handle": "other"}); err == nil {
		t.Fatal("reconnecting with another account's credentials succeeded")
	}
	if c, err = s.Reconnect(ctx, e.owner, e.ws, c.ID, map[string]string{"handle": "acme"}); err != nil || c.Status != model.ChannelActive {
		t.Fatalf("reconnect: %+v %v", c, err)
	}
	if st, err := s.Test(ctx, e.owner, e.ws, c.ID); err != nil || !st.OK {
		t.Fatalf("test after reconnect: %+v %v", st, err)
	}
}

func TestOAuthNeedsAnApp(t *testing.T) {
	e := setup(t, testenv.Config(t))
	_, err := e.a.Channels.BeginOAuth(context.Background(), e.owner, e.ws, "fake", "", "")
	wantKind(t, err, model.KindInvalid, "network")
	_, err = e.a.Channels.CompleteOAuth(context.Background(), e.owner, "fake", "no-such-state", "code", "", nil)
	wantKind(t, err, model.KindInvalid, "state")
}

// TestServedFeed: a feed channel's published segments are kept once and
// served as RSS and Atom; other channels have no feed.
func TestServedFeed(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		s := e.a.Channels
		c, err := s.Connect(ctx, e.owner, e.ws, "feed", map[string]string{"title": "Acme news", "link": "https://acme.example"})
		if err != nil {
			t.Fatal(err)
		}
		acct, _, err := s.Account(ctx, e.ws, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := e.a.Providers.Get("feed")
		post := provider.Post{Key: "01k0000000000000000000000f", Segments: []provider.Segment{
			{Text: "Spring menu <is> here & ready", Media: []provider.Media{{URL: "https://acme.example/menu.png", ContentType: "image/png", Alt: "The menu"}}},
			{Text: "Second part"},
		}}
		for i := 0; i < 2; i++ { // a repeated publish must not add items
			published, err := p.(provider.Publisher).Publish(ctx, acct, post)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.RecordFeedItems(ctx, c, post, published); err != nil {
				t.Fatal(err)
			}
		}
		rss, mediaType, err := s.Feed(ctx, c.ID, "rss")
		if err != nil || !strings.HasPrefix(mediaType, "application/rss+xml") {
			t.Fatalf("rss: %v %q", err, mediaType)
		}
		doc := string(rss)
		if strings.Count(doc, "<item>") != 2 || !strings.Contains(doc, "Acme news") || !strings.Contains(doc, "https://acme.example/menu.png") ||
			!strings.Contains(doc, "&lt;is&gt;") || !strings.Contains(doc, s.FeedURL(c.ID, "rss")) {
			t.Fatalf("rss document:\n%s", doc)
		}
		atom, _, err := s.Feed(ctx, c.ID, "atom")
		if err != nil || strings.Count(string(atom), "<entry>") != 2 {
			t.Fatalf("atom: %v\n%s", err, atom)
		}
		fake, _ := s.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme"})
		for _, bad := range [][2]string{{fake.ID, "rss"}, {c.ID, "json"}, {"not-an-id", "rss"}} {
			_, _, err := s.Feed(ctx, bad[0], bad[1])
			wantKind(t, err, model.KindNotFound, "")
		}
		first := strings.Index(doc, "<guid")
		guid := doc[strings.Index(doc[first:], ">")+first+1 : strings.Index(doc, "</guid>")]
		if err := s.RemoveFeedItem(ctx, e.ws, c.ID, guid); err != nil {
			t.Fatalf("remove %q: %v", guid, err)
		}
		rss, _, _ = s.Feed(ctx, c.ID, "rss")
		if strings.Count(string(rss), "<item>") != 1 {
			t.Fatalf("after removing one item:\n%s", rss)
		}
	})
}
