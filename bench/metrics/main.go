// Command metrics measures the analytics overview over a large metric
// history: it bulk-loads millions of post snapshots (posts read at
// Herald's decaying intervals, accounts read daily), builds the rollups
// with the rebuild job's code, then times metrics.Service.Overview for a
// month and for a year over many workspaces, from the rollups and — the
// baseline, in the same run — from the raw snapshots, and the rebuild's
// time per million snapshots against the bulk load's. Results go in
// docs/BENCHMARKS.md.
//
// Usage:
//
//	go run ./bench/metrics -snapshots 1000000
//	go run ./bench/metrics -snapshots 10000000 -postgres 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"sort"
	"strconv"
	"time"

	"herald/bench/benchenv"
	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/metrics"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

func main() {
	var o options
	flag.IntVar(&o.snapshots, "snapshots", 1_000_000, "post snapshots to generate")
	flag.IntVar(&o.workspaces, "workspaces", 1000, "workspaces sharing them")
	flag.IntVar(&o.channels, "channels", 3, "channels per workspace")
	flag.IntVar(&o.days, "days", 730, "days of history")
	flag.IntVar(&o.samples, "samples", 200, "overviews timed per period length, from the rollups")
	flag.IntVar(&o.rawSamples, "raw-samples", 20, "overviews timed per period length, from the raw snapshots")
	flag.StringVar(&o.pg, "postgres", "", "PostgreSQL URL (a fresh schema is made and dropped); empty: SQLite")
	flag.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of the overviews from the rollups to this file")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench/metrics:", err)
		os.Exit(1)
	}
}

type options struct {
	snapshots, workspaces, channels, days, samples, rawSamples int
	pg, profile                                                string
}

type bench struct {
	a     *app.App
	owner model.Actor
	o     options
	now   time.Time
	ws    []string
	chans [][]string // per workspace
	rng   *rand.Rand
}

func run(o options) error {
	ctx := context.Background()
	cfg, cleanup, err := benchenv.FreshConfig(ctx, o.pg)
	if err != nil {
		return err
	}
	defer cleanup()
	cfg.Roles = []string{"web"}
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.Close()
	b := &bench{a: a, o: o, now: time.Now().UTC().Truncate(time.Hour), rng: rand.New(rand.NewPCG(8, 2026))}
	if err := b.setup(ctx); err != nil {
		return err
	}
	db := "SQLite"
	if o.pg != "" {
		db = "PostgreSQL"
	}
	fmt.Printf("%s: %d post snapshots, %d workspaces × %d channels, %d days of history\n", db, o.snapshots, o.workspaces, o.channels, o.days)

	start := time.Now()
	load, targets, accts, err := b.generate(ctx)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	if err := a.Store.Analyze(ctx); err != nil {
		return err
	}
	fmt.Printf("generated in %s: %d published targets, %d account snapshots\n", time.Since(start).Round(time.Second), targets, accts)
	perM := func(d time.Duration) time.Duration { return time.Duration(float64(d) / float64(o.snapshots) * 1e6) }
	fmt.Printf("raw bulk load of the post snapshots: %s (%s per million)\n", load.Round(time.Millisecond), perM(load).Round(time.Millisecond))

	if _, err := a.Metrics.RebuildRollups(ctx, "", time.Time{}, time.Time{}); err != nil {
		return err
	}
	start = time.Now()
	batches, err := a.Metrics.RunRebuilds(ctx)
	if err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	rebuild := time.Since(start)
	fmt.Printf("rollup rebuild: %s in %d batches (%s per million snapshots; rebuild / raw load: %.2f)\n", rebuild.Round(time.Millisecond),
		batches, perM(rebuild).Round(time.Millisecond), rebuild.Seconds()/load.Seconds())
	if err := a.Store.Analyze(ctx); err != nil {
		return err
	}

	raw := *a.Metrics
	raw.RawOnly = true
	if o.profile != "" {
		f, err := os.Create(o.profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for _, p := range []struct {
		name string
		days int
	}{{"month", 30}, {"year", 365}} {
		rolled, posts, err := b.overviews(ctx, a.Metrics, p.days, o.samples)
		if err != nil {
			return err
		}
		base, _, err := b.overviews(ctx, &raw, p.days, o.rawSamples)
		if err != nil {
			return err
		}
		fmt.Printf("overview, a %s (and the %s before), %.0f posts published in it on average:\n", p.name, p.name, posts)
		fmt.Printf("  rollups:       p50 %7s  p95 %7s  p99 %7s  (%d overviews)\n", pct(rolled, 50), pct(rolled, 95), pct(rolled, 99), len(rolled))
		fmt.Printf("  raw snapshots: p50 %7s  p95 %7s  p99 %7s  (%d overviews)\n", pct(base, 50), pct(base, 95), pct(base, 99), len(base))
		fmt.Printf("  raw / rollups at p95: %.1f×; target p95 < 100 ms: %v\n", float64(pctD(base, 95))/float64(pctD(rolled, 95)),
			pctD(rolled, 95) < 100*time.Millisecond)
	}
	return nil
}

// setup makes the owner, workspaces and channels.
func (b *bench) setup(ctx context.Context) error {
	u, err := b.a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "bench@example.com", Name: "Bench", Password: "correct horse battery"})
	if err != nil {
		return err
	}
	b.owner = model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "cli"}
	created := b.now.AddDate(0, 0, -b.o.days-1)
	return b.a.Store.InTx(ctx, func(tx *store.Tx) error {
		for w := 0; w < b.o.workspaces; w++ {
			ws := model.Workspace{ID: ids.New(), Name: "Workspace " + strconv.Itoa(w), CreatedBy: u.ID, CreatedAt: created}
			if err := tx.CreateWorkspace(ctx, ws); err != nil {
				return err
			}
			if err := tx.AddMember(ctx, ws.ID, u.ID, model.RoleOwner, created); err != nil {
				return err
			}
			var chans []string
			for c := 0; c < b.o.channels; c++ {
				ch := model.Channel{ID: ids.New(), WorkspaceID: ws.ID, Network: "fake", Name: "Channel " + strconv.Itoa(c),
					RemoteID: "acct-" + strconv.Itoa(c), Handle: "c" + strconv.Itoa(c), Status: model.ChannelActive, TimeZone: "UTC",
					CreatedBy: u.ID, CreatedAt: created, UpdatedAt: created}
				if err := tx.CreateChannel(ctx, ch, ""); err != nil {
					return err
				}
				chans = append(chans, ch.ID)
			}
			b.ws = append(b.ws, ws.ID)
			b.chans = append(b.chans, chans)
		}
		return nil
	})
}

// chunk is how many post snapshots one bulk call writes.
const chunk = 100_000

// generate bulk-loads published posts, each read at Herald's intervals
// until now (about ten reads each), until o.snapshots reads exist, and
// every channel's daily account reads; it returns the time spent loading
// the post snapshots themselves, the targets and the account reads made.
func (b *bench) generate(ctx context.Context) (time.Duration, int, int, error) {
	var load time.Duration
	var posts []model.Post
	var snaps []model.PostMetricSnapshot
	made, targets := 0, 0
	flush := func() error {
		if err := b.a.Store.BulkPosts(ctx, posts); err != nil {
			return err
		}
		start := time.Now()
		if err := b.a.Store.BulkPostMetrics(ctx, snaps); err != nil {
			return err
		}
		load += time.Since(start)
		posts, snaps = posts[:0], snaps[:0]
		return nil
	}
	for made < b.o.snapshots {
		w := b.rng.IntN(len(b.ws))
		c := b.rng.IntN(len(b.chans[w]))
		p := b.post(w, c)
		reads := b.reads(p, c, b.o.snapshots-made)
		posts = append(posts, p)
		snaps = append(snaps, reads...)
		made += len(reads)
		targets++
		if len(snaps) >= chunk {
			if err := flush(); err != nil {
				return 0, 0, 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, 0, 0, err
	}
	accts, err := b.accounts(ctx)
	return load, targets, accts, err
}

// post is a post published on one channel at a random time of the
// history.
func (b *bench) post(w, c int) model.Post {
	at := b.now.Add(-time.Duration(b.rng.Int64N(int64(b.o.days)*24*3600)) * time.Second)
	p := model.Post{ID: ids.New(), WorkspaceID: b.ws[w], Base: model.Content{Text: "Launch update, part " + strconv.Itoa(b.rng.IntN(1000))},
		AuthorID: b.owner.UserID, Version: 1, CreatedAt: at, UpdatedAt: at}
	p.Targets = []model.Target{{ID: ids.New(), PostID: p.ID, ChannelID: b.chans[w][c], Status: model.TargetPublished,
		RemoteID: "remote-" + p.ID, PublishedAt: at, UpdatedAt: at}}
	return p
}

// reads are a post's snapshots at Herald's intervals up to now (at most
// limit): counters that grow quickly and then level off, views and
// clicks on some networks only, and now and then a negative value the
// network sent, kept flagged.
func (b *bench) reads(p model.Post, c, limit int) []model.PostMetricSnapshot {
	t := p.Targets[0]
	reach := math.Exp(b.rng.NormFloat64()) * 400
	var out []model.PostMetricSnapshot
	for _, iv := range metrics.Intervals {
		at := t.PublishedAt.Add(iv)
		if at.After(b.now) || len(out) >= limit {
			break
		}
		grown := reach * (1 - math.Exp(-iv.Hours()/30))
		s := model.PostMetricSnapshot{ID: ids.New(), WorkspaceID: p.WorkspaceID, ChannelID: t.ChannelID, PostID: p.ID, TargetID: t.ID,
			TakenAt: at, Source: "bench:post_metrics", Likes: count(grown * 0.05), Reposts: count(grown * 0.01), Replies: count(grown * 0.005)}
		if c%2 == 0 { // a network with insights: views, reach and saves
			s.Views, s.Reach, s.Saves = count(grown), count(grown*0.7), count(grown*0.004)
		}
		if c%3 == 0 {
			s.Clicks = count(grown * 0.02)
		}
		if b.rng.IntN(2000) == 0 {
			s.Likes.Value, s.Flags = -s.Likes.Value-1, []string{model.MetricNegative}
		}
		out = append(out, s)
	}
	return out
}

func count(v float64) model.Count { return model.Count{Value: int64(v), Known: true} }

// accounts bulk-loads a daily account read of every channel.
func (b *bench) accounts(ctx context.Context) (int, error) {
	var batch []model.AccountMetricSnapshot
	n := 0
	for w, chans := range b.chans {
		for _, ch := range chans {
			followers := 500 + b.rng.Int64N(20000)
			for d := b.o.days; d > 0; d-- {
				followers += b.rng.Int64N(30) - 8
				at := b.now.AddDate(0, 0, -d).Add(time.Duration(b.rng.Int64N(3600)) * time.Second)
				batch = append(batch, model.AccountMetricSnapshot{ID: ids.New(), WorkspaceID: b.ws[w], ChannelID: ch, TakenAt: at,
					Source: "bench:account_metrics", Followers: model.Count{Value: followers, Known: true},
					Following: model.Count{Value: 100, Known: true}, Posts: model.Count{Value: int64(b.o.days - d), Known: true},
					Reach: model.Count{Value: followers / 3, Known: true}, Impressions: model.Count{Value: followers, Known: true}})
			}
			if len(batch) >= chunk {
				if err := b.a.Store.BulkAccountMetrics(ctx, batch); err != nil {
					return n, err
				}
				n += len(batch)
				batch = batch[:0]
			}
		}
	}
	n += len(batch)
	return n, b.a.Store.BulkAccountMetrics(ctx, batch)
}

// overviews times n overviews of days-long periods ending within the
// last two weeks (mid-day, as a browser's "last 30 days" does), across
// the workspaces; it returns the durations and the mean posts published
// in a period.
func (b *bench) overviews(ctx context.Context, svc *metrics.Service, days, n int) ([]time.Duration, float64, error) {
	var out []time.Duration
	posts := 0
	for i := 0; i < n; i++ {
		ws := b.ws[(i*7919)%len(b.ws)]
		to := b.now.Add(-time.Duration(b.rng.Int64N(14*24*3600)) * time.Second)
		from := to.AddDate(0, 0, -days)
		start := time.Now()
		o, err := svc.Overview(ctx, b.owner, ws, from, to)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, time.Since(start))
		posts += o.Current.Posts
	}
	return out, float64(posts) / float64(max(1, n)), nil
}

// pctD is the p-th percentile (nearest rank).
func pctD(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[max(0, int(math.Ceil(float64(p)/100*float64(len(s))))-1)]
}

func pct(ds []time.Duration, p int) string {
	d := pctD(ds, p)
	if d >= 10*time.Millisecond {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Microsecond).String()
}
