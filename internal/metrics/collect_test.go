package metrics_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/fake"
	"herald/internal/store"
	"herald/internal/testenv"
)

// clock is a settable time for the collector.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// newApp starts Herald on cfg with the demo network fk (a new one when
// nil) and returns it with an owner and the owner's workspace.
func newApp(t testing.TB, cfg config.Config, fk *fake.Provider) (*app.App, model.Actor, model.Workspace) {
	t.Helper()
	ctx := context.Background()
	cfg.Roles = []string{"web"}
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if fk == nil {
		fk = fake.New()
	}
	a.Providers.Register(fk)
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "o@example.com", Name: "O", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	owner := model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}
	w, err := a.Workspaces.Create(ctx, owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	return a, owner, w
}

// published makes a post that went out on ch at the given time.
func published(t *testing.T, a *app.App, owner model.Actor, ws string, ch model.Channel, at time.Time, labels ...string) model.Post {
	t.Helper()
	ctx := context.Background()
	p, err := a.Compose.Create(ctx, owner, ws, compose.Draft{Base: model.Content{Text: "Hello"}, Channels: []string{ch.ID}, Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	tg := p.Targets[0]
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		gen, err := tx.ScheduleTarget(ctx, tg.ID, at, "UTC", false, at)
		if err != nil {
			return err
		}
		if _, err := tx.ClaimTarget(ctx, tg.ID, gen, at, at.Add(time.Minute)); err != nil {
			return err
		}
		return tx.FinishTarget(ctx, tg.ID, gen, store.TargetOutcome{Status: model.TargetPublished, RemoteID: "remote-" + tg.ID, PublishedAt: at,
			Done: []model.RemotePost{{ID: "remote-" + tg.ID, PublishedAt: at}}}, at)
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A published post is read at 1 h, 6 h, 24 h… after publishing: counters
// the network does not report are "not available" (never 0), a post
// published long ago is read once and moves past the ages behind it, and
// account counters are read daily.
func TestCollectAtDecayingIntervals(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		start := time.Now().UTC().Truncate(time.Second)
		clk := &clock{t: start}
		fk := fake.New()
		info := fk.Info()
		info.PostMetricFields = []string{provider.MetricLikes, provider.MetricReposts, provider.MetricReplies} // no views, clicks, reach, saves
		info.AccountMetricFields = nil                                                                         // no account reach or impressions
		fk.As = &info
		a, owner, w := newApp(t, cfg, fk)
		ch, err := a.Channels.Connect(ctx, owner, w.ID, "fake", map[string]string{"handle": "acme"})
		if err != nil {
			t.Fatal(err)
		}
		a.Metrics.Now, fk.Now = clk.now, clk.now
		fresh := published(t, a, owner, w.ID, ch, start)
		old := published(t, a, owner, w.ID, ch, start.Add(-40*24*time.Hour))

		if _, err := a.Metrics.Collect(ctx); err != nil {
			t.Fatal(err)
		}
		snaps := func(p model.Post) []model.PostMetricSnapshot {
			ss, err := a.Store.Read().PostMetrics(ctx, w.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return ss
		}
		if n := len(snaps(fresh)); n != 0 {
			t.Fatalf("the fresh post was read %d times before it was an hour old", n)
		}
		if ss := snaps(old); len(ss) != 1 || !ss[0].Likes.Known || ss[0].Views.Known || ss[0].Clicks.Known || ss[0].Reach.Known || ss[0].Saves.Known {
			t.Fatalf("the old post: %+v", ss)
		}
		// Every hour for two days: the fresh post is read at 1 h, 6 h, 24 h.
		for h := 1; h <= 48; h++ {
			clk.t = start.Add(time.Duration(h)*time.Hour + time.Minute)
			if _, err := a.Metrics.Collect(ctx); err != nil {
				t.Fatal(err)
			}
		}
		ss := snaps(fresh)
		if len(ss) != 3 {
			t.Fatalf("the fresh post was read %d times in two days, want 3 (1 h, 6 h, 24 h)", len(ss))
		}
		if ss[0].Likes.Value >= ss[2].Likes.Value || ss[2].Source != "fake:post_metrics" {
			t.Fatalf("likes should grow: %d then %d (%s)", ss[0].Likes.Value, ss[2].Likes.Value, ss[2].Source)
		}
		if n := len(snaps(old)); n != 1 {
			t.Fatalf("the old post was read %d times, want once until its 60-day age", n)
		}
		acc, err := a.Store.Read().AccountMetrics(ctx, ch.ID, start.Add(-time.Hour))
		if err != nil || len(acc) != 3 || !acc[0].Followers.Known || acc[0].Reach.Known || acc[0].Impressions.Known {
			t.Fatalf("account reads over two days (at 0 h, 24 h, 48 h): %+v %v", acc, err)
		}
	})
}

// A network that reports reach, saves and the account's daily reach and
// impressions has them stored as read, and the overview counts them.
func TestCollectReachAndSaves(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		start := time.Now().UTC().Truncate(time.Second)
		clk := &clock{t: start}
		fk := fake.New()
		a, owner, w := newApp(t, cfg, fk)
		ch, err := a.Channels.Connect(ctx, owner, w.ID, "fake", map[string]string{"handle": "acme"})
		if err != nil {
			t.Fatal(err)
		}
		a.Metrics.Now, fk.Now = clk.now, clk.now
		p := published(t, a, owner, w.ID, ch, start.Add(-10*24*time.Hour))
		if _, err := a.Metrics.Collect(ctx); err != nil {
			t.Fatal(err)
		}
		ss, err := a.Store.Read().PostMetrics(ctx, w.ID, p.ID)
		if err != nil || len(ss) != 1 {
			t.Fatalf("reads: %+v %v", ss, err)
		}
		s := ss[0]
		if !s.Reach.Known || !s.Saves.Known || s.Reach.Value != s.Likes.Value*9 || s.Saves.Value != s.Likes.Value/11 || s.Likes.Value == 0 {
			t.Fatalf("reach and saves as the network reports them: %+v", s)
		}
		acc, err := a.Store.Read().AccountMetrics(ctx, ch.ID, start.Add(-time.Hour))
		if err != nil || len(acc) != 1 || !acc[0].Reach.Known || !acc[0].Impressions.Known || acc[0].Impressions.Value != 3*acc[0].Reach.Value {
			t.Fatalf("account read: %+v %v", acc, err)
		}
		o, err := a.Metrics.Overview(ctx, owner, w.ID, start.AddDate(0, 0, -14), start.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		eng := s.Likes.Value + s.Reposts.Value + s.Replies.Value + s.Saves.Value + s.Clicks.Value
		if k := o.Current; k.Reach.V != float64(s.Reach.Value) || k.Engagements.V != float64(eng) || k.AccountReach.V != float64(acc[0].Reach.Value) {
			t.Fatalf("overview: reach %+v, engagements %+v (want %d), daily account reach %+v", k.Reach, k.Engagements, eng, k.AccountReach)
		}
	})
}
