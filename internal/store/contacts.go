package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"herald/internal/model"
)

// Contact reads one of a workspace's contacts with its handles.
func (q *Queries) Contact(ctx context.Context, workspaceID, id string) (model.Contact, error) {
	var c model.Contact
	var tags string
	var vip int
	var followers sql.NullInt64
	err := q.q.QueryRowContext(ctx, `SELECT id, workspace_id, name, notes, tags, vip, followers, created_at, updated_at FROM contacts
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id).Scan(&c.ID, &c.WorkspaceID, &c.Name, &c.Notes, &tags, &vip, &followers,
		tm(&c.CreatedAt), tm(&c.UpdatedAt))
	if err != nil {
		return c, wrap("contact", err)
	}
	c.VIP, c.Followers = vip != 0, -1
	if followers.Valid {
		c.Followers = int(followers.Int64)
	}
	if err := json.Unmarshal([]byte(tags), &c.Tags); err != nil {
		return c, wrap("contact", err)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT network, remote_id, handle FROM contact_handles WHERE contact_id = $1 ORDER BY network, handle`, id)
	if err != nil {
		return c, wrap("contact handles", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h model.ContactHandle
		if err := rows.Scan(&h.Network, &h.RemoteID, &h.Handle); err != nil {
			return c, wrap("contact handles", err)
		}
		c.Handles = append(c.Handles, h)
	}
	return c, wrap("contact handles", rows.Err())
}

// UpdateContact saves a contact's name, notes, tags and VIP flag.
func (q *Queries) UpdateContact(ctx context.Context, c model.Contact, now time.Time) error {
	return q.execOne(ctx, "update contact", `UPDATE contacts SET name = $1, notes = $2, tags = $3, vip = $4, updated_at = $5
		WHERE workspace_id = $6 AND id = $7`, c.Name, c.Notes, labelsJSON(c.Tags), b2i(c.VIP), ts(now), c.WorkspaceID, c.ID)
}

// MergeContacts moves everything of contact from onto contact into and
// removes from.
func (q *Queries) MergeContacts(ctx context.Context, workspaceID, into, from string) error {
	for _, stmt := range []string{
		`UPDATE contact_handles SET contact_id = $1 WHERE contact_id = $2 AND workspace_id = $3`,
		`UPDATE inbox_messages SET contact_id = $1 WHERE contact_id = $2 AND workspace_id = $3`,
		`UPDATE conversations SET contact_id = $1 WHERE contact_id = $2 AND workspace_id = $3`,
	} {
		if _, err := q.q.ExecContext(ctx, stmt, into, from, workspaceID); err != nil {
			return wrap("merge contacts", err)
		}
	}
	return q.execOne(ctx, "merge contacts", `DELETE FROM contacts WHERE id = $1 AND workspace_id = $2`, from, workspaceID)
}

// ContactMessages lists every message from a contact, oldest first.
func (q *Queries) ContactMessages(ctx context.Context, workspaceID, contactID string) ([]model.InboxMessage, error) {
	return q.messages(ctx, "contact messages", `workspace_id = $1 AND contact_id = $2 ORDER BY created_at, id`, workspaceID, contactID)
}

// EraseContact removes a contact, its handles and everything they wrote,
// with what Herald keeps about it: our replies to them (a contact's
// export lists those too), the rule actions on their messages, and the
// record of automatic replies to their handles. A conversation they
// started keeps the others' messages but loses its link to them and its
// root text, which was theirs; one left empty goes.
func (q *Queries) EraseContact(ctx context.Context, workspaceID, contactID string) error {
	for _, stmt := range []string{
		// Their direct-message threads go whole: our answers and notes
		// there are about them.
		`DELETE FROM conversations WHERE workspace_id = $1 AND contact_id = $2 AND kind = 'message'`,
		// A reply is in the conversation of the message it answers.
		`DELETE FROM inbox_messages WHERE id IN (SELECT o.id FROM inbox_messages t JOIN inbox_messages o
			ON o.conversation_id = t.conversation_id AND o.parent_remote_id = t.remote_id
			WHERE t.workspace_id = $1 AND t.contact_id = $2 AND o.direction = 'out')`,
		`DELETE FROM rule_actions WHERE message_id IN (SELECT id FROM inbox_messages WHERE workspace_id = $1 AND contact_id = $2)`,
		`DELETE FROM inbox_messages WHERE workspace_id = $1 AND contact_id = $2`,
		`DELETE FROM conversations WHERE workspace_id = $1 AND contact_id = $2
			AND NOT EXISTS (SELECT 1 FROM inbox_messages m WHERE m.conversation_id = conversations.id)`,
		`UPDATE conversations SET contact_id = '', root_text = '', root_url = '' WHERE workspace_id = $1 AND contact_id = $2`,
		`DELETE FROM auto_replies WHERE author_remote_id IN (SELECT remote_id FROM contact_handles WHERE workspace_id = $1 AND contact_id = $2)
			AND conversation_id IN (SELECT id FROM conversations WHERE workspace_id = $1)`,
		`DELETE FROM contact_handles WHERE workspace_id = $1 AND contact_id = $2`,
	} {
		if _, err := q.q.ExecContext(ctx, stmt, workspaceID, contactID); err != nil {
			return wrap("erase contact", err)
		}
	}
	return q.execOne(ctx, "erase contact", `DELETE FROM contacts WHERE workspace_id = $1 AND id = $2`, workspaceID, contactID)
}

// ListContacts lists a workspace's contacts by name.
func (q *Queries) ListContacts(ctx context.Context, workspaceID, search string, limit int) ([]model.Contact, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id FROM contacts WHERE workspace_id = $1 AND LOWER(name) LIKE $2 ESCAPE '\'
		ORDER BY name, id LIMIT $3`, workspaceID, "%"+likeEscaper.Replace(strings.ToLower(search))+"%", limit)
	if err != nil {
		return nil, wrap("list contacts", err)
	}
	var idList []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, wrap("list contacts", err)
		}
		idList = append(idList, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("list contacts", err)
	}
	out := make([]model.Contact, 0, len(idList))
	for _, id := range idList {
		c, err := q.Contact(ctx, workspaceID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
