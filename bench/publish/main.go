// Command publish measures how late Herald starts publishing when many
// targets are due at the same instant, against two ceilings measured in the
// same run: the job engine alone (River with a no-op worker and the same
// worker count) and the network bound (workers / latency). The network is
// the fake provider with a fixed latency. Results go in docs/BENCHMARKS.md.
//
// Usage:
//
//	go run ./bench/publish -targets 1000 -workers 100 -latency 50ms
//	go run ./bench/publish -targets 10000 -workers 300 -postgres 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"slices"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"herald/bench/benchenv"
	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/compose"
	"herald/internal/jobs"
	"herald/internal/model"
	"herald/internal/provider/fake"
	"herald/internal/publish"
	"herald/internal/store"
)

func main() {
	targets := flag.Int("targets", 1000, "targets due at the same instant")
	workers := flag.Int("workers", 100, "job workers")
	latency := flag.Duration("latency", 50*time.Millisecond, "the fake network's latency per call")
	pg := flag.String("postgres", "", "PostgreSQL URL (a fresh schema is made and dropped); empty: SQLite")
	channels := flag.Int("channels", 0, "fake channels the targets are spread over (default: one per 10 targets, at least 10)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the publishing measurement to this file")
	flag.Parse()
	profile = *cpuProfile
	if *channels <= 0 {
		*channels = max(10, *targets/10)
	}
	if err := run(*targets, *workers, *channels, *latency, *pg); err != nil {
		fmt.Fprintln(os.Stderr, "bench/publish:", err)
		os.Exit(1)
	}
}

func run(n, workers, channels int, latency time.Duration, pg string) error {
	ctx := context.Background()
	db := "SQLite"
	if pg != "" {
		db = "PostgreSQL"
	}
	fmt.Printf("%d targets due at once on %d channels, %d workers, network latency %s, %s\n", n, channels, workers, latency, db)
	engine, err := measureEngine(ctx, n, workers, pg)
	if err != nil {
		return fmt.Errorf("engine ceiling: %w", err)
	}
	full, err := measurePipeline(ctx, n, workers, channels, latency, pg)
	if err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	network := float64(workers) / latency.Seconds()
	fmt.Printf("engine alone (River, no-op worker): %8.0f jobs/s    lateness p50 %s p99 %s\n", engine.rate, engine.p50, engine.p99)
	fmt.Printf("network bound (workers / latency):  %8.0f posts/s\n", network)
	fmt.Printf("Herald publishing:                  %8.0f posts/s    lateness p50 %s p99 %s\n", full.rate, full.p50, full.p99)
	fmt.Printf("throughput / engine ceiling: %.2f   / min(engine, network): %.2f\n", full.rate/engine.rate, full.rate/min(engine.rate, network))
	return nil
}

// profile names the file for a CPU profile of the pipeline run ("": none).
var profile string

type result struct {
	rate     float64
	p50, p99 time.Duration
}

func summarise(late []time.Duration, due, end time.Time) result {
	slices.Sort(late)
	pick := func(q float64) time.Duration {
		return late[min(len(late)-1, int(q*float64(len(late))))].Round(time.Millisecond)
	}
	return result{rate: float64(len(late)) / end.Sub(due).Seconds(), p50: pick(0.50), p99: pick(0.99)}
}

// noopArgs is a job that does nothing but note when it started.
type noopArgs struct{ Due time.Time }

func (noopArgs) Kind() string { return "bench.noop" }

type noopWorker struct {
	river.WorkerDefaults[noopArgs]
	late chan time.Duration
}

func (w *noopWorker) Work(_ context.Context, j *river.Job[noopArgs]) error {
	w.late <- time.Since(j.Args.Due)
	return nil
}

// measureEngine runs n no-op River jobs due at one instant with the same
// queue settings Herald uses.
func measureEngine(ctx context.Context, n, workers int, pg string) (result, error) {
	cfg, cleanup, err := benchenv.FreshConfig(ctx, pg)
	defer cleanup()
	if err != nil {
		return result{}, err
	}
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return result{}, err
	}
	defer st.Close()
	if _, err := app.Migrate(ctx, st); err != nil {
		return result{}, err
	}
	w := &noopWorker{late: make(chan time.Duration, n)}
	ws := river.NewWorkers()
	river.AddWorker(ws, w)
	q, err := jobs.New(st, jobs.Options{Workers: ws, Concurrency: workers, PollInterval: time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return result{}, err
	}
	due := time.Now().Add(3*time.Second + time.Duration(n)*200*time.Microsecond)
	err = st.InTx(ctx, func(tx *store.Tx) error {
		for range n {
			if err := q.InsertTx(ctx, tx, noopArgs{Due: due}, &river.InsertOpts{ScheduledAt: due}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return result{}, err
	}
	if err := q.Start(ctx); err != nil {
		return result{}, err
	}
	defer q.Stop(context.Background())
	late := make([]time.Duration, 0, n)
	timeout := time.After(10 * time.Minute)
	for len(late) < n {
		select {
		case d := <-w.late:
			late = append(late, d)
		case <-timeout:
			return result{}, fmt.Errorf("only %d of %d jobs ran", len(late), n)
		}
	}
	return summarise(late, due, time.Now()), nil
}

// measurePipeline schedules n posts on fake channels, all due at one
// instant, and reads each target's first attempt from the database.
func measurePipeline(ctx context.Context, n, workers, channels int, latency time.Duration, pg string) (result, error) {
	cfg, cleanup, err := benchenv.FreshConfig(ctx, pg)
	defer cleanup()
	if err != nil {
		return result{}, err
	}
	cfg.Roles, cfg.Workers = []string{"web", "worker"}, workers
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return result{}, err
	}
	defer a.Close()
	f := fake.New()
	f.Latency = latency
	a.Providers.Register(f)
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "bench@example.com", Name: "Bench", Password: "bench password 1234"})
	if err != nil {
		return result{}, err
	}
	owner := model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "cli"}
	w, err := a.Workspaces.Create(ctx, owner, "Bench")
	if err != nil {
		return result{}, err
	}
	var chans []string
	for i := range channels {
		c, err := a.Channels.Connect(ctx, owner, w.ID, "fake", map[string]string{"handle": fmt.Sprint("bench", i)})
		if err != nil {
			return result{}, err
		}
		chans = append(chans, c.ID)
	}
	// Posts are written and scheduled through the services before the
	// workers start, in parallel and an hour ahead; then all are moved to
	// one instant a few seconds away in one statement, so however long the
	// setup took, the workers meet all n at once.
	far := time.Now().Add(time.Hour)
	var next atomic.Int64
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				p, err := a.Compose.Create(ctx, owner, w.ID, compose.Draft{Base: model.Content{Text: fmt.Sprint("Benchmark post ", i)}, Channels: []string{chans[i%len(chans)]}})
				if err == nil {
					_, err = a.Publish.Schedule(ctx, owner, w.ID, p.ID, publish.Request{Mode: publish.ModeAt, At: far})
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			return result{}, err
		}
	}
	due := time.Now().Add(5 * time.Second).Truncate(time.Millisecond)
	if _, err := a.Store.DB().ExecContext(ctx, `UPDATE post_targets SET scheduled_at = $1 WHERE status = 'scheduled'`,
		due.UTC().Format(store.TimeLayout)); err != nil {
		return result{}, err
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return result{}, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return result{}, err
		}
		defer pprof.StopCPUProfile()
	}
	if err := a.StartWork(ctx); err != nil {
		return result{}, err
	}
	defer a.StopWork(context.Background())
	var late []time.Duration
	var end time.Time
	for deadline := time.Now().Add(15 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			return result{}, fmt.Errorf("targets still unpublished after 15 minutes")
		}
		late, end, err = lateness(ctx, a.Store, n)
		if err != nil {
			return result{}, err
		}
		if late != nil {
			break
		}
	}
	return summarise(late, due, end), nil
}

// lateness returns each target's first-attempt start minus its due time
// once all n are published (nil before), and when the last one finished.
func lateness(ctx context.Context, st *store.Store, n int) ([]time.Duration, time.Time, error) {
	rows, err := st.DB().QueryContext(ctx, `SELECT t.scheduled_at, MIN(a.started_at), MAX(t.published_at) FROM post_targets t
		JOIN publish_attempts a ON a.target_id = t.id WHERE t.status = 'published' GROUP BY t.id, t.scheduled_at`)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer rows.Close()
	var late []time.Duration
	var end time.Time
	for rows.Next() {
		var dueS, startS, pubS string
		if err := rows.Scan(&dueS, &startS, &pubS); err != nil {
			return nil, time.Time{}, err
		}
		due, _ := time.Parse(store.TimeLayout, dueS)
		start, _ := time.Parse(store.TimeLayout, startS)
		pub, _ := time.Parse(store.TimeLayout, pubS)
		late = append(late, start.Sub(due))
		if pub.After(end) {
			end = pub
		}
	}
	if len(late) < n {
		return nil, time.Time{}, rows.Err()
	}
	return late, end, rows.Err()
}
