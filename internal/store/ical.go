package store

import (
	"context"
	"time"

	"herald/internal/model"
)

const feedCols = `id, workspace_id, user_id, name, created_at, last_used_at, revoked_at`

func scanFeed(row interface{ Scan(...any) error }) (model.ICalFeed, error) {
	var f model.ICalFeed
	err := row.Scan(&f.ID, &f.WorkspaceID, &f.UserID, &f.Name, tm(&f.CreatedAt), tm(&f.LastUsedAt), tm(&f.RevokedAt))
	return f, err
}

// CreateICalFeed stores a feed with its token's hash.
func (q *Queries) CreateICalFeed(ctx context.Context, f model.ICalFeed, tokenHash string) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO ical_feeds (id, workspace_id, user_id, name, token_hash, created_at) VALUES ($1,$2,$3,$4,$5,$6)`,
		f.ID, f.WorkspaceID, f.UserID, f.Name, tokenHash, ts(f.CreatedAt))
	return wrap("create ical feed", err)
}

// ICalFeeds lists a person's feeds of a workspace, newest first.
func (q *Queries) ICalFeeds(ctx context.Context, workspaceID, userID string) ([]model.ICalFeed, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+feedCols+` FROM ical_feeds WHERE workspace_id = $1 AND user_id = $2 ORDER BY id DESC`,
		workspaceID, userID)
	if err != nil {
		return nil, wrap("ical feeds", err)
	}
	defer rows.Close()
	var out []model.ICalFeed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, wrap("ical feeds", err)
		}
		out = append(out, f)
	}
	return out, wrap("ical feeds", rows.Err())
}

// ICalFeedByTokenHash finds a live (not revoked) feed by its token's hash.
func (q *Queries) ICalFeedByTokenHash(ctx context.Context, hash string) (model.ICalFeed, error) {
	f, err := scanFeed(q.q.QueryRowContext(ctx, `SELECT `+feedCols+` FROM ical_feeds WHERE token_hash = $1 AND revoked_at IS NULL`, hash))
	return f, wrap("ical feed by token", err)
}

// RevokeICalFeed revokes one of a person's feeds.
func (q *Queries) RevokeICalFeed(ctx context.Context, workspaceID, userID, id string, now time.Time) error {
	return q.execOne(ctx, "revoke ical feed", `UPDATE ical_feeds SET revoked_at = $1 WHERE workspace_id = $2 AND user_id = $3 AND id = $4
		AND revoked_at IS NULL`, ts(now), workspaceID, userID, id)
}

// TouchICalFeed records a fetch of the feed.
func (q *Queries) TouchICalFeed(ctx context.Context, id string, now time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE ical_feeds SET last_used_at = $1 WHERE id = $2`, ts(now), id)
	return wrap("touch ical feed", err)
}

const shareCols = `id, workspace_id, name, created_by, created_at, expires_at, revoked_at, can_review`

func scanShare(row interface{ Scan(...any) error }) (model.CalendarShare, error) {
	var c model.CalendarShare
	var review int
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.Name, &c.CreatedBy, tm(&c.CreatedAt), tm(&c.ExpiresAt), tm(&c.RevokedAt), &review)
	c.CanReview = review != 0
	return c, err
}

// CreateCalendarShare stores a share link with its token's hash.
func (q *Queries) CreateCalendarShare(ctx context.Context, c model.CalendarShare, tokenHash string) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO calendar_shares (id, workspace_id, name, token_hash, created_by, created_at, expires_at, can_review)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, c.ID, c.WorkspaceID, c.Name, tokenHash, c.CreatedBy, ts(c.CreatedAt), ts(c.ExpiresAt), b2i(c.CanReview))
	return wrap("create calendar share", err)
}

// CalendarShares lists a workspace's share links, newest first.
func (q *Queries) CalendarShares(ctx context.Context, workspaceID string) ([]model.CalendarShare, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+shareCols+` FROM calendar_shares WHERE workspace_id = $1 ORDER BY id DESC`, workspaceID)
	if err != nil {
		return nil, wrap("calendar shares", err)
	}
	defer rows.Close()
	var out []model.CalendarShare
	for rows.Next() {
		c, err := scanShare(rows)
		if err != nil {
			return nil, wrap("calendar shares", err)
		}
		out = append(out, c)
	}
	return out, wrap("calendar shares", rows.Err())
}

// LiveCalendarShare finds a share link by its token's hash that is neither
// revoked nor expired at now.
func (q *Queries) LiveCalendarShare(ctx context.Context, hash string, now time.Time) (model.CalendarShare, error) {
	c, err := scanShare(q.q.QueryRowContext(ctx, `SELECT `+shareCols+` FROM calendar_shares WHERE token_hash = $1 AND revoked_at IS NULL
		AND expires_at > $2`, hash, ts(now)))
	return c, wrap("live calendar share", err)
}

// RevokeCalendarShare revokes a workspace's share link.
func (q *Queries) RevokeCalendarShare(ctx context.Context, workspaceID, id string, now time.Time) error {
	return q.execOne(ctx, "revoke calendar share", `UPDATE calendar_shares SET revoked_at = $1 WHERE workspace_id = $2 AND id = $3
		AND revoked_at IS NULL`, ts(now), workspaceID, id)
}

// LiveCalendarShareByID finds a share link that is neither revoked nor
// expired at now by its ID.
func (q *Queries) LiveCalendarShareByID(ctx context.Context, id string, now time.Time) (model.CalendarShare, error) {
	c, err := scanShare(q.q.QueryRowContext(ctx, `SELECT `+shareCols+` FROM calendar_shares WHERE id = $1 AND revoked_at IS NULL
		AND expires_at > $2`, id, ts(now)))
	return c, wrap("live calendar share by id", err)
}
