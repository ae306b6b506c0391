package discord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"herald/internal/provider/count"
)

// fakeDiscord is Discord's REST API v10 reduced to what Herald uses, written
// from discord.com/developers/docs: webhook execute/get/delete, channel
// messages, reactions and bot replies; JSON error bodies {"code","message",
// "errors"}; X-RateLimit-* headers on every answer and 429 with Retry-After
// and {"message","retry_after","global"}.
type fakeDiscord struct {
	*httptest.Server
	mu        sync.Mutex
	whID      string
	whToken   string
	botToken  string
	channel   string
	guild     string
	seq       uint64
	msgs      map[string]*fakeMessage
	order     []string
	nonces    map[string]string
	remaining int // requests left in the bucket (<0: unlimited)
	fault     string
	posts     int // webhook executions that reached the handler
	lastBody  map[string]any
	lastFiles []string
}

type fakeMessage struct {
	ID, ChannelID, Content, AuthorID, Author, WebhookID, RefID string
	Created                                                    time.Time
	Reactions                                                  map[string][]string // emoji -> user ids
	Emojis                                                     []string
}

func newFakeDiscord() *fakeDiscord {
	f := &fakeDiscord{whID: "1180000000000000001", whToken: "wh-Secret_token-1234", botToken: "bot-secret",
		channel: "1170000000000000002", guild: "1160000000000000003", msgs: map[string]*fakeMessage{},
		nonces: map[string]string{}, remaining: -1}
	mux := http.NewServeMux()
	api := "/api/v10"
	mux.HandleFunc("GET "+api+"/webhooks/{id}/{token}", f.webhook(f.getWebhook))
	mux.HandleFunc("POST "+api+"/webhooks/{id}/{token}", f.webhook(f.execute))
	mux.HandleFunc("DELETE "+api+"/webhooks/{id}/{token}/messages/{mid}", f.webhook(f.deleteMessage))
	mux.HandleFunc("GET "+api+"/channels/{cid}", f.bot(f.getChannel))
	mux.HandleFunc("GET "+api+"/channels/{cid}/messages", f.bot(f.listMessages))
	mux.HandleFunc("POST "+api+"/channels/{cid}/messages", f.bot(f.createMessage))
	mux.HandleFunc("GET "+api+"/channels/{cid}/messages/{mid}", f.bot(f.getMessage))
	mux.HandleFunc("GET "+api+"/channels/{cid}/messages/{mid}/reactions/{emoji}", f.bot(f.listReactions))
	mux.HandleFunc("PUT "+api+"/channels/{cid}/messages/{mid}/reactions/{emoji}/@me", f.bot(f.addReaction))
	f.Server = httptest.NewServer(f.rateLimit(mux))
	return f
}

func (f *fakeDiscord) webhookURL() string {
	return "https://discord.com/api/webhooks/" + f.whID + "/" + f.whToken
}

// rateLimit sends the per-route bucket headers and 429s once it is empty
// (https://discord.com/developers/docs/topics/rate-limits).
func (f *fakeDiscord) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		limited := f.remaining == 0
		if f.remaining > 0 {
			f.remaining--
		}
		rem := f.remaining
		f.mu.Unlock()
		if rem >= 0 {
			reset := time.Now().Add(2500 * time.Millisecond)
			w.Header().Set("X-RateLimit-Limit", "5")
			w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(rem))
			w.Header().Set("X-RateLimit-Reset", fmt.Sprintf("%.3f", float64(reset.UnixMilli())/1000))
			w.Header().Set("X-RateLimit-Reset-After", "2.500")
			w.Header().Set("X-RateLimit-Bucket", "abcd1234")
		}
		if limited {
			w.Header().Set("Retry-After", "3")
			w.Header().Set("X-RateLimit-Scope", "shared")
			writeJSON(w, 429, map[string]any{"message": "You are being rate limited.", "retry_after": 2.5, "global": false})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func apiErr(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg})
}

func (f *fakeDiscord) webhook(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		id, tok := f.whID, f.whToken
		f.mu.Unlock()
		switch {
		case r.PathValue("id") != id:
			apiErr(w, 404, 10015, "Unknown Webhook")
		case r.PathValue("token") != tok:
			apiErr(w, 401, 50027, "Invalid Webhook Token")
		default:
			h(w, r)
		}
	}
}

func (f *fakeDiscord) bot(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bot "+f.botToken {
			apiErr(w, 401, 0, "401: Unauthorized")
			return
		}
		if r.PathValue("cid") != f.channel {
			apiErr(w, 404, 10003, "Unknown Channel")
			return
		}
		h(w, r)
	}
}

func (f *fakeDiscord) getWebhook(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{"id": f.whID, "type": 1, "name": "Herald news", "channel_id": f.channel,
		"guild_id": f.guild, "token": f.whToken, "avatar": nil, "application_id": nil})
}

func (f *fakeDiscord) newID() string {
	f.seq++
	ms := uint64(time.Now().UnixMilli() - discordEpoch)
	return strconv.FormatUint(ms<<22|f.seq, 10)
}

func (f *fakeDiscord) messageJSON(m *fakeMessage) map[string]any {
	var rs []map[string]any
	for _, e := range m.Emojis {
		rs = append(rs, map[string]any{"count": len(m.Reactions[e]), "me": false, "emoji": map[string]any{"id": nil, "name": e}})
	}
	out := map[string]any{"id": m.ID, "type": 0, "channel_id": m.ChannelID, "content": m.Content,
		"timestamp": m.Created.Format("2006-01-02T15:04:05.000000+00:00"), "reactions": rs,
		"author": map[string]any{"id": m.AuthorID, "username": m.Author, "bot": m.WebhookID != ""}}
	if m.WebhookID != "" {
		out["webhook_id"] = m.WebhookID
	}
	if m.RefID != "" {
		out["type"] = 19
		out["message_reference"] = map[string]any{"type": 0, "message_id": m.RefID, "channel_id": m.ChannelID, "guild_id": f.guild}
	}
	return out
}

// execute follows https://discord.com/developers/docs/resources/webhook#execute-webhook.
func (f *fakeDiscord) execute(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	var files []string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.ParseMultipartForm(32 << 20)
		json.Unmarshal([]byte(r.FormValue("payload_json")), &body)
		for i := 0; ; i++ {
			fh := r.MultipartForm.File[fmt.Sprintf("files[%d]", i)]
			if len(fh) == 0 {
				break
			}
			files = append(files, fh[0].Filename+":"+fh[0].Header.Get("Content-Type"))
		}
	} else if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		apiErr(w, 400, 50109, "The request body contains invalid JSON.")
		return
	}
	content, _ := body["content"].(string)
	f.mu.Lock()
	f.posts++
	f.lastBody, f.lastFiles = body, files
	fault := f.fault
	f.mu.Unlock()
	if fault == "500" {
		apiErr(w, 500, 0, "500: Internal Server Error")
		return
	}
	if content == "" && len(files) == 0 {
		apiErr(w, 400, 50006, "Cannot send an empty message")
		return
	}
	if count.Count(content, count.Rule{Method: count.CodePoints}).Used > 2000 {
		writeJSON(w, 400, map[string]any{"code": 50035, "message": "Invalid Form Body", "errors": map[string]any{
			"content": map[string]any{"_errors": []map[string]string{{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}}}}})
		return
	}
	f.mu.Lock()
	ch := f.channel
	if t := r.URL.Query().Get("thread_id"); t != "" {
		ch = t
	}
	m := &fakeMessage{ID: f.newID(), ChannelID: ch, Content: content, AuthorID: f.whID, Author: "Herald news",
		WebhookID: f.whID, Created: time.Now().UTC(), Reactions: map[string][]string{}}
	f.msgs[m.ID] = m
	f.order = append(f.order, m.ID)
	out := f.messageJSON(m)
	f.mu.Unlock()
	switch fault {
	case "drop":
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return
	case "hang":
		<-r.Context().Done()
		return
	}
	if r.URL.Query().Get("wait") != "true" {
		w.WriteHeader(204)
		return
	}
	writeJSON(w, 200, out)
}

func (f *fakeDiscord) deleteMessage(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.msgs[r.PathValue("mid")]
	if m == nil || m.WebhookID != f.whID {
		apiErr(w, 404, 10008, "Unknown Message")
		return
	}
	delete(f.msgs, m.ID)
	w.WriteHeader(204)
}

func (f *fakeDiscord) getChannel(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{"id": f.channel, "type": 0, "guild_id": f.guild, "name": "news"})
}

// listMessages follows .../message#get-channel-messages: newest first,
// only ids greater than after.
func (f *fakeDiscord) listMessages(w http.ResponseWriter, r *http.Request) {
	after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for i := len(f.order) - 1; i >= 0; i-- {
		m := f.msgs[f.order[i]]
		id, _ := strconv.ParseUint(f.order[i], 10, 64)
		if m != nil && id > after && m.ChannelID == f.channel {
			out = append(out, f.messageJSON(m))
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:] // the oldest after the cursor
	}
	writeJSON(w, 200, out)
}

// createMessage follows .../message#create-message, with enforce_nonce.
func (f *fakeDiscord) createMessage(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Content          string `json:"content"`
		Nonce            string `json:"nonce"`
		EnforceNonce     bool   `json:"enforce_nonce"`
		MessageReference *struct {
			MessageID string `json:"message_id"`
		} `json:"message_reference"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	f.mu.Lock()
	defer f.mu.Unlock()
	if id, ok := f.nonces[body.Nonce]; ok && body.EnforceNonce {
		writeJSON(w, 200, f.messageJSON(f.msgs[id]))
		return
	}
	m := &fakeMessage{ID: f.newID(), ChannelID: f.channel, Content: body.Content, AuthorID: "42", Author: "herald-bot",
		Created: time.Now().UTC(), Reactions: map[string][]string{}}
	if body.MessageReference != nil {
		m.RefID = body.MessageReference.MessageID
	}
	f.msgs[m.ID] = m
	f.order = append(f.order, m.ID)
	if body.Nonce != "" {
		f.nonces[body.Nonce] = m.ID
	}
	writeJSON(w, 200, f.messageJSON(m))
}

func (f *fakeDiscord) getMessage(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.msgs[r.PathValue("mid")]
	if m == nil {
		apiErr(w, 404, 10008, "Unknown Message")
		return
	}
	writeJSON(w, 200, f.messageJSON(m))
}

func (f *fakeDiscord) listReactions(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.msgs[r.PathValue("mid")]
	if m == nil {
		apiErr(w, 404, 10008, "Unknown Message")
		return
	}
	var users []map[string]any
	for _, u := range m.Reactions[r.PathValue("emoji")] {
		users = append(users, map[string]any{"id": u, "username": "user" + u})
	}
	writeJSON(w, 200, users)
}

func (f *fakeDiscord) addReaction(w http.ResponseWriter, r *http.Request) {
	f.react(r.PathValue("mid"), r.PathValue("emoji"), "42")
	w.WriteHeader(204)
}

// react records a user's reaction (tests and the bot endpoint).
func (f *fakeDiscord) react(mid, emoji, user string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.msgs[mid]
	if m == nil {
		return
	}
	if _, ok := m.Reactions[emoji]; !ok {
		m.Emojis = append(m.Emojis, emoji)
	}
	m.Reactions[emoji] = append(m.Reactions[emoji], user)
}

// userReply stores a reply from a person (tests).
func (f *fakeDiscord) userReply(parent, user, text string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := &fakeMessage{ID: f.newID(), ChannelID: f.channel, Content: text, AuthorID: user, Author: "user" + user,
		RefID: parent, Created: time.Now().UTC(), Reactions: map[string][]string{}}
	f.msgs[m.ID] = m
	f.order = append(f.order, m.ID)
	return m.ID
}

// set runs fn under the fake's lock: tests change and read its state while
// handlers of abandoned requests may still be running.
func (f *fakeDiscord) set(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}
