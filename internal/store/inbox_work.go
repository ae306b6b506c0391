package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
)

// InboxFilter narrows the conversation list.
type InboxFilter struct {
	WorkspaceID string
	ChannelIDs  []string
	Kind        string // a message kind the conversation holds: comment, reply, mention, message, review
	Status      string // open (default), done, snoozed, all
	AssigneeID  string // a user ID, or "none"
	Tag         string
	Sentiment   string // the conversation holds an inbound message of this sentiment
	Language    string
	Question    bool
	Unanswered  time.Duration // waiting longer than this
	Search      string
	Before      string // cursor: conversations with (last_message_at, id) before this
	Limit       int
	Now         time.Time
}

// ListConversations lists a workspace's conversations, newest activity
// first, by the filter.
func (q *Queries) ListConversations(ctx context.Context, f InboxFilter) ([]model.Conversation, error) {
	where := []string{"c.workspace_id = $1"}
	args := []any{f.WorkspaceID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	switch f.Status {
	case "", model.ConvOpen:
		// A snooze that has run out counts as open again.
		add("(c.status = 'open' OR (c.status = 'snoozed' AND c.snoozed_until <= ?))", ts(f.Now))
	case "all":
	default:
		add("c.status = ?", f.Status)
	}
	if len(f.ChannelIDs) > 0 {
		in, a := inList(f.ChannelIDs, len(args))
		args = append(args, a...)
		where = append(where, "c.channel_id IN ("+in+")")
	}
	switch f.AssigneeID {
	case "":
	case "none":
		where = append(where, "c.assignee_id = ''")
	default:
		add("c.assignee_id = ?", f.AssigneeID)
	}
	if f.Tag != "" {
		add("c.tags LIKE ?", `%"`+likeEscaper.Replace(f.Tag)+`"%`)
	}
	if f.Unanswered > 0 {
		add("c.awaiting_since IS NOT NULL AND c.awaiting_since <= ?", ts(f.Now.Add(-f.Unanswered)))
	}
	var msg []string
	madd := func(cond string, v any) {
		args = append(args, v)
		msg = append(msg, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Kind != "" {
		madd("m.kind = ?", f.Kind)
	}
	if f.Sentiment != "" {
		madd("m.sentiment = ?", f.Sentiment)
	}
	if f.Language != "" {
		madd("m.language = ?", f.Language)
	}
	if f.Question {
		msg = append(msg, "m.question = 1")
	}
	if f.Search != "" {
		madd("LOWER(m.text) LIKE ? ESCAPE '\\'", "%"+likeEscaper.Replace(strings.ToLower(f.Search))+"%")
	}
	if len(msg) > 0 {
		where = append(where, "EXISTS (SELECT 1 FROM inbox_messages m WHERE m.conversation_id = c.id AND m.direction = 'in' AND "+
			strings.Join(msg, " AND ")+")")
	}
	if f.Before != "" {
		at, id, _ := strings.Cut(f.Before, "_")
		args = append(args, at, id)
		n := len(args)
		where = append(where, "(c.last_message_at < $"+strconv.Itoa(n-1)+" OR (c.last_message_at = $"+strconv.Itoa(n-1)+" AND c.id < $"+strconv.Itoa(n)+"))")
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+prefixed("c.", conversationCols)+` FROM conversations c WHERE `+strings.Join(where, " AND ")+
		` ORDER BY c.last_message_at DESC, c.id DESC LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, wrap("list conversations", err)
	}
	defer rows.Close()
	var out []model.Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, wrap("list conversations", err)
		}
		out = append(out, c)
	}
	return out, wrap("list conversations", rows.Err())
}

// UnreadByChannel counts unread inbound messages per channel in open
// conversations.
func (q *Queries) UnreadByChannel(ctx context.Context, workspaceID string) (map[string]int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT channel_id, SUM(unread) FROM conversations WHERE workspace_id = $1 AND unread > 0
		AND status = 'open' GROUP BY channel_id`, workspaceID)
	if err != nil {
		return nil, wrap("unread by channel", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, wrap("unread by channel", err)
		}
		out[id] = n
	}
	return out, wrap("unread by channel", rows.Err())
}

// InboxChange is the newest change to a workspace's conversations, for
// live updates: the time and how many conversations there are.
func (q *Queries) InboxChange(ctx context.Context, workspaceID string) (string, error) {
	var at string
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(updated_at), ''), COUNT(*) FROM conversations WHERE workspace_id = $1`,
		workspaceID).Scan(&at, &n)
	return at + "/" + strconv.Itoa(n), wrap("inbox change", err)
}

// UpdateConversation saves the fields the team changes: status, snooze,
// assignee, priority, tags, unread, resolution time.
func (q *Queries) UpdateConversation(ctx context.Context, c model.Conversation, now time.Time) error {
	return q.execOne(ctx, "update conversation", `UPDATE conversations SET status = $1, snoozed_until = $2, assignee_id = $3,
		priority = $4, tags = $5, unread = $6, resolved_at = $7, updated_at = $8 WHERE id = $9`,
		c.Status, ts(c.SnoozedUntil), c.AssigneeID, c.Priority, labelsJSON(c.Tags), c.Unread, ts(c.ResolvedAt), ts(now), c.ID)
}

// LockConversation orders changes to one conversation.
func (q *Queries) LockConversation(ctx context.Context, id string) error {
	return q.execOne(ctx, "lock conversation", `UPDATE conversations SET updated_at = updated_at WHERE id = $1`, id)
}

// AddInboxNote saves an internal note.
func (q *Queries) AddInboxNote(ctx context.Context, n model.InboxNote) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO inbox_notes (id, conversation_id, workspace_id, user_id, body, created_at)
		VALUES ($1,$2,$3,$4,$5,$6)`, n.ID, n.ConversationID, n.WorkspaceID, n.UserID, n.Body, ts(n.CreatedAt))
	return wrap("add inbox note", err)
}

// InboxNotes lists a conversation's notes, oldest first.
func (q *Queries) InboxNotes(ctx context.Context, conversationID string) ([]model.InboxNote, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, conversation_id, workspace_id, user_id, body, created_at FROM inbox_notes
		WHERE conversation_id = $1 ORDER BY created_at, id`, conversationID)
	if err != nil {
		return nil, wrap("inbox notes", err)
	}
	defer rows.Close()
	var out []model.InboxNote
	for rows.Next() {
		var n model.InboxNote
		if err := rows.Scan(&n.ID, &n.ConversationID, &n.WorkspaceID, &n.UserID, &n.Body, tm(&n.CreatedAt)); err != nil {
			return nil, wrap("inbox notes", err)
		}
		out = append(out, n)
	}
	return out, wrap("inbox notes", rows.Err())
}

// SetMessageHidden records that a message was hidden (or shown again).
func (q *Queries) SetMessageHidden(ctx context.Context, id string, at time.Time) error {
	return q.execOne(ctx, "set message hidden", `UPDATE inbox_messages SET hidden_at = $1 WHERE id = $2`, ts(at), id)
}

// TouchConversation marks a conversation changed, for live updates.
func (q *Queries) TouchConversation(ctx context.Context, id string, now time.Time) error {
	_, err := q.exec(ctx, "touch conversation", `UPDATE conversations SET updated_at = $1 WHERE id = $2`, ts(now), id)
	return err
}

// LatestInbound returns the newest inbound words (not likes) of each
// conversation, for list rows.
func (q *Queries) LatestInbound(ctx context.Context, conversationIDs []string) (map[string]model.InboxMessage, error) {
	out := map[string]model.InboxMessage{}
	if len(conversationIDs) == 0 {
		return out, nil
	}
	in, args := inList(conversationIDs, 0)
	ms, err := q.messages(ctx, "latest inbound", `id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY conversation_id
		ORDER BY created_at DESC, id DESC) AS n FROM inbox_messages WHERE conversation_id IN (`+in+`) AND direction = 'in'
		AND kind NOT IN ('like', 'repost', 'reaction')) ranked WHERE n = 1)`, args...)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out[m.ConversationID] = m
	}
	return out, nil
}
