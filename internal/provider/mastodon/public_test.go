package mastodon

import (
	"context"
	"strings"
	"testing"
	"time"

	"herald/internal/provider"
)

// Following someone else's account: a handle in every accepted form
// resolves on the account's own instance without a token; the read has the
// account's counters and its statuses since a time across Link pages, with
// favourites, boosts and replies, and quotes "not available" when the
// server does not send quotes_count; unknown handles and malformed ones
// fail with the user's words; a 429 carries the server's reset time.
func TestPublicAccountLookupAndRead(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	f.set(func() { f.pageSize = 2 })
	p := testProvider(f, 5*time.Second)
	ctx := context.Background()
	alice := connect(t, p, f, "alice")
	bobAcct := connect(t, p, f, "bob")
	var first string
	for i := 0; i < 5; i++ {
		posted, err := p.Publish(ctx, bobAcct, provider.Post{Key: "pub-" + string(rune('a'+i)), Segments: []provider.Segment{{Text: "Bob's news " + string(rune('A'+i))}}})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = posted[0].ID
		}
	}
	if _, err := p.Reply(ctx, alice, provider.Interaction{ID: first}, "Nice one"); err != nil {
		t.Fatal(err)
	}
	if err := p.React(ctx, alice, provider.Interaction{ID: first}, "+"); err != nil {
		t.Fatal(err)
	}
	if err := p.React(ctx, alice, provider.Interaction{ID: first}, "boost"); err != nil {
		t.Fatal(err)
	}

	// No channel at all: the profile URL names the instance.
	got, err := p.LookupPublicAccount(ctx, provider.Account{}, f.URL+"/@bob")
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(f.URL, "http://")
	if got.ID != f.URL+"#2" || got.Handle != "@bob@"+host || got.Name != "Bob" || got.Avatar != f.URL+"/avatars/bob.png" || got.Network != Network {
		t.Fatalf("lookup %+v", got)
	}
	// A bare @user uses the workspace channel's instance (and its token).
	if again, err := p.LookupPublicAccount(ctx, alice, "@bob"); err != nil || again.ID != got.ID {
		t.Fatalf("bare handle: %+v %v", again, err)
	}
	f.mu.Lock()
	sawToken := f.requests[len(f.requests)-1].Header.Get("Authorization") == "Bearer token-alice"
	f.mu.Unlock()
	if !sawToken {
		t.Fatal("a lookup on the channel's own instance should carry its token")
	}
	_, err = p.LookupPublicAccount(ctx, provider.Account{}, f.URL+"/@nobody")
	if e := wantTrait(t, err, provider.Permanent); !strings.Contains(e.Message, "has no account @nobody") {
		t.Fatalf("unknown: %v", e)
	}
	for _, bad := range []string{"", "bob", "@bo b@x.example", "https://x.example/about", "ftp://x.example/@bob"} {
		_, err := p.LookupPublicAccount(ctx, provider.Account{}, bad)
		if e := wantTrait(t, err, provider.Permanent); e.Message == "" {
			t.Fatalf("%q: no message", bad)
		}
	}

	read, err := p.ReadPublicAccount(ctx, provider.Account{}, got.ID, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !read.Followers.Known || read.Followers.Value != 0 || read.Following.Value != 12 || read.Posts.Value != 5 || len(read.Recent) != 5 {
		t.Fatalf("read %+v", read)
	}
	var firstPost provider.PublicPost
	for _, pp := range read.Recent {
		if pp.ID == first {
			firstPost = pp
		}
		if pp.Quotes.Known {
			t.Fatalf("quotes_count is not sent by this server: %+v", pp)
		}
	}
	if firstPost.Likes != provider.Known(1) || firstPost.Reposts != provider.Known(1) || firstPost.Replies != provider.Known(1) || firstPost.Text != "Bob's news A" {
		t.Fatalf("first post %+v", firstPost)
	}
	// Three pages of two were followed by their Link headers.
	f.mu.Lock()
	pages := 0
	for _, r := range f.requests {
		if strings.HasSuffix(r.URL.Path, "/statuses") && r.Method == "GET" {
			pages++
		}
	}
	f.mu.Unlock()
	if pages != 3 {
		t.Fatalf("%d status pages read, want 3", pages)
	}
	// Nothing since the future: no posts, still the counters.
	if r, err := p.ReadPublicAccount(ctx, provider.Account{}, got.ID, time.Now().Add(time.Hour)); err != nil || len(r.Recent) != 0 || r.Posts.Value != 5 {
		t.Fatalf("since later: %+v %v", r, err)
	}
	_, err = p.ReadPublicAccount(ctx, provider.Account{}, "2", time.Time{})
	wantTrait(t, err, provider.Permanent)

	reset := time.Now().Add(90 * time.Second).UTC()
	f.set(func() { f.remaining, f.reset = 0, reset })
	_, err = p.ReadPublicAccount(ctx, provider.Account{}, got.ID, time.Time{})
	if e := wantTrait(t, err, provider.RateLimited); e.RetryAfter < 80*time.Second || e.RetryAfter > 91*time.Second {
		t.Fatalf("retry after %v", e.RetryAfter)
	}
}
