package fake

import (
	"context"
	"testing"
	"time"

	"herald/internal/provider"
)

func TestPublishIsIdempotentByKey(t *testing.T) {
	p := New()
	ctx := context.Background()
	acct, err := p.Connect(ctx, map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	post := provider.Post{Key: "01k0000000000000000000000a", Segments: []provider.Segment{{Text: "one"}, {Text: "two"}}}
	var progress []int
	post.Progress = func(i int, _ provider.RemotePost) error { progress = append(progress, i); return nil }
	first, err := p.Publish(ctx, acct, post)
	if err != nil || len(first) != 2 || len(progress) != 2 {
		t.Fatalf("publish: %v %d %v", err, len(first), progress)
	}
	again, err := p.Publish(ctx, acct, post)
	if err != nil || again[0].ID != first[0].ID || len(p.Posts(acct)) != 2 {
		t.Fatalf("republish created duplicates: %d posts", len(p.Posts(acct)))
	}
}

func TestScriptedFailures(t *testing.T) {
	p := New()
	ctx := context.Background()
	acct, _ := p.Connect(ctx, map[string]string{"handle": "acme"})
	p.Fail(Failure{Op: "publish", Trait: provider.Unknown, AfterSend: true},
		Failure{Op: "publish", Trait: provider.RateLimited, RetryAfter: time.Minute})
	post := provider.Post{Key: "k", Segments: []provider.Segment{{Text: "hello"}}}
	_, err := p.Publish(ctx, acct, post)
	if provider.TraitOf(err) != provider.Unknown {
		t.Fatalf("first call: %v", err)
	}
	if found, ok, _ := p.FindByKey(ctx, acct, provider.Post{Key: "k"}, 0); !ok || found.ID == "" {
		t.Fatal("a failure after sending must leave the post stored, as on a real network")
	}
	_, err = p.Publish(ctx, acct, post)
	if pe := provider.AsError(err); pe == nil || pe.Trait != provider.RateLimited || pe.RetryAfter != time.Minute {
		t.Fatalf("second call: %v", err)
	}
	if _, err := p.Publish(ctx, acct, post); err != nil || len(p.Posts(acct)) != 1 {
		t.Fatalf("third call: %v, %d posts", err, len(p.Posts(acct)))
	}
	if p.Calls("publish") != 3 {
		t.Fatalf("calls %d", p.Calls("publish"))
	}
}

func TestAudienceGrowsWithTime(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	p := New()
	p.Now = func() time.Time { return now }
	ctx := context.Background()
	acct, _ := p.Connect(ctx, map[string]string{"handle": "acme"})
	posts, _ := p.Publish(ctx, acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "hi"}}})
	early, _ := p.PostMetrics(ctx, acct, posts)
	now = now.Add(48 * time.Hour)
	late, _ := p.PostMetrics(ctx, acct, posts)
	if late[posts[0].ID].Likes <= early[posts[0].ID].Likes {
		t.Fatalf("likes did not grow: %d then %d", early[posts[0].ID].Likes, late[posts[0].ID].Likes)
	}
	in, _ := p.Interactions(ctx, acct, time.Time{}, posts)
	if len(in) == 0 {
		t.Fatal("no interactions after two days")
	}
	for _, it := range in {
		if it.CreatedAt.After(now) || it.CreatedAt.Before(posts[0].PublishedAt) {
			t.Fatalf("interaction at %v outside the post's life", it.CreatedAt)
		}
	}
}
