package links_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"herald/internal/config"
	"herald/internal/links"
	"herald/internal/model"
	"herald/internal/platform/httpclient"
	"herald/internal/testenv"
)

func TestApplyUTM(t *testing.T) {
	defaults := links.DefaultUTM("mastodon", "", "Tips")
	cases := []struct {
		in, want  string
		overrides links.UTM
	}{
		{"https://example.com/a", "https://example.com/a?utm_campaign=Tips&utm_medium=social&utm_source=mastodon", nil},
		// Tags already in the URL are kept against defaults...
		{"https://example.com/a?utm_source=newsletter&b=2#top", "https://example.com/a?b=2&utm_campaign=Tips&utm_medium=social&utm_source=newsletter#top", nil},
		// ...but a preset replaces them.
		{"https://example.com/a?utm_source=newsletter", "https://example.com/a?utm_campaign=Tips&utm_medium=social&utm_source=herald", links.UTM{"source": "herald"}},
		// A fully tagged URL is returned byte for byte.
		{"https://example.com/?utm_source=a&utm_medium=b&utm_campaign=c", "https://example.com/?utm_source=a&utm_medium=b&utm_campaign=c", nil},
	}
	for _, c := range cases {
		got, err := links.ApplyUTM(c.in, defaults, c.overrides)
		if err != nil || got != c.want {
			t.Errorf("ApplyUTM(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if d := links.DefaultUTM("x", "Launch", "Tips"); d["campaign"] != "Launch" {
		t.Errorf("campaign should win over pillar: %v", d)
	}
}

func TestPresetsAndTrack(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		f := newFixture(t, cfg)
		ctx := context.Background()
		ch, err := f.a.Channels.Connect(ctx, f.actor, f.ws, "fake", map[string]string{"handle": "@news"})
		if err != nil {
			t.Skipf("no fake channel to attach presets to: %v", err)
		}
		_, err = f.a.Links.PutPresets(ctx, f.actor, f.ws, []model.UTMPreset{
			{Scope: model.UTMScopeWorkspace, Params: map[string]string{"medium": "herald", "term": "ws"}},
			{Scope: model.UTMScopeChannel, Key: ch.ID, Params: map[string]string{"term": "channel", "content": "channel"}},
			{Scope: model.UTMScopeCampaign, Key: "Launch", Params: map[string]string{"content": "campaign"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Links.PutPresets(ctx, f.actor, f.ws, []model.UTMPreset{{Scope: "team", Params: map[string]string{"source": "x"}}}); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("bad scope: %v", err)
		}
		in := links.TrackInput{URL: "https://example.com/p?utm_source=mine", PostID: "post1", ChannelID: ch.ID, Network: "mastodon", Campaign: "launch"}
		l, err := f.a.Links.Track(ctx, nil, f.ws, in)
		if err != nil {
			t.Fatal(err)
		}
		q := mustQuery(t, l.URL)
		want := map[string]string{"utm_source": "mine", "utm_medium": "herald", "utm_campaign": "launch", "utm_term": "channel", "utm_content": "campaign"}
		for k, v := range want {
			if q.Get(k) != v {
				t.Errorf("%s = %q, want %q (url %s)", k, q.Get(k), v, l.URL)
			}
		}
		// The same post, channel and URL give the same link.
		again, err := f.a.Links.Track(ctx, &f.actor, f.ws, in)
		if err != nil || again.ID != l.ID || again.Code != l.Code {
			t.Fatalf("Track is not idempotent: %+v vs %+v (%v)", again, l, err)
		}
		in.ChannelID = ""
		other, err := f.a.Links.Track(ctx, nil, f.ws, in)
		if err != nil || other.ID == l.ID {
			t.Fatalf("another channel must get its own link: %v", err)
		}
		if _, err := f.a.Links.Track(ctx, nil, f.ws, links.TrackInput{URL: "javascript:alert(1)"}); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("javascript: URL accepted: %v", err)
		}
		if got := f.a.Links.ShortURL(l); got != "http://herald.test/l/"+l.Code {
			t.Fatalf("short URL %q", got)
		}
	})
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

const ogPage = `<!doctype html><html><head><title> Fallback   title </title>
<meta property="og:title" content="Launch day">
<meta property="og:description" content="Everything new.">
<meta property="og:image" content="/img/card.png">
<meta property="og:site_name" content="Example">
</head><body><p>hi</p></body></html>`

func TestPreview(t *testing.T) {
	f := newFixture(t, testenv.SQLite(t))
	ctx := context.Background()
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(ogPage))
		case "/plain":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<html><head><title>Only a title</title><meta name="description" content="Desc"></head></html>`))
		case "/pdf":
			w.Header().Set("Content-Type", "application/pdf")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	svc := &links.Service{Store: f.a.Store, Workspaces: f.a.Workspaces, DataDir: t.TempDir(),
		HTTP: httpclient.New(httpclient.Options{AllowPrivate: true, MaxBody: 1 << 20})}
	p, err := svc.Preview(ctx, srv.URL+"/page")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Launch day" || p.Description != "Everything new." || p.Image != srv.URL+"/img/card.png" || p.SiteName != "Example" {
		t.Fatalf("preview %+v", p)
	}
	if _, err := svc.Preview(ctx, srv.URL+"/page"); err != nil || hits != 1 {
		t.Fatalf("second preview should come from the cache: hits %d, %v", hits, err)
	}
	if p, err := svc.Preview(ctx, srv.URL+"/plain"); err != nil || p.Title != "Only a title" || p.Description != "Desc" {
		t.Fatalf("fallbacks: %+v %v", p, err)
	}
	for _, path := range []string{"/pdf", "/missing"} {
		if _, err := svc.Preview(ctx, srv.URL+path); model.KindOf(err) != model.KindInvalid {
			t.Errorf("%s: %v, want a soft invalid error", path, err)
		}
	}
	// The installation's own client refuses loopback addresses.
	guarded := &links.Service{Store: f.a.Store, Workspaces: f.a.Workspaces, DataDir: t.TempDir(),
		HTTP: httpclient.New(httpclient.Options{MaxBody: 1 << 20})}
	_, err = guarded.Preview(ctx, srv.URL+"/page?uncached=1")
	var me *model.Error
	if !errors.As(err, &me) || me.Kind != model.KindInvalid || hits != 4 {
		t.Fatalf("private address: %v (hits %d)", err, hits)
	}
	t.Logf("refusal reads: %s", me.Msg)
}
