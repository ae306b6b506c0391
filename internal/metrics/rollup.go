package metrics

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// The overview reads rollups of the raw snapshots (see internal/store's
// metric_rollups.go and docs/METRICS.md): each target's latest read and
// each channel's daily first and last account reads. The store keeps
// them in step as snapshots are added; a rebuild recomputes them from the
// raw snapshots, and while one covering a workspace is unfinished its
// figures come from the raw snapshots instead, so they are never partial.

// rebuildBatch is how many targets one rebuild transaction recomputes:
// about 25 snapshots each, so a batch commits in well under a second and
// holds the SQLite writer only that long.
const rebuildBatch = 2000

// periodData loads what a period's KPIs are computed from: the targets
// published in [from, to), each one's latest read, and each channel's
// first and last account reads.
func (s *Service) periodData(ctx context.Context, q *store.Queries, workspaceID string, from, to time.Time) ([]store.PublishedTarget,
	map[string]model.PostMetricSnapshot, map[string]store.AccountSpan, error) {
	rolled, err := s.rolled(ctx, q, workspaceID)
	if err != nil {
		return nil, nil, nil, err
	}
	if !rolled {
		return rawPeriodData(ctx, q, workspaceID, from, to)
	}
	pubs, latest, err := q.PublishedWithLatest(ctx, workspaceID, from, to)
	if err != nil {
		return nil, nil, nil, err
	}
	spans, err := q.AccountSpansRolled(ctx, workspaceID, from, to)
	return pubs, latest, spans, err
}

// texts fills in the text of the posts shown: the rollups' query leaves
// it out, as reading every post's content costs more than the rest.
func (s *Service) texts(ctx context.Context, workspaceID string, lists ...[]PostResult) error {
	var postIDs []string
	for _, l := range lists {
		for _, r := range l {
			postIDs = append(postIDs, r.PostID)
		}
	}
	texts, err := s.Store.Read().PostTexts(ctx, workspaceID, postIDs)
	for _, l := range lists {
		for i := range l {
			l[i].Text = texts[l[i].PostID]
		}
	}
	return err
}

// rolled reports whether the workspace's rollups are complete.
func (s *Service) rolled(ctx context.Context, q *store.Queries, workspaceID string) (bool, error) {
	if s.RawOnly {
		return false, nil
	}
	rebuilding, err := q.RollupsRebuilding(ctx, workspaceID)
	return !rebuilding, err
}

// rawPeriodData is periodData from the raw snapshots: every snapshot of
// each target and every account read of the period.
func rawPeriodData(ctx context.Context, q *store.Queries, workspaceID string, from, to time.Time) ([]store.PublishedTarget,
	map[string]model.PostMetricSnapshot, map[string]store.AccountSpan, error) {
	pubs, err := q.PublishedBetween(ctx, workspaceID, from, to)
	if err != nil {
		return nil, nil, nil, err
	}
	ids := make([]string, len(pubs))
	for i, p := range pubs {
		ids[i] = p.TargetID
	}
	latest, err := q.LatestPostMetrics(ctx, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	for id, snap := range latest {
		for _, c := range snap.Counters() {
			if c.Known && (c.Value < 0 || c.Value > model.MaxCount) {
				*c = model.Count{} // as the rollup holds it: the figures leave it out either way
			}
		}
		latest[id] = snap
	}
	spans, err := q.AccountSpans(ctx, workspaceID, from, to)
	return pubs, latest, spans, err
}

// RebuildRollups records that the rollups of a workspace ("" for every
// one) over [from, to) (zero bounds: all time) are to be recomputed from
// the raw snapshots — after a repair, or to verify them — and returns the
// rebuild's ID. The rebuild job does the work; until it is done the
// workspace's figures come from the raw snapshots.
func (s *Service) RebuildRollups(ctx context.Context, workspaceID string, from, to time.Time) (string, error) {
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return "", model.Invalid("from", "the rebuild's period must start before it ends")
	}
	r := store.RollupRebuild{ID: ids.New(), WorkspaceID: workspaceID, From: from, To: to, Phase: store.RebuildPosts}
	return r.ID, s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.AddRollupRebuild(ctx, r) })
}

// RunRebuilds works through every unfinished rebuild, oldest first, one
// batch per transaction that also records how far it got: idempotent
// (a batch replaces the rollups of its targets or channels with what the
// raw snapshots say) and resumable (an interrupted run continues after
// the last batch committed). It returns how many batches it ran.
func (s *Service) RunRebuilds(ctx context.Context) (int, error) {
	open, err := s.Store.Read().OpenRollupRebuilds(ctx)
	if err != nil {
		return 0, err
	}
	batches := 0
	for _, r := range open {
		for r.Phase != store.RebuildDone {
			if err := ctx.Err(); err != nil {
				return batches, err
			}
			if s.maxBatches > 0 && batches >= s.maxBatches {
				return batches, nil
			}
			err := s.Store.InTx(ctx, func(tx *store.Tx) error {
				next, err := tx.RebuildRollupBatch(ctx, r, rebuildBatch)
				if err == nil {
					r = next
				}
				return err
			})
			if err != nil {
				return batches, err
			}
			batches++
		}
		s.log().Info("metric rollups rebuilt", "rebuild", r.ID, "workspace", r.WorkspaceID)
	}
	return batches, nil
}

// RebuildArgs is the job that runs the unfinished rollup rebuilds.
type RebuildArgs struct{}

// Kind implements river.JobArgs.
func (RebuildArgs) Kind() string { return "metrics.rollup_rebuild" }

// InsertOpts keeps one run at a time: while one is waiting or running,
// the periodic insert is skipped (a long rebuild spans many periods).
func (RebuildArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable,
		rivertype.JobStateScheduled}}}
}

// RebuildWorker runs RebuildArgs jobs.
type RebuildWorker struct {
	river.WorkerDefaults[RebuildArgs]
	Service *Service
}

// Work runs the unfinished rebuilds.
func (w *RebuildWorker) Work(ctx context.Context, _ *river.Job[RebuildArgs]) error {
	_, err := w.Service.RunRebuilds(ctx)
	return err
}

// Timeout bounds a run; one cut short resumes at the next.
func (w *RebuildWorker) Timeout(*river.Job[RebuildArgs]) time.Duration { return time.Hour }

// RebuildPeriodic looks for rebuilds to run at start — the one migration
// 0021 records to fill an existing installation's rollups — and every
// minute after.
func RebuildPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return RebuildArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
}
