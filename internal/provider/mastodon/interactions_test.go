package mastodon

import (
	"context"
	"strings"
	"testing"
	"time"

	"herald/internal/provider"
)

func TestContractInteractionsMetricsReplyReact(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	f.set(func() { f.pageSize = 2 }) // forces paging through max_id
	p := testProvider(f, 5*time.Second)
	alice, bob := connect(t, p, f, "alice"), connect(t, p, f, "bob")
	ctx := context.Background()
	before := time.Now().Add(-time.Minute)

	own, err := p.Publish(ctx, alice, provider.Post{Key: "a1", Segments: []provider.Segment{{Text: "Launch day!"}}})
	if err != nil {
		t.Fatal(err)
	}
	post := own[0]
	// Bob replies, favourites, boosts, and mentions alice privately.
	if _, err := p.Reply(ctx, bob, provider.Interaction{ID: post.ID}, "Congrats <3"); err != nil {
		t.Fatal(err)
	}
	if err := p.React(ctx, bob, provider.Interaction{ID: post.ID}, "+"); err != nil {
		t.Fatal(err)
	}
	if err := p.React(ctx, bob, provider.Interaction{ID: post.ID}, "boost"); err != nil {
		t.Fatal(err)
	}
	dm, err := p.Publish(ctx, bob, provider.Post{Key: "b2", Segments: []provider.Segment{{Text: "@alice psst"}},
		Options: map[string]string{"visibility": "direct"}})
	if err != nil {
		t.Fatal(err)
	}

	its, err := p.Interactions(ctx, alice, before, own)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]provider.Interaction{}
	for _, it := range its {
		kinds[it.Kind] = it
	}
	if len(its) != 4 || kinds["reply"].ParentID != post.ID || kinds["like"].ParentID != post.ID ||
		kinds["repost"].ParentID != post.ID || kinds["mention"].ID != dm[0].ID {
		t.Fatalf("interactions %+v", its)
	}
	if r := kinds["reply"]; r.Text != "@alice Congrats <3" || r.Author != "@bob" || r.AuthorID != "2" || r.CreatedAt.IsZero() {
		t.Fatalf("reply %+v", r)
	}
	if kinds["like"].Reaction != "+" {
		t.Fatalf("like %+v", kinds["like"])
	}
	// Nothing is new after the newest interaction.
	if its2, err := p.Interactions(ctx, alice, its[0].CreatedAt, own); err != nil || len(its2) != 0 {
		t.Fatalf("since newest: %v %v", its2, err)
	}

	// Alice answers the private mention: the reply stays direct and
	// mentions bob; a double submit posts once.
	r1, err := p.Reply(ctx, alice, kinds["mention"], "thanks")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := p.Reply(ctx, alice, kinds["mention"], "thanks")
	if err != nil {
		t.Fatal(err)
	}
	if s := f.statuses[r1.ID]; r1.ID != r2.ID || s.Visibility != "direct" || s.Text != "@bob thanks" || s.InReplyTo != dm[0].ID {
		t.Fatalf("reply %+v %+v", r1, f.statuses[r1.ID])
	}
	if err := p.React(ctx, alice, kinds["mention"], "🎉"); provider.TraitOf(err) != provider.Permanent {
		t.Fatalf("unsupported reaction: %v", err)
	}

	gone := provider.RemotePost{ID: "999999"}
	m, err := p.PostMetrics(ctx, alice, []provider.RemotePost{post, gone})
	if err != nil {
		t.Fatal(err)
	}
	if got := m[post.ID]; got.Likes != 1 || got.Reposts != 1 || got.Replies != 1 || got.At.IsZero() {
		t.Fatalf("metrics %+v", got)
	}
	if _, ok := m[gone.ID]; ok {
		t.Fatal("a missing post reported zeros instead of being left out")
	}
	am, err := p.AccountMetrics(ctx, alice)
	if err != nil || am.Followers != 321 || am.Following != 12 || am.Posts != 2 {
		t.Fatalf("account metrics %+v %v", am, err)
	}
	recent, err := p.RecentPosts(ctx, alice, 10)
	if err != nil || len(recent) != 2 || recent[0].ID != r1.ID {
		t.Fatalf("recent %+v %v", recent, err)
	}
}

func TestContractDelete(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	alice := connect(t, p, f, "alice")
	ctx := context.Background()
	out, err := p.Publish(ctx, alice, provider.Post{Key: "d", Segments: []provider.Segment{{Text: "bye"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Delete(ctx, alice, out[0]); err != nil || f.count() != 0 {
		t.Fatalf("delete: %v, %d left", err, f.count())
	}
	if err := p.Delete(ctx, alice, out[0]); err != nil {
		t.Fatalf("deleting a deleted status: %v", err)
	}
}

func TestPlainText(t *testing.T) {
	got := PlainText(`<p><span class="h-card"><a href="https://x/@alice">@<span>alice</span></a></span> one &amp; two</p><p>three<br />four &lt;3</p>`)
	if want := "@alice one & two\n\nthree\nfour <3"; got != want {
		t.Fatalf("got %q want %q", got, want)
	}
	if strings.Contains(PlainText("<p>a</p>"), "<") {
		t.Fatal("tags left")
	}
}

func TestNormalizeInstance(t *testing.T) {
	for in, want := range map[string]string{"mastodon.social": "https://mastodon.social", " https://Mastodon.Social/ ": "https://mastodon.social",
		"http://127.0.0.1:3000/x": "http://127.0.0.1:3000"} {
		if got, err := NormalizeInstance(in); err != nil || got != want {
			t.Errorf("%q: got %q %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "ftp://x", "https://user@host", "://"} {
		if _, err := NormalizeInstance(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
