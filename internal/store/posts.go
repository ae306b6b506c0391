package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
)

const postCols = `id, workspace_id, base, pillar_id, labels, notes, campaign_id, author_id, version, created_at, updated_at,
	recurrence, recur_zone, evergreen_gap, evergreen_max, series_id, continued_by, approval, approved_version`

func scanPost(row interface{ Scan(...any) error }) (model.Post, error) {
	var p model.Post
	var base, labels string
	var gap int64
	err := row.Scan(&p.ID, &p.WorkspaceID, &base, &p.PillarID, &labels, &p.Notes, &p.CampaignID, &p.AuthorID, &p.Version,
		tm(&p.CreatedAt), tm(&p.UpdatedAt), &p.Series.Recurrence, &p.Series.RecurZone, &gap, &p.Series.EvergreenMax,
		&p.Series.SeriesID, &p.Series.ContinuedBy, &p.Approval, &p.ApprovedVersion)
	if err != nil {
		return p, err
	}
	p.Series.EvergreenGap = time.Duration(gap) * time.Second
	if err := json.Unmarshal([]byte(base), &p.Base); err != nil {
		return p, err
	}
	return p, json.Unmarshal([]byte(labels), &p.Labels)
}

const targetCols = `id, post_id, channel_id, variant, status, scheduled_at, time_zone, error, remote_id, remote_url, published_at, updated_at,
	generation, publish_at, done, attempts, lease_until, error_kind, queued`

func scanTarget(row interface{ Scan(...any) error }) (model.Target, error) {
	var t model.Target
	var variant, done string
	var queued int
	err := row.Scan(&t.ID, &t.PostID, &t.ChannelID, &variant, &t.Status, tm(&t.ScheduledAt), &t.TimeZone, &t.Error,
		&t.RemoteID, &t.RemoteURL, tm(&t.PublishedAt), tm(&t.UpdatedAt),
		&t.Generation, tm(&t.PublishAt), &done, &t.Attempts, tm(&t.LeaseUntil), &t.ErrorKind, &queued)
	if err != nil {
		return t, err
	}
	t.Queued = queued != 0
	if err := json.Unmarshal([]byte(done), &t.Done); err != nil {
		return t, err
	}
	return t, json.Unmarshal([]byte(variant), &t.Variant)
}

// jsonText encodes v for a JSON column. HTML escaping is off so text
// searches with LIKE find "&", "<" and ">" as typed.
func jsonText(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only model types with JSON-safe fields are stored here.
		panic("store: marshal: " + err.Error())
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func labelsJSON(l []string) string {
	if l == nil {
		l = []string{}
	}
	return jsonText(l)
}

// CreatePost inserts a post and its targets.
func (q *Queries) CreatePost(ctx context.Context, p model.Post) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO posts (`+postCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)`,
		p.ID, p.WorkspaceID, jsonText(p.Base), p.PillarID, labelsJSON(p.Labels), p.Notes, p.CampaignID, p.AuthorID, p.Version,
		ts(p.CreatedAt), ts(p.UpdatedAt), p.Series.Recurrence, p.Series.RecurZone, int64(p.Series.EvergreenGap/time.Second),
		p.Series.EvergreenMax, p.Series.SeriesID, p.Series.ContinuedBy, p.Approval, p.ApprovedVersion)
	if err != nil {
		return wrap("create post", err)
	}
	for _, t := range p.Targets {
		if err := q.insertTarget(ctx, p, t); err != nil {
			return err
		}
	}
	return nil
}

func (q *Queries) insertTarget(ctx context.Context, p model.Post, t model.Target) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO post_targets (id, post_id, workspace_id, channel_id, variant, status, scheduled_at,
		time_zone, error, remote_id, remote_url, published_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		t.ID, p.ID, p.WorkspaceID, t.ChannelID, jsonText(t.Variant), string(t.Status), ts(t.ScheduledAt), t.TimeZone, t.Error,
		t.RemoteID, t.RemoteURL, ts(t.PublishedAt), ts(t.UpdatedAt))
	return wrap("insert target", err)
}

// UpdatePost saves a post's editable parts when its stored version is still
// prev, returning ErrStale when someone saved in between. Targets are
// synchronised: new channels are added, variants of kept ones updated and
// targets of removed channels deleted.
func (q *Queries) UpdatePost(ctx context.Context, p model.Post, prev int) error {
	if err := q.execOne(ctx, "update post", `UPDATE posts SET base = $1, pillar_id = $2, labels = $3, notes = $4, campaign_id = $5,
		version = $6, updated_at = $7 WHERE id = $8 AND version = $9`,
		jsonText(p.Base), p.PillarID, labelsJSON(p.Labels), p.Notes, p.CampaignID, p.Version, ts(p.UpdatedAt), p.ID, prev); err == ErrNotFound {
		return ErrStale
	} else if err != nil {
		return err
	}
	old, err := q.targets(ctx, p.ID)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, t := range p.Targets {
		keep[t.ChannelID] = true
	}
	for _, t := range old {
		if !keep[t.ChannelID] {
			if _, err := q.q.ExecContext(ctx, `DELETE FROM post_targets WHERE id = $1`, t.ID); err != nil {
				return wrap("delete target", err)
			}
		}
	}
	byChannel := map[string]model.Target{}
	for _, t := range old {
		byChannel[t.ChannelID] = t
	}
	for _, t := range p.Targets {
		if _, ok := byChannel[t.ChannelID]; !ok {
			if err := q.insertTarget(ctx, p, t); err != nil {
				return err
			}
			continue
		}
		if _, err := q.q.ExecContext(ctx, `UPDATE post_targets SET variant = $1, updated_at = $2 WHERE post_id = $3 AND channel_id = $4`,
			jsonText(t.Variant), ts(t.UpdatedAt), p.ID, t.ChannelID); err != nil {
			return wrap("update target", err)
		}
	}
	return nil
}

// PostByID loads a post of a workspace with its targets.
func (q *Queries) PostByID(ctx context.Context, workspaceID, id string) (model.Post, error) {
	p, err := scanPost(q.q.QueryRowContext(ctx, `SELECT `+postCols+` FROM posts WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if err != nil {
		return p, wrap("post by id", err)
	}
	p.Targets, err = q.targets(ctx, id)
	return p, err
}

func (q *Queries) targets(ctx context.Context, postID string) ([]model.Target, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+targetCols+` FROM post_targets WHERE post_id = $1 ORDER BY id`, postID)
	if err != nil {
		return nil, wrap("targets", err)
	}
	defer rows.Close()
	var out []model.Target
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, wrap("targets", err)
		}
		out = append(out, t)
	}
	return out, wrap("targets", rows.Err())
}

// PostFilter narrows ListPosts. Empty fields do not filter.
type PostFilter struct {
	Status    model.TargetStatus // posts with at least one target in this status
	ChannelID string
	PillarID  string
	Label     string
	Query     string // case-insensitive substring of the base text or notes
	After     string // cursor: the last post ID of the previous page (newest first, so IDs below it)
	Limit     int
}

// ListPosts returns a workspace's posts, newest first, with their targets.
func (q *Queries) ListPosts(ctx context.Context, workspaceID string, f PostFilter) ([]model.Post, error) {
	where := []string{"p.workspace_id = $1"}
	args := []any{workspaceID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Status != "" {
		add("EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id AND t.status = ?)", string(f.Status))
	}
	if f.ChannelID != "" {
		add("EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id AND t.channel_id = ?)", f.ChannelID)
	}
	if f.PillarID != "" {
		add("p.pillar_id = ?", f.PillarID)
	}
	if f.Label != "" {
		// labels is a JSON array of strings; the quoted form matches one whole label.
		add(`p.labels LIKE ? ESCAPE '\'`, "%"+likeEscape(jsonText(f.Label))+"%")
	}
	if f.Query != "" {
		add(`(LOWER(p.base) LIKE ? ESCAPE '\' OR LOWER(p.notes) LIKE ? ESCAPE '\')`, "%"+likeEscape(strings.ToLower(f.Query))+"%")
	}
	if f.After != "" {
		add("p.id < ?", f.After)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+prefixed("p.", postCols)+` FROM posts p WHERE `+strings.Join(where, " AND ")+
		` ORDER BY p.id DESC LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, wrap("list posts", err)
	}
	var out []model.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			rows.Close()
			return nil, wrap("list posts", err)
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("list posts", err)
	}
	for i := range out {
		if out[i].Targets, err = q.targets(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetSeries changes how a post continues.
func (q *Queries) SetSeries(ctx context.Context, id string, s model.Series) error {
	return q.execOne(ctx, "set series", `UPDATE posts SET recurrence = $1, recur_zone = $2, evergreen_gap = $3, evergreen_max = $4 WHERE id = $5`,
		s.Recurrence, s.RecurZone, int64(s.EvergreenGap/time.Second), s.EvergreenMax, id)
}

// ClaimContinuation records next as the copy continuing post id, unless
// one already does; it reports whether this caller won.
func (q *Queries) ClaimContinuation(ctx context.Context, id, next string) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE posts SET continued_by = $1 WHERE id = $2 AND continued_by = ''`, next, id)
	if err != nil {
		return false, wrap("claim continuation", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("claim continuation", err)
}

// SeriesLength counts the posts of a series (the first one included).
func (q *Queries) SeriesLength(ctx context.Context, seriesID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM posts WHERE id = $1 OR series_id = $1`, seriesID).Scan(&n)
	return n, wrap("series length", err)
}

// DeletePost removes a post with its targets, versions and media links.
func (q *Queries) DeletePost(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete post", `DELETE FROM posts WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// AddPostVersion records a saved state of a post.
func (q *Queries) AddPostVersion(ctx context.Context, v model.PostVersion) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO post_versions (post_id, version, author_id, snapshot, summary, created_at)
		VALUES ($1,$2,$3,$4,$5,$6)`, v.PostID, v.Version, v.AuthorID, v.Snapshot, v.Summary, ts(v.CreatedAt))
	return wrap("add post version", err)
}

// PostVersions lists a post's history, newest first, with author names.
func (q *Queries) PostVersions(ctx context.Context, postID string) ([]model.PostVersion, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT v.post_id, v.version, v.author_id, COALESCE(u.name, ''), v.snapshot, v.summary, v.created_at
		FROM post_versions v LEFT JOIN users u ON u.id = v.author_id WHERE v.post_id = $1 ORDER BY v.version DESC`, postID)
	if err != nil {
		return nil, wrap("post versions", err)
	}
	defer rows.Close()
	var out []model.PostVersion
	for rows.Next() {
		var v model.PostVersion
		if err := rows.Scan(&v.PostID, &v.Version, &v.AuthorID, &v.Author, &v.Snapshot, &v.Summary, tm(&v.CreatedAt)); err != nil {
			return nil, wrap("post versions", err)
		}
		out = append(out, v)
	}
	return out, wrap("post versions", rows.Err())
}

// SetPostMedia replaces the list of library assets a post uses.
func (q *Queries) SetPostMedia(ctx context.Context, postID string, mediaIDs []string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM post_media WHERE post_id = $1`, postID); err != nil {
		return wrap("set post media", err)
	}
	for _, id := range mediaIDs {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO post_media (post_id, media_id) VALUES ($1, $2)`, postID, id); err != nil {
			return wrap("set post media", err)
		}
	}
	return nil
}

// RecentContent is a target's stored content, for duplicate checks.
type RecentContent struct {
	PostID  string
	Base    model.Content
	Variant model.Variant
}

// RecentTargetContent returns the content of a channel's targets that are
// scheduled or published and were updated since the given time.
func (q *Queries) RecentTargetContent(ctx context.Context, channelID string, since time.Time) ([]RecentContent, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT p.id, p.base, t.variant FROM post_targets t JOIN posts p ON p.id = t.post_id
		WHERE t.channel_id = $1 AND t.status IN ('scheduled', 'publishing', 'published', 'approved', 'in_review') AND t.updated_at >= $2
		ORDER BY t.updated_at DESC LIMIT 200`, channelID, ts(since))
	if err != nil {
		return nil, wrap("recent target content", err)
	}
	defer rows.Close()
	var out []RecentContent
	for rows.Next() {
		var r RecentContent
		var base, variant string
		if err := rows.Scan(&r.PostID, &base, &variant); err != nil {
			return nil, wrap("recent target content", err)
		}
		if json.Unmarshal([]byte(base), &r.Base) != nil || json.Unmarshal([]byte(variant), &r.Variant) != nil {
			continue
		}
		out = append(out, r)
	}
	return out, wrap("recent target content", rows.Err())
}

func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// likeEscape makes s match literally in a LIKE pattern declared with
// ESCAPE '\' (the same syntax on SQLite and PostgreSQL).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
