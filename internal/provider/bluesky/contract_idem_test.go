package bluesky

import (
	"context"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/ids"
	"herald/internal/provider"
)

// The unknown outcomes of ARCHITECTURE.md §4: the PDS stores the post and
// the answer is lost (connection dropped, or the client times out). The
// connector reads the record key back; when that fails too it reports
// Unknown, and a retry with the same Key finds the post instead of writing
// a second one.

func TestContractUnknownOutcomeDroppedConnection(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	ctx := context.Background()
	key := ids.New()
	post := provider.Post{Key: key, Segments: []provider.Segment{{Text: "dropped after store"}}}
	h.f.fail(fault{nsid: "com.atproto.repo.createRecord", drop: true}, fault{nsid: "com.atproto.repo.getRecord", drop: true})
	_, err := h.p.Publish(ctx, h.acct, post)
	wantTrait(t, err, provider.Unknown)
	if n := len(h.f.records(h.alice.did, collPost)); n != 1 {
		t.Fatalf("the fake should hold the post once, holds %d", n)
	}
	var progressed int
	post.Progress = func(int, provider.RemotePost) error { progressed++; return nil }
	out, err := h.p.Publish(ctx, h.acct, post)
	if err != nil {
		t.Fatalf("retry with the same key: %v", err)
	}
	recs := h.f.records(h.alice.did, collPost)
	if len(recs) != 1 || len(out) != 1 || out[0].Extra["cid"] != recs[0].cid || progressed != 1 {
		t.Fatalf("after retry: records=%d out=%+v progressed=%d", len(recs), out, progressed)
	}
	// FindByKey reconciles the same way.
	found, ok, err := h.p.FindByKey(ctx, h.acct, provider.Post{Key: key}, 0)
	if err != nil || !ok || found.ID != out[0].ID {
		t.Fatalf("find: %+v %v %v", found, ok, err)
	}
	if _, ok, err := h.p.FindByKey(ctx, h.acct, provider.Post{Key: key}, 1); ok || err != nil {
		t.Fatalf("segment never published: found=%v err=%v", ok, err)
	}
}

func TestContractUnknownOutcomeTimeoutResolvedByReadBack(t *testing.T) {
	h := newHarness(t, 800*time.Millisecond)
	ctx := context.Background()
	post := provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: "slow server"}, {Text: "second"}}}
	// The first segment times out after the PDS stored it; the read-back
	// finds it, so the thread goes on without a duplicate.
	h.f.fail(fault{nsid: "com.atproto.repo.createRecord", stall: 2 * time.Second})
	out, err := h.p.Publish(ctx, h.acct, post)
	if err != nil {
		t.Fatal(err)
	}
	if recs := h.f.records(h.alice.did, collPost); len(recs) != 2 || len(out) != 2 {
		t.Fatalf("records=%d out=%d", len(recs), len(out))
	}
	// Now the read-back times out too: Unknown, and Progress has the first segment only.
	post2 := provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: "a"}, {Text: "b"}}}
	var done []provider.RemotePost
	post2.Progress = func(i int, rp provider.RemotePost) error { done = append(done, rp); return nil }
	h.f.fail(fault{nsid: "com.atproto.repo.createRecord"}, // segment 0 goes through
		fault{nsid: "com.atproto.repo.createRecord", stall: 2 * time.Second}, fault{nsid: "com.atproto.repo.getRecord", stall: 2 * time.Second})
	_, err = h.p.Publish(ctx, h.acct, post2)
	wantTrait(t, err, provider.Unknown)
	if len(done) != 1 {
		t.Fatalf("progress before the unknown outcome: %d", len(done))
	}
	post2.Done, post2.Progress = done, nil
	out, err = h.p.Publish(ctx, h.acct, post2)
	if err != nil || len(out) != 2 {
		t.Fatalf("resume: %v %d", err, len(out))
	}
	if recs := h.f.records(h.alice.did, collPost); len(recs) != 4 {
		t.Fatalf("want 4 posts in all, have %d", len(recs))
	}
}

func TestContractUnknownOutcomeServerError(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	ctx := context.Background()
	post := provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: "502 from a proxy"}}}
	h.f.fail(fault{nsid: "com.atproto.repo.createRecord", status: 502, code: "UpstreamFailure", message: "Upstream Failure"})
	_, err := h.p.Publish(ctx, h.acct, post)
	wantTrait(t, err, provider.Unknown)
	if _, err := h.p.Publish(ctx, h.acct, post); err != nil {
		t.Fatal(err)
	}
	// Publishing the same key again (a blind retry) answers the same post.
	again, err := h.p.Publish(ctx, h.acct, post)
	if err != nil || len(h.f.records(h.alice.did, collPost)) != 1 {
		t.Fatalf("republish: %v, %d records", err, len(h.f.records(h.alice.did, collPost)))
	}
	rkey, _ := recordKey(post.Key, post.At, 0)
	if !strings.HasSuffix(again[0].ID, "/"+rkey) {
		t.Fatalf("republish answered %s", again[0].ID)
	}
	// Different text under the same key is a conflict, not a silent success.
	post.Segments[0].Text = "edited"
	_, err = h.p.Publish(ctx, h.acct, post)
	if pe := wantTrait(t, err, provider.Permanent); !strings.Contains(pe.Message, rkey) {
		t.Fatalf("conflict message %q", pe.Message)
	}
}

func TestContractDeleteAndRecentPosts(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	ctx := context.Background()
	out, err := h.p.Publish(ctx, h.acct, provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: "one"}, {Text: "two"}}})
	if err != nil {
		t.Fatal(err)
	}
	recent, err := h.p.RecentPosts(ctx, h.acct, 10)
	if err != nil || len(recent) != 2 || recent[0].ID != out[1].ID || recent[0].Extra["cid"] == "" {
		t.Fatalf("recent: %+v %v", recent, err)
	}
	for _, rp := range out {
		if err := h.p.Delete(ctx, h.acct, rp); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(h.f.records(h.alice.did, collPost)); n != 0 {
		t.Fatalf("%d posts left", n)
	}
	if err := h.p.Delete(ctx, h.acct, out[0]); err != nil {
		t.Fatalf("deleting twice must succeed: %v", err)
	}
	err = h.p.Delete(ctx, h.acct, provider.RemotePost{ID: "at://" + h.bob.did + "/app.bsky.feed.post/3kabc2222222a"})
	wantTrait(t, err, provider.Permanent)
}
