package store

import (
	"context"
	"time"

	"herald/internal/model"
)

// SavedReplies lists a workspace's saved replies by name.
func (q *Queries) SavedReplies(ctx context.Context, workspaceID string) ([]model.SavedReply, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, workspace_id, name, body, created_by, created_at, updated_at FROM saved_replies
		WHERE workspace_id = $1 ORDER BY name`, workspaceID)
	if err != nil {
		return nil, wrap("saved replies", err)
	}
	defer rows.Close()
	var out []model.SavedReply
	for rows.Next() {
		var r model.SavedReply
		if err := rows.Scan(&r.ID, &r.WorkspaceID, &r.Name, &r.Body, &r.CreatedBy, tm(&r.CreatedAt), tm(&r.UpdatedAt)); err != nil {
			return nil, wrap("saved replies", err)
		}
		out = append(out, r)
	}
	return out, wrap("saved replies", rows.Err())
}

// PutSavedReply creates or replaces a saved reply.
func (q *Queries) PutSavedReply(ctx context.Context, r model.SavedReply) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO saved_replies (id, workspace_id, name, body, created_by, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = excluded.body, updated_at = excluded.updated_at`,
		r.ID, r.WorkspaceID, r.Name, r.Body, r.CreatedBy, ts(r.CreatedAt), ts(r.UpdatedAt))
	return wrap("put saved reply", err)
}

// DeleteSavedReply removes a saved reply.
func (q *Queries) DeleteSavedReply(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete saved reply", `DELETE FROM saved_replies WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// InboxView is the model's (model/inbox.go).
type InboxView = model.InboxView

// InboxViews lists a person's saved views in a workspace.
func (q *Queries) InboxViews(ctx context.Context, workspaceID, userID string) ([]InboxView, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, workspace_id, user_id, name, query, created_at FROM inbox_views
		WHERE workspace_id = $1 AND user_id = $2 ORDER BY name`, workspaceID, userID)
	if err != nil {
		return nil, wrap("inbox views", err)
	}
	defer rows.Close()
	var out []InboxView
	for rows.Next() {
		var v InboxView
		if err := rows.Scan(&v.ID, &v.WorkspaceID, &v.UserID, &v.Name, &v.Query, tm(&v.CreatedAt)); err != nil {
			return nil, wrap("inbox views", err)
		}
		out = append(out, v)
	}
	return out, wrap("inbox views", rows.Err())
}

// PutInboxView saves a view, replacing one of the same name, and returns
// the stored view's ID (the earlier one's when it replaced it).
func (q *Queries) PutInboxView(ctx context.Context, v InboxView) (string, error) {
	var id string
	err := q.q.QueryRowContext(ctx, `INSERT INTO inbox_views (id, workspace_id, user_id, name, query, created_at) VALUES ($1,$2,$3,$4,$5,$6)
		ON CONFLICT (workspace_id, user_id, name) DO UPDATE SET query = excluded.query RETURNING id`,
		v.ID, v.WorkspaceID, v.UserID, v.Name, v.Query, ts(v.CreatedAt)).Scan(&id)
	return id, wrap("put inbox view", err)
}

// DeleteInboxView removes one of a person's views.
func (q *Queries) DeleteInboxView(ctx context.Context, workspaceID, userID, id string) error {
	return q.execOne(ctx, "delete inbox view", `DELETE FROM inbox_views WHERE workspace_id = $1 AND user_id = $2 AND id = $3`,
		workspaceID, userID, id)
}

// ReportRow is one conversation's service-level facts for the team report.
type ReportRow struct {
	ConversationID  string
	ChannelID       string
	AssigneeID      string
	Inbound         int
	FirstInboundAt  time.Time
	FirstResponseAt time.Time
	ResolvedAt      time.Time
	AwaitingSince   time.Time
}

// ReportRows lists the conversations whose first inbound message falls in
// [from, to), with their inbound message counts.
func (q *Queries) ReportRows(ctx context.Context, workspaceID string, from, to time.Time) ([]ReportRow, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT c.id, c.channel_id, c.assignee_id,
		(SELECT COUNT(*) FROM inbox_messages m WHERE m.conversation_id = c.id AND m.direction = 'in'
			AND m.kind NOT IN ('like', 'repost', 'reaction')),
		c.first_inbound_at, c.first_response_at, c.resolved_at, c.awaiting_since
		FROM conversations c WHERE c.workspace_id = $1 AND c.first_inbound_at >= $2 AND c.first_inbound_at < $3
		ORDER BY c.first_inbound_at`, workspaceID, ts(from), ts(to))
	if err != nil {
		return nil, wrap("report rows", err)
	}
	defer rows.Close()
	var out []ReportRow
	for rows.Next() {
		var r ReportRow
		if err := rows.Scan(&r.ConversationID, &r.ChannelID, &r.AssigneeID, &r.Inbound, tm(&r.FirstInboundAt), tm(&r.FirstResponseAt),
			tm(&r.ResolvedAt), tm(&r.AwaitingSince)); err != nil {
			return nil, wrap("report rows", err)
		}
		out = append(out, r)
	}
	return out, wrap("report rows", rows.Err())
}

// AwaitingConversations lists open conversations waiting for an answer
// since before a time, for service-level warnings.
func (q *Queries) AwaitingConversations(ctx context.Context, workspaceID string, before time.Time) ([]model.Conversation, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+conversationCols+` FROM conversations WHERE workspace_id = $1 AND status = 'open'
		AND awaiting_since IS NOT NULL AND awaiting_since <= $2 ORDER BY awaiting_since LIMIT 500`, workspaceID, ts(before))
	if err != nil {
		return nil, wrap("awaiting conversations", err)
	}
	defer rows.Close()
	var out []model.Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, wrap("awaiting conversations", err)
		}
		out = append(out, c)
	}
	return out, wrap("awaiting conversations", rows.Err())
}

// MarkSLAWarned records that people were told a conversation's response
// target is near, so they are told once per wait; false when it was
// already marked for this wait.
func (q *Queries) MarkSLAWarned(ctx context.Context, id string, now time.Time) (bool, error) {
	n, err := q.exec(ctx, "mark sla warned", `UPDATE conversations SET sla_warned_at = $1 WHERE id = $2
		AND (sla_warned_at IS NULL OR sla_warned_at < awaiting_since)`, ts(now), id)
	return n == 1, err
}

// UnresolvedConversations lists open conversations that started before a
// time and were not yet warned about their resolution target.
func (q *Queries) UnresolvedConversations(ctx context.Context, workspaceID string, before time.Time) ([]model.Conversation, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+conversationCols+` FROM conversations WHERE workspace_id = $1 AND status = 'open'
		AND first_inbound_at IS NOT NULL AND first_inbound_at <= $2 AND resolution_warned_at IS NULL ORDER BY first_inbound_at LIMIT 500`,
		workspaceID, ts(before))
	if err != nil {
		return nil, wrap("unresolved conversations", err)
	}
	defer rows.Close()
	var out []model.Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, wrap("unresolved conversations", err)
		}
		out = append(out, c)
	}
	return out, wrap("unresolved conversations", rows.Err())
}

// MarkResolutionWarned records the resolution warning; false when it was
// already given.
func (q *Queries) MarkResolutionWarned(ctx context.Context, id string, now time.Time) (bool, error) {
	n, err := q.exec(ctx, "mark resolution warned", `UPDATE conversations SET resolution_warned_at = $1 WHERE id = $2
		AND resolution_warned_at IS NULL`, ts(now), id)
	return n == 1, err
}

// WorkspacesWithTargets lists the workspaces that set a first-response
// or resolution target.
func (q *Queries) WorkspacesWithTargets(ctx context.Context) ([]InboxSettings, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT workspace_id FROM inbox_settings WHERE first_response_mins > 0 OR resolution_mins > 0
		ORDER BY workspace_id`)
	if err != nil {
		return nil, wrap("workspaces with targets", err)
	}
	var wsIDs []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, wrap("workspaces with targets", err)
		}
		wsIDs = append(wsIDs, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("workspaces with targets", err)
	}
	out := make([]InboxSettings, 0, len(wsIDs))
	for _, id := range wsIDs {
		st, err := q.InboxSettings(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}
