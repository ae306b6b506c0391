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

// UploadPruner removes abandoned resumable media uploads and their stored
// chunks (media.Service implements it). The interface keeps this package
// free of the media library: jobs only schedules the work.
type UploadPruner interface {
	Prune(ctx context.Context)
}

// MaintenanceWorker prunes expired sessions, password resets and idempotency
// records and abandoned media uploads, and keeps SQLite's query planner
// statistics fresh. River prunes its own finished job rows (see the retention
// periods in New).
type MaintenanceWorker struct {
	river.WorkerDefaults[MaintenanceArgs]
	Store  *store.Store
	Logger *slog.Logger
	// Uploads, when set, is asked to prune abandoned resumable uploads.
	// Starting an upload prunes a few too, but only this job clears what
	// is left when nobody uploads for a while.
	Uploads UploadPruner
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
	if w.Uploads != nil {
		w.Uploads.Prune(ctx) // logs its own failures: a leftover chunk is no reason to retry the job
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
