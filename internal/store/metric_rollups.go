package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
)

// The rollups (migration 0021) hold what the analytics overview needs of
// the metric snapshots: each target's latest read with its believable
// counters (post_metric_latest) and each channel's first and last
// unflagged account read per UTC day (channel_metric_daily). The
// functions that add snapshots update them in the same transaction; a
// rebuild recomputes them from the raw rows.

// dayLayout names a UTC day in channel_metric_daily; it is the first ten
// characters of TimeLayout, so SUBSTR(taken_at, 1, 10) is the same day.
const dayLayout = "2006-01-02"

// saneCount is a counter as the totals may use it: NULL ("not available")
// when the network sent a negative or impossible value, exactly as the
// KPIs leave such values out.
func saneCount(col string) string {
	return "CASE WHEN " + col + " BETWEEN 0 AND " + strconv.FormatInt(model.MaxCount, 10) + " THEN " + col + " END"
}

var latestCols = `target_id, snapshot_id, taken_at, ` + strings.Join(postCounterCols, ", ")

// latestRowCols are a latest-read row's columns as latestSelect gives them.
var latestRowCols = `workspace_id, published_at, ` + latestCols

// latestSelect picks, among the snapshots matching cond, each target's
// newest (ties broken by ID, as the raw queries do) in latestRowCols
// order, with its target's workspace and publication time.
func latestSelect(cond string) string {
	var sane []string
	for _, c := range postCounterCols {
		sane = append(sane, saneCount("r."+c))
	}
	return `SELECT r.workspace_id, t.published_at, r.target_id, r.id, r.taken_at, ` + strings.Join(sane, ", ") + ` FROM (SELECT
		workspace_id, target_id, id, taken_at, ` + strings.Join(postCounterCols, ", ") + `,
		ROW_NUMBER() OVER (PARTITION BY target_id ORDER BY taken_at DESC, id DESC) AS n
		FROM post_metric_snapshots WHERE ` + cond + `) r LEFT JOIN post_targets t ON t.id = r.target_id WHERE r.n = 1`
}

// rollPostMetrics brings the latest-read rollup up to date with the
// snapshots just stored (by ID): a snapshot older than the rollup's
// (a late or replayed read) leaves it as it is.
func (q *Queries) rollPostMetrics(ctx context.Context, snapshotIDs []string) error {
	cond, args := q.oneOf("id", snapshotIDs, 0)
	set := []string{"published_at = excluded.published_at", "snapshot_id = excluded.snapshot_id", "taken_at = excluded.taken_at"}
	for _, c := range postCounterCols {
		set = append(set, c+" = excluded."+c)
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO post_metric_latest (`+latestRowCols+`) `+latestSelect(cond)+`
		ON CONFLICT (target_id) DO UPDATE SET `+strings.Join(set, ", ")+`
		WHERE excluded.taken_at > post_metric_latest.taken_at
		OR (excluded.taken_at = post_metric_latest.taken_at AND excluded.snapshot_id > post_metric_latest.snapshot_id)`, args...)
	return wrap("roll post metrics", err)
}

// rollAccountMetrics folds an unflagged account snapshot into its day:
// the day's first read if earlier than the one kept, its last if later.
func (q *Queries) rollAccountMetrics(ctx context.Context, s model.AccountMetricSnapshot) error {
	const d = "channel_metric_daily"
	earlier := `(excluded.first_at < ` + d + `.first_at OR (excluded.first_at = ` + d + `.first_at AND excluded.first_id < ` + d + `.first_id))`
	later := `(excluded.last_at > ` + d + `.last_at OR (excluded.last_at = ` + d + `.last_at AND excluded.last_id > ` + d + `.last_id))`
	pick := func(cond, col string) string {
		return col + " = CASE WHEN " + cond + " THEN excluded." + col + " ELSE " + d + "." + col + " END"
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO channel_metric_daily (channel_id, day, workspace_id, first_at, first_id, first_followers,
		last_at, last_id, last_followers, last_reach, last_impressions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (channel_id, day) DO UPDATE SET `+strings.Join([]string{pick(earlier, "first_followers"), pick(earlier, "first_id"),
		pick(earlier, "first_at"), pick(later, "last_followers"), pick(later, "last_reach"), pick(later, "last_impressions"),
		pick(later, "last_id"), pick(later, "last_at")}, ", "),
		s.ChannelID, s.TakenAt.UTC().Format(dayLayout), s.WorkspaceID, ts(s.TakenAt), s.ID, countArg(s.Followers),
		ts(s.TakenAt), s.ID, countArg(s.Followers), countArg(s.Reach), countArg(s.Impressions))
	return wrap("roll account metrics", err)
}

// PublishedWithLatest lists a workspace's targets published in [from,
// to), like PublishedBetween but without their text (PostTexts has it for
// the few shown), with each one's latest read from the rollup (absent for
// a target never read). The read carries its ID, time and believable
// counters; the others are unknown. Each part is one index range in the
// workspace (targets, latest reads, posts), never a look-up per target,
// so a year of thousands of posts reads a few hundred pages.
func (q *Queries) PublishedWithLatest(ctx context.Context, workspaceID string, from, to time.Time) ([]PublishedTarget, map[string]model.PostMetricSnapshot, error) {
	out, err := q.publishedTargets(ctx, workspaceID, from, to)
	if err != nil || len(out) == 0 {
		return out, map[string]model.PostMetricSnapshot{}, err
	}
	latest, err := q.latestInPeriod(ctx, workspaceID, out, from, to)
	if err != nil {
		return nil, nil, err
	}
	return out, latest, q.postGrouping(ctx, workspaceID, out)
}

// publishedTargets reads a period's published targets from the
// post_targets_published index alone.
func (q *Queries) publishedTargets(ctx context.Context, workspaceID string, from, to time.Time) ([]PublishedTarget, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, post_id, channel_id, published_at FROM post_targets
		WHERE workspace_id = $1 AND status = 'published' AND published_at >= $2 AND published_at < $3
		ORDER BY published_at, id`, workspaceID, ts(from), ts(to))
	if err != nil {
		return nil, wrap("published targets", err)
	}
	defer rows.Close()
	var out []PublishedTarget
	for rows.Next() {
		p := PublishedTarget{Labels: []string{}}
		if err := rows.Scan(&p.TargetID, &p.PostID, &p.ChannelID, tm(&p.PublishedAt)); err != nil {
			return nil, wrap("published targets", err)
		}
		out = append(out, p)
	}
	return out, wrap("published targets", rows.Err())
}

// latestInPeriod reads the latest reads of these targets, published in
// [from, to), by the rollup's publication time; a target whose row is
// not there (never read, or published again since its last read) is
// looked up by ID.
func (q *Queries) latestInPeriod(ctx context.Context, workspaceID string, targets []PublishedTarget, from, to time.Time) (map[string]model.PostMetricSnapshot, error) {
	byID := make(map[string]*PublishedTarget, len(targets))
	for i := range targets {
		byID[targets[i].TargetID] = &targets[i]
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+latestCols+` FROM post_metric_latest
		WHERE workspace_id = $1 AND published_at >= $2 AND published_at < $3`, workspaceID, ts(from), ts(to))
	if err != nil {
		return nil, wrap("latest post metrics in period", err)
	}
	defer rows.Close()
	latest := map[string]model.PostMetricSnapshot{}
	for rows.Next() {
		s, err := scanLatest(rows)
		if err != nil {
			return nil, wrap("latest post metrics in period", err)
		}
		if p := byID[s.TargetID]; p != nil {
			s.WorkspaceID, s.ChannelID, s.PostID = workspaceID, p.ChannelID, p.PostID
			latest[s.TargetID] = s
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("latest post metrics in period", err)
	}
	var missing []string
	for id := range byID {
		if _, ok := latest[id]; !ok {
			missing = append(missing, id)
		}
	}
	more, err := q.rolledLatest(ctx, missing)
	for id, s := range more {
		p := byID[id]
		s.WorkspaceID, s.ChannelID, s.PostID = workspaceID, p.ChannelID, p.PostID
		latest[id] = s
	}
	return latest, err
}

// postGrouping fills the targets' pillar and labels from the
// posts_grouping index: post IDs grow with time, so the posts of a
// period lie in one range of the workspace's IDs.
func (q *Queries) postGrouping(ctx context.Context, workspaceID string, targets []PublishedTarget) error {
	lo, hi := targets[0].PostID, targets[0].PostID
	for _, t := range targets {
		lo, hi = min(lo, t.PostID), max(hi, t.PostID)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT id, pillar_id, labels FROM posts WHERE workspace_id = $1 AND id >= $2 AND id <= $3`,
		workspaceID, lo, hi)
	if err != nil {
		return wrap("post grouping", err)
	}
	defer rows.Close()
	type grouping struct {
		pillar string
		labels []string
	}
	posts := map[string]grouping{}
	for _, t := range targets {
		posts[t.PostID] = grouping{}
	}
	for rows.Next() {
		var id, pillar, labels string
		if err := rows.Scan(&id, &pillar, &labels); err != nil {
			return wrap("post grouping", err)
		}
		if _, ok := posts[id]; !ok {
			continue
		}
		g := grouping{pillar: pillar, labels: []string{}}
		if labels != "[]" { // most posts have none: no decoding
			_ = json.Unmarshal([]byte(labels), &g.labels) // Herald's own JSON
		}
		posts[id] = g
	}
	if err := rows.Err(); err != nil {
		return wrap("post grouping", err)
	}
	for i := range targets {
		g := posts[targets[i].PostID]
		targets[i].PillarID = g.pillar
		if g.labels != nil {
			targets[i].Labels = g.labels
		}
	}
	return nil
}

// AccountSpansRolled is AccountSpans read from the daily rollup: whole UTC
// days inside [from, to) come from channel_metric_daily, and only the
// partial days at the edges from raw snapshots, so a year reads about
// 365 rows per channel whatever the number of reads.
func (q *Queries) AccountSpansRolled(ctx context.Context, workspaceID string, from, to time.Time) (map[string]AccountSpan, error) {
	from, to = from.UTC(), to.UTC()
	firstDay := from.Truncate(24 * time.Hour)
	if firstDay.Before(from) {
		firstDay = firstDay.AddDate(0, 0, 1)
	}
	lastDay := to.Truncate(24 * time.Hour) // exclusive
	if !firstDay.Before(lastDay) {
		return q.AccountSpans(ctx, workspaceID, from, to)
	}
	head, err := q.AccountSpans(ctx, workspaceID, from, firstDay)
	if err != nil {
		return nil, err
	}
	days, err := q.accountDaySpans(ctx, workspaceID, firstDay, lastDay)
	if err != nil {
		return nil, err
	}
	tail, err := q.AccountSpans(ctx, workspaceID, lastDay, to)
	if err != nil {
		return nil, err
	}
	// The three parts follow each other in time: a channel's first read is
	// in the earliest part that has one, its last in the latest.
	out := map[string]AccountSpan{}
	for _, part := range []map[string]AccountSpan{head, days, tail} {
		for id, sp := range part {
			cur, ok := out[id]
			if !ok {
				cur = AccountSpan{ChannelID: id, First: sp.First}
			}
			cur.Last = sp.Last
			out[id] = cur
		}
	}
	return out, nil
}

// accountDaySpans reads the daily rollup for the UTC days [fromDay,
// toDay): per channel, the first read of its first day with one and the
// last read of its last; the days between stay in the index.
func (q *Queries) accountDaySpans(ctx context.Context, workspaceID string, fromDay, toDay time.Time) (map[string]AccountSpan, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT f.channel_id, f.first_at, f.first_id, f.first_followers, l.last_at, l.last_id, l.last_followers,
		l.last_reach, l.last_impressions
		FROM (SELECT channel_id, MIN(day) AS lo, MAX(day) AS hi FROM channel_metric_daily WHERE workspace_id = $1 AND day >= $2 AND day < $3
			GROUP BY channel_id) r
		JOIN channel_metric_daily f ON f.channel_id = r.channel_id AND f.day = r.lo
		JOIN channel_metric_daily l ON l.channel_id = r.channel_id AND l.day = r.hi`,
		workspaceID, fromDay.Format(dayLayout), toDay.Format(dayLayout))
	if err != nil {
		return nil, wrap("account day spans", err)
	}
	defer rows.Close()
	out := map[string]AccountSpan{}
	for rows.Next() {
		var ch string
		var first, last model.AccountMetricSnapshot
		if err := rows.Scan(&ch, tm(&first.TakenAt), &first.ID, countScan{&first.Followers}, tm(&last.TakenAt), &last.ID,
			countScan{&last.Followers}, countScan{&last.Reach}, countScan{&last.Impressions}); err != nil {
			return nil, wrap("account day spans", err)
		}
		first.WorkspaceID, first.ChannelID, last.WorkspaceID, last.ChannelID = workspaceID, ch, workspaceID, ch
		out[ch] = AccountSpan{ChannelID: ch, First: first, Last: last}
	}
	return out, wrap("account day spans", rows.Err())
}

// rolledLatest reads the latest-read rollup of these targets.
func (q *Queries) rolledLatest(ctx context.Context, targetIDs []string) (map[string]model.PostMetricSnapshot, error) {
	out := map[string]model.PostMetricSnapshot{}
	if len(targetIDs) == 0 {
		return out, nil
	}
	cond, args := q.oneOf("target_id", targetIDs, 0)
	rows, err := q.q.QueryContext(ctx, `SELECT `+latestCols+` FROM post_metric_latest WHERE `+cond, args...)
	if err != nil {
		return nil, wrap("rolled latest post metrics", err)
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanLatest(rows)
		if err != nil {
			return nil, wrap("rolled latest post metrics", err)
		}
		out[s.TargetID] = s
	}
	return out, wrap("rolled latest post metrics", rows.Err())
}

// scanLatest reads a latest-read row in latestCols order.
func scanLatest(rows *sql.Rows) (model.PostMetricSnapshot, error) {
	var s model.PostMetricSnapshot
	err := rows.Scan(append([]any{&s.TargetID, &s.ID, tm(&s.TakenAt)}, counterScans(&s)...)...)
	return s, err
}

// PostTexts returns the text of these posts of a workspace.
func (q *Queries) PostTexts(ctx context.Context, workspaceID string, postIDs []string) (map[string]string, error) {
	out := map[string]string{}
	if len(postIDs) == 0 {
		return out, nil
	}
	cond, args := q.oneOf("id", postIDs, 1)
	rows, err := q.q.QueryContext(ctx, `SELECT id, base FROM posts WHERE workspace_id = $1 AND `+cond, append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, wrap("post texts", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, base string
		if err := rows.Scan(&id, &base); err != nil {
			return nil, wrap("post texts", err)
		}
		out[id] = baseText(base)
	}
	return out, wrap("post texts", rows.Err())
}
