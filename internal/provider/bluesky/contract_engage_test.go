package bluesky

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/ids"
	"herald/internal/provider"
)

// conversation publishes a post by alice and has bob reply to, like and
// repost it, carol answer bob's reply (a reply that notifies only bob),
// and bob mention alice in a post of his own.
func conversation(t *testing.T, h *harness) (provider.RemotePost, map[string]string) {
	t.Helper()
	out, err := h.p.Publish(context.Background(), h.acct, provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: "what do you think?"}}})
	if err != nil {
		t.Fatal(err)
	}
	post := out[0]
	strong := map[string]any{"uri": post.ID, "cid": post.Extra["cid"]}
	carol := h.f.addAccount("carol.test")
	reply := h.f.put(h.bob.did, collPost, map[string]any{"text": "I like it", "reply": map[string]any{"root": strong, "parent": strong}})
	rec := h.f.records(h.bob.did, collPost)[0]
	replyRef := map[string]any{"uri": reply, "cid": rec.cid}
	nested := h.f.put(carol.did, collPost, map[string]any{"text": "me too", "reply": map[string]any{"root": strong, "parent": replyRef}})
	like := h.f.put(h.bob.did, collLike, map[string]any{"subject": strong})
	repost := h.f.put(h.bob.did, collRepost, map[string]any{"subject": strong})
	mention := h.f.put(h.bob.did, collPost, map[string]any{"text": "ask @alice.test",
		"facets": []any{map[string]any{"index": map[string]any{"byteStart": 4, "byteEnd": 15},
			"features": []any{map[string]any{"$type": "app.bsky.richtext.facet#mention", "did": h.alice.did}}}}})
	h.f.put(h.bob.did, collLike, map[string]any{"subject": map[string]any{"uri": reply, "cid": rec.cid}}) // bob likes his own reply: not alice's business
	return post, map[string]string{"reply": reply, "nested": nested, "like": like, "repost": repost, "mention": mention, "carol": carol.did}
}

func kinds(in []provider.Interaction) map[string]provider.Interaction {
	out := map[string]provider.Interaction{}
	for _, x := range in {
		out[x.ID] = x
	}
	return out
}

func TestContractInteractionsFromAppView(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	post, refs := conversation(t, h)
	got, err := h.p.Interactions(context.Background(), h.acct, time.Now().Add(-time.Hour), []provider.RemotePost{post})
	if err != nil {
		t.Fatal(err)
	}
	byID := kinds(got)
	want := map[string]string{refs["reply"]: "reply", refs["nested"]: "reply", refs["like"]: "like", refs["repost"]: "repost", refs["mention"]: "mention"}
	if len(got) != len(want) {
		t.Fatalf("got %d interactions: %+v", len(got), got)
	}
	for id, kind := range want {
		if byID[id].Kind != kind {
			t.Errorf("%s: kind %q, want %q", id, byID[id].Kind, kind)
		}
	}
	r := byID[refs["reply"]]
	if r.Text != "I like it" || r.ParentID != post.ID || r.RootID != post.ID || r.Author != "@bob.test" || r.AuthorID != h.bob.did || r.URL == "" {
		t.Fatalf("reply = %+v", r)
	}
	if l := byID[refs["like"]]; l.ParentID != post.ID || l.Reaction != "+" {
		t.Fatalf("like = %+v", l)
	}
	if n := byID[refs["nested"]]; n.Author != "@carol.test" || n.ParentID != refs["reply"] {
		t.Fatalf("nested reply (from getPostThread) = %+v", n)
	}
	if h.f.count("app.bsky.feed.getPostThread") != 1 {
		t.Fatal("the given post's thread must be read")
	}
	later, err := h.p.Interactions(context.Background(), h.acct, time.Now().Add(time.Minute), []provider.RemotePost{post})
	if err != nil || len(later) != 0 {
		t.Fatalf("since filter: %d %v", len(later), err)
	}
}

func TestContractInteractionsFromReposWithoutAppView(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	post, refs := conversation(t, h)
	h.f.mu.Lock()
	h.f.appView = false
	h.f.mu.Unlock()
	ctx := context.Background()
	// Without watch_dids, alice's follows and mentions say whom to read:
	// nobody yet, so nothing is found.
	got, err := h.p.Interactions(ctx, h.acct, time.Time{}, []provider.RemotePost{post})
	if err != nil || len(got) != 0 {
		t.Fatalf("no watched accounts: %+v %v", got, err)
	}
	acct := h.acct
	acct.Settings = map[string]string{SettingService: h.f.srv.URL, SettingWatchDIDs: h.bob.did + ", did:plc:elsewhere2222222222222"}
	got, err = h.p.Interactions(ctx, acct, time.Now().Add(-time.Hour), []provider.RemotePost{post})
	if err != nil {
		t.Fatal(err)
	}
	byID := kinds(got)
	for id, kind := range map[string]string{refs["reply"]: "reply", refs["like"]: "like", refs["repost"]: "repost", refs["mention"]: "mention"} {
		if byID[id].Kind != kind || byID[id].Author != "@bob.test" {
			t.Errorf("%s: %+v, want kind %s by @bob.test", id, byID[id], kind)
		}
	}
	if len(got) != 4 {
		t.Fatalf("got %d: %+v", len(got), got)
	}
	// Following carol is enough to read her replies to alice (her answer
	// to bob's reply is not alice's).
	carolDID := refs["carol"]
	strong := map[string]any{"uri": post.ID, "cid": post.Extra["cid"]}
	direct := h.f.put(carolDID, collPost, map[string]any{"text": "directly to alice", "reply": map[string]any{"root": strong, "parent": strong}})
	h.f.put(h.alice.did, collFollow, map[string]any{"subject": carolDID})
	got, err = h.p.Interactions(ctx, h.acct, time.Time{}, nil)
	if err != nil || kinds(got)[direct].Kind != "reply" || len(got) != 1 {
		t.Fatalf("follow-based read: %+v %v", got, err)
	}
}

func TestContractReplyAndReact(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	ctx := context.Background()
	post, refs := conversation(t, h)
	parent := provider.Interaction{Kind: "reply", ID: refs["reply"]}
	rp, err := h.p.Reply(ctx, h.acct, parent, "thanks @bob.test!")
	if err != nil {
		t.Fatal(err)
	}
	again, err := h.p.Reply(ctx, h.acct, parent, "thanks @bob.test!")
	if err != nil || again.ID != rp.ID {
		t.Fatalf("retried reply: %+v %v", again, err)
	}
	posts := h.f.records(h.alice.did, collPost)
	sort.Slice(posts, func(i, j int) bool { return posts[i].indexedAt.Before(posts[j].indexedAt) })
	if len(posts) != 2 {
		t.Fatalf("alice has %d posts, want the post and one reply", len(posts))
	}
	got := decodePost(t, posts[1].value)
	if got.Reply.Parent.URI != refs["reply"] || got.Reply.Root.URI != post.ID || got.Reply.Root.CID != post.Extra["cid"] || len(got.Facets) != 1 {
		t.Fatalf("reply record %+v", got)
	}
	for i := 0; i < 2; i++ {
		if err := h.p.React(ctx, h.acct, parent, "❤️"); err != nil {
			t.Fatal(err)
		}
	}
	if likes := h.f.records(h.alice.did, collLike); len(likes) != 1 || !strings.Contains(string(likes[0].value), refs["reply"]) {
		t.Fatalf("likes: %d", len(likes))
	}
	_, err = h.p.Reply(ctx, h.acct, provider.Interaction{ID: "at://" + h.bob.did + "/app.bsky.feed.post/3kzzzzzzzzz22"}, "to nothing")
	wantTrait(t, err, provider.Permanent)
}

func TestContractMetrics(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	ctx := context.Background()
	post, _ := conversation(t, h)
	h.f.mu.Lock()
	h.f.accounts[h.alice.did].followers = 12
	h.f.mu.Unlock()
	m, err := h.p.PostMetrics(ctx, h.acct, []provider.RemotePost{post})
	if err != nil {
		t.Fatal(err)
	}
	if got := m[post.ID]; got.Likes != 1 || got.Reposts != 1 || got.Replies != 1 || got.At.IsZero() {
		t.Fatalf("post metrics %+v", got)
	}
	am, err := h.p.AccountMetrics(ctx, h.acct)
	if err != nil || am.Followers != 12 || am.Posts != 1 {
		t.Fatalf("account metrics %+v %v", am, err)
	}
	h.f.mu.Lock()
	h.f.appView = false
	h.f.mu.Unlock()
	_, err = h.p.PostMetrics(ctx, h.acct, []provider.RemotePost{post})
	if pe := wantTrait(t, err, provider.Permanent); !strings.Contains(pe.Message, "No service configured") {
		t.Fatalf("without AppView: %q", pe.Message)
	}
}
