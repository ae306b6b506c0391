package store

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Phases of a rollup rebuild, in order.
const (
	RebuildPosts    = "posts"
	RebuildAccounts = "accounts"
	RebuildDone     = "done"
)

// RollupRebuild is a recomputation of the metric rollups from raw
// snapshots, for one workspace ("" for all) and period (zero bounds: all
// time), with its progress: the phase and the last target or channel
// done in it.
type RollupRebuild struct {
	ID          string
	WorkspaceID string
	From, To    time.Time
	Phase       string
	After       string
	FinishedAt  time.Time
}

const rebuildCols = `id, workspace_id, from_at, to_at, phase, after_id, finished_at`

// AddRollupRebuild records a rebuild to do.
func (q *Queries) AddRollupRebuild(ctx context.Context, r RollupRebuild) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO metric_rollup_rebuilds (`+rebuildCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.ID, r.WorkspaceID, ts(r.From), ts(r.To), r.Phase, r.After, ts(r.FinishedAt))
	return wrap("add rollup rebuild", err)
}

// RollupRebuild reads one rebuild.
func (q *Queries) RollupRebuild(ctx context.Context, id string) (RollupRebuild, error) {
	var r RollupRebuild
	err := q.q.QueryRowContext(ctx, `SELECT `+rebuildCols+` FROM metric_rollup_rebuilds WHERE id = $1`, id).Scan(&r.ID, &r.WorkspaceID,
		tm(&r.From), tm(&r.To), &r.Phase, &r.After, tm(&r.FinishedAt))
	return r, wrap("rollup rebuild", err)
}

// OpenRollupRebuilds lists the unfinished rebuilds, oldest first.
func (q *Queries) OpenRollupRebuilds(ctx context.Context) ([]RollupRebuild, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+rebuildCols+` FROM metric_rollup_rebuilds WHERE phase <> $1 ORDER BY id`, RebuildDone)
	if err != nil {
		return nil, wrap("open rollup rebuilds", err)
	}
	defer rows.Close()
	var out []RollupRebuild
	for rows.Next() {
		var r RollupRebuild
		if err := rows.Scan(&r.ID, &r.WorkspaceID, tm(&r.From), tm(&r.To), &r.Phase, &r.After, tm(&r.FinishedAt)); err != nil {
			return nil, wrap("open rollup rebuilds", err)
		}
		out = append(out, r)
	}
	return out, wrap("open rollup rebuilds", rows.Err())
}

// RollupsRebuilding reports whether a rebuild covering the workspace is
// unfinished, when its rollups may be incomplete.
func (q *Queries) RollupsRebuilding(ctx context.Context, workspaceID string) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM metric_rollup_rebuilds WHERE phase <> $1 AND (workspace_id = '' OR workspace_id = $2)`,
		RebuildDone, workspaceID).Scan(&n)
	return n > 0, wrap("rollups rebuilding", err)
}

// RebuildRollupBatch recomputes the next batch of r from raw snapshots —
// up to limit targets, or limit/100 channels (a channel has a read a
// day) — and records the progress with it, so the work resumes there
// after an interruption and doing a batch twice changes nothing. It
// returns r as it now stands.
func (t *Tx) RebuildRollupBatch(ctx context.Context, r RollupRebuild, limit int) (RollupRebuild, error) {
	if err := t.CustomPlans(ctx); err != nil { // its "= ANY(list)" statements run again and again
		return r, err
	}
	switch r.Phase {
	case RebuildPosts:
		ids, err := t.rebuildBatchIDs(ctx, "post_targets", "published_at", r, limit)
		if err != nil {
			return r, err
		}
		if len(ids) == 0 {
			r.Phase, r.After = RebuildAccounts, ""
			break
		}
		if err := t.rebuildLatest(ctx, ids); err != nil {
			return r, err
		}
		r.After = ids[len(ids)-1]
	case RebuildAccounts:
		ids, err := t.rebuildBatchIDs(ctx, "channels", "", r, max(1, limit/100))
		if err != nil {
			return r, err
		}
		if len(ids) == 0 {
			r.Phase, r.After, r.FinishedAt = RebuildDone, "", time.Now().UTC()
			break
		}
		if err := t.rebuildDaily(ctx, ids, r.From, r.To); err != nil {
			return r, err
		}
		r.After = ids[len(ids)-1]
	default:
		return r, nil
	}
	err := t.execOne(ctx, "rollup rebuild progress", `UPDATE metric_rollup_rebuilds SET phase = $1, after_id = $2, finished_at = $3
		WHERE id = $4`, r.Phase, r.After, ts(r.FinishedAt), r.ID)
	return r, err
}

// rebuildBatchIDs lists the next IDs of table after r.After in r's
// workspace (and, when the table has one, r's period on column at). On
// PostgreSQL it locks them: a snapshot being added for one (its foreign
// key takes a share lock on the row) then waits for the batch to commit
// and updates the rebuilt rollup, or the batch waits for it and sees it.
func (t *Tx) rebuildBatchIDs(ctx context.Context, table, at string, r RollupRebuild, limit int) ([]string, error) {
	conds, args := []string{"id > $1"}, []any{r.After}
	arg := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, cond+" $"+strconv.Itoa(len(args)))
	}
	if r.WorkspaceID != "" {
		arg("workspace_id =", r.WorkspaceID)
	}
	if at != "" && !r.From.IsZero() {
		arg(at+" >=", ts(r.From))
	}
	if at != "" && !r.To.IsZero() {
		arg(at+" <", ts(r.To))
	}
	args = append(args, limit)
	query := `SELECT id FROM ` + table + ` WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY id LIMIT $` + strconv.Itoa(len(args))
	if t.dialect == Postgres {
		query += ` FOR UPDATE`
	}
	rows, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap("rollup rebuild batch", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, wrap("rollup rebuild batch", err)
		}
		ids = append(ids, id)
	}
	return ids, wrap("rollup rebuild batch", rows.Err())
}

// rebuildLatest replaces the latest-read rollup of these targets with
// what their raw snapshots say.
func (t *Tx) rebuildLatest(ctx context.Context, targetIDs []string) error {
	cond, args := t.oneOf("target_id", targetIDs, 0)
	if _, err := t.q.ExecContext(ctx, `DELETE FROM post_metric_latest WHERE `+cond, args...); err != nil {
		return wrap("rebuild latest post metrics", err)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO post_metric_latest (`+latestRowCols+`) `+latestSelect(cond), args...)
	return wrap("rebuild latest post metrics", err)
}

// rebuildDaily replaces these channels' daily account rollup over the
// UTC days that [from, to) touches (zero bounds: all) with what their
// raw snapshots say.
func (t *Tx) rebuildDaily(ctx context.Context, channelIDs []string, from, to time.Time) error {
	cond, args := t.oneOf("channel_id", channelIDs, 0)
	delCond, delArgs, readCond, readArgs := cond, args, cond, args
	if !from.IsZero() {
		day := from.UTC().Truncate(24 * time.Hour)
		delArgs = append(append([]any{}, delArgs...), day.Format(dayLayout))
		delCond += " AND day >= $" + strconv.Itoa(len(delArgs))
		readArgs = append(append([]any{}, readArgs...), ts(day))
		readCond += " AND taken_at >= $" + strconv.Itoa(len(readArgs))
	}
	if !to.IsZero() {
		day := to.UTC().Truncate(24 * time.Hour)
		if day.Before(to.UTC()) {
			day = day.AddDate(0, 0, 1)
		}
		delArgs = append(append([]any{}, delArgs...), day.Format(dayLayout))
		delCond += " AND day < $" + strconv.Itoa(len(delArgs))
		readArgs = append(append([]any{}, readArgs...), ts(day))
		readCond += " AND taken_at < $" + strconv.Itoa(len(readArgs))
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM channel_metric_daily WHERE `+delCond, delArgs...); err != nil {
		return wrap("rebuild daily account metrics", err)
	}
	// a numbers each day's reads from its first, d from its last.
	_, err := t.q.ExecContext(ctx, `INSERT INTO channel_metric_daily (channel_id, day, workspace_id, first_at, first_id, first_followers,
		last_at, last_id, last_followers, last_reach, last_impressions)
		SELECT channel_id, day, MAX(workspace_id), MAX(CASE WHEN a = 1 THEN taken_at END), MAX(CASE WHEN a = 1 THEN id END),
		MAX(CASE WHEN a = 1 THEN followers END), MAX(CASE WHEN d = 1 THEN taken_at END), MAX(CASE WHEN d = 1 THEN id END),
		MAX(CASE WHEN d = 1 THEN followers END), MAX(CASE WHEN d = 1 THEN reach END), MAX(CASE WHEN d = 1 THEN impressions END)
		FROM (SELECT channel_id, workspace_id, taken_at, id, followers, reach, impressions, SUBSTR(taken_at, 1, 10) AS day,
			ROW_NUMBER() OVER (PARTITION BY channel_id, SUBSTR(taken_at, 1, 10) ORDER BY taken_at, id) AS a,
			ROW_NUMBER() OVER (PARTITION BY channel_id, SUBSTR(taken_at, 1, 10) ORDER BY taken_at DESC, id DESC) AS d
			FROM account_metric_snapshots WHERE flags = '' AND `+readCond+`) ranked
		WHERE a = 1 OR d = 1 GROUP BY channel_id, day`, readArgs...)
	return wrap("rebuild daily account metrics", err)
}
