package bluesky

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"herald/internal/provider"
)

// Following someone through the workspace's session and the AppView: the
// handle in each accepted form resolves to the DID; the read has the
// profile's counters and the posts since a time (replies left out) with
// their like, repost, reply and quote counts; a handle that names no
// account and a malformed one fail in the user's words; a 429 carries
// the reset time. Without an AppView the same account is read from its repo.
func TestPublicAccountFromAppView(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	h.p.opts.PLC = h.f.srv.URL // no DID documents there: repos are read on the channel's PDS, nothing leaves the machine
	ctx := context.Background()
	h.f.mu.Lock()
	h.bob.followers = 42
	h.f.mu.Unlock()
	first := h.f.put(h.bob.did, collPost, map[string]any{"text": "Bob's launch"})
	rec := h.f.records(h.bob.did, collPost)[0]
	strong := map[string]any{"uri": first, "cid": rec.cid}
	h.f.put(h.bob.did, collPost, map[string]any{"text": "Bob answers himself", "reply": map[string]any{"root": strong, "parent": strong}})
	h.f.put(h.bob.did, collPost, map[string]any{"text": "Bob's old news", "createdAt": "2020-01-01T00:00:00.000Z"})
	h.f.put(h.alice.did, collLike, map[string]any{"subject": strong})
	h.f.put(h.alice.did, collRepost, map[string]any{"subject": strong})

	for _, handle := range []string{"@bob.test", "bob.test", h.bob.did, "https://bsky.app/profile/bob.test", "https://bsky.app/profile/" + h.bob.did + "/post/x"} {
		got, err := h.p.LookupPublicAccount(ctx, h.acct, handle)
		if err != nil {
			t.Fatalf("%q: %v", handle, err)
		}
		if got.ID != h.bob.did || got.Handle != "@bob.test" || got.URL != DefaultWebURL+"/profile/bob.test" {
			t.Fatalf("%q: %+v", handle, got)
		}
	}
	_, err := h.p.LookupPublicAccount(ctx, h.acct, "nobody.test")
	if e := wantTrait(t, err, provider.Permanent); !strings.Contains(e.Message, "no Bluesky account nobody.test") {
		t.Fatalf("unknown: %v", e)
	}
	for _, bad := range []string{"", "not a handle!", "https://example.com/about"} {
		_, err := h.p.LookupPublicAccount(ctx, h.acct, bad)
		wantTrait(t, err, provider.Permanent)
	}

	read, err := h.p.ReadPublicAccount(ctx, h.acct, h.bob.did, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if read.Source != "bluesky:getProfile+getAuthorFeed" || read.Followers != provider.Known(42) || read.Posts != provider.Known(3) || len(read.Recent) != 1 {
		t.Fatalf("read %+v", read)
	}
	if pp := read.Recent[0]; pp.ID != first || pp.Text != "Bob's launch" || pp.Likes != provider.Known(1) || pp.Reposts != provider.Known(1) ||
		pp.Replies != provider.Known(1) || pp.Quotes != provider.Known(0) || !strings.HasPrefix(pp.URL, DefaultWebURL+"/profile/") {
		t.Fatalf("post %+v", pp)
	}
	_, err = h.p.ReadPublicAccount(ctx, h.acct, "bob.test", time.Time{})
	wantTrait(t, err, provider.Permanent)

	reset := time.Now().Add(2 * time.Minute).Unix()
	h.f.fail(fault{nsid: "app.bsky.feed.getAuthorFeed", status: 429, code: "RateLimitExceeded", message: "Rate Limit Exceeded",
		header: map[string]string{"RateLimit-Reset": strconv.FormatInt(reset, 10)}})
	_, err = h.p.ReadPublicAccount(ctx, h.acct, h.bob.did, time.Time{})
	if e := wantTrait(t, err, provider.RateLimited); e.RetryAfter < time.Minute {
		t.Fatalf("retry after %v", e.RetryAfter)
	}

	// The same account on a PDS without an AppView: from its repo.
	h.f.mu.Lock()
	h.f.appView = false
	h.f.mu.Unlock()
	read, err = h.p.ReadPublicAccount(ctx, h.acct, h.bob.did, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if read.Source != "bluesky:repo" || read.Followers.Known || read.Posts != provider.Known(3) || read.Following != provider.Known(0) ||
		len(read.Recent) != 1 || read.Recent[0].Likes.Known || len(read.Notes) != 1 {
		t.Fatalf("repo read %+v", read)
	}
	got, err := h.p.LookupPublicAccount(ctx, h.acct, "@bob.test")
	if err != nil || got.ID != h.bob.did {
		t.Fatalf("lookup without AppView: %+v %v", got, err)
	}
}
