package store

import (
	"context"
	"strings"
	"time"

	"herald/internal/model"
)

const competitorCols = `id, workspace_id, network, remote_id, handle, name, avatar, url, label, created_by, created_at, next_at,
	refreshed_at, last_error, notes`

func scanCompetitor(sc interface{ Scan(...any) error }) (model.Competitor, error) {
	var c model.Competitor
	var notes string
	err := sc.Scan(&c.ID, &c.WorkspaceID, &c.Network, &c.RemoteID, &c.Handle, &c.Name, &c.Avatar, &c.URL, &c.Label, &c.CreatedBy,
		tm(&c.CreatedAt), tm(&c.NextAt), tm(&c.RefreshedAt), &c.LastError, &notes)
	if notes != "" {
		c.Notes = strings.Split(notes, "\n")
	}
	return c, err
}

// CreateCompetitor stores a followed account; following the same account
// twice in a workspace is ErrConflict.
func (q *Queries) CreateCompetitor(ctx context.Context, c model.Competitor) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO competitors (`+competitorCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
		c.ID, c.WorkspaceID, c.Network, c.RemoteID, c.Handle, c.Name, c.Avatar, c.URL, c.Label, c.CreatedBy, ts(c.CreatedAt), ts(c.NextAt),
		ts(c.RefreshedAt), c.LastError, strings.Join(c.Notes, "\n"))
	return wrap("create competitor", err)
}

// CountCompetitors counts a workspace's followed accounts.
func (q *Queries) CountCompetitors(ctx context.Context, workspaceID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM competitors WHERE workspace_id = $1`, workspaceID).Scan(&n)
	return n, wrap("count competitors", err)
}

// CompetitorByID reads one of a workspace's competitors.
func (q *Queries) CompetitorByID(ctx context.Context, workspaceID, id string) (model.Competitor, error) {
	c, err := scanCompetitor(q.q.QueryRowContext(ctx, `SELECT `+competitorCols+` FROM competitors WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return c, wrap("competitor", err)
}

// ListCompetitors lists a workspace's competitors by network and handle.
func (q *Queries) ListCompetitors(ctx context.Context, workspaceID string) ([]model.Competitor, error) {
	return q.competitors(ctx, `SELECT `+competitorCols+` FROM competitors WHERE workspace_id = $1 ORDER BY network, handle, id`, workspaceID)
}

// DueCompetitors lists competitors whose next read is due, oldest due
// first, across workspaces.
func (q *Queries) DueCompetitors(ctx context.Context, now time.Time, limit int) ([]model.Competitor, error) {
	return q.competitors(ctx, `SELECT `+competitorCols+` FROM competitors WHERE next_at <= $1 ORDER BY next_at, id LIMIT $2`, ts(now), limit)
}

func (q *Queries) competitors(ctx context.Context, query string, args ...any) ([]model.Competitor, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap("competitors", err)
	}
	defer rows.Close()
	var out []model.Competitor
	for rows.Next() {
		c, err := scanCompetitor(rows)
		if err != nil {
			return nil, wrap("competitors", err)
		}
		out = append(out, c)
	}
	return out, wrap("competitors", rows.Err())
}

// DeleteCompetitor stops following an account, with its snapshots.
func (q *Queries) DeleteCompetitor(ctx context.Context, workspaceID, id string) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM competitors WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
	if err != nil {
		return wrap("delete competitor", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// MarkCompetitorRead records a read's outcome: the account's current
// name, handle and avatar, when to read next, the error (or "") and the
// notes; refreshedAt is left as it was when zero (a failed read).
func (q *Queries) MarkCompetitorRead(ctx context.Context, c model.Competitor, refreshedAt time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE competitors SET handle = $2, name = $3, avatar = $4, url = $5, next_at = $6,
		refreshed_at = COALESCE($7, refreshed_at), last_error = $8, notes = $9 WHERE id = $1`,
		c.ID, c.Handle, c.Name, c.Avatar, c.URL, ts(c.NextAt), ts(refreshedAt), c.LastError, strings.Join(c.Notes, "\n"))
	return wrap("mark competitor read", err)
}

// AddCompetitorSnapshot stores one read: the account's counters and each
// post's.
func (q *Queries) AddCompetitorSnapshot(ctx context.Context, s model.CompetitorSnapshot, posts []model.CompetitorPost) error {
	if _, err := q.q.ExecContext(ctx, `INSERT INTO competitor_snapshots (id, workspace_id, competitor_id, taken_at, source, followers,
		following, posts, followers_lower, flags) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, s.ID, s.WorkspaceID, s.CompetitorID, ts(s.TakenAt),
		s.Source, countArg(s.Followers), countArg(s.Following), countArg(s.Posts), b2i(s.FollowersLower), strings.Join(s.Flags, ",")); err != nil {
		return wrap("add competitor snapshot", err)
	}
	for start := 0; start < len(posts); start += ingestChunk {
		var b strings.Builder
		var args []any
		for _, p := range posts[start:min(start+ingestChunk, len(posts))] {
			addRow(&b, &args, p.ID, p.CompetitorID, p.SnapshotID, p.RemoteID, p.URL, p.Text, ts(p.PostedAt), ts(p.TakenAt), countArg(p.Likes),
				countArg(p.Reposts), countArg(p.Replies), countArg(p.Quotes), strings.Join(p.Flags, ","))
		}
		if _, err := q.q.ExecContext(ctx, `INSERT INTO competitor_post_snapshots (id, competitor_id, snapshot_id, remote_id, url, text,
			posted_at, taken_at, likes, reposts, replies, quotes, flags) VALUES `+b.String(), args...); err != nil {
			return wrap("add competitor posts", err)
		}
	}
	return nil
}

// CompetitorSnapshots lists a competitor's account snapshots taken in
// [from, to), oldest first.
func (q *Queries) CompetitorSnapshots(ctx context.Context, competitorID string, from, to time.Time) ([]model.CompetitorSnapshot, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, workspace_id, competitor_id, taken_at, source, followers, following, posts,
		followers_lower, flags FROM competitor_snapshots WHERE competitor_id = $1 AND taken_at >= $2 AND taken_at < $3 ORDER BY taken_at, id`,
		competitorID, ts(from), ts(to))
	if err != nil {
		return nil, wrap("competitor snapshots", err)
	}
	defer rows.Close()
	var out []model.CompetitorSnapshot
	for rows.Next() {
		var s model.CompetitorSnapshot
		var flags string
		var lower int
		if err := rows.Scan(&s.ID, &s.WorkspaceID, &s.CompetitorID, tm(&s.TakenAt), &s.Source, countScan{&s.Followers}, countScan{&s.Following},
			countScan{&s.Posts}, &lower, &flags); err != nil {
			return nil, wrap("competitor snapshots", err)
		}
		s.FollowersLower = lower == 1
		s.Flags = splitFlags(flags)
		out = append(out, s)
	}
	return out, wrap("competitor snapshots", rows.Err())
}

// LatestCompetitorPosts returns each of a competitor's posts published in
// [from, to) as its newest snapshot read it, newest post first.
func (q *Queries) LatestCompetitorPosts(ctx context.Context, competitorID string, from, to time.Time) ([]model.CompetitorPost, error) {
	// Every read stores each recent post again; the ranking keeps the
	// newest read of each post, whose counters are the most complete.
	rows, err := q.q.QueryContext(ctx, `SELECT id, competitor_id, snapshot_id, remote_id, url, text, posted_at, taken_at, likes, reposts,
		replies, quotes, flags FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY remote_id ORDER BY taken_at DESC, id DESC) AS n
		FROM competitor_post_snapshots WHERE competitor_id = $1 AND posted_at >= $2 AND posted_at < $3) ranked
		WHERE n = 1 ORDER BY posted_at DESC, id`, competitorID, ts(from), ts(to))
	if err != nil {
		return nil, wrap("competitor posts", err)
	}
	defer rows.Close()
	var out []model.CompetitorPost
	for rows.Next() {
		var p model.CompetitorPost
		var flags string
		if err := rows.Scan(&p.ID, &p.CompetitorID, &p.SnapshotID, &p.RemoteID, &p.URL, &p.Text, tm(&p.PostedAt), tm(&p.TakenAt),
			countScan{&p.Likes}, countScan{&p.Reposts}, countScan{&p.Replies}, countScan{&p.Quotes}, &flags); err != nil {
			return nil, wrap("competitor posts", err)
		}
		p.Flags = splitFlags(flags)
		out = append(out, p)
	}
	return out, wrap("competitor posts", rows.Err())
}

func splitFlags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
