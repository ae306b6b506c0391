package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"herald/internal/model"
)

func countArg(c model.Count) any {
	if !c.Known {
		return nil
	}
	return c.Value
}

type countScan struct{ c *model.Count }

func (s countScan) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*s.c = model.Count{Value: n.Int64, Known: n.Valid}
	return nil
}

// AddPostMetrics stores snapshots of published targets and brings the
// latest-read rollup up to date with them, in the caller's transaction.
func (q *Queries) AddPostMetrics(ctx context.Context, ss []model.PostMetricSnapshot) error {
	for start := 0; start < len(ss); start += ingestChunk {
		var b strings.Builder
		var args []any
		part := ss[start:min(start+ingestChunk, len(ss))]
		snapIDs := make([]string, 0, len(part))
		for i := range part {
			addRow(&b, &args, postMetricRow(&part[i])...)
			snapIDs = append(snapIDs, part[i].ID)
		}
		if _, err := q.q.ExecContext(ctx, `INSERT INTO post_metric_snapshots (`+postMetricCols+`) VALUES `+b.String(), args...); err != nil {
			return wrap("add post metrics", err)
		}
		if err := q.rollPostMetrics(ctx, snapIDs); err != nil {
			return err
		}
	}
	return nil
}

// postCounterCols are the post counters' columns, in the order of
// model.PostMetricSnapshot.Counters.
var postCounterCols = []string{"likes", "reposts", "replies", "quotes", "views", "clicks", "reach", "saves"}

// postMetricCols are a snapshot row's columns, as postMetricRow gives
// them and scanPostMetric reads them.
var postMetricCols = `id, workspace_id, channel_id, post_id, target_id, taken_at, source, ` + strings.Join(postCounterCols, ", ") + `, flags`

// postMetricRow is a snapshot's values in postMetricCols order.
func postMetricRow(s *model.PostMetricSnapshot) []any {
	row := []any{s.ID, s.WorkspaceID, s.ChannelID, s.PostID, s.TargetID, ts(s.TakenAt), s.Source}
	for _, c := range s.Counters() {
		row = append(row, countArg(*c))
	}
	return append(row, strings.Join(s.Flags, ","))
}

// counterScans are destinations for a snapshot's counters in
// postCounterCols order.
func counterScans(s *model.PostMetricSnapshot) []any {
	var out []any
	for _, c := range s.Counters() {
		out = append(out, countScan{c})
	}
	return out
}

// scanPostMetric reads a snapshot row in postMetricCols order.
func scanPostMetric(rows *sql.Rows) (model.PostMetricSnapshot, error) {
	var s model.PostMetricSnapshot
	var flags string
	dest := append([]any{&s.ID, &s.WorkspaceID, &s.ChannelID, &s.PostID, &s.TargetID, tm(&s.TakenAt), &s.Source}, counterScans(&s)...)
	if err := rows.Scan(append(dest, &flags)...); err != nil {
		return s, err
	}
	if flags != "" {
		s.Flags = strings.Split(flags, ",")
	}
	return s, nil
}

// PostMetrics lists a post's snapshots on every channel, oldest first.
func (q *Queries) PostMetrics(ctx context.Context, workspaceID, postID string) ([]model.PostMetricSnapshot, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+postMetricCols+` FROM post_metric_snapshots WHERE workspace_id = $1 AND post_id = $2
		ORDER BY taken_at, id`, workspaceID, postID)
	if err != nil {
		return nil, wrap("post metrics", err)
	}
	defer rows.Close()
	var out []model.PostMetricSnapshot
	for rows.Next() {
		s, err := scanPostMetric(rows)
		if err != nil {
			return nil, wrap("post metrics", err)
		}
		out = append(out, s)
	}
	return out, wrap("post metrics", rows.Err())
}

// LatestPostMetrics returns each target's newest snapshot before now.
func (q *Queries) LatestPostMetrics(ctx context.Context, targetIDs []string) (map[string]model.PostMetricSnapshot, error) {
	out := map[string]model.PostMetricSnapshot{}
	if len(targetIDs) == 0 {
		return out, nil
	}
	cond, args := q.oneOf("target_id", targetIDs, 0)
	rows, err := q.q.QueryContext(ctx, `SELECT `+postMetricCols+` FROM post_metric_snapshots WHERE id IN (SELECT id FROM
		(SELECT id, ROW_NUMBER() OVER (PARTITION BY target_id ORDER BY taken_at DESC, id DESC) AS n FROM post_metric_snapshots
		WHERE `+cond+`) ranked WHERE n = 1)`, args...)
	if err != nil {
		return nil, wrap("latest post metrics", err)
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanPostMetric(rows)
		if err != nil {
			return nil, wrap("latest post metrics", err)
		}
		out[s.TargetID] = s
	}
	return out, wrap("latest post metrics", rows.Err())
}

// AddAccountMetrics stores a channel's account snapshot and, unless it is
// flagged, folds it into the channel's daily rollup, in the caller's
// transaction.
func (q *Queries) AddAccountMetrics(ctx context.Context, s model.AccountMetricSnapshot) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO account_metric_snapshots (`+accountMetricCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		accountMetricRow(&s)...)
	if err != nil || len(s.Flags) > 0 {
		return wrap("add account metrics", err)
	}
	return q.rollAccountMetrics(ctx, s)
}

// accountMetricCols are an account snapshot row's columns, as
// accountMetricRow gives them and scanAccountMetric reads them.
const accountMetricCols = `id, workspace_id, channel_id, taken_at, source, followers, following, posts, reach, impressions, flags`

// accountMetricRow is an account snapshot's values in accountMetricCols
// order.
func accountMetricRow(s *model.AccountMetricSnapshot) []any {
	return []any{s.ID, s.WorkspaceID, s.ChannelID, ts(s.TakenAt), s.Source, countArg(s.Followers), countArg(s.Following),
		countArg(s.Posts), countArg(s.Reach), countArg(s.Impressions), strings.Join(s.Flags, ",")}
}

// scanAccountMetric reads an account snapshot row in accountMetricCols
// order.
func scanAccountMetric(rows *sql.Rows) (model.AccountMetricSnapshot, error) {
	var s model.AccountMetricSnapshot
	var flags string
	if err := rows.Scan(&s.ID, &s.WorkspaceID, &s.ChannelID, tm(&s.TakenAt), &s.Source, countScan{&s.Followers}, countScan{&s.Following},
		countScan{&s.Posts}, countScan{&s.Reach}, countScan{&s.Impressions}, &flags); err != nil {
		return s, err
	}
	if flags != "" {
		s.Flags = strings.Split(flags, ",")
	}
	return s, nil
}

// AccountMetrics lists a channel's account snapshots since a time.
func (q *Queries) AccountMetrics(ctx context.Context, channelID string, since time.Time) ([]model.AccountMetricSnapshot, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+accountMetricCols+`
		FROM account_metric_snapshots WHERE channel_id = $1 AND taken_at >= $2 ORDER BY taken_at, id`, channelID, ts(since))
	if err != nil {
		return nil, wrap("account metrics", err)
	}
	defer rows.Close()
	var out []model.AccountMetricSnapshot
	for rows.Next() {
		s, err := scanAccountMetric(rows)
		if err != nil {
			return nil, wrap("account metrics", err)
		}
		out = append(out, s)
	}
	return out, wrap("account metrics", rows.Err())
}

// MetricDue is a published target (TargetID set) or a channel's account
// (TargetID "") whose next read is due.
type MetricDue struct {
	ChannelID   string
	TargetID    string
	WorkspaceID string
	PostID      string
	RemoteID    string
	Done        string // the target's JSON segments
	PublishedAt time.Time
	Step        int
}

// SeedMetricSchedule starts the schedule of published targets and active
// channels that have none: a target due from its publication (the
// collector waits out the first interval), a channel at once.
func (q *Queries) SeedMetricSchedule(ctx context.Context, now time.Time) error {
	if _, err := q.q.ExecContext(ctx, `INSERT INTO metric_schedule (channel_id, target_id, next_at)
		SELECT t.channel_id, t.id, t.published_at FROM post_targets t WHERE t.status = 'published' AND t.published_at IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM metric_schedule s WHERE s.channel_id = t.channel_id AND s.target_id = t.id)`); err != nil {
		return wrap("seed metric schedule", err)
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO metric_schedule (channel_id, target_id, next_at)
		SELECT c.id, '', $1 FROM channels c WHERE c.status = 'active'
		AND NOT EXISTS (SELECT 1 FROM metric_schedule s WHERE s.channel_id = c.id AND s.target_id = '')`, ts(now))
	return wrap("seed metric schedule", err)
}

// DueMetrics lists what is due, channels together, at most limit.
func (q *Queries) DueMetrics(ctx context.Context, now time.Time, limit int) ([]MetricDue, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT s.channel_id, s.target_id, c.workspace_id, COALESCE(t.post_id, ''), COALESCE(t.remote_id, ''),
		COALESCE(t.done, '[]'), t.published_at, s.step
		FROM metric_schedule s JOIN channels c ON c.id = s.channel_id LEFT JOIN post_targets t ON t.id = s.target_id
		WHERE s.done = 0 AND s.next_at <= $1 ORDER BY s.channel_id, s.next_at LIMIT $2`, ts(now), limit)
	if err != nil {
		return nil, wrap("due metrics", err)
	}
	defer rows.Close()
	var out []MetricDue
	for rows.Next() {
		var d MetricDue
		if err := rows.Scan(&d.ChannelID, &d.TargetID, &d.WorkspaceID, &d.PostID, &d.RemoteID, &d.Done, tm(&d.PublishedAt), &d.Step); err != nil {
			return nil, wrap("due metrics", err)
		}
		out = append(out, d)
	}
	return out, wrap("due metrics", rows.Err())
}

// MoveMetricSchedule sets an entry's next read (done: no more), its step
// and the last error ("" after a good read).
func (q *Queries) MoveMetricSchedule(ctx context.Context, channelID, targetID string, next time.Time, step int, done bool, lastError string) error {
	return q.execOne(ctx, "move metric schedule", `UPDATE metric_schedule SET next_at = $1, step = $2, done = $3, last_error = $4
		WHERE channel_id = $5 AND target_id = $6`, ts(next), step, b2i(done), lastError, channelID, targetID)
}

// TargetClicks counts the human clicks on each target's tracked links.
func (q *Queries) TargetClicks(ctx context.Context, pairs map[string][2]string) (map[string]int64, error) {
	out := map[string]int64{}
	for target, pc := range pairs {
		var n int64
		var links int
		if err := q.q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT l.id), COUNT(c.id) FROM links l LEFT JOIN link_clicks c ON c.link_id = l.id
			AND c.bot = 0 WHERE l.post_id = $1 AND l.channel_id = $2`, pc[0], pc[1]).Scan(&links, &n); err != nil {
			return nil, wrap("target clicks", err)
		}
		if links > 0 {
			out[target] = n
		}
	}
	return out, nil
}

// PublishedTarget is a target published in a period, for KPIs.
type PublishedTarget struct {
	TargetID, PostID, ChannelID, Text string
	PillarID                          string
	Labels                            []string
	PublishedAt                       time.Time
}

// PublishedBetween lists a workspace's targets published in [from, to).
func (q *Queries) PublishedBetween(ctx context.Context, workspaceID string, from, to time.Time) ([]PublishedTarget, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT t.id, t.post_id, t.channel_id, p.base, p.pillar_id, p.labels, t.published_at FROM post_targets t
		JOIN posts p ON p.id = t.post_id WHERE t.workspace_id = $1 AND t.status = 'published' AND t.published_at >= $2
		AND t.published_at < $3 ORDER BY t.published_at, t.id`, workspaceID, ts(from), ts(to))
	if err != nil {
		return nil, wrap("published between", err)
	}
	defer rows.Close()
	var out []PublishedTarget
	for rows.Next() {
		var p PublishedTarget
		var base, labels string
		if err := rows.Scan(&p.TargetID, &p.PostID, &p.ChannelID, &base, &p.PillarID, &labels, tm(&p.PublishedAt)); err != nil {
			return nil, wrap("published between", err)
		}
		parsePublished(&p, base, labels)
		out = append(out, p)
	}
	return out, wrap("published between", rows.Err())
}

// parsePublished fills a published target's labels and text from its
// post's JSON.
func parsePublished(p *PublishedTarget, base, labels string) {
	_ = json.Unmarshal([]byte(labels), &p.Labels) // Herald's own JSON
	p.Text = baseText(base)
}

// baseText is the text of a post's base content.
func baseText(base string) string {
	var c struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal([]byte(base), &c) // Herald's own JSON; a bad one shows no text
	return c.Text
}

// AccountSpan is a channel's first and last account read in a period.
type AccountSpan struct {
	ChannelID   string
	First, Last model.AccountMetricSnapshot
}

// AccountSpans returns, per channel of the workspace, the first and last
// account reads in [from, to).
func (q *Queries) AccountSpans(ctx context.Context, workspaceID string, from, to time.Time) (map[string]AccountSpan, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+accountMetricCols+`
		FROM account_metric_snapshots WHERE workspace_id = $1 AND taken_at >= $2 AND taken_at < $3 AND flags = ''
		ORDER BY channel_id, taken_at, id`, workspaceID, ts(from), ts(to))
	if err != nil {
		return nil, wrap("account spans", err)
	}
	defer rows.Close()
	out := map[string]AccountSpan{}
	for rows.Next() {
		s, err := scanAccountMetric(rows)
		if err != nil {
			return nil, wrap("account spans", err)
		}
		sp, ok := out[s.ChannelID]
		if !ok {
			sp = AccountSpan{ChannelID: s.ChannelID, First: s}
		}
		sp.Last = s
		out[s.ChannelID] = sp
	}
	return out, wrap("account spans", rows.Err())
}

// ChannelHistory lists a channel's published targets since a time with
// their latest engagement read, for best-time analysis: from the
// latest-read rollup when rolled, else from raw snapshots.
func (q *Queries) ChannelHistory(ctx context.Context, channelID string, since time.Time, rolled bool) ([]PublishedTarget, map[string]model.PostMetricSnapshot, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT t.id, t.post_id, t.channel_id, t.published_at FROM post_targets t
		WHERE t.channel_id = $1 AND t.status = 'published' AND t.published_at >= $2 ORDER BY t.published_at`, channelID, ts(since))
	if err != nil {
		return nil, nil, wrap("channel history", err)
	}
	var out []PublishedTarget
	var ids []string
	for rows.Next() {
		var p PublishedTarget
		if err := rows.Scan(&p.TargetID, &p.PostID, &p.ChannelID, tm(&p.PublishedAt)); err != nil {
			rows.Close()
			return nil, nil, wrap("channel history", err)
		}
		out = append(out, p)
		ids = append(ids, p.TargetID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, wrap("channel history", err)
	}
	if rolled {
		latest, err := q.rolledLatest(ctx, ids)
		return out, latest, err
	}
	latest, err := q.LatestPostMetrics(ctx, ids)
	return out, latest, err
}
