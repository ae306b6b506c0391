package publish_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/fake"
	"herald/internal/publish"
	"herald/internal/testenv"
)

// env is a Herald with running workers, a workspace and a fake channel.
type env struct {
	a     *app.App
	fake  *fake.Provider
	owner model.Actor
	ws    string
	ch    model.Channel
	acct  provider.Account
}

// start runs a web+worker app on cfg with a fake channel; tune adjusts the
// publisher before it starts.
func start(t *testing.T, cfg config.Config, tune ...func(*publish.Service)) *env {
	t.Helper()
	cfg.Roles = []string{"web", "worker"}
	cfg.Workers = 20
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a.Publish.RetryBase = 50 * time.Millisecond
	a.Publish.Poll = 100 * time.Millisecond
	e := &env{a: a, fake: fake.New()}
	a.Providers.Register(e.fake)
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	e.owner = model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}
	w, err := a.Workspaces.Create(ctx, e.owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	e.ws = w.ID
	if e.ch, err = a.Channels.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme"}); err != nil {
		t.Fatal(err)
	}
	if e.acct, _, err = a.Channels.Account(ctx, e.ws, e.ch.ID); err != nil {
		t.Fatal(err)
	}
	for _, f := range tune {
		f(a.Publish)
	}
	if err := a.StartWork(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = a.StopWork(context.Background())
		a.Close()
	})
	return e
}

func (e *env) draft(t *testing.T, text string) model.Post {
	t.Helper()
	p, err := e.a.Compose.Create(context.Background(), e.owner, e.ws, compose.Draft{Base: model.Content{Text: text}, Channels: []string{e.ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// settle waits until no target of posts is still on its way.
func (e *env) settle(t *testing.T, posts []model.Post, within time.Duration) map[string]model.Target {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		out, busy := map[string]model.Target{}, 0
		for _, p := range posts {
			got, err := e.a.Compose.Get(context.Background(), e.owner, e.ws, p.ID)
			if err != nil {
				continue // deleted
			}
			tg := got.Targets[0]
			out[p.ID] = tg
			if tg.Status == model.TargetScheduled || tg.Status == model.TargetPublishing {
				busy++
			}
		}
		if busy == 0 {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d targets still scheduled or publishing after %s", busy, len(posts), within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The fault test: the network fails about 30% of calls with errors to
// retry (5xx), rate limits with Retry-After, and timeouts after the post was
// stored. Every target ends published, and none twice.
func TestPublishThroughFaults(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		const n = 60
		var failures []fake.Failure
		for i := 0; i < n*3/10; i++ {
			switch i % 3 {
			case 0:
				failures = append(failures, fake.Failure{Op: "publish", Trait: provider.Transient, Message: "502 Bad Gateway"})
			case 1:
				failures = append(failures, fake.Failure{Op: "publish", Trait: provider.RateLimited, Message: "429 Too Many Requests", RetryAfter: 300 * time.Millisecond})
			case 2:
				failures = append(failures, fake.Failure{Op: "publish", Trait: provider.Unknown, Message: "timeout after sending", AfterSend: true})
			}
		}
		e.fake.Fail(failures...)
		var posts []model.Post
		for i := 0; i < n; i++ {
			p := e.draft(t, fmt.Sprintf("Post number %d", i))
			if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: time.Now().Add(500 * time.Millisecond)}); err != nil {
				t.Fatal(err)
			}
			posts = append(posts, p)
		}
		final := e.settle(t, posts, 60*time.Second)
		for _, p := range posts {
			tg := final[p.ID]
			if tg.Status != model.TargetPublished {
				t.Errorf("%s ended %s: %s", p.Base.Text, tg.Status, tg.Error)
			}
			if got := e.fake.Successes(tg.ID); got != 1 {
				t.Errorf("%s was published %d times", p.Base.Text, got)
			}
		}
		if got := len(e.fake.Posts(e.acct)); got != n {
			t.Errorf("the network has %d posts, want %d", got, n)
		}
		if e.fake.Calls("publish") <= n {
			t.Errorf("only %d publish calls for %d posts: the failures were not exercised", e.fake.Calls("publish"), n)
		}
		attempts, err := e.a.Publish.Attempts(ctx, e.owner, e.ws, posts[0].ID)
		if err != nil || len(attempts[e.ch.ID]) == 0 || attempts[e.ch.ID][0].Outcome != "published" {
			t.Errorf("attempt log of the first post: %+v %v", attempts, err)
		}
	})
}

// The cancellation race: edits and deletions land while jobs are being
// claimed. An edit either lands before the claim (the new text goes out)
// or is refused because the post is being published; a deleted post never
// appears; the old text never goes out after an accepted edit.
func TestEditAndDeleteRaceTheClaim(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		type plan struct {
			post    model.Post
			edited  bool
			deleted bool
			at      time.Time // when the edit or deletion was accepted
		}
		var plans []*plan
		for i := 0; i < 40; i++ {
			p := e.draft(t, fmt.Sprintf("old %d", i))
			if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: time.Now().Add(300 * time.Millisecond)}); err != nil {
				t.Fatal(err)
			}
			plans = append(plans, &plan{post: p})
		}
		// Each edit or deletion lands at a random moment while the jobs are
		// released and claimed.
		var wg sync.WaitGroup
		errs := make(chan error, len(plans))
		for i, pl := range plans {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(rand.IntN(1500)) * time.Millisecond)
				cur, err := e.a.Compose.Get(ctx, e.owner, e.ws, pl.post.ID)
				if err != nil {
					errs <- err
					return
				}
				if i%2 == 0 {
					_, err = e.a.Compose.Update(ctx, e.owner, e.ws, pl.post.ID, cur.Version,
						compose.Draft{Base: model.Content{Text: fmt.Sprintf("new %d", i)}, Channels: []string{e.ch.ID}})
					pl.edited = err == nil
				} else {
					err = e.a.Compose.Delete(ctx, e.owner, e.ws, pl.post.ID)
					pl.deleted = err == nil
				}
				pl.at = time.Now()
				if err != nil && model.KindOf(err) != model.KindConflict {
					errs <- fmt.Errorf("post %d: %w", i, err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		edited, deleted := 0, 0
		for _, pl := range plans {
			if pl.edited {
				edited++
			}
			if pl.deleted {
				deleted++
			}
		}
		t.Logf("%d edits and %d deletions were accepted; the rest were refused while publishing or after", edited, deleted)
		var live []model.Post
		for _, pl := range plans {
			if !pl.deleted {
				live = append(live, pl.post)
			}
		}
		final := e.settle(t, live, 30*time.Second)
		texts, when := map[string]string{}, map[string]time.Time{}
		for _, rp := range e.fake.Posts(e.acct) {
			texts[rp.Extra["key"]], when[rp.Extra["key"]] = rp.Extra["text"], rp.PublishedAt
		}
		for i, pl := range plans {
			key := pl.post.Targets[0].ID
			got, published := texts[key]
			switch {
			case pl.deleted && published && when[key].After(pl.at):
				t.Errorf("post %d was deleted yet %q went out afterwards", i, got)
			case pl.edited && got != fmt.Sprintf("new %d", i):
				t.Errorf("post %d was edited but %q went out", i, got)
			case !pl.deleted && final[pl.post.ID].Status != model.TargetPublished:
				t.Errorf("post %d ended %s", i, final[pl.post.ID].Status)
			}
		}
	})
}
