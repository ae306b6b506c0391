package publish_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/fake"
	"herald/internal/publish"
	"herald/internal/testenv"
)

// waitStatus waits until the post's target is in status.
func (e *env) waitStatus(t *testing.T, p model.Post, status model.TargetStatus, within time.Duration) model.Target {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got, err := e.a.Compose.Get(context.Background(), e.owner, e.ws, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Targets[0].Status == status {
			return got.Targets[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("target is %s after %s, want %s", got.Targets[0].Status, within, status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Targets due at one instant are claimed ahead in a batch and go out at
// their instant, never before it, each with its own network-visible time.
func TestDispatchAtTheInstant(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		due := time.Now().Add(1500 * time.Millisecond).Truncate(time.Millisecond)
		var posts []model.Post
		for i := range 12 {
			p := e.draft(t, fmt.Sprintf("Instant post %d", i))
			if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: due}); err != nil {
				t.Fatal(err)
			}
			posts = append(posts, p)
		}
		final := e.settle(t, posts, 30*time.Second)
		seen := map[time.Time]bool{}
		for _, p := range posts {
			tg := final[p.ID]
			if tg.Status != model.TargetPublished || e.fake.Successes(tg.ID) != 1 {
				t.Fatalf("%s: %s, %d publications", p.Base.Text, tg.Status, e.fake.Successes(tg.ID))
			}
			if tg.PublishAt.Before(due) || seen[tg.PublishAt] {
				t.Errorf("%s: network-visible time %s (due %s; must not be early or shared)", p.Base.Text, tg.PublishAt, due)
			}
			seen[tg.PublishAt] = true
			attempts, err := e.a.Publish.Attempts(ctx, e.owner, e.ws, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			list := attempts[e.ch.ID]
			if len(list) != 1 || list[0].StartedAt.Before(due) {
				t.Errorf("%s: attempts %+v; want one, started at or after %s", p.Base.Text, list, due)
			}
		}
	})
}

// A pause that starts after a target was claimed ahead, but before its
// instant, stops it: nothing reaches the network.
func TestPauseBetweenClaimAndInstant(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg, func(s *publish.Service) { s.Horizon = 3 * time.Second })
		ctx := context.Background()
		p := e.draft(t, "Claimed ahead, then paused")
		if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: time.Now().Add(2500 * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
		e.waitStatus(t, p, model.TargetPublishing, 2*time.Second)
		if err := e.a.Publish.Pause(ctx, e.owner, e.ws, "", "Storm warning"); err != nil {
			t.Fatal(err)
		}
		tg := e.waitStatus(t, p, model.TargetPaused, 5*time.Second)
		if got := e.fake.Successes(tg.ID); got != 0 {
			t.Errorf("a paused target reached the network %d times", got)
		}
	})
}

// Stopping the process gives back claims still waiting for their instant,
// so another process (or this one, restarted) publishes them at once.
func TestStopGivesBackWaitingClaims(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg, func(s *publish.Service) { s.Horizon = 3 * time.Second })
		ctx := context.Background()
		p := e.draft(t, "Claimed ahead, then the process stops")
		if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: time.Now().Add(2500 * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
		e.waitStatus(t, p, model.TargetPublishing, 2*time.Second)
		if err := e.a.Publish.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := e.a.Compose.Get(ctx, e.owner, e.ws, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tg := got.Targets[0]; tg.Status != model.TargetScheduled || tg.Attempts != 0 {
			t.Fatalf("after stop the target is %s with %d attempts; want scheduled with none", tg.Status, tg.Attempts)
		}
		e.a.Publish.Start(ctx)
		e.waitStatus(t, p, model.TargetPublished, 10*time.Second)
	})
}

// A thread that fails part-way resumes after its last segment out: the
// retry sends only what is missing.
func TestThreadResumesAfterLastSegment(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		p, err := e.a.Compose.Create(ctx, e.owner, e.ws, compose.Draft{Base: model.Content{Text: "Part one",
			Thread: []model.Segment{{Text: "Part two"}, {Text: "Part three"}}}, Channels: []string{e.ch.ID}})
		if err != nil {
			t.Fatal(err)
		}
		e.fake.Fail(fake.Failure{Op: "publish", Trait: provider.Transient, Message: "502 Bad Gateway", Pass: 2})
		if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeNow}); err != nil {
			t.Fatal(err)
		}
		tg := e.settle(t, []model.Post{p}, 30*time.Second)[p.ID]
		if tg.Status != model.TargetPublished || len(tg.Done) != 3 {
			t.Fatalf("thread ended %s with %d segments recorded: %s", tg.Status, len(tg.Done), tg.Error)
		}
		// Three segments, the third failing once: 3 + 1 calls; a restart
		// from the top would make 6.
		if got := e.fake.Calls("publish"); got != 4 {
			t.Errorf("%d publish calls for a 3-part thread whose third part failed once; want 4", got)
		}
		if got := len(e.fake.Posts(e.acct)); got != 3 {
			t.Errorf("the network has %d posts, want 3", got)
		}
	})
}
