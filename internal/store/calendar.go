package store

import (
	"context"
	"encoding/json"
	"time"

	"herald/internal/model"
)

// CalendarEntry is one target placed on the calendar, with what the
// calendar shows of its post. Target carries only the fields a calendar
// needs (ID, post, channel, status, times, zone, generation).
type CalendarEntry struct {
	Target   model.Target
	Text     string // the post's base text
	PillarID string
	AuthorID string
	Labels   []string
	Approval model.ApprovalState
}

// CalendarEntries lists a workspace's targets whose planned or published
// time falls in [from, to), in time order: scheduled, publishing,
// published, failed, paused, missed, unconfirmed, and drafts with a date.
func (q *Queries) CalendarEntries(ctx context.Context, workspaceID string, from, to time.Time) ([]CalendarEntry, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT t.id, t.post_id, t.channel_id, t.status, t.scheduled_at, t.published_at, t.time_zone,
		t.generation, p.base, p.pillar_id, p.author_id, p.labels, p.approval
		FROM post_targets t JOIN posts p ON p.id = t.post_id
		WHERE t.workspace_id = $1 AND COALESCE(t.published_at, t.scheduled_at) >= $2 AND COALESCE(t.published_at, t.scheduled_at) < $3
		ORDER BY COALESCE(t.published_at, t.scheduled_at), t.id`, workspaceID, ts(from), ts(to))
	if err != nil {
		return nil, wrap("calendar entries", err)
	}
	defer rows.Close()
	var out []CalendarEntry
	for rows.Next() {
		var e CalendarEntry
		var base, labels string
		t := &e.Target
		if err := rows.Scan(&t.ID, &t.PostID, &t.ChannelID, &t.Status, tm(&t.ScheduledAt), tm(&t.PublishedAt), &t.TimeZone, &t.Generation,
			&base, &e.PillarID, &e.AuthorID, &labels, &e.Approval); err != nil {
			return nil, wrap("calendar entries", err)
		}
		var c struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal([]byte(base), &c); err != nil {
			return nil, wrap("calendar entries", err)
		}
		e.Text = c.Text
		if err := json.Unmarshal([]byte(labels), &e.Labels); err != nil {
			return nil, wrap("calendar entries", err)
		}
		out = append(out, e)
	}
	return out, wrap("calendar entries", rows.Err())
}

const entryCols = `id, workspace_id, kind, title, starts_on, ends_on, note, created_by, created_at, updated_at`

func scanEntry(row interface{ Scan(...any) error }) (model.CalendarEntry, error) {
	var e model.CalendarEntry
	err := row.Scan(&e.ID, &e.WorkspaceID, &e.Kind, &e.Title, &e.Starts, &e.Ends, &e.Note, &e.CreatedBy, tm(&e.CreatedAt), tm(&e.UpdatedAt))
	return e, err
}

// PutCalendarEntry inserts or updates an entry (by ID, within its workspace).
func (q *Queries) PutCalendarEntry(ctx context.Context, e model.CalendarEntry) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO calendar_entries (`+entryCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, starts_on = excluded.starts_on,
		ends_on = excluded.ends_on, note = excluded.note, updated_at = excluded.updated_at
		WHERE calendar_entries.workspace_id = excluded.workspace_id`,
		e.ID, e.WorkspaceID, e.Kind, e.Title, e.Starts, e.Ends, e.Note, e.CreatedBy, ts(e.CreatedAt), ts(e.UpdatedAt))
	return wrap("put calendar entry", err)
}

// CalendarEntry loads one entry of a workspace.
func (q *Queries) CalendarEntry(ctx context.Context, workspaceID, id string) (model.CalendarEntry, error) {
	e, err := scanEntry(q.q.QueryRowContext(ctx, `SELECT `+entryCols+` FROM calendar_entries WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return e, wrap("calendar entry", err)
}

// DeleteCalendarEntry removes an entry of a workspace.
func (q *Queries) DeleteCalendarEntry(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete calendar entry", `DELETE FROM calendar_entries WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// CalendarEntriesBetween lists a workspace's entries that touch the days
// from..to (YYYY-MM-DD, inclusive), by first day.
func (q *Queries) CalendarEntriesBetween(ctx context.Context, workspaceID, from, to string) ([]model.CalendarEntry, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+entryCols+` FROM calendar_entries WHERE workspace_id = $1 AND starts_on <= $3 AND ends_on >= $2
		ORDER BY starts_on, title, id LIMIT 1000`, workspaceID, from, to)
	if err != nil {
		return nil, wrap("calendar entries between", err)
	}
	defer rows.Close()
	var out []model.CalendarEntry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, wrap("calendar entries between", err)
		}
		out = append(out, e)
	}
	return out, wrap("calendar entries between", rows.Err())
}

// TrackedClicks counts the human clicks on the tracked links of each of
// the posts' channel versions, keyed post ID + "/" + channel ID. Versions
// without a tracked link are absent: no link is not the same as 0 clicks.
func (q *Queries) TrackedClicks(ctx context.Context, workspaceID string, postIDs []string) (map[string]int, error) {
	out := map[string]int{}
	if len(postIDs) == 0 {
		return out, nil
	}
	in, args := inList(postIDs, 1)
	rows, err := q.q.QueryContext(ctx, `SELECT l.post_id, l.channel_id, COUNT(c.id) FROM links l
		LEFT JOIN link_clicks c ON c.link_id = l.id AND c.bot = 0
		WHERE l.workspace_id = $1 AND l.post_id IN (`+in+`) GROUP BY l.post_id, l.channel_id`, append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, wrap("tracked clicks", err)
	}
	defer rows.Close()
	for rows.Next() {
		var post, channel string
		var n int
		if err := rows.Scan(&post, &channel, &n); err != nil {
			return nil, wrap("tracked clicks", err)
		}
		out[post+"/"+channel] = n
	}
	return out, wrap("tracked clicks", rows.Err())
}
