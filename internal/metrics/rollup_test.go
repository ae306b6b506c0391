package metrics_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/metrics"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
	"herald/internal/testenv"
)

// The overview read from the rollups equals the overview computed from
// the raw snapshots, for a random history with garbage values (negative,
// impossible), decreases, unreported counters, several reads a day, days
// without reads, reads stored out of order and in batches, and periods
// that start and end mid-day; and a rebuild, interrupted and resumed,
// leaves it so.
func TestRollupOverviewMatchesRaw(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		a, owner, w := newApp(t, cfg, nil)
		var chans []model.Channel
		for _, h := range []string{"a", "b", "c"} {
			ch, err := a.Channels.Connect(ctx, owner, w.ID, "fake", map[string]string{"handle": h})
			if err != nil {
				t.Fatal(err)
			}
			chans = append(chans, ch)
		}
		// PostgreSQL's snapshot columns are 32-bit: values above 10^12 only
		// reach the database on SQLite.
		h := history{rng: rand.New(rand.NewPCG(8, 2026)), ws: w.ID, huge: cfg.DatabaseURL == ""}
		base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		var snaps []model.PostMetricSnapshot
		var links []model.Link
		for i := 0; i < 36; i++ {
			at := base.Add(time.Duration(h.rng.Int64N(120*24*3600)) * time.Second)
			p := published(t, a, owner, w.ID, chans[i%len(chans)], at, []string{"launch", "tips"}[:i%3]...)
			snaps = append(snaps, h.postReads(p, at)...)
			for _, c := range []string{"spring", "sale"}[:i%4%3] { // none, one or both campaigns
				links = append(links, model.Link{ID: ids.New(), WorkspaceID: w.ID, Code: ids.New(), URL: "https://example.com/", PostID: p.ID,
					ChannelID: p.Targets[0].ChannelID, Campaign: c, CreatedAt: at, UpdatedAt: at})
			}
		}
		err := a.Store.InTx(ctx, func(tx *store.Tx) error {
			for _, l := range links {
				if err := tx.CreateLink(ctx, l, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var accts []model.AccountMetricSnapshot
		for _, ch := range chans {
			accts = append(accts, h.accountReads(ch.ID, base.AddDate(0, 0, -10), 140)...)
		}
		h.store(t, a, snaps, accts)

		periods := [][2]time.Time{{base, base.AddDate(0, 0, 30)}, {base.AddDate(0, 0, -10), base.AddDate(0, 0, 355)}}
		for _, d := range []time.Duration{time.Hour, 20 * time.Hour, 30 * time.Hour, 7 * 24 * time.Hour, 31 * 24 * time.Hour, 90 * 24 * time.Hour} {
			for k := 0; k < 3; k++ {
				from := base.Add(time.Duration(h.rng.Int64N(140*24*3600)-10*24*3600) * time.Second)
				periods = append(periods, [2]time.Time{from, from.Add(d + time.Duration(h.rng.Int64N(3600))*time.Second)})
			}
		}
		compare(t, a, owner, w.ID, periods)

		id, err := a.Metrics.RebuildRollups(ctx, w.ID, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := metrics.StopRebuildsAfter(a.Metrics, 1).RunRebuilds(ctx); err != nil || n != 1 {
			t.Fatalf("an interrupted rebuild ran %d batches: %v", n, err)
		}
		if busy, _ := a.Store.Read().RollupsRebuilding(ctx, w.ID); !busy {
			t.Fatal("the interrupted rebuild is recorded as finished")
		}
		compare(t, a, owner, w.ID, periods[:4]) // from raw snapshots meanwhile
		if _, err := a.Metrics.RunRebuilds(ctx); err != nil {
			t.Fatal(err)
		}
		if r, err := a.Store.Read().RollupRebuild(ctx, id); err != nil || r.Phase != store.RebuildDone || r.FinishedAt.IsZero() {
			t.Fatalf("the resumed rebuild: %+v %v", r, err)
		}
		compare(t, a, owner, w.ID, periods)
		if _, err := a.Metrics.RebuildRollups(ctx, w.ID, base, base); err == nil {
			t.Error("a rebuild of an empty period was accepted")
		}
	})
}

// compare checks that the rollups give the raw snapshots' overview for
// each period, and that some period had data.
func compare(t *testing.T, a *app.App, owner model.Actor, ws string, periods [][2]time.Time) {
	t.Helper()
	ctx := context.Background()
	raw := *a.Metrics
	raw.RawOnly = true
	seen := false
	for _, p := range periods {
		got, err := a.Metrics.Overview(ctx, owner, ws, p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		want, err := raw.Overview(ctx, owner, ws, p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			for _, part := range []struct {
				name      string
				got, want any
			}{{"current", got.Current, want.Current}, {"previous", got.Previous, want.Previous}, {"by channel", got.ByChannel, want.ByChannel},
				{"by pillar", got.ByPillar, want.ByPillar}, {"by label", got.ByLabel, want.ByLabel},
				{"by campaign", got.ByCampaign, want.ByCampaign}, {"top", got.Top, want.Top}, {"bottom", got.Bottom, want.Bottom}} {
				if !reflect.DeepEqual(part.got, part.want) {
					t.Errorf("period %s – %s, %s:\nrollups %+v\nraw     %+v", p[0], p[1], part.name, part.got, part.want)
				}
			}
			t.FailNow()
		}
		seen = seen || (want.Current.Engagements.Known && want.Current.FollowerNet.Known && len(want.ByLabel) == 2 && len(want.ByCampaign) == 3)
	}
	if !seen {
		t.Fatal("no period had engagements, follower growth, both labels and both campaigns: the history tests too little")
	}
}

// history makes random reads.
type history struct {
	rng  *rand.Rand
	ws   string
	huge bool // values above 10^12 can be stored
}

// value is a counter as a network might answer: mostly growing from the
// previous, sometimes lower, negative, impossible or not reported.
func (h history) value(prev model.Count) model.Count {
	switch r := h.rng.IntN(100); {
	case r < 6:
		return model.Count{}
	case r < 12:
		return model.Count{Value: -1 - h.rng.Int64N(50), Known: true}
	case r < 16 && h.huge:
		return model.Count{Value: model.MaxCount + 1 + h.rng.Int64N(1000), Known: true}
	case r < 26:
		return model.Count{Value: max(0, prev.Value-h.rng.Int64N(20)), Known: true}
	}
	return model.Count{Value: max(0, prev.Value) + h.rng.Int64N(200), Known: true}
}

// postReads reads a post 0 to 8 times after it went out, flagged as the
// collector flags them; two reads may share a time.
func (h history) postReads(p model.Post, at time.Time) []model.PostMetricSnapshot {
	var out []model.PostMetricSnapshot
	var prev model.PostMetricSnapshot
	for n := h.rng.IntN(9); n > 0; n-- {
		at = at.Add(time.Duration(h.rng.Int64N(3*24*3600)) * time.Second)
		s := model.PostMetricSnapshot{ID: ids.New(), WorkspaceID: h.ws, ChannelID: p.Targets[0].ChannelID, PostID: p.ID,
			TargetID: p.Targets[0].ID, TakenAt: at, Source: "test", Likes: h.value(prev.Likes), Reposts: h.value(prev.Reposts),
			Replies: h.value(prev.Replies), Quotes: h.value(prev.Quotes), Views: h.value(prev.Views), Clicks: h.value(prev.Clicks)}
		for i, c := range []model.Count{s.Likes, s.Reposts, s.Replies, s.Quotes, s.Views, s.Clicks} {
			old := []model.Count{prev.Likes, prev.Reposts, prev.Replies, prev.Quotes, prev.Views, prev.Clicks}[i]
			switch {
			case c.Known && c.Value < 0:
				s.Flags = append(s.Flags, model.MetricNegative)
			case c.Known && c.Value > model.MaxCount:
				s.Flags = append(s.Flags, model.MetricImpossible)
			case c.Known && old.Known && c.Value < old.Value:
				s.Flags = append(s.Flags, model.MetricDecreased)
			}
		}
		out = append(out, s)
		prev = s
		if h.rng.IntN(8) == 0 { // a second read at the same time
			twin := s
			twin.ID, twin.Likes = ids.New(), h.value(s.Likes)
			out = append(out, twin)
		}
	}
	return out
}

// accountReads reads a channel 0 to 3 times a day for days days.
func (h history) accountReads(channelID string, from time.Time, days int) []model.AccountMetricSnapshot {
	var out []model.AccountMetricSnapshot
	followers := int64(1000)
	for d := 0; d < days; d++ {
		for n := h.rng.IntN(4); n > 0; n-- {
			at := from.AddDate(0, 0, d).Add(time.Duration(h.rng.Int64N(24*3600)) * time.Second)
			followers += h.rng.Int64N(40) - 15
			s := model.AccountMetricSnapshot{ID: ids.New(), WorkspaceID: h.ws, ChannelID: channelID, TakenAt: at, Source: "test",
				Followers: model.Count{Value: followers, Known: true}, Following: model.Count{Value: 10, Known: true}}
			switch r := h.rng.IntN(20); {
			case r == 0:
				s.Followers.Value, s.Flags = -followers, []string{model.MetricNegative}
			case r == 1 && h.huge:
				s.Followers.Value, s.Flags = model.MaxCount*2, []string{model.MetricImpossible}
			case r == 2:
				s.Followers = model.Count{}
			}
			out = append(out, s)
		}
	}
	return out
}

// store adds the reads in random order and batches.
func (h history) store(t *testing.T, a *app.App, snaps []model.PostMetricSnapshot, accts []model.AccountMetricSnapshot) {
	t.Helper()
	ctx := context.Background()
	h.rng.Shuffle(len(snaps), func(i, j int) { snaps[i], snaps[j] = snaps[j], snaps[i] })
	h.rng.Shuffle(len(accts), func(i, j int) { accts[i], accts[j] = accts[j], accts[i] })
	for len(snaps) > 0 || len(accts) > 0 {
		n, m := min(len(snaps), 1+h.rng.IntN(12)), min(len(accts), 1+h.rng.IntN(12))
		err := a.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.AddPostMetrics(ctx, snaps[:n]); err != nil {
				return err
			}
			for _, s := range accts[:m] {
				if err := tx.AddAccountMetrics(ctx, s); err != nil {
					return fmt.Errorf("account read %+v: %w", s, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		snaps, accts = snaps[n:], accts[m:]
	}
}

// BenchmarkOverviewRollups times a year's overview of a workspace with
// 400 posts read at Herald's intervals and three channels read daily,
// from the rollups (bench/metrics measures millions of snapshots).
func BenchmarkOverviewRollups(b *testing.B) {
	ctx := context.Background()
	cfg := testenv.SQLite(b)
	cfg.Roles = []string{"web"}
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	u, _ := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "o@example.com", Name: "O", Password: "correct horse battery"})
	owner := model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}
	w, _ := a.Workspaces.Create(ctx, owner, "Acme")
	to := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	from := to.AddDate(-1, 0, 0)
	chans := []string{ids.New(), ids.New(), ids.New()}
	var posts []model.Post
	var snaps []model.PostMetricSnapshot
	var accts []model.AccountMetricSnapshot
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		for i, id := range chans {
			if err := tx.CreateChannel(ctx, model.Channel{ID: id, WorkspaceID: w.ID, Network: "fake", Name: "C", RemoteID: fmt.Sprint(i),
				Handle: "c", Status: model.ChannelActive, CreatedBy: u.ID, CreatedAt: from, UpdatedAt: from}, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 400; i++ {
		at := from.Add(time.Duration(i) * 21 * time.Hour)
		p := model.Post{ID: ids.New(), WorkspaceID: w.ID, Base: model.Content{Text: "Post"}, AuthorID: u.ID, CreatedAt: at, UpdatedAt: at}
		p.Targets = []model.Target{{ID: ids.New(), PostID: p.ID, ChannelID: chans[i%3], Status: model.TargetPublished, PublishedAt: at, UpdatedAt: at}}
		posts = append(posts, p)
		for k, iv := range metrics.Intervals {
			snaps = append(snaps, model.PostMetricSnapshot{ID: ids.New(), WorkspaceID: w.ID, ChannelID: chans[i%3], PostID: p.ID,
				TargetID: p.Targets[0].ID, TakenAt: at.Add(iv), Source: "bench", Likes: count(int64(10 * k)), Views: count(int64(100 * k))})
		}
	}
	for d := 0; d < 365; d++ {
		for i, ch := range chans {
			accts = append(accts, model.AccountMetricSnapshot{ID: ids.New(), WorkspaceID: w.ID, ChannelID: ch, TakenAt: from.AddDate(0, 0, d),
				Source: "bench", Followers: count(int64(1000*i + d))})
		}
	}
	if err := a.Store.BulkPosts(ctx, posts); err != nil {
		b.Fatal(err)
	}
	if err := a.Store.BulkPostMetrics(ctx, snaps); err != nil {
		b.Fatal(err)
	}
	if err := a.Store.BulkAccountMetrics(ctx, accts); err != nil {
		b.Fatal(err)
	}
	if _, err := a.Metrics.RebuildRollups(ctx, "", time.Time{}, time.Time{}); err != nil {
		b.Fatal(err)
	}
	if _, err := a.Metrics.RunRebuilds(ctx); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := a.Metrics.Overview(ctx, owner, w.ID, from.Add(5*time.Hour), to.Add(5*time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}
