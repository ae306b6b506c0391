package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/store"
)

// MaintenanceArgs is the periodic housekeeping job.
type MaintenanceArgs struct{}

// Kind implements river.JobArgs.
func (MaintenanceArgs) Kind() string { return "maintenance" }

// MaintenanceWorker prunes expired sessions, password resets and idempotency
// records and keeps SQLite's query planner statistics fresh. River prunes its
// own finished job rows (see the retention periods in New).
type MaintenanceWorker struct {
	river.WorkerDefaults[MaintenanceArgs]
	Store  *store.Store
	Logger *slog.Logger
}

// Work runs one maintenance pass.
func (w *MaintenanceWorker) Work(ctx context.Context, _ *river.Job[MaintenanceArgs]) error {
	now := time.Now()
	var pruned int64
	err := w.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		pruned, err = tx.PruneExpired(ctx, now, now.Add(-24*time.Hour))
		return err
	})
	if err != nil {
		return err
	}
	if err := w.Store.Optimize(ctx); err != nil {
		return err
	}
	w.Logger.Info("maintenance done", "pruned_rows", pruned)
	return nil
}

// MaintenancePeriodic runs maintenance hourly and once at start.
func MaintenancePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return MaintenanceArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "maintenance"})
}
