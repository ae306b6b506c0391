package links_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/links"
	"herald/internal/model"
	"herald/internal/testenv"
)

// fixture is a Herald on a fresh database with an owner and a workspace.
type fixture struct {
	t     *testing.T
	a     *app.App
	cfg   config.Config
	actor model.Actor
	ws    string
}

func newFixture(t testing.TB, cfg config.Config) *fixture {
	t.Helper()
	cfg.Roles = []string{"web"}
	cfg.BaseURL = "http://herald.test"
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: "owner@example.test", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	actor := model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "cli"}
	w, err := a.Workspaces.Create(ctx, actor, "Links")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{a: a, cfg: cfg, actor: actor, ws: w.ID}
}

func (f *fixture) link(t testing.TB, target string) model.Link {
	t.Helper()
	l, err := f.a.Links.Create(context.Background(), f.actor, f.ws, links.NewLink{URL: target})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// visit requests a short link through the redirect handler.
func visit(h http.Handler, method, code, ua, referer string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/l/"+code, nil)
	req.SetPathValue("code", code)
	req.Header.Set("User-Agent", ua)
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

func TestRedirectAndClicks(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		f := newFixture(t, cfg)
		ctx := context.Background()
		l := f.link(t, "https://example.com/a?x=1")
		if len(l.Code) != 10 || strings.Trim(l.Code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
			t.Fatalf("code %q is not 10 URL-safe characters", l.Code)
		}
		h := f.a.Links.Redirect()
		rec := visit(h, http.MethodGet, l.Code, firefox, "https://t.co/abc")
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != "https://example.com/a?x=1" {
			t.Fatalf("known code: %d %q", rec.Code, rec.Header().Get("Location"))
		}
		visit(h, http.MethodGet, l.Code, firefox, "https://bsky.app/profile/x")
		visit(h, http.MethodGet, l.Code, firefox, "")
		visit(h, http.MethodGet, l.Code, "Twitterbot/1.0", "")
		visit(h, http.MethodGet, l.Code, "Mozilla/5.0 (compatible; Cardyb/1.1; +mailto:support@bsky.app)", "")
		visit(h, http.MethodHead, l.Code, firefox, "")
		visit(h, http.MethodGet, l.Code, "curl/8.5.0", "")
		// Unknown, malformed and URL-shaped codes are 404s, never redirects.
		for _, code := range []string{"AAAAAAAAAA", "short", "https:%2F%2Fevil.example", "..%2F..%2Fx", strings.ToLower(l.Code) + "x"} {
			if rec := visit(h, http.MethodGet, code, firefox, ""); rec.Code != http.StatusNotFound || rec.Header().Get("Location") != "" {
				t.Errorf("code %q: %d %q", code, rec.Code, rec.Header().Get("Location"))
			}
		}
		st, err := f.a.Links.Stats(ctx, f.actor, f.ws, l.ID)
		if err != nil || st.Total != 0 {
			t.Fatalf("before a flush: %+v %v (the redirect must not write to the database)", st, err)
		}
		if err := f.a.Links.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if st, err = f.a.Links.Stats(ctx, f.actor, f.ws, l.ID); err != nil {
			t.Fatal(err)
		}
		if st.Total != 7 || st.Human != 3 || st.Bots != 4 || len(st.ByDay) != 1 || st.ByDay[0].Clicks != 3 {
			t.Fatalf("stats %+v", st)
		}
		refs := map[string]int{}
		for _, r := range st.ByReferrer {
			refs[r.Referrer] = r.Clicks
		}
		if refs["x"] != 1 || refs["bluesky"] != 1 || refs[model.ReferrerDirect] != 1 || len(refs) != 3 {
			t.Fatalf("by referrer %v", refs)
		}
		list, err := f.a.Links.List(ctx, f.actor, f.ws, "", 10)
		if err != nil || len(list) != 1 || list[0].Clicks != 3 {
			t.Fatalf("list %+v %v", list, err)
		}
		// Editing the target takes effect at once on this instance.
		if _, err := f.a.Links.Update(ctx, f.actor, f.ws, l.ID, "https://example.org/new"); err != nil {
			t.Fatal(err)
		}
		if rec := visit(h, http.MethodGet, l.Code, firefox, ""); rec.Header().Get("Location") != "https://example.org/new" {
			t.Fatalf("after update: %q", rec.Header().Get("Location"))
		}
		if err := f.a.Links.Delete(ctx, f.actor, f.ws, l.ID); err != nil {
			t.Fatal(err)
		}
		if rec := visit(h, http.MethodGet, l.Code, firefox, ""); rec.Code != http.StatusNotFound {
			t.Fatalf("after delete: %d", rec.Code)
		}
		// The click of a deleted link is dropped, not an error.
		if err := f.a.Links.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestJournalSurvivesCrash(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		f := newFixture(t, cfg)
		ctx := context.Background()
		l := f.link(t, "https://example.com/")
		// A process that died: its journal holds two clicks and a torn line.
		dir := filepath.Join(cfg.DataDir, "clicks")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		now := strconv.FormatInt(time.Now().UnixMicro(), 10)
		lines := "dead-1\t" + l.ID + "\t" + now + "\tx\t0\n" +
			"dead-2\t" + l.ID + "\t" + now + "\tdirect\t1\n" +
			"dead-3\t" + l.ID + "\t17672"
		if err := os.WriteFile(filepath.Join(dir, "deadbeef.journal"), []byte(lines), 0o600); err != nil {
			t.Fatal(err)
		}
		// And one flushed into the database before the crash, not yet deleted.
		if err := os.WriteFile(filepath.Join(dir, "deadbeef.1-1.flushing"), []byte("dead-1\t"+l.ID+"\t"+now+"\tx\t0\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		// A new service over the same directory replays on start.
		svc := &links.Service{Store: f.a.Store, Workspaces: f.a.Workspaces, DataDir: cfg.DataDir, BaseURL: cfg.BaseURL}
		if err := svc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := svc.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if err := svc.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		st, err := svc.Stats(ctx, f.actor, f.ws, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 2 || st.Bots != 1 {
			t.Fatalf("after replay: %+v, want 2 clicks of which 1 bot", st)
		}
		left, _ := filepath.Glob(filepath.Join(dir, "*.flushing"))
		if len(left) != 0 {
			t.Fatalf("journals left after flush: %v", left)
		}
		// The app's own service (still holding its journal) is not adopted.
		if _, err := os.Stat(filepath.Join(dir, "deadbeef.journal")); !os.IsNotExist(err) {
			t.Fatalf("orphan journal still there: %v", err)
		}
	})
}

func TestJournalClosedWithoutFlush(t *testing.T) {
	f := newFixture(t, testenv.SQLite(t))
	ctx := context.Background()
	l := f.link(t, "https://example.com/")
	// First process: clicks journaled, then it "crashes" (never flushes);
	// closing the store's reference to it stands in for the process exit.
	first := &links.Service{Store: f.a.Store, Workspaces: f.a.Workspaces, DataDir: t.TempDir(), BaseURL: f.cfg.BaseURL}
	for range 3 {
		visit(first.Redirect(), http.MethodGet, l.Code, firefox, "")
	}
	links.CloseJournalForTest(first)
	second := &links.Service{Store: f.a.Store, Workspaces: f.a.Workspaces, DataDir: first.DataDir, BaseURL: f.cfg.BaseURL}
	if err := second.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := second.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := second.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ := second.Stats(ctx, f.actor, f.ws, l.ID)
	if st.Human != 3 || st.Total != 3 {
		t.Fatalf("stats %+v, want exactly 3 clicks", st)
	}
}

func TestClassify(t *testing.T) {
	refs := map[string]string{
		"": model.ReferrerDirect, "https://t.co/x": "x", "https://x.com/a": "x", "https://bsky.app/": "bluesky",
		"https://l.facebook.com/l.php": "facebook", "https://www.linkedin.com/feed": "linkedin", "https://www.threads.net/": "threads",
		"https://old.reddit.com/r/go": "reddit", "https://www.google.co.uk/": model.ReferrerSearch, "https://duckduckgo.com/": model.ReferrerSearch,
		"https://blog.example/": model.ReferrerOther, "not a url\x7f": model.ReferrerOther, "https://www.instagram.com/": "instagram",
	}
	for ref, want := range refs {
		if got := links.ReferrerClass(ref); got != want {
			t.Errorf("ReferrerClass(%q) = %q, want %q", ref, got, want)
		}
	}
	bots := map[string]bool{
		firefox: false, "": true, "Twitterbot/1.0": true, "facebookexternalhit/1.1": true, "Slackbot-LinkExpanding 1.0": true,
		"Mozilla/5.0 (compatible; Discordbot/2.0)": true, "TelegramBot (like TwitterBot)": true, "Mastodon/4.2.0 (http.rb/5.1.1; +https://m.example/)": true,
		"Mozilla/5.0 (compatible; Googlebot/2.1)": true, "Mozilla/5.0 (compatible; bingbot/2.0)": true, "curl/8.5.0": true, "Wget/1.21": true,
	}
	for ua, want := range bots {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("User-Agent", ua)
		if got := links.IsBot(r, false); got != want {
			t.Errorf("IsBot(%q) = %v, want %v", ua, got, want)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("User-Agent", "curl/8.5.0")
	if links.IsBot(r, true) {
		t.Error("curl counted as a bot although CLI clients are counted")
	}
}
