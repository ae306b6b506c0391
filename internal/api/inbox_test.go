package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/provider"
)

// inboxEnv is a workspace with a fake channel whose inbox holds a thread
// under one of its posts (Alice and Bob), a mention and a direct message
// (both by Dee), received three hours ago.
type inboxEnv struct {
	ada       model.User
	tok, base string
	ch        string
	thread    string // the comments conversation
	mention   string
	dm        string
}

func (h *harness) inbox(t *testing.T) inboxEnv {
	t.Helper()
	ada, tok, base, ch := h.newYorkChannel(t)
	e := inboxEnv{ada: ada, tok: tok, base: base, ch: ch}
	ws := strings.TrimPrefix(base, "/api/v1/workspaces/")
	h.ingest(ws, ch, []provider.Interaction{
		{Kind: "reply", ID: "c1", ParentID: "post-1", RootID: "post-1", AuthorID: "alice", Author: "@alice", Text: "Love it! Is it vegan?"},
		{Kind: "reply", ID: "c2", ParentID: "c1", RootID: "post-1", AuthorID: "bob", Author: "@bob", Text: "Terrible service, never again"},
		{Kind: "mention", ID: "m1", AuthorID: "dee", Author: "@dee", Text: "hey @acme, open on Sunday?"},
		{Kind: "message", ID: "d1", RootID: "dm-dee", AuthorID: "dee", Author: "@dee", Text: "a private question"},
	}, -3*time.Hour)
	list, _ := h.do(http.MethodGet, base+"/inbox/conversations", tok, nil).want(t, 200).list()
	if len(list) != 3 {
		t.Fatalf("conversations: %v", list)
	}
	for _, c := range list {
		switch c["kind"] {
		case "comments":
			e.thread = c["id"].(string)
		case "mention":
			e.mention = c["id"].(string)
		case "message":
			e.dm = c["id"].(string)
		}
	}
	return e
}

// ingest stores interactions read from the fake channel, created at
// now+ago, under the channel's post post-1.
func (h *harness) ingest(ws, channelID string, items []provider.Interaction, ago time.Duration) {
	h.t.Helper()
	ctx := context.Background()
	ch, err := h.app.Store.Read().ChannelByID(ctx, ws, channelID)
	if err != nil {
		h.t.Fatal(err)
	}
	for i := range items {
		items[i].CreatedAt = time.Now().Add(ago).Add(time.Duration(i) * time.Second)
	}
	own := map[string]inbox.OwnPost{"post-1": {Text: "Our spring menu", URL: "https://fake.example/p/1"}}
	if _, err := h.app.Inbox.Ingest(ctx, inbox.Batch{Channel: ch, Items: items, Own: own}); err != nil {
		h.t.Fatal(err)
	}
}

// The conversation list with its filters and pages, a conversation with
// its messages, changes one by one and in bulk, notes, replies (sent by a
// job, or waiting for approval), reactions and unread counts.
func TestInboxConversationsAPI(t *testing.T) {
	each(t, func(h *harness) {
		e := h.inbox(t)
		tok, in := e.tok, e.base+"/inbox"
		conv := in + "/conversations"
		count := func(query string) int {
			t.Helper()
			list, _ := h.do(http.MethodGet, conv+"?"+query, tok, nil).want(t, 200).list()
			return len(list)
		}

		// Pages, newest activity first: the direct message came last.
		r := h.do(http.MethodGet, conv+"?limit=2", tok, nil).want(t, 200)
		first, next := r.list()
		if len(first) != 2 || next == "" || first[0]["id"] != e.dm {
			t.Fatalf("first page: %s", r.body)
		}
		rest, end := h.do(http.MethodGet, conv+"?limit=2&cursor="+next, tok, nil).want(t, 200).list()
		if len(rest) != 1 || end != "" || rest[0]["id"] != e.thread {
			t.Fatalf("second page: %v %q", rest, end)
		}
		for query, want := range map[string]int{
			"type=mention": 1, "type=message": 1, "type=comment": 1, "channel=" + e.ch: 3, "q=VEGAN": 1, "unanswered_hours=1": 3,
			"unanswered_hours=10": 0, "status=done": 0, "status=all": 3, "assignee=none": 3, "question=false": 3,
		} {
			if got := count(query); got != want {
				t.Errorf("?%s: %d conversations, want %d", query, got, want)
			}
		}
		// The sentiment filter agrees with the messages' own sentiment.
		negative := 0
		for _, id := range []string{e.thread, e.mention, e.dm} {
			msgs := h.do(http.MethodGet, conv+"/"+id, tok, nil).want(t, 200).json["messages"].([]any)
			for _, m := range msgs {
				if m.(map[string]any)["sentiment"] == "negative" {
					negative++
					break
				}
			}
		}
		if got := count("sentiment=negative"); got != negative {
			t.Errorf("?sentiment=negative: %d, want %d", got, negative)
		}
		for query, field := range map[string]string{
			"channel=nope": "channel", "type=tweet": "type", "status=closed": "status", "sentiment=angry": "sentiment",
			"unanswered_hours=-2": "unanswered_hours", "unanswered_hours=soon": "unanswered_hours", "question=maybe": "question",
			"assignee=bob": "assignee", "limit=0": "limit", "cursor=abc": "cursor", "q=" + strings.Repeat("x", 201): "q",
		} {
			h.do(http.MethodGet, conv+"?"+query, tok, nil).wantProblem(t, 400, "validation", field)
		}

		// The thread with its original post; opening it marks it read.
		r = h.do(http.MethodGet, conv+"/"+e.thread, tok, nil).want(t, 200)
		c := r.json["conversation"].(map[string]any)
		if c["root_text"] != "Our spring menu" || c["kind"] != "comments" || len(r.json["messages"].([]any)) != 2 || r.json["contact"] == nil {
			t.Fatalf("thread: %s", r.body)
		}
		if r = h.do(http.MethodGet, conv+"/"+e.thread, tok, nil).want(t, 200); r.json["conversation"].(map[string]any)["unread"] != float64(0) {
			t.Fatalf("still unread: %s", r.body)
		}
		first2 := r.json["messages"].([]any)[0].(map[string]any)
		h.do(http.MethodGet, conv+"/01jq3v6m2k8x9c0d4e5f6g7h8j", tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodGet, conv+"/NOPE", tok, nil).wantProblem(t, 404, "not-found", "")

		// One change, then the same to many.
		h.do(http.MethodPatch, conv+"/"+e.thread, tok, map[string]any{"assignee_id": e.ada.ID, "priority": 2, "add_tags": []string{"food", "vip"}}).want(t, 204)
		if count("assignee="+e.ada.ID) != 1 || count("tag=vip") != 1 {
			t.Fatal("assignee and tag filters after the change")
		}
		h.do(http.MethodPatch, conv+"/"+e.thread, tok, map[string]any{"remove_tags": []string{"vip"}}).want(t, 204)
		if r = h.do(http.MethodGet, conv+"/"+e.thread, tok, nil); strings.Join(stringsOf(r.json["conversation"].(map[string]any)["tags"]), ",") != "food" {
			t.Fatalf("tags: %s", r.body)
		}
		h.do(http.MethodPatch, conv+"/"+e.thread, tok, map[string]any{}).wantProblem(t, 400, "validation", "status")
		h.do(http.MethodPatch, conv+"/"+e.thread, tok, map[string]any{"status": "closed"}).wantProblem(t, 400, "validation", "status")
		h.do(http.MethodPatch, conv+"/"+e.thread, tok, map[string]any{"snoozed_until": "2020-01-01T00:00:00Z"}).wantProblem(t, 400, "validation", "snoozed_until")
		h.do(http.MethodPatch, conv+"/"+e.thread, tok, map[string]any{"snoozed_until": "tomorrow"}).wantProblem(t, 400, "validation", "snoozed_until")
		h.do(http.MethodPatch, conv+"/"+e.thread, tok, map[string]any{"status": "done", "snoozed_until": "2099-01-01T00:00:00Z"}).wantProblem(t, 400, "validation", "snoozed_until")
		h.do(http.MethodPatch, conv+"/"+e.thread, tok, map[string]any{"priority": 5}).wantProblem(t, 400, "validation", "priority")
		h.do(http.MethodPatch, conv+"/"+e.thread, tok, map[string]any{"add_tags": []string{" "}}).wantProblem(t, 400, "validation", "add_tags")
		h.do(http.MethodPatch, conv+"/"+e.thread, tok, map[string]any{"assignee_id": "01jq3v6m2k8x9c0d4e5f6g7h8j"}).wantProblem(t, 400, "validation", "assignee_id")
		h.do(http.MethodPatch, conv+"/"+e.thread, tok, map[string]any{"colour": "red"}).wantProblem(t, 400, "validation", "colour")
		h.do(http.MethodPatch, conv+"/01jq3v6m2k8x9c0d4e5f6g7h8j", tok, map[string]any{"status": "done"}).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodPatch, conv+"/"+e.mention, tok, map[string]any{"snoozed_until": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}).want(t, 204)
		if count("status=snoozed") != 1 || count("") != 2 {
			t.Fatal("snoozed filter")
		}

		h.do(http.MethodPost, conv+"/bulk", tok, map[string]any{"ids": []string{}, "status": "done"}).wantProblem(t, 400, "validation", "ids")
		h.do(http.MethodPost, conv+"/bulk", tok, map[string]any{"ids": []string{e.dm, e.dm}, "status": "done"}).wantProblem(t, 400, "validation", "ids")
		h.do(http.MethodPost, conv+"/bulk", tok, map[string]any{"ids": []string{e.dm, "01jq3v6m2k8x9c0d4e5f6g7h8j"}, "status": "done"}).wantProblem(t, 404, "not-found", "")
		if count("status=done") != 0 {
			t.Fatal("a refused bulk change changed something")
		}
		if r = h.do(http.MethodPost, conv+"/bulk", tok, map[string]any{"ids": []string{e.dm, e.mention}, "status": "done"}).want(t, 200); r.json["updated"] != float64(2) {
			t.Fatalf("bulk: %s", r.body)
		}
		if count("status=done") != 2 || count("") != 1 {
			t.Fatal("after bulk done")
		}

		// A note, never sent, and replies.
		h.do(http.MethodPost, conv+"/"+e.thread+"/notes", tok, map[string]any{"body": " "}).wantProblem(t, 400, "validation", "body")
		n := h.do(http.MethodPost, conv+"/"+e.thread+"/notes", tok, map[string]any{"body": "Ask the kitchen"}).want(t, 201)
		if n.str("body") != "Ask the kitchen" || n.str("user_id") != e.ada.ID {
			t.Fatalf("note: %s", n.body)
		}
		h.do(http.MethodPost, conv+"/"+e.thread+"/replies", tok, map[string]any{"text": "  "}).wantProblem(t, 400, "validation", "text")
		h.do(http.MethodPost, conv+"/"+e.thread+"/replies", tok, map[string]any{"text": "Yes", "parent_id": "c1"}).wantProblem(t, 400, "validation", "parent_id")
		h.do(http.MethodPost, conv+"/"+e.thread+"/replies", tok, map[string]any{"text": "Yes", "parent_id": "01jq3v6m2k8x9c0d4e5f6g7h8j"}).wantProblem(t, 400, "validation", "parent_id")
		out := h.do(http.MethodPost, conv+"/"+e.thread+"/replies", tok, map[string]any{"text": "Yes, all of it!", "parent_id": first2["id"]}).want(t, 201)
		if out.str("state") != "sending" || out.str("direction") != "out" || out.str("parent_remote_id") != "c1" || out.str("sent_by") != e.ada.ID {
			t.Fatalf("reply: %s", out.body)
		}
		r = h.do(http.MethodGet, conv+"/"+e.thread, tok, nil).want(t, 200)
		if len(r.json["messages"].([]any)) != 3 || len(r.json["notes"].([]any)) != 1 {
			t.Fatalf("thread after note and reply: %s", r.body)
		}

		// Reactions go to the network at once.
		h.do(http.MethodPost, in+"/messages/"+first2["id"].(string)+"/reactions", tok, map[string]any{"reaction": "❤"}).want(t, 204)
		h.do(http.MethodPost, in+"/messages/"+out.str("id")+"/reactions", tok, map[string]any{}).wantProblem(t, 400, "validation", "message")
		h.do(http.MethodPost, in+"/messages/01jq3v6m2k8x9c0d4e5f6g7h8j/reactions", tok, map[string]any{}).wantProblem(t, 404, "not-found", "")

		// Replies by editors wait for approval, which they cannot give.
		ws := strings.TrimPrefix(e.base, "/api/v1/workspaces/")
		ed := h.user("eddie@example.com")
		h.join(tok, ws, ed, "editor")
		edTok := h.token(ed)
		h.do(http.MethodPut, in+"/settings", tok, map[string]any{"reply_approval_roles": []string{"editor"}}).want(t, 200)
		pending := h.do(http.MethodPost, conv+"/"+e.thread+"/replies", edTok, map[string]any{"text": "Let me check"}).want(t, 201)
		if pending.str("state") != "pending_approval" {
			t.Fatalf("editor's reply: %s", pending.body)
		}
		approval := in + "/messages/" + pending.str("id") + "/approval"
		h.do(http.MethodPost, approval, tok, map[string]any{}).wantProblem(t, 400, "validation", "approve")
		h.do(http.MethodPost, approval, edTok, map[string]any{"approve": true}).wantProblem(t, 403, "forbidden", "")
		h.do(http.MethodPost, approval, tok, map[string]any{"approve": true}).want(t, 204)
		h.do(http.MethodPost, approval, tok, map[string]any{"approve": false}).wantProblem(t, 409, "conflict", "state")
		h.do(http.MethodPost, in+"/messages/01jq3v6m2k8x9c0d4e5f6g7h8j/approval", tok, map[string]any{"approve": true}).wantProblem(t, 404, "not-found", "")

		// Unread counts: the two done conversations were read when closed.
		h.ingest(ws, e.ch, []provider.Interaction{{Kind: "reply", ID: "c3", ParentID: "c1", RootID: "post-1", AuthorID: "cy", Author: "@cy", Text: "me too"}}, 0)
		if r = h.do(http.MethodGet, in+"/unread", tok, nil).want(t, 200); r.json["total"] != float64(1) {
			t.Fatalf("unread: %s", r.body)
		}
	})
}

func stringsOf(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// Saved replies (a bad variable refused), saved views, contacts: update,
// merge, export and erasure (after which their messages are gone).
func TestInboxRepliesViewsContactsAPI(t *testing.T) {
	each(t, func(h *harness) {
		e := h.inbox(t)
		tok, in := e.tok, e.base+"/inbox"

		sr := in + "/saved-replies"
		h.do(http.MethodPost, sr, tok, map[string]any{"name": "Thanks", "body": "Thanks {{nmae}}!"}).wantProblem(t, 400, "validation", "body")
		h.do(http.MethodPost, sr, tok, map[string]any{"name": "", "body": "Thanks"}).wantProblem(t, 400, "validation", "name")
		r := h.do(http.MethodPost, sr, tok, map[string]any{"name": "Thanks", "body": "Thanks {{name}}, from {{agent}}"}).want(t, 201)
		id := r.str("id")
		if r.header.Get("Location") != sr+"/"+id {
			t.Fatalf("Location %q", r.header.Get("Location"))
		}
		h.do(http.MethodPost, sr, tok, map[string]any{"name": "Thanks", "body": "again"}).wantProblem(t, 409, "conflict", "name")
		if r = h.do(http.MethodPut, sr+"/"+id, tok, map[string]any{"name": "Thank you", "body": "Thank you {{ name }}"}).want(t, 200); r.str("name") != "Thank you" {
			t.Fatalf("updated: %s", r.body)
		}
		h.do(http.MethodPut, sr+"/"+id, tok, map[string]any{"name": "Thank you", "body": "{{price}}"}).wantProblem(t, 400, "validation", "body")
		h.do(http.MethodPut, sr+"/01jq3v6m2k8x9c0d4e5f6g7h8j", tok, map[string]any{"name": "X", "body": "Y"}).wantProblem(t, 404, "not-found", "")
		if list := h.do(http.MethodGet, sr, tok, nil).want(t, 200).json["saved_replies"].([]any); len(list) != 1 {
			t.Fatalf("saved replies: %v", list)
		}
		h.do(http.MethodDelete, sr+"/"+id, tok, nil).want(t, 204)
		h.do(http.MethodDelete, sr+"/"+id, tok, nil).wantProblem(t, 404, "not-found", "")

		views := in + "/views"
		v := h.do(http.MethodPost, views, tok, map[string]any{"name": "Angry", "query": "?sentiment=negative"}).want(t, 201)
		if v.str("query") != "sentiment=negative" {
			t.Fatalf("view: %s", v.body)
		}
		if again := h.do(http.MethodPost, views, tok, map[string]any{"name": "Angry", "query": "sentiment=negative&status=all"}).want(t, 200); again.str("id") != v.str("id") || again.str("query") != "sentiment=negative&status=all" {
			t.Fatalf("view replaced: %s", again.body)
		}
		h.do(http.MethodPost, views, tok, map[string]any{"name": " ", "query": ""}).wantProblem(t, 400, "validation", "name")
		h.do(http.MethodPost, views, tok, map[string]any{"name": "Bad", "query": "a=%zz"}).wantProblem(t, 400, "validation", "query")
		if list := h.do(http.MethodGet, views, tok, nil).want(t, 200).json["views"].([]any); len(list) != 1 {
			t.Fatalf("views: %v", list)
		}
		h.do(http.MethodDelete, views+"/"+v.str("id"), tok, nil).want(t, 204)
		h.do(http.MethodDelete, views+"/"+v.str("id"), tok, nil).wantProblem(t, 404, "not-found", "")

		// Contacts: Alice and Bob from the thread, Dee from the mention and the DM.
		contacts := e.base + "/contacts"
		all := h.do(http.MethodGet, contacts, tok, nil).want(t, 200).json["contacts"].([]any)
		byName := map[string]string{}
		for _, c := range all {
			m := c.(map[string]any)
			byName[m["name"].(string)] = m["id"].(string)
		}
		alice, bob, dee := byName["@alice"], byName["@bob"], byName["@dee"]
		if len(all) != 3 || alice == "" || bob == "" || dee == "" {
			t.Fatalf("contacts: %v", all)
		}
		if list := h.do(http.MethodGet, contacts+"?q=BO", tok, nil).want(t, 200).json["contacts"].([]any); len(list) != 1 {
			t.Fatalf("search: %v", list)
		}
		if r = h.do(http.MethodGet, contacts+"/"+dee, tok, nil).want(t, 200); len(r.json["messages"].([]any)) != 2 {
			t.Fatalf("Dee's history: %s", r.body)
		}
		r = h.do(http.MethodPatch, contacts+"/"+alice, tok, map[string]any{"vip": true, "notes": "Regular", "tags": []string{"vegan"}}).want(t, 200)
		if r.json["vip"] != true || r.str("notes") != "Regular" || r.str("name") != "@alice" || len(r.json["handles"].([]any)) != 1 {
			t.Fatalf("updated contact: %s", r.body)
		}
		h.do(http.MethodPatch, contacts+"/"+alice, tok, map[string]any{"name": ""}).wantProblem(t, 400, "validation", "name")
		h.do(http.MethodPatch, contacts+"/"+alice, tok, map[string]any{"tags": []string{""}}).wantProblem(t, 400, "validation", "tags")
		h.do(http.MethodPatch, contacts+"/01jq3v6m2k8x9c0d4e5f6g7h8j", tok, map[string]any{"vip": true}).wantProblem(t, 404, "not-found", "")

		h.do(http.MethodPost, contacts+"/"+alice+"/merge", tok, map[string]any{"from": alice}).wantProblem(t, 400, "validation", "from")
		h.do(http.MethodPost, contacts+"/"+alice+"/merge", tok, map[string]any{"from": "bob"}).wantProblem(t, 400, "validation", "from")
		h.do(http.MethodPost, contacts+"/"+alice+"/merge", tok, map[string]any{"from": "01jq3v6m2k8x9c0d4e5f6g7h8j"}).wantProblem(t, 404, "not-found", "")
		r = h.do(http.MethodPost, contacts+"/"+alice+"/merge", tok, map[string]any{"from": bob}).want(t, 200)
		if len(r.json["messages"].([]any)) != 2 || len(r.json["contact"].(map[string]any)["handles"].([]any)) != 2 || r.json["contact"].(map[string]any)["vip"] != true {
			t.Fatalf("merged: %s", r.body)
		}
		h.do(http.MethodGet, contacts+"/"+bob, tok, nil).wantProblem(t, 404, "not-found", "")

		x := h.do(http.MethodGet, contacts+"/"+alice+"/export", tok, nil).want(t, 200)
		if x.header.Get("Content-Disposition") != `attachment; filename="contact-`+alice+`.json"` || len(x.json["messages"].([]any)) != 2 ||
			x.json["contact"].(map[string]any)["notes"] != "Regular" {
			t.Fatalf("export: %s %v", x.body, x.header)
		}
		h.do(http.MethodDelete, contacts+"/"+alice, tok, nil).want(t, 204)
		h.do(http.MethodDelete, contacts+"/"+alice, tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodGet, contacts+"/"+alice+"/export", tok, nil).wantProblem(t, 404, "not-found", "")
		r = h.do(http.MethodGet, in+"/conversations/"+e.thread, tok, nil).want(t, 200)
		if len(r.json["messages"].([]any)) != 0 || r.json["contact"] != nil || strings.Contains(string(r.body), "vegan") {
			t.Fatalf("after erasure the thread still holds: %s", r.body)
		}
		if list := h.do(http.MethodGet, contacts, tok, nil).want(t, 200).json["contacts"].([]any); len(list) != 1 {
			t.Fatalf("contacts after erasure: %v", list)
		}
	})
}

// getJSON fetches an answer documented with more than one media type (so
// the harness cannot pick its schema) and checks it against schema.
func (h *harness) getJSON(path, token, schema string) map[string]any {
	h.t.Helper()
	res, body := h.rawDo(http.MethodGet, path, token, "", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" {
		h.t.Fatalf("GET %s: %d %s: %s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		h.t.Fatal(err)
	}
	if errs := h.validate(map[string]any{"$ref": "#/components/schemas/" + schema}, v, "$"); len(errs) > 0 {
		h.t.Fatalf("GET %s does not fit %s:\n  %s\n%s", path, schema, strings.Join(errs, "\n  "), body)
	}
	return v
}

// Settings with their validation, and the team report as JSON and CSV.
func TestInboxSettingsAndReportAPI(t *testing.T) {
	each(t, func(h *harness) {
		e := h.inbox(t)
		tok, in := e.tok, e.base+"/inbox"

		st := h.do(http.MethodGet, in+"/settings", tok, nil).want(t, 200)
		if st.str("zone") != "UTC" || st.json["updated_at"] != nil || st.json["escalate_email"] != nil {
			t.Fatalf("default settings: %s", st.body)
		}
		hours := func(from, to string) []any { return []any{map[string]any{"weekday": 1, "from": from, "to": to}} }
		for field, body := range map[string]map[string]any{
			"zone":                 {"zone": "Mars/Olympus"},
			"hours.0.to":           {"zone": "Europe/Paris", "hours": hours("17:00", "09:00")},
			"hours.0.from":         {"hours": hours("9am", "17:00")},
			"hours":                {"hours": []any{map[string]any{"weekday": 9, "from": "09:00", "to": "17:00"}}},
			"first_response_mins":  {"first_response_mins": -5},
			"reply_approval_roles": {"reply_approval_roles": []string{"boss"}},
			"escalate_email":       {"escalate_email": "support"},
			"escalate_webhook":     {"escalate_webhook": "ftp://x"},
		} {
			h.do(http.MethodPut, in+"/settings", tok, body).wantProblem(t, 400, "validation", field)
		}
		// Open all week, so the service-level clock (business time) runs
		// whenever the test does.
		var allWeek []any
		for d := 0; d < 7; d++ {
			allWeek = append(allWeek, map[string]any{"weekday": d, "from": "00:00", "to": "23:59"})
		}
		st = h.do(http.MethodPut, in+"/settings", tok, map[string]any{"zone": "Europe/Paris", "hours": allWeek,
			"first_response_mins": 60, "warn_before_mins": 15, "escalate_email": "care@example.com"}).want(t, 200)
		if st.json["hours"].([]any)[0].(map[string]any)["to"] != "23:59" || st.str("escalate_email") != "care@example.com" || st.json["updated_at"] == nil {
			t.Fatalf("saved settings: %s", st.body)
		}
		if again := h.do(http.MethodGet, in+"/settings", tok, nil).want(t, 200); again.str("zone") != "Europe/Paris" || again.json["first_response_mins"] != float64(60) {
			t.Fatalf("settings read back: %s", again.body)
		}

		// One conversation answered (by a reply marked sent), one resolved.
		h.do(http.MethodPatch, in+"/conversations/"+e.dm, tok, map[string]any{"status": "done", "assignee_id": e.ada.ID}).want(t, 204)
		// The channel's name is text a spreadsheet could run.
		h.do(http.MethodPatch, e.base+"/channels/"+e.ch, tok, map[string]any{"name": "=HYPERLINK(\"x\")"}).want(t, 200)

		paris, _ := time.LoadLocation("Europe/Paris")
		today := time.Now().In(paris).Format(time.DateOnly)
		week := time.Now().In(paris).AddDate(0, 0, -6).Format(time.DateOnly)
		rep := h.getJSON(in+"/report?from="+week+"&to="+today, tok, "InboxReport")
		if rep["conversations"] != float64(3) || rep["messages"] != float64(4) || rep["resolved"] != float64(1) || rep["breached"] != float64(3) ||
			rep["zone"] != "Europe/Paris" || rep["from"] != week || rep["to"] != today {
			t.Fatalf("report: %v", rep)
		}
		people := rep["by_person"].([]any)
		if len(people) != 2 || rep["by_channel"].([]any)[0].(map[string]any)["name"] != "=HYPERLINK(\"x\")" {
			t.Fatalf("report lines: %v", rep)
		}
		if def := h.getJSON(in+"/report", tok, "InboxReport"); def["conversations"] != float64(3) || def["to"] != today {
			t.Fatalf("default period: %v", def)
		}
		old := h.getJSON(in+"/report?from=2020-01-01&to=2020-01-31", tok, "InboxReport")
		if old["conversations"] != float64(0) || old["median_first_response_secs"] != nil {
			t.Fatalf("empty period: %v", old)
		}
		for query, field := range map[string]string{
			"from=2026-13-01": "from", "to=yesterday": "to", "from=2026-05-02&to=2026-05-01": "to", "from=2020-01-01&to=2026-01-01": "from",
			"format=xml": "format",
		} {
			h.do(http.MethodGet, in+"/report?"+query, tok, nil).wantProblem(t, 400, "validation", field)
		}

		for _, variant := range [][]string{{"?format=csv&from=" + week}, {"?from=" + week, "Accept", "text/csv"}} {
			res, body := h.rawDo(http.MethodGet, in+"/report"+variant[0], tok, "", "", variant[1:]...)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
				!strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="inbox-report-`) {
				t.Fatalf("CSV report: %d %v\n%s", res.StatusCode, res.Header, body)
			}
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(rows[0], ",") != "group,id,name,conversations,messages,answered,resolved,breached,median_first_response_secs,median_resolution_secs" ||
				rows[1][0] != "total" || rows[1][3] != "3" || len(rows) != 1+1+2+1 {
				t.Fatalf("CSV rows: %q", rows)
			}
			last := rows[len(rows)-1]
			if last[0] != "channel" || last[2] != `'=HYPERLINK("x")` {
				t.Fatalf("formula not guarded: %q", last)
			}
		}
	})
}

// Rules: a bad pattern refused with its position, create, change, order,
// dry run, delete, and undoing an automatic action.
func TestInboxRulesAPI(t *testing.T) {
	each(t, func(h *harness) {
		e := h.inbox(t)
		tok, rules := e.tok, e.base+"/inbox/rules"
		ws := strings.TrimPrefix(e.base, "/api/v1/workspaces/")

		tag := func(words, tags string) map[string]any {
			return map[string]any{"name": "Tag " + tags, "conditions": []any{map[string]any{"type": "keywords", "words": strings.Split(words, ",")}},
				"actions": []any{map[string]any{"type": "tag", "tags": []string{tags}}}}
		}
		bad := map[string]any{"name": "Bad", "conditions": []any{map[string]any{"type": "regexp", "pattern": "(vegan"}},
			"actions": []any{map[string]any{"type": "done"}}}
		r := h.do(http.MethodPost, rules, tok, bad).wantProblem(t, 400, "validation", "conditions.0.pattern")
		if !strings.Contains(string(r.body), "position 0") {
			t.Fatalf("no position: %s", r.body)
		}
		h.do(http.MethodPost, rules, tok, map[string]any{"name": "No actions", "conditions": []any{map[string]any{"type": "vip"}}}).wantProblem(t, 400, "validation", "actions")
		h.do(http.MethodPost, rules, tok, map[string]any{"name": "X", "conditions": []any{map[string]any{"type": "moon"}},
			"actions": []any{map[string]any{"type": "done"}}}).wantProblem(t, 400, "validation", "conditions.0.type")

		dry := h.do(http.MethodPost, rules+"/dry-run", tok, tag("vegan,sunday", "menu")).want(t, 200)
		if dry.json["examined"] != float64(4) || dry.json["matched"] != float64(2) {
			t.Fatalf("dry run: %s", dry.body)
		}
		a := h.do(http.MethodPost, rules, tok, tag("vegan", "food")).want(t, 201)
		b := h.do(http.MethodPost, rules, tok, tag("refund", "money")).want(t, 201)
		if a.json["priority"] != float64(1) || b.json["priority"] != float64(2) || a.json["enabled"] != true {
			t.Fatalf("rules: %s %s", a.body, b.body)
		}
		changed := tag("vegan,vegetarian", "food")
		changed["enabled"] = false
		if r = h.do(http.MethodPut, rules+"/"+a.str("id"), tok, changed).want(t, 200); r.json["enabled"] != false || r.json["priority"] != float64(1) {
			t.Fatalf("changed: %s", r.body)
		}
		h.do(http.MethodPut, rules+"/01jq3v6m2k8x9c0d4e5f6g7h8j", tok, changed).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodPost, rules+"/order", tok, map[string]any{"ids": []string{b.str("id")}}).wantProblem(t, 400, "validation", "ids")
		r = h.do(http.MethodPost, rules+"/order", tok, map[string]any{"ids": []string{b.str("id"), a.str("id")}}).want(t, 200)
		if list := r.json["rules"].([]any); list[0].(map[string]any)["id"] != b.str("id") {
			t.Fatalf("order: %s", r.body)
		}
		h.do(http.MethodDelete, rules+"/"+a.str("id"), tok, nil).want(t, 204)
		h.do(http.MethodDelete, rules+"/"+a.str("id"), tok, nil).wantProblem(t, 404, "not-found", "")
		if list := h.do(http.MethodGet, rules, tok, nil).want(t, 200).json["rules"].([]any); len(list) != 1 {
			t.Fatalf("rules left: %v", list)
		}

		// A new message the remaining rule tags; its action is undone.
		h.ingest(ws, e.ch, []provider.Interaction{{Kind: "reply", ID: "c9", ParentID: "c1", RootID: "post-1", AuthorID: "cy", Author: "@cy", Text: "I want a refund"}}, 0)
		r = h.do(http.MethodGet, e.base+"/inbox/conversations?tag=money", tok, nil).want(t, 200)
		if list, _ := r.list(); len(list) != 1 {
			t.Fatalf("rule did not tag: %s", r.body)
		}
		ctx := context.Background()
		msgs, err := h.app.Store.Read().MessagesByRemote(ctx, e.ch, []string{"c9"})
		if err != nil || len(msgs) != 1 {
			t.Fatal(msgs, err)
		}
		acts, _ := h.do(http.MethodGet, e.base+"/inbox/messages/"+msgs[0].ID+"/rule-actions", tok, nil).want(t, 200).list()
		if len(acts) != 1 || acts[0]["undoable"] != true {
			t.Fatalf("the message's actions: %v", acts)
		}
		actID := acts[0]["id"].(string)
		h.ingest(ws, e.ch, []provider.Interaction{{Kind: "reply", ID: "c10", ParentID: "post-7", RootID: "post-7", AuthorID: "dee", Author: "@dee", Text: "refund?"}}, 0)
		ruleLog(t, h, e.base, tok, b.str("id"), actID)
		undo := e.base + "/inbox/rule-actions/" + actID + "/undo"
		r = h.do(http.MethodPost, undo, tok, nil).want(t, 200)
		if r.json["undone_at"] == nil || r.json["undoable"] != false || r.json["action"].(map[string]any)["type"] != "tag" {
			t.Fatalf("undone: %s", r.body)
		}
		h.do(http.MethodPost, undo, tok, nil).wantProblem(t, 409, "conflict", "action")
		h.do(http.MethodPost, e.base+"/inbox/rule-actions/01jq3v6m2k8x9c0d4e5f6g7h8j/undo", tok, nil).wantProblem(t, 404, "not-found", "")
		if list, _ := h.do(http.MethodGet, e.base+"/inbox/conversations?tag=money", tok, nil).want(t, 200).list(); len(list) != 1 || list[0]["root_remote_id"] != "post-7" {
			t.Fatalf("still tagged: %v", list)
		}
	})
}

// ruleLog checks the workspace's action log after a rule tagged a
// conversation (actID) and then another: newest first with the message,
// one rule's alone, paged, bad filters refused by name.
func ruleLog(t *testing.T, h *harness, base, tok, ruleID, actID string) {
	t.Helper()
	log := base + "/inbox/rule-actions?rule=" + ruleID
	r := h.do(http.MethodGet, log, tok, nil).want(t, 200)
	list, _ := r.list()
	if len(list) != 2 || list[1]["id"] != actID || list[1]["author"] != "@cy" || list[1]["text"] != "I want a refund" ||
		list[1]["conversation_id"] == nil || list[0]["author"] != "@dee" || list[0]["conversation_id"] == list[1]["conversation_id"] {
		t.Fatalf("the rule's log: %s", r.body)
	}
	first := h.do(http.MethodGet, log+"&limit=1", tok, nil).want(t, 200)
	cursor, _ := first.json["next_cursor"].(string)
	r = h.do(http.MethodGet, log+"&limit=1&cursor="+cursor, tok, nil).want(t, 200)
	if next, _ := r.list(); len(next) != 1 || next[0]["id"] != actID || r.json["next_cursor"] != nil {
		t.Fatalf("second page: %s", r.body)
	}
	if all, _ := h.do(http.MethodGet, base+"/inbox/rule-actions", tok, nil).want(t, 200).list(); len(all) < 2 {
		t.Fatalf("the workspace's log: %v", all)
	}
	h.do(http.MethodGet, base+"/inbox/rule-actions?rule=nope", tok, nil).wantProblem(t, 400, "validation", "rule")
	h.do(http.MethodGet, base+"/inbox/rule-actions?limit=0", tok, nil).wantProblem(t, 400, "validation", "limit")
}

// A token limited to inbox:read reads but changes nothing; a Viewer reads
// the inbox but may not reply, manage, set up, export or erase.
func TestInboxPermissionsAPI(t *testing.T) {
	each(t, func(h *harness) {
		e := h.inbox(t)
		in, conv := e.base+"/inbox", e.base+"/inbox/conversations/"+e.thread
		ws := strings.TrimPrefix(e.base, "/api/v1/workspaces/")
		reader := h.token(e.ada, model.ScopeInboxRead)
		h.do(http.MethodGet, in+"/conversations", reader, nil).want(t, 200)
		h.do(http.MethodGet, conv, reader, nil).want(t, 200)
		h.do(http.MethodPatch, conv, reader, map[string]any{"status": "done"}).wantProblem(t, 403, "insufficient-scope", "")
		h.do(http.MethodPost, conv+"/replies", reader, map[string]any{"text": "hi"}).wantProblem(t, 403, "insufficient-scope", "")
		h.do(http.MethodPut, in+"/settings", reader, map[string]any{}).wantProblem(t, 403, "insufficient-scope", "")
		other := h.token(e.ada, model.ScopePostsRead, model.ScopePostsWrite)
		h.do(http.MethodGet, in+"/conversations", other, nil).wantProblem(t, 403, "insufficient-scope", "")

		vic := h.user("vic@example.com")
		h.join(e.tok, ws, vic, "viewer")
		vt := h.token(vic)
		h.do(http.MethodGet, in+"/conversations", vt, nil).want(t, 200)
		h.do(http.MethodGet, conv, vt, nil).want(t, 200)
		h.do(http.MethodGet, in+"/unread", vt, nil).want(t, 200)
		h.do(http.MethodGet, in+"/settings", vt, nil).want(t, 200)
		h.getJSON(in+"/report", vt, "InboxReport")
		some := h.do(http.MethodGet, conv, vt, nil).json["messages"].([]any)[0].(map[string]any)["id"].(string)
		h.do(http.MethodGet, in+"/messages/"+some+"/rule-actions", vt, nil).want(t, 200)
		h.do(http.MethodPost, in+"/views", vt, map[string]any{"name": "Mine", "query": "status=all"}).want(t, 201)
		contact := h.do(http.MethodGet, e.base+"/contacts", vt, nil).want(t, 200).json["contacts"].([]any)[0].(map[string]any)["id"].(string)
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{http.MethodPost, conv + "/replies", map[string]any{"text": "hi"}},
			{http.MethodPatch, conv, map[string]any{"status": "done"}},
			{http.MethodPost, in + "/conversations/bulk", map[string]any{"ids": []string{e.thread}, "status": "done"}},
			{http.MethodPost, conv + "/notes", map[string]any{"body": "hi"}},
			{http.MethodPost, in + "/saved-replies", map[string]any{"name": "A", "body": "B"}},
			{http.MethodPut, in + "/settings", map[string]any{"zone": "UTC"}},
			{http.MethodGet, in + "/rules", nil},
			{http.MethodGet, in + "/rule-actions", nil},
			{http.MethodPost, in + "/rules/dry-run", map[string]any{"name": "A", "conditions": []any{map[string]any{"type": "vip"}}, "actions": []any{map[string]any{"type": "done"}}}},
			{http.MethodPatch, e.base + "/contacts/" + contact, map[string]any{"vip": true}},
			{http.MethodGet, e.base + "/contacts/" + contact + "/export", nil},
			{http.MethodDelete, e.base + "/contacts/" + contact, nil},
		} {
			h.do(c.method, c.path, vt, c.body).wantProblem(t, 403, "forbidden", "")
		}
		// A stranger's workspace looks missing.
		st := h.token(h.user("stranger@example.com"))
		h.do(http.MethodGet, in+"/conversations", st, nil).wantProblem(t, 404, "not-found", "")
	})
}
