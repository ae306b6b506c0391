package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"herald/internal/model"
)

const conversationCols = `id, workspace_id, channel_id, kind, root_remote_id, root_text, root_url, post_id, contact_id, status,
	snoozed_until, assignee_id, priority, tags, unread, last_message_at, first_inbound_at, awaiting_since, first_response_at,
	resolved_at, created_at, updated_at`

func scanConversation(row interface{ Scan(...any) error }) (model.Conversation, error) {
	var c model.Conversation
	var tags string
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.ChannelID, &c.Kind, &c.RootRemoteID, &c.RootText, &c.RootURL, &c.PostID, &c.ContactID,
		&c.Status, tm(&c.SnoozedUntil), &c.AssigneeID, &c.Priority, &tags, &c.Unread, tm(&c.LastMessageAt), tm(&c.FirstInboundAt),
		tm(&c.AwaitingSince), tm(&c.FirstResponseAt), tm(&c.ResolvedAt), tm(&c.CreatedAt), tm(&c.UpdatedAt))
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal([]byte(tags), &c.Tags)
}

// ConversationByID reads one of a workspace's conversations.
func (q *Queries) ConversationByID(ctx context.Context, workspaceID, id string) (model.Conversation, error) {
	c, err := scanConversation(q.q.QueryRowContext(ctx, `SELECT `+conversationCols+` FROM conversations WHERE workspace_id = $1 AND id = $2`,
		workspaceID, id))
	return c, wrap("conversation", err)
}

func scanMessage(row interface{ Scan(...any) error }) (model.InboxMessage, error) {
	var m model.InboxMessage
	var original sql.NullString
	var flags, reasons string
	var question, automatic int
	err := row.Scan(&m.ID, &m.ConversationID, &m.WorkspaceID, &m.ChannelID, &m.RemoteID, &m.ParentRemoteID, &m.Kind, &m.Direction,
		&m.ContactID, &m.AuthorRemoteID, &m.Author, &m.Text, &original, &flags, &m.Reaction, &m.URL, &m.Sentiment, &m.SentimentScore,
		&m.Spam, &m.Abuse, &reasons, &m.Language, &question, &m.SentBy, &automatic, &m.State, &m.Error, tm(&m.CreatedAt),
		tm(&m.ReceivedAt), tm(&m.EditedAt), tm(&m.DeletedAt), tm(&m.HiddenAt))
	if err != nil {
		return m, err
	}
	m.Original, m.Question, m.Automatic = original.String, question != 0, automatic != 0
	if flags != "" {
		m.Flags = strings.Split(flags, ",")
	}
	return m, json.Unmarshal([]byte(reasons), &m.Reasons)
}

func (q *Queries) messages(ctx context.Context, op, where string, args ...any) ([]model.InboxMessage, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+messageCols+` FROM inbox_messages WHERE `+where, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	var out []model.InboxMessage
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, m)
	}
	return out, wrap(op, rows.Err())
}

// ConversationMessages lists a conversation's messages in time order.
func (q *Queries) ConversationMessages(ctx context.Context, conversationID string) ([]model.InboxMessage, error) {
	return q.messages(ctx, "conversation messages", `conversation_id = $1 ORDER BY created_at, id`, conversationID)
}

// MessagesByRemote finds a channel's messages by their network IDs.
func (q *Queries) MessagesByRemote(ctx context.Context, channelID string, remoteIDs []string) ([]model.InboxMessage, error) {
	if len(remoteIDs) == 0 {
		return nil, nil
	}
	in, args := inList(remoteIDs, 1)
	return q.messages(ctx, "messages by remote", `channel_id = $1 AND remote_id IN (`+in+`) ORDER BY created_at, id`,
		append([]any{channelID}, args...)...)
}

// InboxMessage reads one message of a workspace.
func (q *Queries) InboxMessage(ctx context.Context, workspaceID, id string) (model.InboxMessage, error) {
	ms, err := q.messages(ctx, "inbox message", `workspace_id = $1 AND id = $2`, workspaceID, id)
	if err != nil {
		return model.InboxMessage{}, err
	}
	if len(ms) == 0 {
		return model.InboxMessage{}, ErrNotFound
	}
	return ms[0], nil
}

// SetMessageState moves an outbound message to state with an error text.
func (q *Queries) SetMessageState(ctx context.Context, id, state, errText string) error {
	if err := q.execOne(ctx, "set message state", `UPDATE inbox_messages SET state = $1, error = $2 WHERE id = $3`, state, errText, id); err != nil {
		return err
	}
	_, err := q.exec(ctx, "set message state", `UPDATE conversations SET updated_at = $1
		WHERE id = (SELECT conversation_id FROM inbox_messages WHERE id = $2)`, ts(time.Now()), id)
	return err
}

// MarkReplySent records a sent reply's network ID and address.
func (q *Queries) MarkReplySent(ctx context.Context, id, remoteID, url string, now time.Time) error {
	return q.execOne(ctx, "mark reply sent", `UPDATE inbox_messages SET state = 'sent', error = '', remote_id = $1, url = $2, created_at = $3
		WHERE id = $4 AND state = 'sending'`, remoteID, url, ts(now), id)
}

// ConversationAnswered records a reply by the team: the first response
// time once, nothing waiting any more, everything read.
func (q *Queries) ConversationAnswered(ctx context.Context, id string, now time.Time) error {
	return q.execOne(ctx, "conversation answered", `UPDATE conversations SET first_response_at = COALESCE(first_response_at, $1),
		awaiting_since = NULL, unread = 0, last_message_at = $1, updated_at = $1 WHERE id = $2`, ts(now), id)
}

// InboxSettings and BusinessHours are the model's (model/inbox.go).
type (
	InboxSettings = model.InboxSettings
	BusinessHours = model.BusinessHours
)

// InboxSettings reads a workspace's inbox settings.
func (q *Queries) InboxSettings(ctx context.Context, workspaceID string) (InboxSettings, error) {
	st := InboxSettings{WorkspaceID: workspaceID, Zone: "UTC", WarnBeforeMins: 30}
	var hours, roles string
	err := q.q.QueryRowContext(ctx, `SELECT zone, hours, first_response_mins, resolution_mins, warn_before_mins, reply_approval_roles,
		escalate_email, escalate_webhook, updated_at FROM inbox_settings WHERE workspace_id = $1`, workspaceID).Scan(&st.Zone, &hours,
		&st.FirstResponseMins, &st.ResolutionMins, &st.WarnBeforeMins, &roles, &st.EscalateEmail, &st.EscalateWebhook, tm(&st.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	} else if err != nil {
		return st, wrap("inbox settings", err)
	}
	if err := unmarshalAll([]byte(hours), &st.Hours, []byte(roles), &st.ReplyApprovalRoles); err != nil {
		return st, wrap("inbox settings", err)
	}
	return st, nil
}

// PutInboxSettings saves a workspace's inbox settings.
func (q *Queries) PutInboxSettings(ctx context.Context, st InboxSettings) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO inbox_settings (workspace_id, zone, hours, first_response_mins, resolution_mins,
		warn_before_mins, reply_approval_roles, escalate_email, escalate_webhook, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
		ON CONFLICT (workspace_id) DO UPDATE SET zone = excluded.zone, hours = excluded.hours, first_response_mins = excluded.first_response_mins,
		resolution_mins = excluded.resolution_mins, warn_before_mins = excluded.warn_before_mins,
		reply_approval_roles = excluded.reply_approval_roles, escalate_email = excluded.escalate_email,
		escalate_webhook = excluded.escalate_webhook, updated_at = excluded.updated_at`,
		st.WorkspaceID, st.Zone, jsonText(orEmpty(st.Hours)), st.FirstResponseMins, st.ResolutionMins, st.WarnBeforeMins,
		jsonText(orEmpty(st.ReplyApprovalRoles)), st.EscalateEmail, st.EscalateWebhook, ts(st.UpdatedAt))
	return wrap("put inbox settings", err)
}
