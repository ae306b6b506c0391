package publish

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/store"
)

// SweepArgs is the periodic job that finds publishing work whose job was
// lost: a claim whose worker died (its lease ran out), or a due target that
// no job picked up. Claims are compare-and-swap, so enqueueing a job for a
// target that still has one does no harm.
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "publish.sweep" }

// InsertOpts keeps one sweep at a time.
func (SweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 5 * time.Second}}
}

// SweepWorker runs sweeps.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	Service *Service
}

// Work enqueues jobs for stranded targets.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	_, err := w.Service.Sweep(ctx)
	return err
}

// SweepPeriodic runs the sweep every interval on the elected leader.
func SweepPeriodic(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// Sweep enqueues a job for each stranded target and reports how many.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.now()
	// A due target normally has a job on its way; only one overdue by more
	// than a minute is treated as lost.
	refs, err := s.Store.Read().StrandedTargets(ctx, now.Add(-time.Minute), now, 500)
	if err != nil || len(refs) == 0 {
		return 0, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, r := range refs {
			if err := s.Queue.InsertTx(ctx, tx, Args{TargetID: r.ID, Generation: r.Generation}, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.log().Info("requeued stranded publishing work", "targets", len(refs))
	}
	return len(refs), err
}
