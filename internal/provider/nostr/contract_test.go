package nostr

import (
	"context"
	"strings"
	"testing"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"
	"github.com/nbd-wtf/go-nostr/nip19"

	"herald/internal/platform/httpclient"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/testenv"
)

func newTestProvider(t *testing.T) *Provider {
	t.Helper()
	return New(Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: 5 * time.Second}),
		AllowPrivate: true, Timeout: 2 * time.Second})
}

func connect(t *testing.T, p *Provider, sk string, relays ...string) provider.Account {
	t.Helper()
	nsec, _ := nip19.EncodePrivateKey(sk)
	acct, err := p.Connect(context.Background(), map[string]string{"secret_key": nsec, "relays": strings.Join(relays, ",")})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return acct
}

func wantTrait(t *testing.T, err error, want provider.Trait) *provider.Error {
	t.Helper()
	return testenv.WantTrait(t, err, Network, want)
}

func tagValues(ev gonostr.Event, name string) [][]string {
	var out [][]string
	for _, tg := range ev.Tags {
		if len(tg) > 0 && tg[0] == name {
			out = append(out, tg)
		}
	}
	return out
}

func threadPost(key string) provider.Post {
	return provider.Post{Key: key, Segments: []provider.Segment{
		{Text: "Launch day #Herald", Media: []provider.Media{{ID: "m1", ContentType: "image/png", Width: 800, Height: 600,
			Alt: "A rocket on the pad", URL: "https://media.example.org/rocket.png"}}},
		{Text: "Part two"},
		{Text: "Part three"},
	}}
}

func TestContractPublishThreadToSeveralRelays(t *testing.T) {
	a, b, refusing := newFakeRelay(t), newFakeRelay(t), newFakeRelay(t)
	refusing.refuse = func(gonostr.Event) string { return "blocked: not on the allow list" }
	p := newTestProvider(t)
	sk := gonostr.GeneratePrivateKey()
	acct := connect(t, p, sk, a.URL, b.URL, refusing.URL)
	key := ids.New()
	var progressed []int
	post := threadPost(key)
	post.Progress = func(i int, rp provider.RemotePost) error { progressed = append(progressed, i); return nil }

	out, err := p.Publish(context.Background(), acct, post)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if len(out) != 3 || len(progressed) != 3 {
		t.Fatalf("got %d posts, progress %v", len(out), progressed)
	}
	if got := out[0].Extra["relays_accepted"]; got != a.URL+"\n"+b.URL {
		t.Errorf("accepted = %q", got)
	}
	if got := out[0].Extra["relays_refused"]; !strings.Contains(got, refusing.URL) || !strings.Contains(got, "blocked: not on the allow list") {
		t.Errorf("refused = %q", got)
	}
	if !strings.HasPrefix(out[0].URL, "nostr:nevent1") {
		t.Errorf("URL = %q", out[0].URL)
	}
	notes := a.stored(gonostr.KindTextNote)
	if len(notes) != 3 || len(b.stored(gonostr.KindTextNote)) != 3 {
		t.Fatalf("relay holds %d notes", len(notes))
	}
	first := notes[0]
	if first.ID != out[0].ID || first.PubKey != acct.RemoteID {
		t.Errorf("first note %s by %s", first.ID, first.PubKey)
	}
	if !strings.Contains(first.Content, "https://media.example.org/rocket.png") {
		t.Errorf("content %q lacks the media URL (NIP-92 wants it there)", first.Content)
	}
	im := tagValues(first, "imeta")
	if len(im) != 1 || !contains(im[0], "alt A rocket on the pad") || !contains(im[0], "m image/png") || !contains(im[0], "dim 800x600") {
		t.Errorf("imeta = %v", im)
	}
	if tv := tagValues(first, "t"); len(tv) != 1 || tv[0][1] != "herald" {
		t.Errorf("t tags = %v", tv)
	}
	base, _ := keyTime(key)
	for i, n := range notes {
		if int64(n.CreatedAt) != base+int64(i) {
			t.Errorf("note %d created_at %d, want %d", i, n.CreatedAt, base+int64(i))
		}
	}
	// NIP-10: a direct reply to the root has only the root tag; later ones
	// add the reply tag; both tag the author.
	if e := tagValues(notes[1], "e"); len(e) != 1 || e[0][1] != out[0].ID || e[0][3] != "root" {
		t.Errorf("segment 2 e tags = %v", e)
	}
	e := tagValues(notes[2], "e")
	if len(e) != 2 || e[0][1] != out[0].ID || e[0][3] != "root" || e[1][1] != out[1].ID || e[1][3] != "reply" {
		t.Errorf("segment 3 e tags = %v", e)
	}
	if pt := tagValues(notes[2], "p"); len(pt) != 1 || pt[0][1] != acct.RemoteID {
		t.Errorf("segment 3 p tags = %v", pt)
	}

	// Publishing the same target again yields the same events: no new notes.
	again, err := p.Publish(context.Background(), acct, threadPost(key))
	if err != nil || again[2].ID != out[2].ID {
		t.Fatalf("republish: %v %v", again, err)
	}
	if n := len(a.stored(gonostr.KindTextNote)); n != 3 {
		t.Errorf("relay holds %d notes after republish, want 3", n)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestContractResumeAfterDone(t *testing.T) {
	r := newFakeRelay(t)
	p := newTestProvider(t)
	acct := connect(t, p, gonostr.GeneratePrivateKey(), r.URL)
	key := ids.New()
	post := threadPost(key)
	post.Segments = post.Segments[:1]
	first, err := p.Publish(context.Background(), acct, post)
	if err != nil {
		t.Fatal(err)
	}
	post = threadPost(key)
	post.Done = first
	out, err := p.Publish(context.Background(), acct, post)
	if err != nil || len(out) != 3 || out[0].ID != first[0].ID {
		t.Fatalf("resume: %v %v", out, err)
	}
	if n := len(r.stored(gonostr.KindTextNote)); n != 3 {
		t.Errorf("relay holds %d notes, want 3", n)
	}
}

func TestContractRateLimited(t *testing.T) {
	p := newTestProvider(t)
	sk := gonostr.GeneratePrivateKey()

	proxy := newFakeRelay(t)
	acct := connect(t, p, sk, proxy.URL)
	proxy.status429 = "42"
	_, err := p.Publish(context.Background(), acct, threadPost(ids.New()))
	if e := wantTrait(t, err, provider.RateLimited); e.RetryAfter != 42*time.Second {
		t.Errorf("RetryAfter = %s, want 42s from Retry-After", e.RetryAfter)
	}

	relay := newFakeRelay(t)
	relay.refuse = func(gonostr.Event) string { return "rate-limited: slow down there chief" }
	acct = connect(t, p, sk, relay.URL)
	_, err = p.Publish(context.Background(), acct, threadPost(ids.New()))
	e := wantTrait(t, err, provider.RateLimited)
	if e.RetryAfter != time.Minute || !strings.Contains(e.Message, "slow down there chief") {
		t.Errorf("got %+v", e)
	}
}

func TestContractExpiredAuth(t *testing.T) {
	p := newTestProvider(t)
	member, lapsed := gonostr.GeneratePrivateKey(), gonostr.GeneratePrivateKey()
	r := newFakeRelay(t)
	r.auth = true
	mpk, _ := gonostr.GetPublicKey(member)
	r.allowed[mpk] = true

	// A member authenticates (NIP-42) and publishes.
	if _, err := p.Publish(context.Background(), connect(t, p, member, r.URL), threadPost(ids.New())); err != nil {
		t.Fatalf("member publish: %v", err)
	}
	// A lapsed member's authentication is refused: the channel needs attention.
	_, err := p.Publish(context.Background(), connect(t, p, lapsed, r.URL), threadPost(ids.New()))
	if e := wantTrait(t, err, provider.AuthExpired); !strings.Contains(e.Message, "membership has expired") {
		t.Errorf("message %q", e.Message)
	}
	// A stored key that no longer decodes needs a reconnect too.
	acct := connect(t, p, member, r.URL)
	acct.Credentials[credSecretKey] = "garbage"
	_, err = p.Publish(context.Background(), acct, threadPost(ids.New()))
	wantTrait(t, err, provider.AuthExpired)
}

func TestContractRejectedContent(t *testing.T) {
	p := newTestProvider(t)
	a, b := newFakeRelay(t), newFakeRelay(t)
	a.refuse = func(gonostr.Event) string { return "blocked: spam detected" }
	b.refuse = func(gonostr.Event) string { return "pow: difficulty 20 required" }
	acct := connect(t, p, gonostr.GeneratePrivateKey(), a.URL, b.URL)
	_, err := p.Publish(context.Background(), acct, threadPost(ids.New()))
	e := wantTrait(t, err, provider.Permanent)
	for _, want := range []string{a.URL + ": blocked: spam detected", b.URL + ": pow: difficulty 20 required"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("message %q lacks %q", e.Message, want)
		}
	}
	// A media item without a public URL is refused before anything is sent.
	post := threadPost(ids.New())
	post.Segments[2].Media = []provider.Media{{ID: "m9", ContentType: "image/png", Data: []byte("png")}}
	_, err = p.Publish(context.Background(), acct, post)
	if e := wantTrait(t, err, provider.Permanent); !strings.Contains(e.Message, "needs a public media URL") {
		t.Errorf("message %q", e.Message)
	}
	if a.received+b.received != 2 {
		t.Errorf("relays received %d events; the media check must come first", a.received+b.received)
	}
}

func TestContractUnknownOutcome(t *testing.T) {
	p := newTestProvider(t)
	r := newFakeRelay(t)
	acct := connect(t, p, gonostr.GeneratePrivateKey(), r.URL)
	r.dropAfter = 1 // stores the note, then the connection drops before OK
	key := ids.New()
	post := threadPost(key)
	post.Segments = post.Segments[1:2]
	_, err := p.Publish(context.Background(), acct, post)
	wantTrait(t, err, provider.Unknown)
	if n := len(r.stored(gonostr.KindTextNote)); n != 1 {
		t.Fatalf("relay holds %d notes, want 1", n)
	}
	stored := r.stored(gonostr.KindTextNote)[0]
	// A retry with the same key re-sends the identical event: the relay says
	// "duplicate" and keeps one copy.
	out, err := p.Publish(context.Background(), acct, post)
	if err != nil || out[0].ID != stored.ID {
		t.Fatalf("retry: %v %v", out, err)
	}
	if n := len(r.stored(gonostr.KindTextNote)); n != 1 {
		t.Errorf("relay holds %d notes after retry, want 1", n)
	}

	// A relay that stores the note but never answers: the wait times out.
	quick := New(Options{AllowPrivate: true, Timeout: 300 * time.Millisecond})
	r.mu.Lock()
	r.silent = true
	r.mu.Unlock()
	post.Key = ids.New()
	post.Segments = []provider.Segment{{Text: "nobody answers"}}
	_, err = quick.Publish(context.Background(), acct, post)
	if e := wantTrait(t, err, provider.Unknown); !strings.Contains(e.Message, "timed out") {
		t.Errorf("message %q", e.Message)
	}
	if n := len(r.stored(gonostr.KindTextNote)); n != 2 {
		t.Errorf("relay holds %d notes, want 2", n)
	}
}

func TestContractUnreachable(t *testing.T) {
	p := newTestProvider(t)
	r := newFakeRelay(t)
	acct := connect(t, p, gonostr.GeneratePrivateKey(), r.URL)
	r.srv.Close()
	_, err := p.Publish(context.Background(), acct, threadPost(ids.New()))
	wantTrait(t, err, provider.Transient)
	_, err = p.Connect(context.Background(), map[string]string{"generate": "true", "relays": r.URL})
	wantTrait(t, err, provider.Transient)
}

// TestContractPublishTimeFromPostAt: the publisher's fixed claim time, not
// the key's creation time, dates the notes, and a retry with the same At
// yields the same events.
func TestContractPublishTimeFromPostAt(t *testing.T) {
	r := newFakeRelay(t)
	p := newTestProvider(t)
	acct := connect(t, p, gonostr.GeneratePrivateKey(), r.URL)
	post := threadPost(ids.New())
	post.At = time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	first, err := p.Publish(context.Background(), acct, post)
	if err != nil {
		t.Fatal(err)
	}
	if !first[0].PublishedAt.Equal(post.At) || !first[2].PublishedAt.Equal(post.At.Add(2*time.Second)) {
		t.Fatalf("notes dated %v and %v, want %v (+2s)", first[0].PublishedAt, first[2].PublishedAt, post.At)
	}
	again, err := p.Publish(context.Background(), acct, post)
	if err != nil || again[0].ID != first[0].ID {
		t.Fatalf("retry with the same At: %v %v", again, err)
	}
	if n := len(r.stored(gonostr.KindTextNote)); n != 3 {
		t.Errorf("relay holds %d notes, want 3", n)
	}
}
