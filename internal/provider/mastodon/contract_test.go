package mastodon

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
	"herald/internal/testenv"
)

// testProvider returns a provider talking to f through the hardened client
// with loopback allowed (the fake runs on 127.0.0.1).
func testProvider(f *fakeServer, timeout time.Duration) *Provider {
	return New(Options{
		Client:       httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: timeout}),
		MediaTimeout: 2 * time.Second, MediaPoll: 5 * time.Millisecond,
	})
}

func connect(t *testing.T, p *Provider, f *fakeServer, user string) provider.Account {
	t.Helper()
	acct, err := p.Connect(context.Background(), map[string]string{"instance": f.URL, "access_token": "token-" + user})
	if err != nil {
		t.Fatalf("connect %s: %v", user, err)
	}
	return acct
}

func wantTrait(t *testing.T, err error, want provider.Trait) *provider.Error {
	t.Helper()
	return testenv.WantTrait(t, err, Network, want)
}

func TestContractRegisterConnectAndLimits(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	f.set(func() { f.maxChars = 1000 })
	p := testProvider(f, 5*time.Second)
	ctx := context.Background()

	app, err := p.RegisterApp(ctx, f.URL+"/", "https://herald.example/oauth/callback")
	if err != nil {
		t.Fatal(err)
	}
	if app.ClientID == "" || app.ClientSecret == "" || app.Settings["instance"] != f.URL {
		t.Fatalf("app %+v", app)
	}
	sent := f.apps[0]
	if sent.Get("redirect_uris") != "https://herald.example/oauth/callback" || sent.Get("scopes") != strings.Join(Scopes, " ") {
		t.Fatalf("register sent %v", sent)
	}
	for _, s := range Scopes {
		if s == "read" || s == "write" {
			t.Fatalf("scope %q is broader than needed", s)
		}
	}
	cfg, err := p.OAuth2Config(app, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AuthURL != f.URL+"/oauth/authorize" || cfg.TokenURL != f.URL+"/oauth/token" || !cfg.PKCE || len(cfg.Scopes) != len(Scopes) {
		t.Fatalf("oauth config %+v", cfg)
	}

	acct := connect(t, p, f, "alice")
	host := strings.TrimPrefix(f.URL, "http://")
	if acct.Handle != "@alice@"+host || acct.RemoteID != f.URL+"/users/alice" || acct.Settings["account_id"] != "1" {
		t.Fatalf("account %+v", acct)
	}
	l := acct.Limits
	if l.Text.Max != 1000 || l.Text.URLLength != 23 || l.MaxMedia != 6 || l.ImageMaxBytes != 16777216 || l.VideoMaxBytes != 103809024 {
		t.Fatalf("limits %+v", l)
	}
	if strings.Join(l.ImageTypes, ",") != "image/jpeg,image/png" || strings.Join(l.VideoTypes, ",") != "video/mp4" {
		t.Fatalf("types %v %v", l.ImageTypes, l.VideoTypes)
	}
	st, err := p.Check(ctx, acct)
	if err != nil || !st.OK || st.Handle != acct.Handle {
		t.Fatalf("check %+v %v", st, err)
	}
	if _, err := p.Connect(ctx, map[string]string{"instance": "", "access_token": "x"}); provider.TraitOf(err) != provider.Permanent {
		t.Fatalf("empty instance: %v", err)
	}
}

func TestContractPublishThreadWithMedia(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	f.set(func() { f.mediaPolls = 2 })
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "alice")
	var progressed []int
	post := provider.Post{Key: "target-1",
		Segments: []provider.Segment{
			{Text: "Hello <world> & friends", Media: []provider.Media{
				{ID: "m1", ContentType: "image/png", Data: []byte("png"), Alt: "a red square", FocusX: -0.5, FocusY: 0.25},
				{ID: "m2", ContentType: "video/mp4", Data: []byte("mp4"), Alt: "a clip"},
			}},
			{Text: "second part"},
		},
		Options:  map[string]string{"visibility": "unlisted", "spoiler_text": "CW: test", "sensitive": "true", "language": "en"},
		Progress: func(i int, rp provider.RemotePost) error { progressed = append(progressed, i); return nil },
	}
	out, err := p.Publish(context.Background(), acct, post)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || len(progressed) != 2 || f.count() != 2 {
		t.Fatalf("published %v progress %v statuses %d", out, progressed, f.count())
	}
	first, second := f.statuses[out[0].ID], f.statuses[out[1].ID]
	if first.Text != "Hello <world> & friends" || first.Visibility != "unlisted" || first.Spoiler != "CW: test" ||
		!first.Sensitive || first.Language != "en" || len(first.Media) != 2 {
		t.Fatalf("first status %+v", first)
	}
	if second.InReplyTo != out[0].ID {
		t.Fatalf("thread not chained: %+v", second)
	}
	img, vid := f.media[first.Media[0]], f.media[first.Media[1]]
	if img.Description != "a red square" || img.Focus != "-0.50,0.25" || vid.Description != "a clip" || vid.polls < 3 {
		t.Fatalf("media %+v %+v", img, vid)
	}
	if f.idemSeen[0] == "" || f.idemSeen[0] == f.idemSeen[1] || f.idemSeen[0] != IdempotencyKey("target-1", 0) {
		t.Fatalf("idempotency keys %v", f.idemSeen)
	}
	if !strings.HasPrefix(out[0].URL, f.URL+"/@alice/") || out[0].PublishedAt.IsZero() || out[0].Extra["uri"] == "" {
		t.Fatalf("remote post %+v", out[0])
	}
}

func TestContractPollAndResume(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "alice")
	ctx := context.Background()
	post := provider.Post{Key: "poll-1", Segments: []provider.Segment{{Text: "Which?"}, {Text: "Details"}},
		Options: map[string]string{"poll_options": "Tea\nCoffee\n", "poll_expires_in": "3600", "poll_multiple": "true"}}
	out, err := p.Publish(ctx, acct, post)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.statuses[out[0].ID].Poll; strings.Join(got, "|") != "Tea|Coffee" {
		t.Fatalf("poll %v", got)
	}
	if len(f.statuses[out[1].ID].Poll) != 0 {
		t.Fatal("poll repeated on a later segment")
	}
	// Resuming after the first segment posts only the rest, replying to it.
	post = provider.Post{Key: "resume-1", Segments: []provider.Segment{{Text: "one"}, {Text: "two"}, {Text: "three"}}, Done: out[:1]}
	res, err := p.Publish(ctx, acct, post)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[0].ID != out[0].ID || f.statuses[res[1].ID].InReplyTo != out[0].ID || f.statuses[res[1].ID].Text != "two" {
		t.Fatalf("resume %+v", res)
	}
	// Poll with media is refused by the server, with its own words.
	_, err = p.Publish(ctx, acct, provider.Post{Key: "poll-2", Segments: []provider.Segment{{Text: "x",
		Media: []provider.Media{{ContentType: "image/png", Data: []byte("x")}}}}, Options: map[string]string{"poll_options": "a\nb"}})
	if pe := wantTrait(t, err, provider.Permanent); !strings.Contains(pe.Message, "Poll cannot be attached") || pe.Status != 422 {
		t.Fatalf("message %q", pe.Message)
	}
}

func TestContractRateLimited(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "alice")
	now := time.Now()
	p.opt.Now = func() time.Time { return now }
	f.set(func() { f.remaining, f.reset = 0, now.Add(90*time.Second) })
	_, err := p.Publish(context.Background(), acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "hi"}}})
	pe := wantTrait(t, err, provider.RateLimited)
	if pe.RetryAfter < 89*time.Second || pe.RetryAfter > 91*time.Second || pe.Message != "Too many requests" {
		t.Fatalf("retry after %v message %q", pe.RetryAfter, pe.Message)
	}
	if f.count() != 0 {
		t.Fatal("a rate-limited request created a status")
	}
}

func TestContractAuthExpired(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "alice")
	f.set(func() { delete(f.tokens, "token-alice") }) // the user revoked Herald
	_, err := p.Publish(context.Background(), acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "hi"}}})
	if pe := wantTrait(t, err, provider.AuthExpired); pe.Message != "The access token is invalid" {
		t.Fatalf("message %q", pe.Message)
	}
	st, err := p.Check(context.Background(), acct)
	if st.OK || st.Message != "The access token is invalid" || provider.TraitOf(err) != provider.AuthExpired {
		t.Fatalf("check %+v %v", st, err)
	}
}

func TestContractRejectedContent(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "alice")
	_, err := p.Publish(context.Background(), acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: strings.Repeat("é", 501)}}})
	pe := wantTrait(t, err, provider.Permanent)
	if pe.Message != "Validation failed: Text character limit of 500 exceeded" || pe.Status != 422 {
		t.Fatalf("message %q status %d", pe.Message, pe.Status)
	}
	_, err = p.Publish(context.Background(), acct, provider.Post{Key: "k2", Segments: []provider.Segment{{Text: "x",
		Media: []provider.Media{{ContentType: "application/pdf", Data: []byte("%PDF")}}}}})
	if pe := wantTrait(t, err, provider.Permanent); !strings.Contains(pe.Message, "File content type is invalid") {
		t.Fatalf("media message %q", pe.Message)
	}
}

// TestContractUnknownOutcome: the server stores the status, then the
// connection drops (or the answer never comes). The provider must say
// Unknown, and a retry with the same Key must return the stored status
// without creating a second one: Mastodon's Idempotency-Key.
func TestContractUnknownOutcome(t *testing.T) {
	for _, fault := range []string{"drop", "hang", "500"} {
		t.Run(fault, func(t *testing.T) {
			f := newFakeServer()
			defer f.Close()
			p := testProvider(f, 500*time.Millisecond)
			acct := connect(t, p, f, "alice")
			post := provider.Post{Key: "target-x", Segments: []provider.Segment{{Text: "once only"}}}
			f.set(func() { f.statusFault = fault })
			_, err := p.Publish(context.Background(), acct, post)
			wantTrait(t, err, provider.Unknown)
			// net/http may itself re-send a request that carries an
			// Idempotency-Key once on a reused connection; the key makes
			// that harmless too, which the count below also checks.
			f.set(func() { f.statusFault = "" })
			out, err := p.Publish(context.Background(), acct, post)
			if err != nil {
				t.Fatal(err)
			}
			if f.count() != 1 || f.statuses[out[0].ID].Text != "once only" {
				t.Fatalf("after retry: %d statuses", f.count())
			}
			for _, k := range f.idemSeen {
				if k != IdempotencyKey(post.Key, 0) {
					t.Fatalf("retry used another key: %v", f.idemSeen)
				}
			}
		})
	}
}

func TestContractNothingSentIsTransient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: the dial fails before anything is sent
	p := New(Options{Client: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: time.Second})})
	acct := provider.Account{Settings: map[string]string{"instance": "http://" + addr}, Credentials: map[string]string{"access_token": "t"}}
	_, err = p.Publish(context.Background(), acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "hi"}}})
	wantTrait(t, err, provider.Transient)
	// The SSRF guard refuses loopback instances with the production client,
	// and retrying would not help.
	p = New(Options{Client: httpclient.New(httpclient.Options{})})
	_, err = p.Publish(context.Background(), acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "hi"}}})
	if pe := wantTrait(t, err, provider.Permanent); !errors.Is(pe, httpclient.ErrPrivateAddress) {
		t.Fatalf("private address not refused: %v", err)
	}
}

func TestContractMediaProcessingBudget(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	f.set(func() { f.mediaPolls = -1 }) // never finishes
	p := testProvider(f, 5*time.Second)
	p.opt.MediaTimeout = 100 * time.Millisecond
	acct := connect(t, p, f, "alice")
	_, err := p.Publish(context.Background(), acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "v",
		Media: []provider.Media{{ContentType: "video/mp4", Data: []byte("mp4")}}}}})
	if pe := wantTrait(t, err, provider.Transient); !strings.Contains(pe.Message, "still processing") {
		t.Fatalf("message %q", pe.Message)
	}
	if f.count() != 0 {
		t.Fatal("status created with unprocessed media")
	}
}

func TestContractServerErrorOnRead(t *testing.T) {
	srv := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		errJSON(w, 503, "Service Unavailable")
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	p := New(Options{Client: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: 5 * time.Second})})
	acct := provider.Account{Settings: map[string]string{"instance": ts.URL}, Credentials: map[string]string{"access_token": "t"}}
	_, err := p.AccountMetrics(context.Background(), acct)
	wantTrait(t, err, provider.Transient)
	_, err = p.Publish(context.Background(), acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "x"}}})
	wantTrait(t, err, provider.Unknown)
}
