package store

import (
	"context"
	"time"

	"herald/internal/model"
)

// PublishedRef is a published post of a channel with every segment that
// went out, the roots of the threads under it.
type PublishedRef struct {
	PostID   string
	Text     string
	Segments []model.RemotePost
}

// ChannelPublished lists a channel's posts published since a time.
func (q *Queries) ChannelPublished(ctx context.Context, channelID string, since time.Time) ([]PublishedRef, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT t.post_id, p.base, t.remote_id, t.remote_url, t.done, t.published_at
		FROM post_targets t JOIN posts p ON p.id = t.post_id
		WHERE t.channel_id = $1 AND t.status = 'published' AND t.published_at >= $2 ORDER BY t.published_at DESC LIMIT 500`,
		channelID, ts(since))
	if err != nil {
		return nil, wrap("channel published", err)
	}
	defer rows.Close()
	var out []PublishedRef
	for rows.Next() {
		var r PublishedRef
		var base, remoteID, remoteURL, done string
		var at time.Time
		if err := rows.Scan(&r.PostID, &base, &remoteID, &remoteURL, &done, tm(&at)); err != nil {
			return nil, wrap("channel published", err)
		}
		var c struct {
			Text string `json:"text"`
		}
		if err := unmarshalAll([]byte(base), &c, []byte(done), &r.Segments); err != nil {
			return nil, wrap("channel published", err)
		}
		r.Text = c.Text
		if len(r.Segments) == 0 && remoteID != "" {
			r.Segments = []model.RemotePost{{ID: remoteID, URL: remoteURL, PublishedAt: at}}
		}
		out = append(out, r)
	}
	return out, wrap("channel published", rows.Err())
}

// PollCursor is where a channel's inbox poller is.
type PollCursor struct {
	ChannelID   string
	WorkspaceID string
	Since       time.Time
	Interval    time.Duration
	NextAt      time.Time
	LastOKAt    time.Time
	LastError   string
	Failures    int
	StreamUntil time.Time // a live stream's lease, zero when none
}

// EnsureCursors starts a cursor, reading from since, for each of the
// given channels that has none.
func (q *Queries) EnsureCursors(ctx context.Context, channelIDs []string, since time.Time, interval time.Duration, now time.Time) error {
	for _, id := range channelIDs {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO inbox_cursors (channel_id, since, interval_s, next_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (channel_id) DO NOTHING`, id, ts(since), int(interval/time.Second), ts(now)); err != nil {
			return wrap("ensure cursors", err)
		}
	}
	return nil
}

// DueCursors lists the cursors whose next poll is due, oldest first.
func (q *Queries) DueCursors(ctx context.Context, now time.Time, limit int) ([]PollCursor, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT c.channel_id, ch.workspace_id, c.since, c.interval_s, c.next_at, c.last_ok_at, c.last_error, c.failures,
		c.stream_until
		FROM inbox_cursors c JOIN channels ch ON ch.id = c.channel_id WHERE c.next_at <= $1 ORDER BY c.next_at LIMIT $2`, ts(now), limit)
	if err != nil {
		return nil, wrap("due cursors", err)
	}
	defer rows.Close()
	var out []PollCursor
	for rows.Next() {
		var c PollCursor
		var secs int
		if err := rows.Scan(&c.ChannelID, &c.WorkspaceID, tm(&c.Since), &secs, tm(&c.NextAt), tm(&c.LastOKAt), &c.LastError, &c.Failures,
			tm(&c.StreamUntil)); err != nil {
			return nil, wrap("due cursors", err)
		}
		c.Interval = time.Duration(secs) * time.Second
		out = append(out, c)
	}
	return out, wrap("due cursors", rows.Err())
}

// ClaimCursor takes a due cursor for one poll by moving its next time
// past the poll's lease; false when another worker took it first.
func (q *Queries) ClaimCursor(ctx context.Context, c PollCursor, leaseUntil time.Time) (bool, error) {
	n, err := q.exec(ctx, "claim cursor", `UPDATE inbox_cursors SET next_at = $1 WHERE channel_id = $2 AND next_at = $3`,
		ts(leaseUntil), c.ChannelID, ts(c.NextAt))
	return n == 1, err
}

// SaveCursor records a poll's outcome.
func (q *Queries) SaveCursor(ctx context.Context, c PollCursor) error {
	return q.execOne(ctx, "save cursor", `UPDATE inbox_cursors SET since = $1, interval_s = $2, next_at = $3, last_ok_at = $4,
		last_error = $5, failures = $6 WHERE channel_id = $7`, ts(c.Since), int(c.Interval/time.Second), ts(c.NextAt), ts(c.LastOKAt),
		c.LastError, c.Failures, c.ChannelID)
}

// Cursor reads a channel's cursor.
func (q *Queries) Cursor(ctx context.Context, channelID string) (PollCursor, error) {
	var c PollCursor
	var secs int
	err := q.q.QueryRowContext(ctx, `SELECT c.channel_id, ch.workspace_id, c.since, c.interval_s, c.next_at, c.last_ok_at, c.last_error, c.failures,
		c.stream_until
		FROM inbox_cursors c JOIN channels ch ON ch.id = c.channel_id WHERE c.channel_id = $1`, channelID).Scan(&c.ChannelID, &c.WorkspaceID,
		tm(&c.Since), &secs, tm(&c.NextAt), tm(&c.LastOKAt), &c.LastError, &c.Failures, tm(&c.StreamUntil))
	c.Interval = time.Duration(secs) * time.Second
	return c, wrap("cursor", err)
}

// ActiveChannelIDs lists the active channels of the given networks in
// every workspace.
func (q *Queries) ActiveChannelIDs(ctx context.Context, networks []string) ([]string, error) {
	if len(networks) == 0 {
		return nil, nil
	}
	in, args := inList(networks, 0)
	rows, err := q.q.QueryContext(ctx, `SELECT id FROM channels WHERE status = 'active' AND network IN (`+in+`) ORDER BY id`, args...)
	if err != nil {
		return nil, wrap("active channels", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, wrap("active channels", err)
		}
		out = append(out, id)
	}
	return out, wrap("active channels", rows.Err())
}

// DeletionsCheckedAt is when the inbox last asked the channel's network
// which stored messages were deleted (zero for never).
func (q *Queries) DeletionsCheckedAt(ctx context.Context, channelID string) (time.Time, error) {
	var at time.Time
	err := q.q.QueryRowContext(ctx, `SELECT deletions_checked_at FROM inbox_cursors WHERE channel_id = $1`, channelID).Scan(tm(&at))
	return at, wrap("deletions checked at", err)
}

// MarkDeletionsChecked records a deletion check of the channel.
func (q *Queries) MarkDeletionsChecked(ctx context.Context, channelID string, at time.Time) error {
	return q.execOne(ctx, "mark deletions checked", `UPDATE inbox_cursors SET deletions_checked_at = $1 WHERE channel_id = $2`, ts(at), channelID)
}

// DeletionCandidate is a stored inbound message that its author may have
// deleted since.
type DeletionCandidate struct {
	RemoteID, AuthorRemoteID string
}

// DeletionCandidates lists the channel's newest inbound messages received
// since a time that are not known to be deleted. It goes through the
// workspace's (workspace_id, received_at) index rather than asking every
// ingested message to maintain one more.
func (q *Queries) DeletionCandidates(ctx context.Context, workspaceID, channelID string, since time.Time, limit int) ([]DeletionCandidate, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT remote_id, author_remote_id FROM inbox_messages WHERE workspace_id = $1 AND received_at >= $2
		AND channel_id = $3 AND direction = 'in' AND deleted_at IS NULL ORDER BY received_at DESC, id DESC LIMIT $4`,
		workspaceID, ts(since), channelID, limit)
	if err != nil {
		return nil, wrap("deletion candidates", err)
	}
	defer rows.Close()
	var out []DeletionCandidate
	for rows.Next() {
		var c DeletionCandidate
		if err := rows.Scan(&c.RemoteID, &c.AuthorRemoteID); err != nil {
			return nil, wrap("deletion candidates", err)
		}
		out = append(out, c)
	}
	return out, wrap("deletion candidates", rows.Err())
}

// ClaimStream takes or renews the lease on a channel's live stream for
// owner; false when another process holds an unexpired one.
func (q *Queries) ClaimStream(ctx context.Context, channelID, owner string, now, until time.Time) (bool, error) {
	n, err := q.exec(ctx, "claim stream", `UPDATE inbox_cursors SET stream_owner = $1, stream_until = $2 WHERE channel_id = $3
		AND (stream_until IS NULL OR stream_until < $4 OR stream_owner = $1)`, owner, ts(until), channelID, ts(now))
	return n == 1, err
}

// ReleaseStream gives up owner's lease on a channel's live stream.
func (q *Queries) ReleaseStream(ctx context.Context, channelID, owner string) error {
	_, err := q.exec(ctx, "release stream", `UPDATE inbox_cursors SET stream_owner = '', stream_until = NULL
		WHERE channel_id = $1 AND stream_owner = $2`, channelID, owner)
	return err
}
