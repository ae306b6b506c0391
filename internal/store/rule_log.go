package store

import (
	"context"
	"database/sql"
	"strconv"

	"herald/internal/model"
)

// ConversationRuleActions lists the automatic actions taken on a
// conversation's messages, oldest first, by message ID.
func (q *Queries) ConversationRuleActions(ctx context.Context, conversationID string) (map[string][]model.RuleActionRecord, error) {
	recs, err := q.ruleActions(ctx, "conversation rule actions",
		`message_id IN (SELECT id FROM inbox_messages WHERE conversation_id = $1) ORDER BY id`, conversationID)
	out := map[string][]model.RuleActionRecord{}
	for _, r := range recs {
		out[r.MessageID] = append(out[r.MessageID], r)
	}
	return out, err
}

// RuleLog reads a workspace's automatic action log, newest first, with
// the message each action was on.
func (q *Queries) RuleLog(ctx context.Context, workspaceID string, f model.RuleLogFilter) ([]model.RuleLogEntry, error) {
	where, args := `a.workspace_id = $1`, []any{workspaceID}
	if f.RuleID != "" {
		args = append(args, f.RuleID)
		where += ` AND a.rule_id = $` + strconv.Itoa(len(args))
	}
	if f.Before != "" {
		args = append(args, f.Before)
		where += ` AND a.id < $` + strconv.Itoa(len(args))
	}
	args = append(args, f.Limit)
	rows, err := q.q.QueryContext(ctx, `SELECT a.id, a.workspace_id, a.rule_id, a.message_id, a.action, a.undo, a.undone_at, a.created_at,
		m.conversation_id, m.author, m.text FROM rule_actions a LEFT JOIN inbox_messages m ON m.id = a.message_id
		WHERE `+where+` ORDER BY a.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, wrap("rule log", err)
	}
	defer rows.Close()
	var out []model.RuleLogEntry
	for rows.Next() {
		var conv, author, text sql.NullString
		r, err := scanRuleAction(rows, &conv, &author, &text)
		if err != nil {
			return nil, wrap("rule log", err)
		}
		out = append(out, model.RuleLogEntry{RuleActionRecord: r, ConversationID: conv.String, Author: author.String, Text: text.String})
	}
	return out, wrap("rule log", rows.Err())
}
