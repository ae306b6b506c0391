package web_test

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/provider"
)

// inboxEnv is a workspace with two fake channels and, on the first, a
// comment thread under our post, a mention and a direct message; on the
// second, one comment.
type inboxEnv struct {
	*env
	c        *client
	ws       model.Workspace
	owner    model.Actor
	ch, ch2  model.Channel
	comments model.Conversation // ch: under "post-1"
	mention  model.Conversation
	dm       model.Conversation
	other    model.Conversation // ch2
}

var inboxAt = time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second)

func newInboxEnv(t *testing.T) *inboxEnv {
	t.Helper()
	e := newEnv(t)
	ie := &inboxEnv{env: e, c: e.owner(), ws: e.workspace("owner@example.test", "Acme")}
	ie.owner = e.actor("owner@example.test")
	ctx := context.Background()
	var err error
	if ie.ch, err = e.a.Channels.Connect(ctx, ie.owner, ie.ws.ID, "fake", map[string]string{"handle": "acme"}); err != nil {
		t.Fatal(err)
	}
	if ie.ch2, err = e.a.Channels.Connect(ctx, ie.owner, ie.ws.ID, "fake", map[string]string{"handle": "acme-eu"}); err != nil {
		t.Fatal(err)
	}
	ie.ingest(ie.ch, []provider.Interaction{
		{Kind: "reply", ID: "c1", ParentID: "post-1", RootID: "post-1", AuthorID: "ada", Author: "@ada", Text: "Is the spring menu vegan?", CreatedAt: inboxAt},
		{Kind: "mention", ID: "m1", AuthorID: "dee", Author: "@dee", Text: "hey @acme, lovely shop", CreatedAt: inboxAt.Add(time.Minute)},
		{Kind: "message", ID: "d1", RootID: "dm-eve", AuthorID: "eve", Author: "@eve", Text: "a private word", CreatedAt: inboxAt.Add(2 * time.Minute)},
	})
	ie.ingest(ie.ch2, []provider.Interaction{
		{Kind: "reply", ID: "c9", ParentID: "post-9", RootID: "post-9", AuthorID: "gus", Author: "@gus", Text: "Ordered twice, great", CreatedAt: inboxAt.Add(3 * time.Minute)},
	})
	convs, err := e.a.Inbox.List(ctx, ie.owner, ie.ws.ID, inbox.Filter{Status: "all"})
	if err != nil || len(convs) != 4 {
		t.Fatalf("set-up: %d conversations, %v", len(convs), err)
	}
	for _, c := range convs {
		switch {
		case c.ChannelID == ie.ch2.ID:
			ie.other = c
		case c.Kind == model.ConvComments:
			ie.comments = c
		case c.Kind == model.ConvMention:
			ie.mention = c
		case c.Kind == model.ConvMessage:
			ie.dm = c
		}
	}
	if ie.comments.ID == "" || ie.mention.ID == "" || ie.dm.ID == "" || ie.other.ID == "" {
		t.Fatalf("set-up: conversations %+v", convs)
	}
	return ie
}

func (ie *inboxEnv) ingest(ch model.Channel, items []provider.Interaction) {
	ie.t.Helper()
	own := map[string]inbox.OwnPost{
		"post-1": {Text: "Our spring menu is here", URL: "https://example.com/p/1"},
		"post-9": {Text: "Autumn boxes", URL: "https://example.com/p/9"},
	}
	if _, err := ie.a.Inbox.Ingest(context.Background(), inbox.Batch{Channel: ch, Items: items, Own: own}); err != nil {
		ie.t.Fatal(err)
	}
}

func (ie *inboxEnv) list(query string) page {
	ie.t.Helper()
	return ie.c.get("/w/" + ie.ws.ID + "/inbox" + query)
}

// listed says which of the conversations the page lists.
func listed(p page, convs ...model.Conversation) []bool {
	out := make([]bool, len(convs))
	for i, c := range convs {
		out[i] = strings.Contains(p.body, `data-conversation="`+c.ID+`"`)
	}
	return out
}

func wantListed(t *testing.T, p page, all []model.Conversation, want ...model.Conversation) {
	t.Helper()
	wantStatus(t, p, http.StatusOK)
	for i, on := range listed(p, all...) {
		expected := false
		for _, w := range want {
			expected = expected || w.ID == all[i].ID
		}
		if on != expected {
			t.Errorf("%s: conversation %d (%s) listed %v, want %v", p.url, i, all[i].Kind, on, expected)
		}
	}
}

// The filters narrow the list; bad values say what is wrong with them.
func TestInboxListFilters(t *testing.T) {
	ie := newInboxEnv(t)
	all := []model.Conversation{ie.comments, ie.mention, ie.dm, ie.other}

	p := ie.list("")
	wantListed(t, p, all, all...)
	mustContain(t, p, "Inbox", "Saved views", "Unread", "lovely shop")
	if txt := text(p.body); !strings.Contains(txt, "Is the spring menu vegan?") && !strings.Contains(txt, "Comments on: Our spring menu is here") {
		t.Error("the comments conversation shows neither its newest message nor its post")
	}
	if !strings.Contains(p.body, `data-unread-channel="`+ie.ch.ID+`"`) {
		t.Error("no unread count for the first channel")
	}
	wantListed(t, ie.list("?type=mention"), all, ie.mention)
	wantListed(t, ie.list("?type=message"), all, ie.dm)
	wantListed(t, ie.list("?channel="+ie.ch2.ID), all, ie.other)
	wantListed(t, ie.list("?q=VEGAN"), all, ie.comments)
	wantListed(t, ie.list("?status=done"), all)
	wantListed(t, ie.list("?unanswered=1"), all, all...)
	wantListed(t, ie.list("?unanswered=100"), all)

	// Tag and assign through the bulk form, then filter by them.
	base := "/w/" + ie.ws.ID + "/inbox"
	r := ie.c.post(base+"/bulk", url.Values{"id": {ie.mention.ID, ie.dm.ID}, "action": {"tag"}, "bulk_tags": {"press"}, "list": {"type=mention"}})
	if r.status != http.StatusSeeOther || r.location() != base+"?type=mention" {
		t.Fatalf("bulk tag: %d → %q", r.status, r.location())
	}
	wantListed(t, ie.list("?tag=press"), all, ie.mention, ie.dm)
	ie.c.post(base+"/bulk", url.Values{"id": {ie.dm.ID}, "action": {"assign"}, "bulk_assignee": {"me"}})
	wantListed(t, ie.list("?assignee=me"), all, ie.dm)
	wantListed(t, ie.list("?assignee=unassigned"), all, ie.comments, ie.mention, ie.other)
	wantListed(t, ie.list("?assignee=me&tag=press&channel="+ie.ch.ID), all, ie.dm)

	for _, tc := range []struct{ query, field, says string }{
		{"?status=closed", "status", `"closed" is not a status`},
		{"?type=tweet", "type", `"tweet" is not a message type`},
		{"?sentiment=angry", "sentiment", `"angry" is not a sentiment`},
		{"?unanswered=soon", "unanswered", `"soon" is not a number of hours`},
		{"?unanswered=-2", "unanswered", "positive number"},
		{"?language=english", "language", `"english" is not a language code`},
		{"?channel=" + ie.ws.ID, "channel", "not in this workspace"},
		{"?assignee=" + ie.ws.ID, "assignee", "not a member of this workspace"},
		{"?q=" + strings.Repeat("x", 201), "q", "at most 200 characters"},
	} {
		p := ie.list(tc.query)
		if p.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.query, p.status)
			continue
		}
		if got := fieldError(t, p.body, tc.field); !strings.Contains(html.UnescapeString(got), tc.says) {
			t.Errorf("%s: the %s field says %q, want %q", tc.query, tc.field, got, tc.says)
		}
		if strings.Contains(p.body, `data-conversation="`) {
			t.Errorf("%s: a bad filter still lists conversations", tc.query)
		}
	}
	if p := ie.list("?before=garbage"); p.status != http.StatusBadRequest || !strings.Contains(text(p.body), "page link is damaged") {
		t.Errorf("bad cursor: %d %s", p.status, alertText(p.body))
	}
}

// Bulk "mark done" moves conversations out of the open list; paging
// with the cursor goes on from the last one shown.
func TestInboxBulkDoneAndViews(t *testing.T) {
	ie := newInboxEnv(t)
	all := []model.Conversation{ie.comments, ie.mention, ie.dm, ie.other}
	base := "/w/" + ie.ws.ID + "/inbox"
	p := ie.c.submit(base+"/bulk", url.Values{"id": {ie.comments.ID, ie.other.ID}, "action": {"done"}})
	mustContain(t, p, "2 conversations: marked done.")
	wantListed(t, p, all, ie.mention, ie.dm)
	wantListed(t, ie.list("?status=done"), all, ie.comments, ie.other)
	wantListed(t, ie.list("?status=all"), all, all...)
	p = ie.c.submit(base+"/bulk", url.Values{"id": {ie.other.ID}, "action": {"open"}, "list": {"status=done"}})
	mustContain(t, p, "1 conversation: reopened.")
	wantListed(t, p, all, ie.comments)

	// Nothing ticked, or a bad priority: the list says so.
	p = ie.c.submit(base+"/bulk", url.Values{"action": {"done"}})
	mustContain(t, p, "Tick the conversations to change first.")
	p = ie.c.submit(base+"/bulk", url.Values{"id": {ie.dm.ID}, "action": {"priority"}, "bulk_priority": {"9"}})
	mustContain(t, p, "Priority is 0 (normal), 1 (high) or 2 (urgent).")

	// A saved view keeps the filter; the list links it, and it goes again.
	p = ie.c.submit(base+"/views", url.Values{"name": {"Mentions"}, "list": {"type=mention&status=open&bogus=1"}})
	mustContain(t, p, "Saved the view “Mentions”.")
	if !strings.Contains(p.body, `href="/w/`+ie.ws.ID+`/inbox?status=open&amp;type=mention"`) {
		t.Fatalf("the saved view is not linked with its filter: %s", alertText(p.body))
	}
	views, err := ie.a.Inbox.Views(context.Background(), ie.owner, ie.ws.ID)
	if err != nil || len(views) != 1 {
		t.Fatalf("views: %v %v", views, err)
	}
	p = ie.c.submit(base+"/views/"+views[0].ID+"/delete", url.Values{})
	mustContain(t, p, "The view is removed.")
	if p := ie.c.submit(base+"/views", url.Values{"name": {" "}}); !strings.Contains(text(p.body), "Name the view") {
		t.Errorf("a view without a name: %s", alertText(p.body))
	}

	// Paging: 50 a page, then "Older" from the last one shown.
	var items []provider.Interaction
	for i := range 52 {
		items = append(items, provider.Interaction{Kind: "mention", ID: fmt.Sprintf("pm%d", i), AuthorID: "fan", Author: "@fan",
			Text: fmt.Sprintf("mention number %d", i), CreatedAt: inboxAt.Add(time.Duration(i+10) * time.Minute)})
	}
	ie.ingest(ie.ch, items)
	p = ie.list("?type=mention")
	if n := strings.Count(p.body, `class="inbox-pick"`); n != 50 {
		t.Fatalf("first page: %d conversations, want 50", n)
	}
	m := regexp.MustCompile(`href="([^"]*)" rel="next" data-older`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no link to older conversations")
	}
	p = ie.list(html.UnescapeString(m[1]))
	wantStatus(t, p, http.StatusOK)
	if n := strings.Count(p.body, `class="inbox-pick"`); n != 3 || !listed(p, ie.mention)[0] || strings.Contains(p.body, "data-older") {
		t.Fatalf("second page: %d conversations (want 3 with the first mention), older link %v", n, strings.Contains(p.body, "data-older"))
	}
}

// The conversation page shows the thread with its original post; a note
// is saved, and a reply recorded as sending (or waiting for approval
// when the workspace wants it for the replier's role).
func TestInboxConversationNoteAndReply(t *testing.T) {
	ie := newInboxEnv(t)
	ctx := context.Background()
	ie.ingest(ie.ch, []provider.Interaction{
		{Kind: "reply", ID: "c2", ParentID: "c1", RootID: "post-1", AuthorID: "bob", Author: "@bob", Text: "same \xff question", CreatedAt: inboxAt.Add(10 * time.Minute)},
	})
	conv := "/w/" + ie.ws.ID + "/inbox/" + ie.comments.ID
	p := ie.c.get(conv + "?list=" + url.QueryEscape("channel="+ie.ch.ID))
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Our spring menu is here", "Is the spring menu vegan?", "@ada", "@bob", "invalid UTF-8 repaired", "Show original", "Reply as")
	if !strings.Contains(p.body, `href="https://example.com/p/1"`) || !strings.Contains(p.body, "data-next") {
		t.Error("the page has no link to the original post or no next conversation")
	}
	if got, _ := ie.a.Inbox.List(ctx, ie.owner, ie.ws.ID, inbox.Filter{}); len(got) > 0 {
		for _, c := range got {
			if c.ID == ie.comments.ID && c.Unread != 0 {
				t.Errorf("opening the conversation left %d unread", c.Unread)
			}
		}
	}

	// A note.
	base := "/w/" + ie.ws.ID + "/inbox/conversations/" + ie.comments.ID
	r := ie.c.post(base+"/note", url.Values{"body": {"Ask the kitchen first"}, "list": {"channel=" + ie.ch.ID}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), conv+"?list=") {
		t.Fatalf("note: %d → %q: %s", r.status, r.location(), alertText(r.body))
	}
	p = ie.c.open(r.location())
	mustContain(t, p, "Note added.", "Ask the kitchen first", "Olivia Owner")
	p = ie.c.post(base+"/note", url.Values{"body": {"  "}})
	wantStatus(t, p, http.StatusBadRequest)
	if got := fieldError(t, p.body, "body"); !strings.Contains(got, "1 to 5,000 characters") {
		t.Errorf("empty note: %q", got)
	}

	// A like, as the channel.
	var c1 string
	if th, err := ie.a.Inbox.Get(ctx, ie.owner, ie.ws.ID, ie.comments.ID); err == nil {
		c1 = th.Messages[0].ID
	}
	p = ie.c.submit("/w/"+ie.ws.ID+"/inbox/messages/"+c1+"/react", url.Values{"reaction": {"+"}, "conversation": {ie.comments.ID}})
	mustContain(t, p, "Liked as the channel.", "Our spring menu is here")

	// A saved reply, filled in server-side (the way without script).
	sr, err := ie.a.Inbox.SaveReply(ctx, ie.owner, ie.ws.ID, model.SavedReply{Name: "Thanks", Body: "Thanks {{name}}! — {{agent}}"})
	if err != nil {
		t.Fatal(err)
	}
	p = ie.c.post(base+"/reply", url.Values{"saved": {sr.ID}, "insert": {"1"}, "text": {"Hello"}})
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.body, "Hello\n\nThanks @ada! — Olivia Owner</textarea>") {
		t.Errorf("the saved reply was not inserted; textarea: %s", between(p.body, `name="text"`, "</textarea>"))
	}
	if !strings.Contains(p.body, `data-body="Thanks @ada! — Olivia Owner"`) {
		t.Error("the saved reply option does not carry its filled-in text for the script")
	}

	// A reply: recorded as sending, shown on the page.
	p = ie.c.post(base+"/reply", url.Values{"text": {"   "}})
	wantStatus(t, p, http.StatusBadRequest)
	if got := fieldError(t, p.body, "text"); !strings.Contains(got, "Write a reply") {
		t.Errorf("empty reply: %q", got)
	}
	p = ie.c.submit(base+"/reply", url.Values{"text": {"Yes, all of it!"}})
	mustContain(t, p, "Your reply is on its way", "Yes, all of it!", "Sending")
	th, err := ie.a.Inbox.Get(ctx, ie.owner, ie.ws.ID, ie.comments.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := th.Messages[len(th.Messages)-1]
	if out.Direction != "out" || out.State != "sending" || out.Text != "Yes, all of it!" {
		t.Fatalf("reply stored as %+v", out)
	}

	// With approval for editors, an editor's reply waits; the owner
	// approves it from the conversation.
	st, err := ie.a.Inbox.Settings(ctx, ie.owner, ie.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	st.ReplyApprovalRoles = []model.Role{model.RoleEditor}
	if _, err := ie.a.Inbox.SaveSettings(ctx, ie.owner, ie.ws.ID, st); err != nil {
		t.Fatal(err)
	}
	ie.member("owner@example.test", ie.ws.ID, "editor@example.test", model.RoleEditor)
	ed := ie.client()
	ed.signIn("editor@example.test", testPassword)
	p = ed.submit("/w/"+ie.ws.ID+"/inbox/conversations/"+ie.mention.ID+"/reply", url.Values{"text": {"Thank you!"}})
	mustContain(t, p, "Your reply waits for approval", "Waiting for approval", "Another approver decides")
	if strings.Contains(p.body, "data-approve") {
		t.Error("the editor is offered to approve her own reply")
	}
	th, _ = ie.a.Inbox.Get(ctx, ie.owner, ie.ws.ID, ie.mention.ID)
	pending := th.Messages[len(th.Messages)-1]
	if pending.State != "pending_approval" {
		t.Fatalf("editor's reply: state %q", pending.State)
	}
	p = ie.c.get("/w/" + ie.ws.ID + "/inbox/" + ie.mention.ID)
	if !strings.Contains(p.body, `action="/w/`+ie.ws.ID+`/inbox/messages/`+pending.ID+`/approve"`) {
		t.Fatal("the owner is not offered to approve the reply")
	}
	p = ie.c.submit("/w/"+ie.ws.ID+"/inbox/messages/"+pending.ID+"/approve", url.Values{"decision": {"approve"}, "conversation": {ie.mention.ID}})
	mustContain(t, p, "The reply is approved", "Sending")
	p = ie.c.submit("/w/"+ie.ws.ID+"/inbox/messages/"+pending.ID+"/approve", url.Values{"decision": {"approve"}, "conversation": {ie.mention.ID}})
	mustContain(t, p, "This reply is not waiting for approval (it is sending).")
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// Every form the inbox pages post carries the CSRF token.
func TestInboxFormsCarryCSRF(t *testing.T) {
	ie := newInboxEnv(t)
	if _, err := ie.a.Inbox.SaveReply(context.Background(), ie.owner, ie.ws.ID, model.SavedReply{Name: "Hi", Body: "Hi {{name}}"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ie.a.Inbox.SaveView(context.Background(), ie.owner, ie.ws.ID, "Mine", "assignee=me"); err != nil {
		t.Fatal(err)
	}
	formRe := regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*>.*?</form>`)
	for _, path := range []string{"/w/" + ie.ws.ID + "/inbox", "/w/" + ie.ws.ID + "/inbox/" + ie.comments.ID, "/w/" + ie.ws.ID + "/inbox/replies"} {
		p := ie.c.get(path)
		wantStatus(t, p, http.StatusOK)
		forms := formRe.FindAllString(p.body, -1)
		if len(forms) < 2 {
			t.Errorf("%s has %d post forms", path, len(forms))
		}
		for _, f := range forms {
			if !strings.Contains(f, `name="csrf" value="`+ie.c.csrf()+`"`) {
				t.Errorf("%s: a form lacks the csrf field: %.200s", path, f)
			}
		}
	}
}

// A Viewer reads the inbox but may not reply, change or annotate.
func TestInboxViewerCannotReply(t *testing.T) {
	ie := newInboxEnv(t)
	ie.member("owner@example.test", ie.ws.ID, "viewer@example.test", model.RoleViewer)
	v := ie.client()
	v.signIn("viewer@example.test", testPassword)
	p := v.get("/w/" + ie.ws.ID + "/inbox")
	wantStatus(t, p, http.StatusOK)
	if strings.Contains(p.body, `action="/w/`+ie.ws.ID+`/inbox/bulk"`) && strings.Contains(p.body, "data-bulk-done") {
		t.Error("a viewer is offered bulk actions")
	}
	p = v.get("/w/" + ie.ws.ID + "/inbox/" + ie.comments.ID)
	wantStatus(t, p, http.StatusOK)
	if strings.Contains(p.body, "data-reply-form") || strings.Contains(p.body, "data-done") || strings.Contains(p.body, "data-like") {
		t.Error("a viewer is offered to reply, like or mark done")
	}
	base := "/w/" + ie.ws.ID + "/inbox/conversations/" + ie.comments.ID
	for path, vals := range map[string]url.Values{
		base + "/reply":                     {"text": {"hi"}},
		base + "/note":                      {"body": {"hi"}},
		base + "/update":                    {"action": {"done"}},
		"/w/" + ie.ws.ID + "/inbox/bulk":    {"id": {ie.comments.ID}, "action": {"done"}},
		"/w/" + ie.ws.ID + "/inbox/replies": {"name": {"x"}, "body": {"y"}},
	} {
		if r := v.post(path, vals); r.status != http.StatusForbidden {
			t.Errorf("viewer POST %s: status %d, want 403", path, r.status)
		}
	}
	th, err := ie.a.Inbox.Get(context.Background(), ie.owner, ie.ws.ID, ie.comments.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Messages) != 1 || len(th.Notes) != 0 || th.Conversation.Status != model.ConvOpen {
		t.Errorf("a viewer changed the conversation: %d messages, %d notes, %s", len(th.Messages), len(th.Notes), th.Conversation.Status)
	}
	// Someone outside the workspace sees nothing.
	ie.user("stranger@example.test")
	s := ie.client()
	s.signIn("stranger@example.test", testPassword)
	if p := s.get("/w/" + ie.ws.ID + "/inbox/" + ie.comments.ID); p.status != http.StatusNotFound && p.status != http.StatusForbidden {
		t.Errorf("a stranger opens a conversation: status %d", p.status)
	}
}

// Snooze, assign, tag and priority from the conversation page; marking
// it done returns to the list, where it is no longer open.
func TestInboxConversationTriage(t *testing.T) {
	ie := newInboxEnv(t)
	ctx := context.Background()
	// Previous and next follow the list's order (newest activity first).
	p := ie.c.get("/w/" + ie.ws.ID + "/inbox/" + ie.dm.ID)
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.body, `href="/w/`+ie.ws.ID+`/inbox/`+ie.other.ID+`" rel="prev"`) ||
		!strings.Contains(p.body, `href="/w/`+ie.ws.ID+`/inbox/`+ie.mention.ID+`" rel="next"`) {
		t.Error("previous/next do not lead to the neighbours in the list")
	}
	p = ie.c.get("/w/" + ie.ws.ID + "/inbox/" + ie.dm.ID + "?list=" + url.QueryEscape("channel="+ie.ch.ID))
	if strings.Contains(p.body, `rel="prev"`) || !strings.Contains(p.body, `href="/w/`+ie.ws.ID+`/inbox/`+ie.mention.ID+`?list=channel%3D`+ie.ch.ID+`" rel="next"`) {
		t.Error("previous/next ignore the list's filter")
	}

	base := "/w/" + ie.ws.ID + "/inbox/conversations/" + ie.dm.ID
	p = ie.c.submit(base+"/update", url.Values{"action": {"triage"}, "assignee": {ie.owner.UserID}, "priority": {"2"}, "tags": {"billing, vip"}})
	mustContain(t, p, "Saved.", "Urgent", "billing", "vip")
	p = ie.c.submit(base+"/update", url.Values{"action": {"untag"}, "tag": {"vip"}})
	mustContain(t, p, "Tag removed.")
	th, _ := ie.a.Inbox.Get(ctx, ie.owner, ie.ws.ID, ie.dm.ID)
	if c := th.Conversation; c.AssigneeID != ie.owner.UserID || c.Priority != 2 || len(c.Tags) != 1 || c.Tags[0] != "billing" {
		t.Fatalf("after triage: %+v", c)
	}
	// Snooze in the viewer's zone: 09:00 in Tokyo is 00:00 UTC.
	day := time.Now().AddDate(0, 0, 2).Format("2006-01-02")
	p = ie.c.submit(base+"/update", url.Values{"action": {"snooze"}, "until": {day + "T09:00"}, "zone": {"Asia/Tokyo"}})
	mustContain(t, p, "Snoozed until")
	th, _ = ie.a.Inbox.Get(ctx, ie.owner, ie.ws.ID, ie.dm.ID)
	if want, _ := time.Parse("2006-01-02T15:04", day+"T00:00"); th.Conversation.Status != model.ConvSnoozed || !th.Conversation.SnoozedUntil.Equal(want) {
		t.Fatalf("snoozed: %s until %s, want %s", th.Conversation.Status, th.Conversation.SnoozedUntil, want)
	}
	p = ie.c.submit(base+"/update", url.Values{"action": {"snooze"}, "until": {"2001-01-01T09:00"}})
	mustContain(t, p, "Snooze until a time in the future.")
	r := ie.c.post(base+"/update", url.Values{"action": {"done"}, "list": {"type=message"}})
	if r.status != http.StatusSeeOther || r.location() != "/w/"+ie.ws.ID+"/inbox?type=message" {
		t.Fatalf("done: %d → %q", r.status, r.location())
	}
	p = ie.c.open(r.location())
	mustContain(t, p, "Marked done.")
	if listed(p, ie.dm)[0] {
		t.Error("a conversation marked done is still listed as open")
	}
}

// Saved replies: create, refuse an unknown variable, change, delete.
func TestInboxSavedReplies(t *testing.T) {
	ie := newInboxEnv(t)
	base := "/w/" + ie.ws.ID + "/inbox/replies"
	p := ie.c.submit(base, url.Values{"name": {"Welcome"}, "body": {"Hi {{name}}, welcome to {{workspace}}"}})
	mustContain(t, p, "Saved the reply “Welcome”.", "Hi {{name}}, welcome to {{workspace}}")
	p = ie.c.post(base, url.Values{"name": {"Oops"}, "body": {"Hi {{nme}}"}})
	wantStatus(t, p, http.StatusBadRequest)
	if got := fieldError(t, p.body, "body-new"); !strings.Contains(got, "{{nme}} is not a variable") {
		t.Errorf("unknown variable: %q", got)
	}
	replies, err := ie.a.Inbox.SavedReplies(context.Background(), ie.owner, ie.ws.ID)
	if err != nil || len(replies) != 1 {
		t.Fatalf("saved replies: %v %v", replies, err)
	}
	p = ie.c.submit(base, url.Values{"id": {replies[0].ID}, "name": {"Welcome!"}, "body": {"Hello {{name}}"}})
	mustContain(t, p, "Saved the reply “Welcome!”.", "Hello {{name}}")
	p = ie.c.submit(base+"/"+replies[0].ID+"/delete", url.Values{})
	mustContain(t, p, "The saved reply is removed.", "No saved replies yet.")
}

// The event stream says "changed" after the inbox changes, and keeps
// proxies from buffering it.
func TestInboxEvents(t *testing.T) {
	ie := newInboxEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ie.srv.URL+"/w/"+ie.ws.ID+"/inbox/events", nil)
	req.Header.Set("X-Forwarded-For", ie.c.ip)
	resp, err := ie.c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") ||
		resp.Header.Get("X-Accel-Buffering") != "no" || !strings.Contains(resp.Header.Get("Cache-Control"), "no-cache") {
		t.Fatalf("events: %d %v", resp.StatusCode, resp.Header)
	}
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	wait := func(want string, within time.Duration) bool {
		deadline := time.After(within)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					return false
				}
				if l == want {
					return true
				}
			case <-deadline:
				return false
			}
		}
	}
	if !wait(": connected", 3*time.Second) {
		t.Fatal("the stream did not start")
	}
	if wait("event: changed", 2500*time.Millisecond) {
		t.Fatal("a change was announced before anything changed")
	}
	done := model.ConvDone
	if err := ie.a.Inbox.Update(context.Background(), ie.owner, ie.ws.ID, []string{ie.dm.ID}, inbox.Change{Status: &done}); err != nil {
		t.Fatal(err)
	}
	if !wait("event: changed", 5*time.Second) {
		t.Fatal("no change event within 5 s of a change")
	}

	// A page rendered before a change learns of it as soon as it connects.
	p := ie.list("")
	m := regexp.MustCompile(`data-token="([^"]*)"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("the list carries no change token")
	}
	token := html.UnescapeString(m[1])
	ie.ingest(ie.ch, []provider.Interaction{{Kind: "mention", ID: "m2", AuthorID: "hal", Author: "@hal", Text: "new!", CreatedAt: time.Now()}})
	req2, _ := http.NewRequestWithContext(ctx, http.MethodGet, ie.srv.URL+"/w/"+ie.ws.ID+"/inbox/events?since="+url.QueryEscape(token), nil)
	req2.Header.Set("X-Forwarded-For", ie.c.ip)
	resp2, err := ie.c.http.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	sc := bufio.NewScanner(resp2.Body)
	var got []string
	for i := 0; i < 6 && sc.Scan(); i++ {
		got = append(got, sc.Text())
	}
	if !strings.Contains(strings.Join(got, "\n"), "event: changed") {
		t.Fatalf("a stale page was not told of the change: %q", got)
	}

	// An open stream does not hold up a graceful shutdown.
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	// (A connection the client dialled but never used would count as
	// busy for five seconds: close those first.)
	ie.c.http.CloseIdleConnections()
	start := time.Now()
	if err := ie.srv.Config.Shutdown(sctx); err != nil {
		t.Fatalf("shutdown with open event streams: %v after %s", err, time.Since(start))
	}
	// The first stream ended: its reader sees the body close.
	for deadline, open := time.After(2*time.Second), true; open; {
		select {
		case _, open = <-lines:
		case <-deadline:
			t.Fatal("the first stream is still open after shutdown")
		}
	}
}
