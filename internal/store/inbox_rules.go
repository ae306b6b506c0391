package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
)

// Queries of the inbox rules engine: rules, the action log, auto-reply
// bookkeeping and what the engine reads per ingested batch (contacts,
// business hours, conversations), each in one query per batch.

const ruleCols = `id, workspace_id, name, priority, enabled, stop, conditions, actions, created_by, created_at, updated_at`

func scanRule(row interface{ Scan(...any) error }) (model.Rule, error) {
	var r model.Rule
	var enabled, stop int
	var conds, acts string
	err := row.Scan(&r.ID, &r.WorkspaceID, &r.Name, &r.Priority, &enabled, &stop, &conds, &acts, &r.CreatedBy, tm(&r.CreatedAt), tm(&r.UpdatedAt))
	if err != nil {
		return r, err
	}
	r.Enabled, r.Stop = enabled != 0, stop != 0
	if err := json.Unmarshal([]byte(conds), &r.Conditions); err != nil {
		return r, err
	}
	return r, json.Unmarshal([]byte(acts), &r.Actions)
}

// InboxRules lists a workspace's rules in the order they run (ascending
// priority); enabledOnly leaves out the switched-off ones.
func (q *Queries) InboxRules(ctx context.Context, workspaceID string, enabledOnly bool) ([]model.Rule, error) {
	where := `workspace_id = $1`
	if enabledOnly {
		where += ` AND enabled = 1`
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+ruleCols+` FROM inbox_rules WHERE `+where+` ORDER BY priority, created_at, id`, workspaceID)
	if err != nil {
		return nil, wrap("inbox rules", err)
	}
	defer rows.Close()
	var out []model.Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, wrap("inbox rules", err)
		}
		out = append(out, r)
	}
	return out, wrap("inbox rules", rows.Err())
}

// InboxRule reads one rule of a workspace.
func (q *Queries) InboxRule(ctx context.Context, workspaceID, id string) (model.Rule, error) {
	r, err := scanRule(q.q.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM inbox_rules WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return r, wrap("inbox rule", err)
}

// NextInboxRulePriority is the priority after the workspace's last rule.
func (q *Queries) NextInboxRulePriority(ctx context.Context, workspaceID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(priority), 0) + 1 FROM inbox_rules WHERE workspace_id = $1`, workspaceID).Scan(&n)
	return n, wrap("next inbox rule priority", err)
}

// SaveInboxRule inserts a rule or replaces the one with its ID.
func (q *Queries) SaveInboxRule(ctx context.Context, r model.Rule) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO inbox_rules (`+ruleCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, priority = excluded.priority, enabled = excluded.enabled,
		stop = excluded.stop, conditions = excluded.conditions, actions = excluded.actions, updated_at = excluded.updated_at`,
		r.ID, r.WorkspaceID, r.Name, r.Priority, b2i(r.Enabled), b2i(r.Stop), jsonText(r.Conditions), jsonText(r.Actions), r.CreatedBy,
		ts(r.CreatedAt), ts(r.UpdatedAt))
	return wrap("save inbox rule", err)
}

// DeleteInboxRule removes a rule (ErrNotFound when the workspace has none
// with that ID).
func (q *Queries) DeleteInboxRule(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete inbox rule", `DELETE FROM inbox_rules WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// SetInboxRulePriority moves one rule in the workspace's order.
func (q *Queries) SetInboxRulePriority(ctx context.Context, workspaceID, id string, priority int, now time.Time) error {
	return q.execOne(ctx, "set inbox rule priority", `UPDATE inbox_rules SET priority = $1, updated_at = $2 WHERE workspace_id = $3 AND id = $4`,
		priority, ts(now), workspaceID, id)
}

// RuleContacts reads the contacts of a batch's messages in one query per
// chunk, returning contact ID → what rules test.
func (q *Queries) RuleContacts(ctx context.Context, ids []string) (map[string]RuleContact, error) {
	out := make(map[string]RuleContact, len(ids))
	for start := 0; start < len(ids); start += ingestChunk {
		in, args := inList(ids[start:min(start+ingestChunk, len(ids))], 0)
		rows, err := q.q.QueryContext(ctx, `SELECT id, name, vip, followers FROM contacts WHERE id IN (`+in+`)`, args...)
		if err != nil {
			return nil, wrap("rule contacts", err)
		}
		for rows.Next() {
			var id string
			var c RuleContact
			var vip int
			var followers sql.NullInt64
			if err := rows.Scan(&id, &c.Name, &vip, &followers); err != nil {
				rows.Close()
				return nil, wrap("rule contacts", err)
			}
			c.ID, c.VIP, c.Followers = id, vip != 0, -1
			if followers.Valid {
				c.Followers = int(followers.Int64)
			}
			out[id] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, wrap("rule contacts", err)
		}
	}
	return out, nil
}

// RuleSavedReply reads one of a workspace's saved replies.
func (q *Queries) RuleSavedReply(ctx context.Context, workspaceID, id string) (model.SavedReply, error) {
	var r model.SavedReply
	err := q.q.QueryRowContext(ctx, `SELECT id, workspace_id, name, body, created_by, created_at, updated_at FROM saved_replies
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id).Scan(&r.ID, &r.WorkspaceID, &r.Name, &r.Body, &r.CreatedBy,
		tm(&r.CreatedAt), tm(&r.UpdatedAt))
	return r, wrap("saved reply", err)
}

// UpdateRuleConversations writes what rules (or undoing them) changed on
// conversations: tags, assignee, priority, status and its clocks.
func (q *Queries) UpdateRuleConversations(ctx context.Context, cs []model.Conversation, now time.Time) error {
	if q.dialect == SQLite {
		return wrap("update rule conversations", q.updateRuleConversationsSQLite(ctx, cs, now))
	}
	for start := 0; start < len(cs); start += ingestChunk {
		var b strings.Builder
		args := []any{ts(now)}
		for _, c := range cs[start:min(start+ingestChunk, len(cs))] {
			// PostgreSQL types parameters in a VALUES list as text: the
			// priority goes as a string and is cast back.
			addRow(&b, &args, c.ID, labelsJSON(c.Tags), c.AssigneeID, strconv.Itoa(c.Priority), c.Status, ts(c.SnoozedUntil), ts(c.ResolvedAt))
		}
		_, err := q.q.ExecContext(ctx, `UPDATE conversations SET tags = v.column2, assignee_id = v.column3,
			priority = CAST(v.column4 AS INTEGER), status = v.column5, snoozed_until = v.column6, resolved_at = v.column7, updated_at = $1
			FROM (VALUES `+b.String()+`) AS v WHERE conversations.id = v.column1`, args...)
		if err != nil {
			return wrap("update rule conversations", err)
		}
	}
	return nil
}

// updateRuleConversationsSQLite first writes only tags and priority,
// where the status, its clocks and the assignee stayed as they were (most
// rules tag or prioritise): SQLite then leaves the indexes on status and
// assignee alone. The other conversations get the full update.
func (q *Queries) updateRuleConversationsSQLite(ctx context.Context, cs []model.Conversation, now time.Time) error {
	return q.eachRowNarrowFirst(ctx, len(cs), `UPDATE conversations SET tags = $1, priority = $2, updated_at = $3
		WHERE id = $4 AND assignee_id = $5 AND status = $6 AND snoozed_until IS $7 AND resolved_at IS $8`, func(i int) []any {
		c := cs[i]
		return []any{labelsJSON(c.Tags), c.Priority, ts(now), c.ID, c.AssigneeID, c.Status, ts(c.SnoozedUntil), ts(c.ResolvedAt)}
	}, `UPDATE conversations SET tags = $1, assignee_id = $2, priority = $3, status = $4, snoozed_until = $5,
		resolved_at = $6, updated_at = $7 WHERE id = $8`, func(i int) []any {
		c := cs[i]
		return []any{labelsJSON(c.Tags), c.AssigneeID, c.Priority, c.Status, ts(c.SnoozedUntil), ts(c.ResolvedAt), ts(now), c.ID}
	})
}

// SetMessagesHidden hides messages in Herald (at) or shows them again
// (zero at). The IDs are the caller's, read from the workspace already:
// filtering by workspace too would lead SQLite to its workspace index
// instead of the primary key.
func (q *Queries) SetMessagesHidden(ctx context.Context, ids []string, at time.Time) error {
	for start := 0; start < len(ids); start += ingestChunk {
		in, args := inList(ids[start:min(start+ingestChunk, len(ids))], 1)
		if _, err := q.exec(ctx, "set messages hidden", `UPDATE inbox_messages SET hidden_at = $1 WHERE id IN (`+in+`)`,
			append([]any{ts(at)}, args...)...); err != nil {
			return err
		}
	}
	return nil
}

// MarkMessageDeleted records that Herald deleted a message on the network.
func (q *Queries) MarkMessageDeleted(ctx context.Context, id string, at time.Time) error {
	_, err := q.exec(ctx, "mark message deleted", `UPDATE inbox_messages SET deleted_at = COALESCE(deleted_at, $1) WHERE id = $2`, ts(at), id)
	return err
}

// InsertRuleActions adds entries to the automatic action log.
func (q *Queries) InsertRuleActions(ctx context.Context, rs []model.RuleActionRecord) error {
	const cols = `id, workspace_id, rule_id, message_id, action, undo, created_at`
	row := func(r model.RuleActionRecord) []any {
		return []any{r.ID, r.WorkspaceID, r.RuleID, r.MessageID, jsonText(r.Action), undoText(r.Undo), ts(r.CreatedAt)}
	}
	if q.dialect == SQLite {
		err := q.eachRow(ctx, `INSERT INTO rule_actions (`+cols+`) VALUES (`+marks(cols)+`)`, len(rs),
			func(i int) []any { return row(rs[i]) }, nil)
		return wrap("insert rule actions", err)
	}
	for start := 0; start < len(rs); start += ingestChunk {
		var b strings.Builder
		var args []any
		for _, r := range rs[start:min(start+ingestChunk, len(rs))] {
			addRow(&b, &args, row(r)...)
		}
		if _, err := q.q.ExecContext(ctx, `INSERT INTO rule_actions (`+cols+`) VALUES `+b.String(), args...); err != nil {
			return wrap("insert rule actions", err)
		}
	}
	return nil
}

func undoText(u *model.RuleUndo) string {
	if u == nil {
		return ""
	}
	return jsonText(u)
}

const ruleActionCols = `id, workspace_id, rule_id, message_id, action, undo, undone_at, created_at`

// scanRuleAction reads ruleActionCols, then into extra the columns a
// query adds after them.
func scanRuleAction(row interface{ Scan(...any) error }, extra ...any) (model.RuleActionRecord, error) {
	var r model.RuleActionRecord
	var action, undo string
	dest := append([]any{&r.ID, &r.WorkspaceID, &r.RuleID, &r.MessageID, &action, &undo, tm(&r.UndoneAt), tm(&r.CreatedAt)}, extra...)
	if err := row.Scan(dest...); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(action), &r.Action); err != nil {
		return r, err
	}
	if undo != "" {
		r.Undo = &model.RuleUndo{}
		return r, json.Unmarshal([]byte(undo), r.Undo)
	}
	return r, nil
}

// RuleActionByID reads one entry of a workspace's action log.
func (q *Queries) RuleActionByID(ctx context.Context, workspaceID, id string) (model.RuleActionRecord, error) {
	r, err := scanRuleAction(q.q.QueryRowContext(ctx, `SELECT `+ruleActionCols+` FROM rule_actions WHERE workspace_id = $1 AND id = $2`,
		workspaceID, id))
	return r, wrap("rule action", err)
}

// MessageRuleActions lists the automatic actions taken on a message.
func (q *Queries) MessageRuleActions(ctx context.Context, messageID string) ([]model.RuleActionRecord, error) {
	return q.ruleActions(ctx, "message rule actions", `message_id = $1 ORDER BY created_at, id`, messageID)
}

// ruleActions reads the action log's entries that where (a WHERE clause
// with its ORDER BY) selects.
func (q *Queries) ruleActions(ctx context.Context, op, where string, args ...any) ([]model.RuleActionRecord, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+ruleActionCols+` FROM rule_actions WHERE `+where, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	var out []model.RuleActionRecord
	for rows.Next() {
		r, err := scanRuleAction(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, r)
	}
	return out, wrap(op, rows.Err())
}

// UpdateRuleAction rewrites an entry's action as applied and its undo,
// when the job that carried it out learnt more (the network could not
// hide, the message was already gone).
func (q *Queries) UpdateRuleAction(ctx context.Context, id string, action model.RuleAction, undo *model.RuleUndo) error {
	return q.execOne(ctx, "update rule action", `UPDATE rule_actions SET action = $1, undo = $2 WHERE id = $3`,
		jsonText(action), undoText(undo), id)
}

// MarkRuleActionUndone records that an entry was undone; ErrNotFound
// when it was undone already.
func (q *Queries) MarkRuleActionUndone(ctx context.Context, id string, at time.Time) error {
	return q.execOne(ctx, "mark rule action undone", `UPDATE rule_actions SET undone_at = $1 WHERE id = $2 AND undone_at IS NULL`, ts(at), id)
}

// ClaimAutoReply records that a rule answers an author in a conversation;
// false when someone there was answered automatically already (the
// conflict on the primary key decides, so two batches cannot both win).
func (q *Queries) ClaimAutoReply(ctx context.Context, conversationID, authorRemoteID, ruleID string, at time.Time) (bool, error) {
	n, err := q.exec(ctx, "claim auto reply", `INSERT INTO auto_replies (conversation_id, author_remote_id, rule_id, sent_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (conversation_id, author_remote_id) DO NOTHING`, conversationID, authorRemoteID, ruleID, ts(at))
	return n == 1, err
}

// AutoRepliesSince counts a workspace's automatic replies since a time.
func (q *Queries) AutoRepliesSince(ctx context.Context, workspaceID string, since time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM auto_replies a JOIN conversations c ON c.id = a.conversation_id
		WHERE c.workspace_id = $1 AND a.sent_at >= $2`, workspaceID, ts(since)).Scan(&n)
	return n, wrap("auto replies since", err)
}

// RecentInbound lists a workspace's inbound messages received since a
// time, newest first, in pages: after (received_at, id) of the last one
// of the previous page (zero for the first page).
func (q *Queries) RecentInbound(ctx context.Context, workspaceID string, since, afterAt time.Time, afterID string, limit int) ([]model.InboxMessage, error) {
	if afterAt.IsZero() {
		return q.messages(ctx, "recent inbound", `workspace_id = $1 AND direction = 'in' AND received_at >= $2
			ORDER BY received_at DESC, id DESC LIMIT $3`, workspaceID, ts(since), limit)
	}
	return q.messages(ctx, "recent inbound", `workspace_id = $1 AND direction = 'in' AND received_at >= $2
		AND (received_at < $3 OR (received_at = $3 AND id < $4)) ORDER BY received_at DESC, id DESC LIMIT $5`,
		workspaceID, ts(since), ts(afterAt), afterID, limit)
}
