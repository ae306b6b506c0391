// Package jobs runs Herald's background work on River: on SQLite with the
// riversqlite driver, on PostgreSQL with riverpgxv5. Work is enqueued in the
// same transaction as the state change that needs it (InsertTx), so nothing
// due lives only in memory.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"herald/internal/store"
)

// Options configure the queue.
type Options struct {
	Workers      *river.Workers // nil: insert-only (web role)
	Periodic     []*river.PeriodicJob
	Concurrency  int
	Logger       *slog.Logger
	PollInterval time.Duration // 0: River's default
}

// worker is the part of a River client that runs jobs, whatever its driver.
type worker interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	JobList(ctx context.Context, p *river.JobListParams) (*river.JobListResult, error)
}

// Queue enqueues and (in the worker role) runs jobs.
type Queue struct {
	// inserter enqueues inside database/sql transactions. On PostgreSQL the
	// store speaks database/sql over pgx, so an insert-only client on the
	// database/sql driver shares the store's transaction while the pgx-native
	// client below does the work.
	inserter *river.Client[*sql.Tx]
	worker   worker
	works    bool        // this process has the worker role
	started  atomic.Bool // workers are running (between Start and Stop)
	store    *store.Store
}

// New builds the queue for st.
func New(st *store.Store, opts Options) (*Queue, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	conc := opts.Concurrency
	if conc <= 0 {
		conc = 10
	}
	cfg := &river.Config{
		Logger:                      logger,
		CompletedJobRetentionPeriod: 72 * time.Hour,
		CancelledJobRetentionPeriod: 7 * 24 * time.Hour,
		DiscardedJobRetentionPeriod: 30 * 24 * time.Hour,
		FetchPollInterval:           opts.PollInterval,
	}
	q := &Queue{store: st}
	if opts.Workers != nil {
		cfg.Workers = opts.Workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: conc}}
		cfg.PeriodicJobs = opts.Periodic
	}
	insertCfg := &river.Config{Logger: logger}
	var err error
	switch st.Dialect() {
	case store.SQLite:
		var c *river.Client[*sql.Tx]
		c, err = river.NewClient(riversqlite.New(st.DB()), cfg)
		q.inserter, q.worker = c, c
	case store.Postgres:
		q.inserter, err = river.NewClient(riverdatabasesql.New(st.DB()), insertCfg)
		if err == nil && opts.Workers != nil {
			var w *river.Client[pgx.Tx]
			w, err = river.NewClient(riverpgxv5.New(st.PgxPool()), cfg)
			q.worker = w
		} else if err == nil {
			q.worker = q.inserter
		}
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: new client: %w", err)
	}
	q.works = opts.Workers != nil
	return q, nil
}

// InsertTx enqueues args inside tx; the job exists only if tx commits.
func (q *Queue) InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := q.inserter.InsertTx(ctx, tx.SQL(), args, opts); err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Start runs workers and periodic jobs until Stop. Insert-only queues do nothing.
func (q *Queue) Start(ctx context.Context) error {
	if !q.works {
		return nil
	}
	if err := q.worker.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	q.started.Store(true)
	return nil
}

// Stop waits for running jobs to finish (bounded by ctx).
func (q *Queue) Stop(ctx context.Context) error {
	if !q.works {
		return nil
	}
	q.started.Store(false)
	if err := q.worker.Stop(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// Running reports whether this process is working jobs right now (between
// Start and Stop), for /readyz.
func (q *Queue) Running() bool { return q.started.Load() }

// Migrate applies River's own migrations and returns how many ran.
func Migrate(ctx context.Context, st *store.Store) (int, error) {
	res, err := migrator(st, func(m migrateFn) (*rivermigrate.MigrateResult, error) {
		return m(ctx, rivermigrate.DirectionUp, nil)
	})
	if err != nil {
		return 0, fmt.Errorf("jobs: migrate: %w", err)
	}
	return len(res.Versions), nil
}

// Pending reports how many River migrations are not yet applied.
func Pending(ctx context.Context, st *store.Store) (int, error) {
	n := 0
	_, err := migrator(st, func(m migrateFn) (*rivermigrate.MigrateResult, error) {
		res, err := m(ctx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{DryRun: true})
		if res != nil {
			n = len(res.Versions)
		}
		return res, err
	})
	if err != nil {
		return 0, fmt.Errorf("jobs: migration status: %w", err)
	}
	return n, nil
}

type migrateFn func(context.Context, rivermigrate.Direction, *rivermigrate.MigrateOpts) (*rivermigrate.MigrateResult, error)

func migrator(st *store.Store, run func(migrateFn) (*rivermigrate.MigrateResult, error)) (*rivermigrate.MigrateResult, error) {
	if st.Dialect() == store.Postgres {
		m, err := rivermigrate.New(riverpgxv5.New(st.PgxPool()), nil)
		if err != nil {
			return nil, err
		}
		return run(m.Migrate)
	}
	m, err := rivermigrate.New(riversqlite.New(st.DB()), nil)
	if err != nil {
		return nil, err
	}
	return run(m.Migrate)
}

// JobInfo is one job as shown on the admin page.
type JobInfo struct {
	ID          int64
	Kind        string
	State       string
	Attempt     int
	MaxAttempts int
	CreatedAt   time.Time
	FinalizedAt time.Time
	LastError   string
}

// Stats summarise the queue for the admin page and API.
type Stats struct {
	Counts       map[string]int       // jobs by state
	Failed       []JobInfo            // retryable and discarded jobs, newest first
	Running      []JobInfo            // jobs being worked now
	PeriodicLast map[string]time.Time // kind -> last completion
}

// Stats reads queue depth, failures and the last run of each periodic kind.
func (q *Queue) Stats(ctx context.Context, periodicKinds []string) (Stats, error) {
	s := Stats{PeriodicLast: map[string]time.Time{}}
	var err error
	if s.Counts, err = q.store.Read().JobCounts(ctx); err != nil {
		return s, err
	}
	for _, state := range []rivertype.JobState{rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateDiscarded} {
		jobs, err := q.list(ctx, river.NewJobListParams().States(state).OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(50))
		if err != nil {
			return s, err
		}
		if state == rivertype.JobStateRunning {
			s.Running = jobs
		} else {
			s.Failed = append(s.Failed, jobs...)
		}
	}
	sort.Slice(s.Failed, func(i, j int) bool { return s.Failed[i].ID > s.Failed[j].ID })
	if len(s.Failed) > 50 {
		s.Failed = s.Failed[:50]
	}
	for _, kind := range periodicKinds {
		jobs, err := q.list(ctx, river.NewJobListParams().Kinds(kind).States(rivertype.JobStateCompleted).
			OrderBy(river.JobListOrderByFinalizedAt, river.SortOrderDesc).First(1))
		if err != nil {
			return s, err
		}
		if len(jobs) > 0 {
			s.PeriodicLast[kind] = jobs[0].FinalizedAt
		}
	}
	return s, nil
}

func (q *Queue) list(ctx context.Context, p *river.JobListParams) ([]JobInfo, error) {
	res, err := q.worker.JobList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("jobs: list: %w", err)
	}
	out := make([]JobInfo, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		info := JobInfo{ID: j.ID, Kind: j.Kind, State: string(j.State), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts, CreatedAt: j.CreatedAt}
		if j.FinalizedAt != nil {
			info.FinalizedAt = *j.FinalizedAt
		}
		if n := len(j.Errors); n > 0 {
			info.LastError = j.Errors[n-1].Error
		}
		out = append(out, info)
	}
	return out, nil
}
