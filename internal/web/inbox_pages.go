package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"weak"

	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/platform/ids"
)

// inboxRoutes registers the community inbox: the unified list, a
// conversation, live updates, saved views and saved replies. Actions on
// a conversation or message sit under literal segments
// ("conversations", "messages") so they never overlap other inbox pages.
func (h *handler) inboxRoutes(route routeFunc) {
	route("GET /w/{ws}/inbox", signedIn, h.inboxList)
	route("GET /w/{ws}/inbox/events", signedIn, h.inboxEvents)
	route("GET /w/{ws}/inbox/replies", signedIn, h.savedRepliesShow)
	route("POST /w/{ws}/inbox/replies", signedIn, h.savedReplySave)
	route("POST /w/{ws}/inbox/replies/{rid}/delete", signedIn, h.savedReplyDelete)
	route("POST /w/{ws}/inbox/views", signedIn, h.inboxViewSave)
	route("POST /w/{ws}/inbox/views/{vid}/delete", signedIn, h.inboxViewDelete)
	route("POST /w/{ws}/inbox/bulk", signedIn, h.inboxBulk)
	route("GET /w/{ws}/inbox/{id}", signedIn, h.inboxConversation)
	route("POST /w/{ws}/inbox/conversations/{id}/update", signedIn, h.inboxUpdate)
	route("POST /w/{ws}/inbox/conversations/{id}/note", signedIn, h.inboxNote)
	route("POST /w/{ws}/inbox/conversations/{id}/reply", signedIn, h.inboxReply)
	route("POST /w/{ws}/inbox/messages/{mid}/approve", signedIn, h.inboxApprove)
	route("POST /w/{ws}/inbox/messages/{mid}/react", signedIn, h.inboxReact)
	route("POST /w/{ws}/inbox/messages/{mid}/hide", signedIn, h.inboxHide)
}

// inboxPageSize is how many conversations one page of the list shows.
const inboxPageSize = 50

// inboxFilterKeys are the list's filter parameters, in the order the
// canonical query string (saved views, the list context of a
// conversation) keeps them.
var inboxFilterKeys = []string{"channel", "type", "status", "assignee", "tag", "sentiment", "language", "question", "unanswered", "q"}

// inboxListQuery keeps only the filter parameters of q, without empty
// ones: the canonical form saved views and conversation links carry.
func inboxListQuery(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range inboxFilterKeys {
		for _, v := range q[k] {
			if v = strings.TrimSpace(v); v != "" {
				out.Add(k, v)
			}
		}
	}
	return out
}

var languageRe = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})?$`)

// inboxFilter reads the list's filter from its query string. Values the
// domain checks (status, type, sentiment, search length) are passed on
// as typed; the rest is checked here with the field's own message.
func inboxFilter(q url.Values, me string, chans []model.Channel, members []model.Member) (inbox.Filter, error) {
	f := inbox.Filter{Kind: q.Get("type"), Status: q.Get("status"), Tag: strings.TrimSpace(q.Get("tag")), Sentiment: q.Get("sentiment"),
		Language: strings.ToLower(strings.TrimSpace(q.Get("language"))), Search: strings.TrimSpace(q.Get("q")), Limit: inboxPageSize}
	for _, c := range q["channel"] {
		if c == "" {
			continue
		}
		if !slices.ContainsFunc(chans, func(x model.Channel) bool { return x.ID == c }) {
			return f, model.Invalid("channel", "that channel is not in this workspace; choose one from the list")
		}
		f.ChannelIDs = append(f.ChannelIDs, c)
	}
	switch a := q.Get("assignee"); a {
	case "":
	case "me":
		f.AssigneeID = me
	case "unassigned", "none":
		f.AssigneeID = "none"
	default:
		if !slices.ContainsFunc(members, func(m model.Member) bool { return m.UserID == a }) {
			return f, model.Invalid("assignee", "that person is not a member of this workspace; choose “me”, “unassigned” or a member")
		}
		f.AssigneeID = a
	}
	if utf8.RuneCountInString(f.Tag) > 40 {
		return f, model.Invalid("tag", "a tag is at most 40 characters")
	}
	if f.Language != "" && !languageRe.MatchString(f.Language) {
		return f, model.Invalid("language", "%q is not a language code; use a code such as en, de or pt-br", f.Language)
	}
	switch q.Get("question") {
	case "", "0":
	case "1", "on", "yes", "true":
		f.Question = true
	default:
		return f, model.Invalid("question", "“contains a question” is on (1) or off")
	}
	if s := strings.TrimSpace(q.Get("unanswered")); s != "" {
		hours, err := strconv.ParseFloat(s, 64)
		switch {
		case err != nil:
			return f, model.Invalid("unanswered", "%q is not a number of hours; give a number such as 4 or 1.5", s)
		case hours < 0:
			return f, model.Invalid("unanswered", "give the hours as a positive number")
		case hours > 24*366:
			return f, model.Invalid("unanswered", "give at most 8,784 hours (a year)")
		}
		f.Unanswered = time.Duration(hours * float64(time.Hour))
	}
	if b := q.Get("before"); b != "" {
		at, id, ok := strings.Cut(b, "_")
		if _, err := time.Parse(inboxCursorLayout, at); err != nil || !ok || !ids.Valid(id) {
			return f, model.Invalid("before", "the page link is damaged; go back to the newest conversations")
		}
		f.Before = b
	}
	return f, nil
}

// inboxCursorLayout is how the store writes instants, which the list's
// cursor ("lastMessageAt_id") repeats.
const inboxCursorLayout = "2006-01-02T15:04:05.000000Z"

func inboxCursor(c model.Conversation) string {
	return c.LastMessageAt.UTC().Format(inboxCursorLayout) + "_" + c.ID
}

// newerThan orders conversations as the list does: newest activity
// first, then by ID.
func newerThan(a, b model.Conversation) bool {
	if !a.LastMessageAt.Equal(b.LastMessageAt) {
		return a.LastMessageAt.After(b.LastMessageAt)
	}
	return a.ID > b.ID
}

// inboxLatest is what the list would show beyond model.Conversation: the
// newest inbound message of each conversation (author, excerpt,
// sentiment, question). The inbox service has no such call yet; when it
// gains one of this shape the list uses it, and until then a row shows
// the thread's root text.
type inboxLatest interface {
	Latest(ctx context.Context, a model.Actor, workspaceID string, conversationIDs []string) (map[string]model.InboxMessage, error)
}

// inboxRow is one conversation of the list.
type inboxRow struct {
	model.Conversation
	Channel   string
	Author    string
	Excerpt   string
	Sentiment string
	Score     string
	Question  bool
	Language  string
	Assignee  string
	Link      string
	Priority  string
	Waiting   string // how long the oldest unanswered message has waited
}

// inboxUnread is one channel's unread count.
type inboxUnread struct {
	ChannelID, Name string
	Count           int
	Link            string
	Current         bool
}

// inboxViewLink is a saved view of the list.
type inboxViewLink struct {
	ID, Name, Link string
	Current        bool
}

// option is a value and its label in a select.
type option struct{ Value, Label string }

// inboxListData is the list page.
type inboxListData struct {
	Rows        []inboxRow
	Channels    []model.Channel
	Members     []model.Member
	Unread      []inboxUnread
	UnreadTotal int
	Views       []inboxViewLink
	Query       string // the current filter, canonical (for saved views and bulk redirects)
	Older       string
	Newest      string
	Token       string
	CanManage   bool
	Failed      bool
	Filtered    bool
	Kinds       []option
	Statuses    []option
	Sentiments  []option
	Priorities  []option
}

var (
	inboxKinds = []option{{"comment", "Comment"}, {"reply", "Reply"}, {"mention", "Mention"}, {"message", "Direct message"},
		{"review", "Review"}}
	inboxStatuses   = []option{{"open", "Open"}, {"snoozed", "Snoozed"}, {"done", "Done"}, {"all", "All"}}
	inboxSentiments = []option{{"positive", "Positive"}, {"neutral", "Neutral"}, {"negative", "Negative"}}
	inboxPriorities = []option{{"0", "Normal"}, {"1", "High"}, {"2", "Urgent"}}
)

func priorityLabel(p int) string {
	switch p {
	case 1:
		return "High"
	case 2:
		return "Urgent"
	}
	return ""
}

// inboxList is the unified list of conversations.
func (h *handler) inboxList(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderInboxList(w, r, v, http.StatusOK, &form{Values: r.URL.Query(), Errors: map[string]string{}})
}

func (h *handler) renderInboxList(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	chans, err := h.d.Channels.List(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	members, err := h.d.Workspaces.Members(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	token, err := h.d.Inbox.Changed(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	q := r.URL.Query()
	canon := inboxListQuery(q)
	d := &inboxListData{Channels: chans, Members: members, Query: canon.Encode(), Token: token, Filtered: len(canon) > 0,
		CanManage: model.Can(m.Role, model.ActInboxManage), Kinds: inboxKinds, Statuses: inboxStatuses, Sentiments: inboxSentiments,
		Priorities: inboxPriorities}
	names := map[string]string{}
	for _, c := range chans {
		names[c.ID] = c.Name
	}
	people := map[string]string{}
	for _, x := range members {
		people[x.UserID] = x.Name
	}
	filter, err := inboxFilter(q, v.actor.UserID, chans, members)
	var convs []model.Conversation
	if err == nil {
		convs, err = h.d.Inbox.List(ctx, v.actor, ws, filter)
	}
	if err != nil {
		if model.KindOf(err) != model.KindInvalid {
			h.fail(w, r, v, err)
			return
		}
		e := model.AsError(err)
		f.add(e.Field, e.Msg)
		f.onlyFields(inboxFilterKeys...)
		status, d.Failed = http.StatusBadRequest, true
	}
	var latest map[string]model.InboxMessage
	if lr, ok := any(h.d.Inbox).(inboxLatest); ok && len(convs) > 0 {
		idl := make([]string, len(convs))
		for i, c := range convs {
			idl[i] = c.ID
		}
		if latest, err = lr.Latest(ctx, v.actor, ws, idl); err != nil {
			h.log.Warn("inbox latest messages", "err", err)
		}
	}
	listParam := ""
	if d.Query != "" {
		listParam = "?list=" + url.QueryEscape(d.Query)
	}
	now := time.Now()
	for _, c := range convs {
		row := inboxRow{Conversation: c, Channel: names[c.ChannelID], Assignee: people[c.AssigneeID], Priority: priorityLabel(c.Priority),
			Link: "/w/" + ws + "/inbox/" + c.ID + listParam}
		if !c.AwaitingSince.IsZero() && now.After(c.AwaitingSince) {
			row.Waiting = duration(now.Sub(c.AwaitingSince))
		}
		if c.AssigneeID != "" && row.Assignee == "" {
			row.Assignee = "a former member"
		}
		if msg, ok := latest[c.ID]; ok {
			row.Author, row.Excerpt, row.Sentiment, row.Question, row.Language = msg.Author, excerpt(msg.Text, 160), msg.Sentiment, msg.Question, msg.Language
			if msg.Sentiment != "" {
				row.Score = fmt.Sprintf("%+.2f", msg.SentimentScore)
			}
		} else {
			row.Excerpt = excerpt(c.RootText, 160)
			if c.Kind == model.ConvComments {
				row.Excerpt = "Comments on: " + row.Excerpt
			}
		}
		if row.Excerpt == "" {
			row.Excerpt = "(no text)"
		}
		d.Rows = append(d.Rows, row)
	}
	if len(convs) == inboxPageSize {
		older := inboxListQuery(q)
		older.Set("before", inboxCursor(convs[len(convs)-1]))
		d.Older = "?" + older.Encode()
	}
	if q.Get("before") != "" {
		d.Newest = "?" + d.Query
	}
	if unread, err := h.d.Inbox.Unread(ctx, v.actor, ws); err != nil {
		h.log.Warn("inbox unread counts", "err", err)
	} else {
		current := canon.Get("channel")
		for _, c := range chans {
			if n := unread[c.ID]; n > 0 {
				link := inboxListQuery(q)
				link.Set("channel", c.ID)
				d.Unread = append(d.Unread, inboxUnread{ChannelID: c.ID, Name: c.Name, Count: n, Link: "?" + link.Encode(), Current: current == c.ID})
				d.UnreadTotal += n
			}
		}
	}
	if views, err := h.d.Inbox.Views(ctx, v.actor, ws); err != nil {
		h.log.Warn("inbox views", "err", err)
	} else {
		for _, x := range views {
			d.Views = append(d.Views, inboxViewLink{ID: x.ID, Name: x.Name, Link: "/w/" + ws + "/inbox?" + x.Query, Current: x.Query == d.Query})
		}
	}
	h.render(w, r, v, status, "inbox", &page{Title: "Inbox · " + m.Workspace.Name, Heading: "Inbox", Section: "inbox", WS: &m, Form: f, Data: d})
}

// excerpt shortens text to at most n characters on one line.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for at := range s {
		if i == n-1 {
			return strings.TrimSpace(s[:at]) + "…"
		}
		i++
	}
	return s
}

// inboxMsg is one message of a conversation as the page shows it.
type inboxMsg struct {
	model.InboxMessage
	Mine       bool   // ours: sent from Herald
	Who        string // who wrote it
	Score      string // the sentiment score, signed
	SpamPct    int
	AbusePct   int
	Risky      bool
	FlagLabels []string
	Reaction   bool // a like, repost or reaction rather than words
	StateLabel string
	CanApprove bool
	OwnPending bool // the viewer's own reply waiting for someone else
	CanReact   bool
	CanHide    bool // a member may hide or delete it
	Rules      []ruleActView
}

// inboxNoteView is an internal note with its author's name.
type inboxNoteView struct {
	model.InboxNote
	Who string
}

// savedReplyOption is a saved reply with its variables filled in for the
// conversation at hand.
type savedReplyOption struct {
	ID, Name, Body string
}

// inboxConvData is the conversation page.
type inboxConvData struct {
	Conv       model.Conversation
	Channel    model.Channel
	Contact    model.Contact
	Messages   []inboxMsg
	Notes      []inboxNoteView
	Members    []model.Member
	Assignee   string
	Replies    []savedReplyOption
	List       string // the list's query this conversation was opened from
	ListLink   string
	Prev, Next string
	Token      string
	PostLink   string
	Priority   string
	Priorities []option
	CanReply   bool
	CanManage  bool
	CanApprove bool
	Inbound    bool // there is a message to answer
}

var flagLabels = map[string]string{
	model.FlagTruncated:   "truncated",
	model.FlagInvalidUTF8: "invalid UTF-8 repaired",
	model.FlagNoAuthor:    "no author",
	model.FlagUnknownKind: "unknown type",
}

var stateLabels = map[string]string{
	"pending_approval": "Waiting for approval",
	"sending":          "Sending",
	"sent":             "Sent",
	"failed":           "Failed",
	"rejected":         "Rejected",
}

// inboxConversation shows a conversation; opening it marks it read.
func (h *handler) inboxConversation(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderConversation(w, r, v, http.StatusOK, &form{Values: url.Values{}, Errors: map[string]string{}})
}

func (h *handler) renderConversation(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	th, err := h.d.Inbox.Get(ctx, v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	token, err := h.d.Inbox.Changed(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	members, err := h.d.Workspaces.Members(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	chans, err := h.d.Channels.List(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	people := map[string]string{}
	for _, x := range members {
		people[x.UserID] = x.Name
	}
	c := th.Conversation
	d := &inboxConvData{Conv: c, Contact: th.Contact, Members: members, Token: token, Priority: priorityLabel(c.Priority),
		Priorities: inboxPriorities, CanReply: model.Can(m.Role, model.ActInboxReply), CanManage: model.Can(m.Role, model.ActInboxManage),
		CanApprove: model.Can(m.Role, model.ActInboxApprove), Assignee: people[c.AssigneeID]}
	if c.AssigneeID != "" && d.Assignee == "" {
		d.Assignee = "a former member"
	}
	if i := slices.IndexFunc(chans, func(x model.Channel) bool { return x.ID == c.ChannelID }); i >= 0 {
		d.Channel = chans[i]
	}
	if c.PostID != "" {
		d.PostLink = "/w/" + ws + "/posts/" + c.PostID + "/edit"
	}
	author := th.Contact.Name
	x := ruleRefs{who: people, sr: map[string]string{}}
	mayUndo := model.Can(m.Role, model.ActInboxRules)
	for _, msg := range th.Messages {
		im := inboxMsg{InboxMessage: msg, Mine: msg.Direction == "out", Who: msg.Author, SpamPct: pct(msg.Spam), AbusePct: pct(msg.Abuse),
			StateLabel: stateLabels[msg.State]}
		im.Risky = im.SpamPct >= 50 || im.AbusePct >= 50
		if msg.Sentiment != "" {
			im.Score = fmt.Sprintf("%+.2f", msg.SentimentScore)
		}
		for _, fl := range msg.Flags {
			if l, ok := flagLabels[fl]; ok {
				im.FlagLabels = append(im.FlagLabels, l)
			} else if fl != "" {
				im.FlagLabels = append(im.FlagLabels, fl)
			}
		}
		switch msg.Kind {
		case model.MsgLike, model.MsgRepost, model.MsgReaction:
			im.Reaction = true
		}
		if im.Mine {
			switch {
			case msg.Automatic:
				im.Who = "Automatic reply"
			case people[msg.SentBy] != "":
				im.Who = people[msg.SentBy]
			}
			if msg.State == "pending_approval" {
				im.OwnPending = msg.SentBy == v.actor.UserID
				im.CanApprove = d.CanApprove && !im.OwnPending
			}
		} else {
			im.CanReact = d.CanReply && msg.DeletedAt.IsZero() && !im.Reaction
			im.CanHide = d.CanManage && msg.DeletedAt.IsZero()
			if !im.Reaction && msg.DeletedAt.IsZero() {
				d.Inbound = true
				if author == "" {
					author = msg.Author
				}
			}
		}
		d.Messages = append(d.Messages, im)
	}
	for _, n := range th.Notes {
		who := people[n.UserID]
		if who == "" {
			who = "a former member"
		}
		d.Notes = append(d.Notes, inboxNoteView{InboxNote: n, Who: who})
	}
	if d.CanReply {
		replies, err := h.d.Inbox.SavedReplies(ctx, v.actor, ws)
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		vars := map[string]string{"name": author, "channel": d.Channel.Name, "workspace": m.Workspace.Name, "agent": v.user.Name}
		for _, sr := range replies {
			d.Replies = append(d.Replies, savedReplyOption{ID: sr.ID, Name: sr.Name, Body: inbox.Expand(sr.Body, vars)})
			x.sr[sr.ID] = sr.Name
		}
	}
	for i := range d.Messages {
		for _, rec := range th.Actions[d.Messages[i].ID] {
			d.Messages[i].Rules = append(d.Messages[i].Rules, viewRuleAction(rec, x, mayUndo))
		}
	}
	list := inboxListQuery(listParam(r))
	d.List = list.Encode()
	d.ListLink = "/w/" + ws + "/inbox"
	if d.List != "" {
		d.ListLink += "?" + d.List
	}
	d.Prev, d.Next = h.inboxNeighbours(ctx, v, ws, list, members, chans, c)
	title := excerpt(c.RootText, 60)
	if title == "" {
		title = "Conversation"
	}
	h.render(w, r, v, status, "inbox_conversation", &page{Title: title + " · Inbox", Heading: "Conversation", Section: "inbox", WS: &m,
		Form: f, Data: d})
}

// listParam is the list context of a conversation page or action: the
// "list" query parameter or form field, itself a query string.
func listParam(r *http.Request) url.Values {
	raw := r.URL.Query().Get("list")
	if r.PostForm != nil && r.PostForm.Has("list") {
		raw = r.PostForm.Get("list")
	}
	q, err := url.ParseQuery(raw)
	if err != nil || len(raw) > 2000 {
		return url.Values{}
	}
	return q
}

func pct(f float64) int {
	switch {
	case f <= 0:
		return 0
	case f >= 1:
		return 100
	}
	return int(f*100 + 0.5)
}

// inboxNeighbours finds the conversations before and after c in the list
// it was opened from (newest first): links for previous and next. The
// list only pages towards older conversations, so the previous one is
// found by reading from the top, at most a few pages deep.
func (h *handler) inboxNeighbours(ctx context.Context, v *visit, ws string, list url.Values, members []model.Member, chans []model.Channel, c model.Conversation) (prev, next string) {
	f, err := inboxFilter(list, v.actor.UserID, chans, members)
	if err != nil {
		f, _ = inboxFilter(url.Values{}, v.actor.UserID, chans, members)
	}
	suffix := ""
	if len(list) > 0 {
		suffix = "?list=" + url.QueryEscape(list.Encode())
	}
	link := func(id string) string { return "/w/" + ws + "/inbox/" + id + suffix }
	nf := f
	nf.Before, nf.Limit = inboxCursor(c), 1
	if rows, err := h.d.Inbox.List(ctx, v.actor, ws, nf); err != nil {
		h.log.Warn("inbox next conversation", "err", err)
	} else if len(rows) > 0 {
		next = link(rows[0].ID)
	}
	pf := f
	pf.Limit = 200
	for range 5 {
		rows, err := h.d.Inbox.List(ctx, v.actor, ws, pf)
		if err != nil {
			h.log.Warn("inbox previous conversation", "err", err)
			return prev, next
		}
		for _, x := range rows {
			if !newerThan(x, c) {
				return prev, next
			}
			prev = link(x.ID)
		}
		if len(rows) < pf.Limit {
			return prev, next
		}
		pf.Before = inboxCursor(rows[len(rows)-1])
	}
	return "", next // too far down to tell
}

// Live updates.

// inboxEventsPoll is how often the event stream asks whether the inbox
// changed; inboxEventsBeat how often it writes a comment so proxies and
// browsers keep the connection; inboxEventsLife how long one stream
// lasts before the browser reconnects (and its session is checked again).
const (
	inboxEventsPoll = 2 * time.Second
	inboxEventsBeat = 15 * time.Second
	inboxEventsLife = 10 * time.Minute
)

// inboxEvents streams server-sent events: "changed" whenever the
// workspace's inbox token differs from the one the page was rendered
// with (the "since" parameter) or last sent (Last-Event-ID on a
// reconnect).
func (h *handler) inboxEvents(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	token, err := h.d.Inbox.Changed(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	since := r.Header.Get("Last-Event-ID")
	if since == "" {
		since = r.URL.Query().Get("since")
	}
	if since == "" {
		since = token
	}
	stop := shutdownSignal(r)
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream; charset=utf-8")
	hd.Set("Cache-Control", "no-cache, no-store, no-transform")
	hd.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	// A stream outlives the server's read and write timeouts: the read
	// deadline is lifted (else the request's context ends with it) and
	// each write gets its own.
	_ = rc.SetReadDeadline(time.Time{})
	send := func(s string) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.WriteString(w, s); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	changed := func(tok string) bool {
		tok = strings.NewReplacer("\r", "", "\n", "").Replace(tok)
		return send("id: " + tok + "\nevent: changed\ndata: " + tok + "\n\n")
	}
	if !send("retry: 5000\n: connected\n\n") {
		return
	}
	if token != since {
		if !changed(token) {
			return
		}
		since = token
	}
	poll, beat, life := time.NewTicker(inboxEventsPoll), time.NewTicker(inboxEventsBeat), time.NewTimer(inboxEventsLife)
	defer poll.Stop()
	defer beat.Stop()
	defer life.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-life.C:
			return
		case <-stop:
			return
		case <-beat.C:
			if !send(": heartbeat\n\n") {
				return
			}
		case <-poll.C:
			tok, err := h.d.Inbox.Changed(ctx, v.actor, ws)
			switch model.KindOf(err) {
			case model.KindForbidden, model.KindNotFound, model.KindUnauthorized:
				_ = send("event: gone\ndata: no longer allowed\n\n")
				return
			}
			if err != nil {
				if ctx.Err() == nil {
					h.log.Warn("inbox events", "workspace", ws, "err", err)
				}
				continue
			}
			if tok != since {
				if !changed(tok) {
					return
				}
				since = tok
			}
		}
	}
}

// streamStops holds, per server, a channel closed when the server shuts
// down: http.Server.Shutdown waits for active connections but does not
// end their requests' contexts, so an open event stream would hold a
// graceful shutdown until its timeout. Servers are held weakly, and
// their entries go with them.
var streamStops sync.Map // weak.Pointer[http.Server] → chan struct{}

// shutdownSignal is closed when the server serving r shuts down (nil,
// never closed, without one). A server is never used again once shut
// down, so its channel stays closed for requests that come late.
func shutdownSignal(r *http.Request) <-chan struct{} {
	srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	if srv == nil {
		return nil
	}
	key := weak.Make(srv)
	ch := make(chan struct{})
	if old, loaded := streamStops.LoadOrStore(key, ch); loaded {
		return old.(chan struct{})
	}
	srv.RegisterOnShutdown(func() { close(ch) })
	runtime.AddCleanup(srv, func(k weak.Pointer[http.Server]) { streamStops.Delete(k) }, key)
	return ch
}
