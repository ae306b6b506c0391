package store

import (
	"context"
	"time"

	"herald/internal/model"
)

// ScheduledSlot is a channel's planned publishing time, for finding the
// next free slot.
type ScheduledSlot struct {
	ChannelID string
	At        time.Time
}

// ScheduledSlots returns the planned times of a workspace's targets at or
// after since. Cancelled targets free their slot; published ones are in the
// past anyway.
func (q *Queries) ScheduledSlots(ctx context.Context, workspaceID string, since time.Time) ([]ScheduledSlot, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT channel_id, scheduled_at FROM post_targets
		WHERE workspace_id = $1 AND scheduled_at IS NOT NULL AND scheduled_at >= $2 AND status <> $3`,
		workspaceID, ts(since), string(model.TargetCancelled))
	if err != nil {
		return nil, wrap("scheduled slots", err)
	}
	defer rows.Close()
	var out []ScheduledSlot
	for rows.Next() {
		var s ScheduledSlot
		if err := rows.Scan(&s.ChannelID, tm(&s.At)); err != nil {
			return nil, wrap("scheduled slots", err)
		}
		out = append(out, s)
	}
	return out, wrap("scheduled slots", rows.Err())
}
