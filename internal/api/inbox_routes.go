package api

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"herald/internal/inbox"
	"herald/internal/model"
)

// inboxRoutes are the community inbox: conversations and their messages,
// saved replies and views (this file), contacts (inbox_contacts.go),
// rules, settings and the team report (inbox_rules.go), documented in
// openapi/inbox.json. Reading needs inbox:read and changing inbox:write;
// the workspace role decides the rest (inbox.view, inbox.reply,
// inbox.manage, inbox.approve, inbox.settings, inbox.rules,
// contact.privacy).
func (s *server) inboxRoutes() []route {
	ws := "/api/v1/workspaces/{ws}"
	in := ws + "/inbox"
	read, write := model.ScopeInboxRead, model.ScopeInboxWrite
	const get, post, put, patch, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	return []route{
		{get, in + "/conversations", read, false, s.inboxList},
		{post, in + "/conversations/bulk", write, false, s.inboxBulk},
		{get, in + "/conversations/{id}", read, false, s.inboxGet},
		{patch, in + "/conversations/{id}", write, false, s.inboxUpdate},
		{post, in + "/conversations/{id}/notes", write, true, s.inboxNote},
		{post, in + "/conversations/{id}/replies", write, true, s.inboxReply},
		{post, in + "/messages/{id}/reactions", write, false, s.inboxReact},
		{post, in + "/messages/{id}/approval", write, false, s.inboxApprove},
		{get, in + "/unread", read, false, s.inboxUnread},

		{get, in + "/saved-replies", read, false, s.savedReplyList},
		{post, in + "/saved-replies", write, true, s.savedReplyCreate},
		{put, in + "/saved-replies/{id}", write, false, s.savedReplyUpdate},
		{del, in + "/saved-replies/{id}", write, false, s.savedReplyDelete},
		{get, in + "/views", read, false, s.inboxViewList},
		{post, in + "/views", write, true, s.inboxViewCreate},
		{del, in + "/views/{id}", write, false, s.inboxViewDelete},

		{get, ws + "/contacts", read, false, s.contactList},
		{get, ws + "/contacts/{id}", read, false, s.contactGet},
		{patch, ws + "/contacts/{id}", write, false, s.contactUpdate},
		{del, ws + "/contacts/{id}", write, false, s.contactErase},
		{post, ws + "/contacts/{id}/merge", write, false, s.contactMerge},
		{get, ws + "/contacts/{id}/export", read, false, s.contactExport},

		{get, in + "/rules", read, false, s.ruleList},
		{post, in + "/rules", write, true, s.ruleCreate},
		{post, in + "/rules/order", write, false, s.ruleOrder},
		{post, in + "/rules/dry-run", read, false, s.ruleDryRun},
		{put, in + "/rules/{id}", write, false, s.ruleUpdate},
		{del, in + "/rules/{id}", write, false, s.ruleDelete},
		{get, in + "/rule-actions", read, false, s.ruleLog},
		{post, in + "/rule-actions/{id}/undo", write, false, s.ruleActionUndo},
		{get, in + "/messages/{id}/rule-actions", read, false, s.messageRuleActions},

		{get, in + "/settings", read, false, s.inboxSettingsGet},
		{put, in + "/settings", write, false, s.inboxSettingsPut},
		{get, in + "/report", read, false, s.inboxReport},
	}
}

// conversationView is one thread of the inbox.
type conversationView struct {
	ID              string   `json:"id"`
	ChannelID       string   `json:"channel_id"`
	Kind            string   `json:"kind"`
	RootRemoteID    string   `json:"root_remote_id"`
	RootText        string   `json:"root_text"`
	RootURL         *string  `json:"root_url"`
	PostID          *string  `json:"post_id"`
	ContactID       *string  `json:"contact_id"`
	Status          string   `json:"status"`
	SnoozedUntil    *string  `json:"snoozed_until"`
	AssigneeID      *string  `json:"assignee_id"`
	Priority        int      `json:"priority"`
	Tags            []string `json:"tags"`
	Unread          int      `json:"unread"`
	LastMessageAt   string   `json:"last_message_at"`
	FirstInboundAt  *string  `json:"first_inbound_at"`
	AwaitingSince   *string  `json:"awaiting_since"`
	FirstResponseAt *string  `json:"first_response_at"`
	ResolvedAt      *string  `json:"resolved_at"`
	CreatedAt       string   `json:"created_at"`
	UpdatedAt       string   `json:"updated_at"`
}

func viewConversation(c model.Conversation) conversationView {
	return conversationView{ID: c.ID, ChannelID: c.ChannelID, Kind: c.Kind, RootRemoteID: c.RootRemoteID, RootText: c.RootText,
		RootURL: stringOrNull(c.RootURL), PostID: stringOrNull(c.PostID), ContactID: stringOrNull(c.ContactID), Status: c.Status,
		SnoozedUntil: stampOrNull(c.SnoozedUntil), AssigneeID: stringOrNull(c.AssigneeID), Priority: c.Priority, Tags: orNone(c.Tags),
		Unread: c.Unread, LastMessageAt: stamp(c.LastMessageAt), FirstInboundAt: stampOrNull(c.FirstInboundAt),
		AwaitingSince: stampOrNull(c.AwaitingSince), FirstResponseAt: stampOrNull(c.FirstResponseAt), ResolvedAt: stampOrNull(c.ResolvedAt),
		CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt)}
}

// messageView is one message in or out of a conversation.
type messageView struct {
	ID             string   `json:"id"`
	ConversationID string   `json:"conversation_id"`
	ChannelID      string   `json:"channel_id"`
	RemoteID       string   `json:"remote_id"`
	ParentRemoteID *string  `json:"parent_remote_id"`
	Kind           string   `json:"kind"`
	Direction      string   `json:"direction"`
	ContactID      *string  `json:"contact_id"`
	AuthorRemoteID *string  `json:"author_remote_id"`
	Author         string   `json:"author"`
	Text           string   `json:"text"`
	Original       *string  `json:"original"`
	Flags          []string `json:"flags"`
	Reaction       *string  `json:"reaction"`
	URL            *string  `json:"url"`
	Sentiment      *string  `json:"sentiment"`
	SentimentScore float64  `json:"sentiment_score"`
	Spam           float64  `json:"spam"`
	Abuse          float64  `json:"abuse"`
	Reasons        []string `json:"reasons"`
	Language       *string  `json:"language"`
	Question       bool     `json:"question"`
	SentBy         *string  `json:"sent_by"`
	Automatic      bool     `json:"automatic"`
	State          *string  `json:"state"`
	Error          *string  `json:"error"`
	CreatedAt      string   `json:"created_at"`
	ReceivedAt     string   `json:"received_at"`
	EditedAt       *string  `json:"edited_at"`
	DeletedAt      *string  `json:"deleted_at"`
	HiddenAt       *string  `json:"hidden_at"`
}

func viewMessage(m model.InboxMessage) messageView {
	return messageView{ID: m.ID, ConversationID: m.ConversationID, ChannelID: m.ChannelID, RemoteID: m.RemoteID,
		ParentRemoteID: stringOrNull(m.ParentRemoteID), Kind: m.Kind, Direction: m.Direction, ContactID: stringOrNull(m.ContactID),
		AuthorRemoteID: stringOrNull(m.AuthorRemoteID), Author: m.Author, Text: m.Text, Original: stringOrNull(m.Original),
		Flags: orNone(m.Flags), Reaction: stringOrNull(m.Reaction), URL: stringOrNull(m.URL), Sentiment: stringOrNull(m.Sentiment),
		SentimentScore: m.SentimentScore, Spam: m.Spam, Abuse: m.Abuse, Reasons: orNone(m.Reasons), Language: stringOrNull(m.Language),
		Question: m.Question, SentBy: stringOrNull(m.SentBy), Automatic: m.Automatic, State: stringOrNull(m.State),
		Error: stringOrNull(m.Error), CreatedAt: stamp(m.CreatedAt), ReceivedAt: stamp(m.ReceivedAt), EditedAt: stampOrNull(m.EditedAt),
		DeletedAt: stampOrNull(m.DeletedAt), HiddenAt: stampOrNull(m.HiddenAt)}
}

func viewMessages(ms []model.InboxMessage) []messageView {
	out := make([]messageView, len(ms))
	for i, m := range ms {
		out[i] = viewMessage(m)
	}
	return out
}

// noteView is an internal note on a conversation.
type noteView struct {
	ID             string `json:"id"`
	ConversationID string `json:"conversation_id"`
	UserID         string `json:"user_id"`
	Body           string `json:"body"`
	CreatedAt      string `json:"created_at"`
}

func viewNote(n model.InboxNote) noteView {
	return noteView{ID: n.ID, ConversationID: n.ConversationID, UserID: n.UserID, Body: n.Body, CreatedAt: stamp(n.CreatedAt)}
}

// renamed gives a domain validation error the name the API uses for the
// field (the service speaks of "until", the API of "snoozed_until").
func renamed(err error, names map[string]string) error {
	if e := model.AsError(err); e != nil && names[e.Field] != "" {
		cp := *e
		cp.Field = names[e.Field]
		return &cp
	}
	return err
}

// inboxList lists conversations, newest activity first, by the filters.
func (s *server) inboxList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	f, err := inboxFilter(c)
	if err != nil {
		return reply{}, err
	}
	limit := f.Limit
	f.Limit++ // one more tells whether there is a next page
	list, err := s.d.Inbox.List(c.ctx(), c.actor, ws, f)
	if err != nil {
		return reply{}, renamed(err, map[string]string{"unanswered": "unanswered_hours"})
	}
	out := page[conversationView]{Data: []conversationView{}}
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		cur := base64.RawURLEncoding.EncodeToString([]byte(inbox.CursorAfter(last)))
		out.NextCursor = &cur
	}
	for _, cv := range list {
		out.Data = append(out.Data, viewConversation(cv))
	}
	return ok(out), nil
}

// inboxFilter reads the list's query parameters.
func inboxFilter(c *call) (inbox.Filter, error) {
	q := c.r.URL.Query()
	f := inbox.Filter{Kind: q.Get("type"), Status: q.Get("status"), AssigneeID: q.Get("assignee"), Tag: q.Get("tag"),
		Sentiment: q.Get("sentiment"), Language: q.Get("language"), Search: q.Get("q"), Limit: defaultLimit}
	for _, ch := range q["channel"] {
		if !validID(ch) {
			return f, invalidField("channel", "%q is not a channel ID", ch)
		}
		f.ChannelIDs = append(f.ChannelIDs, ch)
	}
	if len(f.ChannelIDs) > 100 {
		return f, invalidField("channel", "give at most 100 channels")
	}
	if f.AssigneeID != "" && f.AssigneeID != "none" && !validID(f.AssigneeID) {
		return f, invalidField("assignee", "is a member's user ID, or none for unassigned conversations")
	}
	if len(f.Tag) > 200 {
		return f, invalidField("tag", "at most 200 characters")
	}
	if len(f.Language) > 20 {
		return f, invalidField("language", "is a language code such as en or pt-br")
	}
	if v := q.Get("question"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, invalidField("question", "is true or false")
		}
		f.Question = b
	}
	if v := q.Get("unanswered_hours"); v != "" {
		h, err := strconv.ParseFloat(v, 64)
		if err != nil || !(h > 0 && h <= 24*366) {
			return f, invalidField("unanswered_hours", "is a number of hours above 0 and at most 8784 (a year)")
		}
		f.Unanswered = time.Duration(h * float64(time.Hour))
	}
	if v, sent := q["limit"]; sent {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > maxLimit {
			return f, invalidField("limit", "must be a whole number from 1 to %d", maxLimit)
		}
		f.Limit = n
	}
	if v, sent := q["cursor"]; sent {
		b, err := base64.RawURLEncoding.DecodeString(v[0])
		if err != nil || !inbox.ValidCursor(string(b)) {
			return f, invalidField("cursor", "is not a cursor this API made; pass next_cursor from the previous page unchanged")
		}
		f.Before = string(b)
	}
	return f, nil
}

// threadView is a conversation with everything its page shows.
type threadView struct {
	Conversation conversationView `json:"conversation"`
	Messages     []messageView    `json:"messages"`
	Notes        []noteView       `json:"notes"`
	Contact      *contactView     `json:"contact"`
}

// inboxGet answers a conversation with its messages and notes, and marks
// it read.
func (s *server) inboxGet(c *call) (reply, error) {
	ws, id, err := c.wsAnd("conversation")
	if err != nil {
		return reply{}, err
	}
	th, err := s.d.Inbox.Get(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	out := threadView{Conversation: viewConversation(th.Conversation), Messages: viewMessages(th.Messages), Notes: []noteView{}}
	for _, n := range th.Notes {
		out.Notes = append(out.Notes, viewNote(n))
	}
	if th.Contact.ID != "" {
		v := viewContact(th.Contact)
		out.Contact = &v
	}
	return ok(out), nil
}

// changeIn is the body that changes conversations; absent fields stay.
type changeIn struct {
	Status       *string  `json:"status"`
	SnoozedUntil *string  `json:"snoozed_until"`
	AssigneeID   *string  `json:"assignee_id"`
	Priority     *int     `json:"priority"`
	AddTags      []string `json:"add_tags"`
	RemoveTags   []string `json:"remove_tags"`
}

// change checks the body's shape; the service checks the values.
func (in changeIn) change() (inbox.Change, error) {
	ch := inbox.Change{Status: in.Status, AssigneeID: in.AssigneeID, Priority: in.Priority, AddTags: in.AddTags, RemoveTags: in.RemoveTags}
	if in.Status == nil && in.SnoozedUntil == nil && in.AssigneeID == nil && in.Priority == nil && len(in.AddTags) == 0 && len(in.RemoveTags) == 0 {
		return ch, invalidField("status", "nothing to change; give status, snoozed_until, assignee_id, priority, add_tags or remove_tags")
	}
	if in.SnoozedUntil != nil {
		t, err := time.Parse(time.RFC3339, *in.SnoozedUntil)
		if err != nil {
			return ch, invalidField("snoozed_until", "is an RFC 3339 instant such as 2026-05-01T09:00:00Z")
		}
		if in.Status == nil {
			snoozed := model.ConvSnoozed
			ch.Status = &snoozed
		} else if *in.Status != model.ConvSnoozed {
			return ch, invalidField("snoozed_until", "goes only with status snoozed")
		}
		ch.Until = &t
	}
	if in.AssigneeID != nil && *in.AssigneeID != "" && !validID(*in.AssigneeID) {
		return ch, invalidField("assignee_id", "is a member's user ID, or \"\" to unassign")
	}
	if len(in.AddTags) > 50 {
		return ch, invalidField("add_tags", "at most 50 tags at once")
	}
	if len(in.RemoveTags) > 50 {
		return ch, invalidField("remove_tags", "at most 50 tags at once")
	}
	return ch, nil
}

var changeFields = map[string]string{"until": "snoozed_until", "tags": "add_tags"}

// inboxUpdate changes one conversation: status, snooze, assignee,
// priority, tags.
func (s *server) inboxUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("conversation")
	if err != nil {
		return reply{}, err
	}
	var in changeIn
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	ch, err := in.change()
	if err != nil {
		return reply{}, err
	}
	return noContent(), renamed(s.d.Inbox.Update(c.ctx(), c.actor, ws, []string{id}, ch), changeFields)
}

// inboxBulk applies one change to up to 500 conversations, all or none.
func (s *server) inboxBulk(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		IDs []string `json:"ids"`
		changeIn
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if len(in.IDs) == 0 || len(in.IDs) > 500 {
		return reply{}, invalidField("ids", "choose 1 to 500 conversations")
	}
	for i, id := range in.IDs {
		if !validID(id) || slices.Contains(in.IDs[:i], id) {
			return reply{}, invalidField("ids", "%q is not a conversation ID, or is repeated", id)
		}
	}
	ch, err := in.change()
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Inbox.Update(c.ctx(), c.actor, ws, in.IDs, ch); err != nil {
		return reply{}, renamed(err, changeFields)
	}
	return ok(map[string]any{"updated": len(in.IDs)}), nil
}

// inboxNote adds an internal note to a conversation.
func (s *server) inboxNote(c *call) (reply, error) {
	ws, id, err := c.wsAnd("conversation")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	n, err := s.d.Inbox.Note(c.ctx(), c.actor, ws, id, in.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusCreated, body: viewNote(n)}, nil
}

// inboxReply answers a conversation as its channel. The reply is sent by
// a job (state sending), or waits for approval (pending_approval).
func (s *server) inboxReply(c *call) (reply, error) {
	ws, id, err := c.wsAnd("conversation")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Text     string `json:"text"`
		ParentID string `json:"parent_id"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.ParentID != "" && !validID(in.ParentID) {
		return reply{}, invalidField("parent_id", "is the ID of a message in this conversation")
	}
	m, err := s.d.Inbox.Reply(c.ctx(), c.actor, ws, id, in.ParentID, in.Text)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusCreated, body: viewMessage(m)}, nil
}

// inboxReact likes or reacts to a message as the channel.
func (s *server) inboxReact(c *call) (reply, error) {
	ws, id, err := c.wsAnd("message")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Reaction string `json:"reaction"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	return noContent(), s.d.Inbox.React(c.ctx(), c.actor, ws, id, in.Reaction)
}

// inboxApprove sends a reply that waited for approval, or rejects it.
func (s *server) inboxApprove(c *call) (reply, error) {
	ws, id, err := c.wsAnd("reply")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Approve *bool `json:"approve"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Approve == nil {
		return reply{}, invalidField("approve", "say true to send the reply or false to reject it")
	}
	return noContent(), s.d.Inbox.ApproveReply(c.ctx(), c.actor, ws, id, *in.Approve)
}

// inboxUnread counts unread messages per channel.
func (s *server) inboxUnread(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	counts, err := s.d.Inbox.Unread(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	type line struct {
		ChannelID string `json:"channel_id"`
		Unread    int    `json:"unread"`
	}
	out, total := []line{}, 0
	for id, n := range counts {
		out = append(out, line{id, n})
		total += n
	}
	slices.SortFunc(out, func(a, b line) int { return strings.Compare(a.ChannelID, b.ChannelID) })
	return ok(map[string]any{"channels": out, "total": total}), nil
}
