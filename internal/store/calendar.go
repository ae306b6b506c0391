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
}

// CalendarEntries lists a workspace's targets whose planned or published
// time falls in [from, to), in time order: scheduled, publishing,
// published, failed, paused, missed, unconfirmed, and drafts with a date.
func (q *Queries) CalendarEntries(ctx context.Context, workspaceID string, from, to time.Time) ([]CalendarEntry, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT t.id, t.post_id, t.channel_id, t.status, t.scheduled_at, t.published_at, t.time_zone,
		t.generation, p.base, p.pillar_id, p.author_id, p.labels
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
			&base, &e.PillarID, &e.AuthorID, &labels); err != nil {
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
