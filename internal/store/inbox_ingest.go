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

// ingestChunk bounds the rows of one multi-row statement, well under
// both databases' limits on bound parameters.
const ingestChunk = 400

// ConversationStates finds a channel's conversations by their roots,
// returning root → the conversation with what ingest and rules need of
// it: its ID, and the state rules read and change (status and its
// clocks, assignee, priority, tags). On PostgreSQL the rows stay locked
// until the batch commits, so what rules write back cannot undo a
// member's change made meanwhile; on SQLite the batch is the only writer
// already.
func (q *Queries) ConversationStates(ctx context.Context, channelID string, roots []string) (map[string]model.Conversation, error) {
	const cols = `id, workspace_id, status, snoozed_until, assignee_id, priority, tags, resolved_at`
	out := make(map[string]model.Conversation, len(roots))
	for start := 0; start < len(roots); start += ingestChunk {
		part := roots[start:min(start+ingestChunk, len(roots))]
		// On PostgreSQL, one unique-index probe per root whatever the
		// statistics say: a channel new since the last ANALYZE looks small,
		// and the planner would rather read all its conversations and
		// filter them (three times slower in bench/inbox).
		query := `SELECT r.root, c.* FROM unnest($2::text[]) AS r(root) CROSS JOIN LATERAL
			(SELECT ` + cols + ` FROM conversations WHERE channel_id = $1 AND root_remote_id = r.root LIMIT 1 FOR UPDATE) c`
		args := []any{channelID, part}
		if q.dialect != Postgres {
			cond, in := q.oneOf("root_remote_id", part, 1)
			query, args = `SELECT root_remote_id, `+cols+` FROM conversations WHERE channel_id = $1 AND `+cond, append([]any{channelID}, in...)
		}
		if err := q.readConversationStates(ctx, query, args, out); err != nil {
			return nil, wrap("conversation states", err)
		}
	}
	return out, nil
}

func (q *Queries) readConversationStates(ctx context.Context, query string, args []any, out map[string]model.Conversation) error {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var root, tags string
		var c model.Conversation
		if err := rows.Scan(&root, &c.ID, &c.WorkspaceID, &c.Status, tm(&c.SnoozedUntil), &c.AssigneeID, &c.Priority, &tags,
			tm(&c.ResolvedAt)); err != nil {
			return err
		}
		c.RootRemoteID, c.Tags = root, []string{}
		if tags != "[]" { // most have none: no decoding
			if err := json.Unmarshal([]byte(tags), &c.Tags); err != nil {
				return err
			}
		}
		out[root] = c
	}
	return rows.Err()
}

// InsertConversations adds new conversations and returns the roots of
// those it added: a root another poller made meanwhile is skipped.
func (q *Queries) InsertConversations(ctx context.Context, cs []model.Conversation) (map[string]bool, error) {
	const cols = `id, workspace_id, channel_id, kind, root_remote_id, root_text, root_url, post_id, contact_id, status, last_message_at,
		created_at, updated_at`
	row := func(c model.Conversation) []any {
		return []any{c.ID, c.WorkspaceID, c.ChannelID, c.Kind, c.RootRemoteID, c.RootText, c.RootURL, c.PostID, c.ContactID,
			c.Status, ts(c.LastMessageAt), ts(c.CreatedAt), ts(c.UpdatedAt)}
	}
	const conflict = ` ON CONFLICT (channel_id, root_remote_id) DO NOTHING`
	added := make(map[string]bool, len(cs))
	if q.dialect == SQLite {
		err := q.eachRow(ctx, `INSERT INTO conversations (`+cols+`) VALUES (`+marks(cols)+`)`+conflict, len(cs),
			func(i int) []any { return row(cs[i]) }, func(i int, n int64) { added[cs[i].RootRemoteID] = n > 0 })
		return added, wrap("insert conversations", err)
	}
	for start := 0; start < len(cs); start += ingestChunk {
		var b strings.Builder
		var args []any
		for _, c := range cs[start:min(start+ingestChunk, len(cs))] {
			addRow(&b, &args, row(c)...)
		}
		rows, err := q.q.QueryContext(ctx, `INSERT INTO conversations (`+cols+`) VALUES `+b.String()+conflict+` RETURNING root_remote_id`, args...)
		if err == nil {
			err = eachText(rows, func(v []string) { added[v[0]] = true })
		}
		if err != nil {
			return nil, wrap("insert conversations", err)
		}
	}
	return added, nil
}

// RuleContact is a message author's contact, with what rules test.
type RuleContact struct {
	ID        string
	Name      string
	VIP       bool
	Followers int // -1: unknown
}

// AuthorContacts finds the contacts of authors on a network, returning
// remote ID → contact.
func (q *Queries) AuthorContacts(ctx context.Context, workspaceID, network string, remoteIDs []string) (map[string]RuleContact, error) {
	out := make(map[string]RuleContact, len(remoteIDs))
	for start := 0; start < len(remoteIDs); start += ingestChunk {
		part := remoteIDs[start:min(start+ingestChunk, len(remoteIDs))]
		query := `SELECT r.id, c.id, c.name, c.vip, c.followers FROM unnest($3::text[]) AS r(id) CROSS JOIN LATERAL
			(SELECT contact_id FROM contact_handles WHERE workspace_id = $1 AND network = $2 AND remote_id = r.id LIMIT 1) h
			JOIN contacts c ON c.id = h.contact_id`
		args := []any{workspaceID, network, part}
		if q.dialect != Postgres { // see ConversationStates
			cond, in := q.oneOf("h.remote_id", part, 2)
			query = `SELECT h.remote_id, c.id, c.name, c.vip, c.followers FROM contact_handles h JOIN contacts c ON c.id = h.contact_id
				WHERE h.workspace_id = $1 AND h.network = $2 AND ` + cond
			args = append([]any{workspaceID, network}, in...)
		}
		if err := q.readAuthorContacts(ctx, query, args, out); err != nil {
			return nil, wrap("author contacts", err)
		}
	}
	return out, nil
}

func (q *Queries) readAuthorContacts(ctx context.Context, query string, args []any, out map[string]RuleContact) error {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var remote string
		var c RuleContact
		var vip int
		var followers sql.NullInt64
		if err := rows.Scan(&remote, &c.ID, &c.Name, &vip, &followers); err != nil {
			return err
		}
		c.VIP, c.Followers = vip != 0, -1
		if followers.Valid {
			c.Followers = int(followers.Int64)
		}
		out[remote] = c
	}
	return rows.Err()
}

// InsertContacts adds new contacts with their first handle each. A
// handle that another poller added meanwhile (PostgreSQL ingests several
// channels of a workspace at once) keeps its contact: the new one is
// removed again, and the handle's remote ID is returned for the caller to
// look its contact up.
func (q *Queries) InsertContacts(ctx context.Context, cs []model.Contact) ([]string, error) {
	var taken []string
	for start := 0; start < len(cs); start += ingestChunk {
		part := cs[start:min(start+ingestChunk, len(cs))]
		var b, h strings.Builder
		var args, hargs []any
		for _, c := range part {
			addRow(&b, &args, c.ID, c.WorkspaceID, c.Name, labelsJSON(c.Tags), ts(c.CreatedAt), ts(c.UpdatedAt))
			for _, hd := range c.Handles {
				addRow(&h, &hargs, c.WorkspaceID, hd.Network, hd.RemoteID, hd.Handle, c.ID)
			}
		}
		if _, err := q.q.ExecContext(ctx, `INSERT INTO contacts (id, workspace_id, name, tags, created_at, updated_at) VALUES `+b.String(), args...); err != nil {
			return nil, wrap("insert contacts", err)
		}
		if h.Len() == 0 {
			continue
		}
		kept := map[string]bool{}
		rows, err := q.q.QueryContext(ctx, `INSERT INTO contact_handles (workspace_id, network, remote_id, handle, contact_id)
			VALUES `+h.String()+` ON CONFLICT (workspace_id, network, remote_id) DO NOTHING RETURNING contact_id`, hargs...)
		if err == nil {
			err = eachText(rows, func(v []string) { kept[v[0]] = true })
		}
		if err != nil {
			return nil, wrap("insert contact handles", err)
		}
		var orphans []string
		for _, c := range part {
			if len(c.Handles) > 0 && !kept[c.ID] {
				orphans = append(orphans, c.ID)
				for _, hd := range c.Handles {
					taken = append(taken, hd.RemoteID)
				}
			}
		}
		if len(orphans) > 0 {
			cond, args := q.oneOf("id", orphans, 0)
			if _, err := q.q.ExecContext(ctx, `DELETE FROM contacts WHERE `+cond, args...); err != nil {
				return nil, wrap("insert contacts", err)
			}
		}
	}
	return taken, nil
}

const messageCols = `id, conversation_id, workspace_id, channel_id, remote_id, parent_remote_id, kind, direction, contact_id,
	author_remote_id, author, text, original, flags, reaction, url, sentiment, sentiment_score, spam, abuse, reasons, language,
	question, sent_by, automatic, state, error, created_at, received_at, edited_at, deleted_at, hidden_at`

// messageRow appends a message's messageCols values to dst[:0] (a
// statement run per row reuses one slice).
func messageRow(dst []any, m *model.InboxMessage) []any {
	var original any
	if m.Original != "" {
		original = m.Original
	}
	return append(dst[:0], m.ID, m.ConversationID, m.WorkspaceID, m.ChannelID, m.RemoteID, m.ParentRemoteID, m.Kind, m.Direction, m.ContactID,
		m.AuthorRemoteID, m.Author, m.Text, original, strings.Join(m.Flags, ","), m.Reaction, m.URL, m.Sentiment, m.SentimentScore,
		m.Spam, m.Abuse, labelsJSON(m.Reasons), m.Language, b2i(m.Question), m.SentBy, b2i(m.Automatic), m.State, m.Error,
		ts(m.CreatedAt), ts(m.ReceivedAt), ts(m.EditedAt), ts(m.DeletedAt), ts(m.HiddenAt))
}

// InsertMessages adds messages, skipping those already stored (the same
// remote ID on the channel), and reports which remote IDs were new.
func (q *Queries) InsertMessages(ctx context.Context, ms []model.InboxMessage) (map[string]bool, error) {
	fresh := make(map[string]bool, len(ms))
	if q.dialect == SQLite {
		row := make([]any, 0, 32)
		err := q.eachRow(ctx, `INSERT INTO inbox_messages (`+messageCols+`) VALUES (`+marks(messageCols)+`)
			ON CONFLICT (channel_id, remote_id) DO NOTHING`, len(ms), func(i int) []any { row = messageRow(row, &ms[i]); return row },
			func(i int, n int64) {
				if n > 0 {
					fresh[ms[i].RemoteID] = true
				}
			})
		return fresh, wrap("insert messages", err)
	}
	for start := 0; start < len(ms); start += ingestChunk {
		var b strings.Builder
		var args []any
		for _, m := range ms[start:min(start+ingestChunk, len(ms))] {
			addRow(&b, &args, messageRow(nil, &m)...)
		}
		rows, err := q.q.QueryContext(ctx, `INSERT INTO inbox_messages (`+messageCols+`) VALUES `+b.String()+`
			ON CONFLICT (channel_id, remote_id) DO NOTHING RETURNING remote_id`, args...)
		if err == nil {
			err = eachText(rows, func(v []string) { fresh[v[0]] = true })
		}
		if err != nil {
			return nil, wrap("insert messages", err)
		}
	}
	return fresh, nil
}

// ConversationBump is what new messages change on their conversation.
type ConversationBump struct {
	ID            string
	LastMessageAt time.Time
	Unread        int       // new inbound messages
	InboundAt     time.Time // the oldest new inbound message; zero: none
}

// BumpConversations moves conversations on after new messages: newest
// time, unread count, the service-level clocks, and a done or snoozed
// conversation opens again when someone writes.
func (q *Queries) BumpConversations(ctx context.Context, bumps []ConversationBump, now time.Time) error {
	if q.dialect == SQLite {
		return wrap("bump conversations", q.bumpSQLite(ctx, bumps, now))
	}
	for start := 0; start < len(bumps); start += ingestChunk {
		var b strings.Builder
		args := []any{ts(now)}
		for _, c := range bumps[start:min(start+ingestChunk, len(bumps))] {
			addRow(&b, &args, c.ID, ts(c.LastMessageAt), strconv.Itoa(c.Unread), ts(c.InboundAt))
		}
		_, err := q.q.ExecContext(ctx, `UPDATE conversations SET
			last_message_at = CASE WHEN v.column2 > last_message_at THEN v.column2 ELSE last_message_at END,
			unread = unread + CAST(v.column3 AS INTEGER),
			first_inbound_at = COALESCE(first_inbound_at, v.column4),
			awaiting_since = COALESCE(awaiting_since, v.column4),
			status = CASE WHEN v.column4 IS NOT NULL AND status <> 'open' THEN 'open' ELSE status END,
			snoozed_until = CASE WHEN v.column4 IS NOT NULL THEN NULL ELSE snoozed_until END,
			resolved_at = CASE WHEN v.column4 IS NOT NULL THEN NULL ELSE resolved_at END,
			updated_at = $1
			FROM (VALUES `+b.String()+`) AS v WHERE conversations.id = v.column1`, args...)
		if err != nil {
			return wrap("bump conversations", err)
		}
	}
	return nil
}

// bumpSQLite bumps an open conversation without naming its status in
// the update, so SQLite leaves the indexes that hold the status but not
// the time (the assignee's) alone; a conversation that is not open gets
// the statement that may reopen it.
func (q *Queries) bumpSQLite(ctx context.Context, bumps []ConversationBump, now time.Time) error {
	const set = `last_message_at = CASE WHEN $1 > last_message_at THEN $1 ELSE last_message_at END,
			unread = unread + $2,
			first_inbound_at = COALESCE(first_inbound_at, $3),
			awaiting_since = COALESCE(awaiting_since, $3),
			snoozed_until = CASE WHEN $3 IS NOT NULL THEN NULL ELSE snoozed_until END,
			resolved_at = CASE WHEN $3 IS NOT NULL THEN NULL ELSE resolved_at END,
			updated_at = $4`
	row := func(i int) []any {
		c := bumps[i]
		return []any{ts(c.LastMessageAt), c.Unread, ts(c.InboundAt), ts(now), c.ID}
	}
	return q.eachRowNarrowFirst(ctx, len(bumps), `UPDATE conversations SET `+set+` WHERE id = $5 AND status = 'open'`, row,
		`UPDATE conversations SET `+set+`, status = CASE WHEN $3 IS NOT NULL THEN 'open' ELSE status END WHERE id = $5`, row)
}

// EditMessages replaces the text of messages the network says were
// edited since Herald stored them.
func (q *Queries) EditMessages(ctx context.Context, ms []model.InboxMessage) (int, error) {
	n := 0
	for _, m := range ms {
		var original any
		if m.Original != "" {
			original = m.Original
		}
		k, err := q.exec(ctx, "edit message", `UPDATE inbox_messages SET text = $1, original = $2, flags = $3, edited_at = $4
			WHERE channel_id = $5 AND remote_id = $6 AND (edited_at IS NULL OR edited_at < $4)`,
			m.Text, original, strings.Join(m.Flags, ","), ts(m.EditedAt), m.ChannelID, m.RemoteID)
		if err != nil {
			return n, err
		}
		if k > 0 {
			if _, err := q.exec(ctx, "edit message", `UPDATE conversations SET updated_at = $1
				WHERE id = (SELECT conversation_id FROM inbox_messages WHERE channel_id = $2 AND remote_id = $3)`,
				ts(time.Now()), m.ChannelID, m.RemoteID); err != nil {
				return n, err
			}
		}
		n += int(k)
	}
	return n, nil
}

// MarkMessagesDeleted records that the network deleted messages.
func (q *Queries) MarkMessagesDeleted(ctx context.Context, channelID string, remoteIDs []string, now time.Time) (int, error) {
	n := 0
	for start := 0; start < len(remoteIDs); start += ingestChunk {
		part := remoteIDs[start:min(start+ingestChunk, len(remoteIDs))]
		in, args := inList(part, 2)
		k, err := q.exec(ctx, "mark messages deleted", `UPDATE inbox_messages SET deleted_at = $1 WHERE channel_id = $2
			AND deleted_at IS NULL AND remote_id IN (`+in+`)`, append([]any{ts(now), channelID}, args...)...)
		if err != nil {
			return n, err
		}
		if k > 0 {
			if _, err := q.exec(ctx, "mark messages deleted", `UPDATE conversations SET updated_at = $1 WHERE id IN
				(SELECT conversation_id FROM inbox_messages WHERE channel_id = $2 AND remote_id IN (`+in+`))`,
				append([]any{ts(now), channelID}, args...)...); err != nil {
				return n, err
			}
		}
		n += int(k)
	}
	return n, nil
}

// eachText reads every row of text columns, handing each row's values to
// add (the slice is reused from row to row), and closes the rows.
func eachText(rows *sql.Rows, add func(vals []string)) error {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]string, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		add(vals)
	}
	return rows.Err()
}
