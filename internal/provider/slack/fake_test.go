package slack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"

	"herald/internal/provider/count"
)

// fakeSlack is Slack's Web API and incoming webhooks reduced to what Herald
// uses, written from api.slack.com/methods: POST/GET /api/<method> with a
// Bearer token, HTTP 200 with {"ok":false,"error":"..."} for errors, 429 with
// Retry-After and {"ok":false,"error":"ratelimited"}, the external upload
// flow, message metadata, threads, reactions; webhooks answer "ok" or an
// HTTP error with a plain-text code.
type fakeSlack struct {
	*httptest.Server
	mu        sync.Mutex
	token     string
	revoked   bool
	member    bool
	clock     int64
	msgs      []*fakeMsg
	files     map[string]*fakeFile
	hookPath  string
	hookMsgs  []map[string]any
	limited   bool
	fault     string // next chat.postMessage: drop, hang, 500, fatal_error
	posts     int
	hookFault string
}

type fakeMsg struct {
	TS, ThreadTS, User, BotID, Text string
	Blocks                          []any
	Metadata                        map[string]any
	Reactions                       map[string][]string
	Names                           []string
	Deleted                         bool
}

type fakeFile struct {
	ID, Name, Alt string
	Uploaded      []byte
	Complete      bool
	Deleted       bool
}

func newFakeSlack() *fakeSlack {
	f := &fakeSlack{token: "xoxb-1-2-good", member: true, clock: 1700000000, files: map[string]*fakeFile{},
		hookPath: "/services/T0001/B0002/XXXXsecretXXXX"}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", f.api)
	mux.HandleFunc("POST /upload/v1/{id}", f.uploadBytes)
	mux.HandleFunc("POST /services/", f.hook)
	f.Server = httptest.NewServer(mux)
	return f
}

func ok(w http.ResponseWriter, v map[string]any) {
	v["ok"] = true
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func slackErr(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": code})
}

// args reads a method's arguments from the query, a form or a JSON body.
func args(r *http.Request) map[string]any {
	out := map[string]any{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &out)
		return out
	}
	r.ParseForm()
	for k, v := range r.Form {
		out[k] = v[0]
	}
	return out
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

func (f *fakeSlack) nextTS() string {
	f.clock++
	return fmt.Sprintf("%d.%06d", f.clock, f.clock%1000000)
}

func (f *fakeSlack) api(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	limited, tokOK, revoked := f.limited, r.Header.Get("Authorization") == "Bearer "+f.token, f.revoked
	f.mu.Unlock()
	switch {
	case limited:
		w.Header().Set("Retry-After", "42")
		w.WriteHeader(429)
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "ratelimited"})
		return
	case !tokOK:
		slackErr(w, "invalid_auth")
		return
	case revoked:
		slackErr(w, "token_revoked")
		return
	}
	a := args(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch m := r.PathValue("method"); m {
	case "auth.test":
		ok(w, map[string]any{"url": "https://herald-team.slack.com/", "team": "Herald Team", "user": "herald",
			"team_id": "T0001", "user_id": "U0BOT", "bot_id": "B0BOT"})
	case "conversations.info":
		if str(a, "channel") != "C0001" {
			slackErr(w, "channel_not_found")
			return
		}
		ok(w, map[string]any{"channel": map[string]any{"id": "C0001", "name": "announcements", "is_member": f.member, "is_archived": false}})
	case "chat.postMessage":
		f.postMessage(w, r, a)
	case "chat.delete":
		if msg := f.find(str(a, "ts")); msg != nil {
			msg.Deleted = true
			ok(w, map[string]any{"channel": "C0001", "ts": msg.TS})
			return
		}
		slackErr(w, "message_not_found")
	case "files.getUploadURLExternal":
		id := fmt.Sprintf("F%04d", len(f.files)+1)
		f.files[id] = &fakeFile{ID: id, Name: str(a, "filename"), Alt: str(a, "alt_txt")}
		ok(w, map[string]any{"upload_url": f.URL + "/upload/v1/" + id, "file_id": id})
	case "files.completeUploadExternal":
		var list []map[string]string
		json.Unmarshal([]byte(str(a, "files")), &list)
		for _, it := range list {
			if fl := f.files[it["id"]]; fl == nil || fl.Uploaded == nil {
				slackErr(w, "invalid_arguments")
				return
			}
			f.files[it["id"]].Complete = true
		}
		ok(w, map[string]any{"files": list})
	case "files.delete":
		if fl := f.files[str(a, "file")]; fl != nil && !fl.Deleted {
			fl.Deleted = true
			ok(w, map[string]any{})
			return
		}
		slackErr(w, "file_not_found")
	case "conversations.history", "conversations.replies":
		f.listMessages(w, m, a)
	case "reactions.get":
		msg := f.find(str(a, "timestamp"))
		if msg == nil {
			slackErr(w, "message_not_found")
			return
		}
		ok(w, map[string]any{"type": "message", "channel": "C0001", "message": f.messageJSON(msg)})
	case "reactions.add":
		msg := f.find(str(a, "timestamp"))
		if msg == nil {
			slackErr(w, "message_not_found")
			return
		}
		for _, u := range msg.Reactions[str(a, "name")] {
			if u == "U0BOT" {
				slackErr(w, "already_reacted")
				return
			}
		}
		f.react(msg, str(a, "name"), "U0BOT")
		ok(w, map[string]any{})
	default:
		slackErr(w, "unknown_method")
	}
}

// postMessage follows https://api.slack.com/methods/chat.postMessage. The
// caller holds f.mu.
func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request, a map[string]any) {
	f.posts++
	fault := f.fault
	f.fault = ""
	switch {
	case fault == "500":
		w.WriteHeader(500)
		return
	case str(a, "channel") != "C0001":
		slackErr(w, "channel_not_found")
		return
	case !f.member:
		slackErr(w, "not_in_channel")
		return
	case str(a, "text") == "" && a["blocks"] == nil:
		slackErr(w, "no_text")
		return
	case count.Count(str(a, "text"), count.Rule{Method: count.CodePoints}).Used > 40000:
		slackErr(w, "msg_too_long")
		return
	}
	blocks, _ := a["blocks"].([]any)
	for _, b := range blocks {
		if sf, _ := b.(map[string]any)["slack_file"].(map[string]any); sf != nil {
			if fl := f.files[str(sf, "id")]; fl == nil || !fl.Complete {
				slackErr(w, "invalid_blocks")
				return
			}
		}
	}
	meta, _ := a["metadata"].(map[string]any)
	msg := &fakeMsg{TS: f.nextTS(), ThreadTS: str(a, "thread_ts"), User: "U0BOT", BotID: "B0BOT", Text: str(a, "text"),
		Blocks: blocks, Metadata: meta, Reactions: map[string][]string{}}
	f.msgs = append(f.msgs, msg)
	switch fault {
	case "fatal_error":
		slackErr(w, "fatal_error")
	case "drop":
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	case "hang":
		f.mu.Unlock()
		<-r.Context().Done()
		f.mu.Lock()
	default:
		ok(w, map[string]any{"channel": "C0001", "ts": msg.TS, "message": f.messageJSON(msg)})
	}
}

func (f *fakeSlack) find(ts string) *fakeMsg {
	for _, m := range f.msgs {
		if m.TS == ts && !m.Deleted {
			return m
		}
	}
	return nil
}

func (f *fakeSlack) messageJSON(m *fakeMsg) map[string]any {
	out := map[string]any{"type": "message", "ts": m.TS, "user": m.User, "text": m.Text}
	if m.BotID != "" {
		out["bot_id"] = m.BotID
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	replies := 0
	for _, o := range f.msgs {
		if o.ThreadTS == m.TS && !o.Deleted {
			replies++
		}
	}
	if replies > 0 {
		out["thread_ts"], out["reply_count"] = m.TS, replies
	}
	if m.Metadata != nil {
		out["metadata"] = m.Metadata
	}
	var rs []map[string]any
	for _, n := range m.Names {
		rs = append(rs, map[string]any{"name": n, "users": m.Reactions[n], "count": len(m.Reactions[n])})
	}
	if rs != nil {
		out["reactions"] = rs
	}
	return out
}

// listMessages serves conversations.history (top-level messages, newest
// first) and conversations.replies (the parent then its replies, oldest
// first); metadata only with include_all_metadata. The caller holds f.mu.
func (f *fakeSlack) listMessages(w http.ResponseWriter, method string, a map[string]any) {
	withMeta := str(a, "include_all_metadata") == "true"
	var list []*fakeMsg
	for _, m := range f.msgs {
		if m.Deleted || (str(a, "oldest") != "" && m.TS <= str(a, "oldest") && m.TS != str(a, "ts")) {
			continue
		}
		if method == "conversations.history" && m.ThreadTS == "" {
			list = append(list, m)
		}
		if method == "conversations.replies" && (m.TS == str(a, "ts") || m.ThreadTS == str(a, "ts")) {
			list = append(list, m)
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		if method == "conversations.history" {
			return list[i].TS > list[j].TS
		}
		return list[i].TS < list[j].TS
	})
	var out []map[string]any
	for _, m := range list {
		js := f.messageJSON(m)
		if !withMeta {
			delete(js, "metadata")
		}
		out = append(out, js)
	}
	ok(w, map[string]any{"messages": out, "has_more": false})
}

func (f *fakeSlack) react(m *fakeMsg, name, user string) {
	if _, seen := m.Reactions[name]; !seen {
		m.Names = append(m.Names, name)
	}
	m.Reactions[name] = append(m.Reactions[name], user)
}

// uploadBytes is the upload URL of files.getUploadURLExternal.
func (f *fakeSlack) uploadBytes(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.files[r.PathValue("id")]
	if fl == nil {
		w.WriteHeader(404)
		return
	}
	fl.Uploaded = b
	io.WriteString(w, "OK - "+fmt.Sprint(len(b)))
}

// userReply adds a person's reply to a thread (tests).
func (f *fakeSlack) userReply(thread, user, text string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := &fakeMsg{TS: f.nextTS(), ThreadTS: thread, User: user, Text: text, Reactions: map[string][]string{}}
	f.msgs = append(f.msgs, m)
	return m.TS
}

// hook is an incoming webhook (https://api.slack.com/messaging/webhooks).
func (f *fakeSlack) hook(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	plain := func(code int, text string) { w.WriteHeader(code); io.WriteString(w, text) }
	if r.URL.Path != f.hookPath {
		plain(404, "no_service")
		return
	}
	if f.hookFault == "429" {
		w.Header().Set("Retry-After", "7")
		plain(429, "rate_limited")
		return
	}
	var msg map[string]any
	if json.NewDecoder(r.Body).Decode(&msg) != nil {
		plain(400, "invalid_payload")
		return
	}
	if str(msg, "text") == "" && msg["blocks"] == nil {
		plain(400, "no_text")
		return
	}
	if f.hookFault == "archived" {
		plain(410, "channel_is_archived")
		return
	}
	f.hookMsgs = append(f.hookMsgs, msg)
	plain(200, "ok")
}

// newHangServer accepts requests and never answers until the client gives up.
func newHangServer(t interface{ Cleanup(func()) }) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// set runs fn under the fake's lock: tests change and read its state while
// handlers of abandoned requests may still be running.
func (f *fakeSlack) set(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}
