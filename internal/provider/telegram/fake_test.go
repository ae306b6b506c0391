package telegram

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"herald/internal/provider/count"
)

// fakeBotAPI is the Telegram Bot API reduced to the methods Herald uses,
// written from https://core.telegram.org/bots/api: POST /bot<token>/<method>
// with JSON or multipart parameters, answers {"ok":true,"result":...} or
// {"ok":false,"error_code":N,"description":"...","parameters":{...}} with the
// same HTTP status, and Telegram's own error descriptions.
type fakeBotAPI struct {
	*httptest.Server
	mu       sync.Mutex
	token    string
	bot      map[string]any
	chats    map[string]*fakeChat // by "@username" and by id
	nextMsg  int64
	sent     []fakeMsg
	deleted  []int64
	faults   []string // next send: "drop", "hang", "429", "500", "403"
	requests int
}

type fakeChat struct {
	ID              int64
	Type, Title     string
	Username        string
	BotStatus       string // creator, administrator, member, left, kicked
	CanPostMessages bool
	messages        map[int64]bool
}

type fakeMsg struct {
	ID                 int64
	Method, Text       string
	ReplyTo            int64
	Files              []string // "name:content-type"
	AlbumID            int
	ParseMode, Caption string
}

func newFakeBotAPI() *fakeBotAPI {
	f := &fakeBotAPI{token: "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", nextMsg: 100,
		bot:   map[string]any{"id": 123456, "is_bot": true, "first_name": "Herald", "username": "herald_bot"},
		chats: map[string]*fakeChat{}}
	f.addChat(&fakeChat{ID: -1001234567890, Type: "channel", Title: "News", Username: "newschan", BotStatus: "administrator", CanPostMessages: true})
	f.addChat(&fakeChat{ID: -1009876543210, Type: "channel", Title: "Quiet", BotStatus: "member"})
	f.addChat(&fakeChat{ID: -1005555555555, Type: "supergroup", Title: "Team"})
	f.chats["-1005555555555"].BotStatus = "member"
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *fakeBotAPI) addChat(c *fakeChat) {
	c.messages = map[int64]bool{}
	f.chats[strconv.FormatInt(c.ID, 10)] = c
	if c.Username != "" {
		f.chats["@"+c.Username] = c
	}
}

func reply(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func fail(w http.ResponseWriter, code int, desc string, params map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if params != nil {
		body["parameters"] = params
	}
	json.NewEncoder(w).Encode(body)
}

// params reads JSON, urlencoded or multipart parameters like the Bot API.
func params(r *http.Request) (map[string]string, map[string]string) {
	out, files := map[string]string{}, map[string]string{}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		var m map[string]any
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &m)
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
			} else {
				js, _ := json.Marshal(v)
				out[k] = string(js)
			}
		}
	case strings.HasPrefix(ct, "multipart/form-data"):
		r.ParseMultipartForm(32 << 20)
		for k, v := range r.MultipartForm.Value {
			out[k] = v[0]
		}
		for k, v := range r.MultipartForm.File {
			files[k] = v[0].Filename + ":" + v[0].Header.Get("Content-Type")
		}
	default:
		r.ParseForm()
		for k, v := range r.PostForm {
			out[k] = v[0]
		}
	}
	return out, files
}

var tagRE = regexp.MustCompile(`^</?(b|strong|i|em|u|ins|s|strike|del|a|code|pre|tg-spoiler|blockquote)(\s[^>]*)?>`)
var entityRE = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);`)

// parseHTML checks parse_mode HTML the way Telegram does and returns the
// visible text, or Telegram's "can't parse entities" description.
func parseHTML(s string) (string, string) {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			m := tagRE.FindString(s[i:])
			if m == "" {
				return "", fmt.Sprintf("Bad Request: can't parse entities: Unsupported start tag at byte offset %d", i)
			}
			i += len(m)
		case '&':
			m := entityRE.FindString(s[i:])
			if m == "" {
				return "", fmt.Sprintf("Bad Request: can't parse entities: Character entity expected at byte offset %d", i)
			}
			b.WriteString(html.UnescapeString(m))
			i += len(m)
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String(), ""
}

func (f *fakeBotAPI) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if r.Method != "POST" || len(parts) != 2 || !strings.HasPrefix(parts[0], "bot") {
		fail(w, 404, "Not Found", nil)
		return
	}
	f.mu.Lock()
	f.requests++
	tokenOK := strings.TrimPrefix(parts[0], "bot") == f.token
	f.mu.Unlock()
	if !tokenOK {
		fail(w, 401, "Unauthorized", nil)
		return
	}
	p, files := params(r)
	method := parts[1]
	if method == "getMe" {
		reply(w, f.bot)
		return
	}
	f.mu.Lock()
	c := f.chats[p["chat_id"]]
	f.mu.Unlock()
	if c == nil {
		fail(w, 400, "Bad Request: chat not found", nil)
		return
	}
	switch method {
	case "getChat":
		reply(w, map[string]any{"id": c.ID, "type": c.Type, "title": c.Title, "username": c.Username})
	case "getChatMember":
		f.mu.Lock()
		m := map[string]any{"status": c.BotStatus, "user": f.bot}
		if c.BotStatus == "administrator" {
			m["can_post_messages"] = c.CanPostMessages
		}
		f.mu.Unlock()
		reply(w, m)
	case "sendMessage", "sendPhoto", "sendVideo", "sendAnimation", "sendMediaGroup":
		f.send(w, r, c, method, p, files)
	case "deleteMessages":
		var ids []int64
		json.Unmarshal([]byte(p["message_ids"]), &ids)
		f.mu.Lock()
		for _, id := range ids {
			if c.messages[id] { // missing messages are skipped, as documented
				delete(c.messages, id)
				f.deleted = append(f.deleted, id)
			}
		}
		f.mu.Unlock()
		reply(w, true)
	default:
		fail(w, 404, "Not Found", nil)
	}
}

// send validates and stores a message (or album), then applies a scripted fault.
func (f *fakeBotAPI) send(w http.ResponseWriter, r *http.Request, c *fakeChat, method string, p, files map[string]string) {
	f.mu.Lock()
	fault := ""
	if len(f.faults) > 0 {
		fault, f.faults = f.faults[0], f.faults[1:]
	}
	canPost := c.Type != "channel" || c.BotStatus == "creator" || (c.BotStatus == "administrator" && c.CanPostMessages)
	f.mu.Unlock()
	switch fault {
	case "429":
		fail(w, 429, "Too Many Requests: retry after 17", map[string]any{"retry_after": 17})
		return
	case "500":
		fail(w, 500, "Internal Server Error", nil)
		return
	case "403":
		fail(w, 403, "Forbidden: bot was kicked from the channel chat", nil)
		return
	}
	if !canPost {
		fail(w, 400, "Bad Request: need administrator rights in the channel chat", nil)
		return
	}
	var replyTo int64
	if rp := p["reply_parameters"]; rp != "" {
		var v struct {
			MessageID int64 `json:"message_id"`
		}
		json.Unmarshal([]byte(rp), &v)
		replyTo = v.MessageID
		f.mu.Lock()
		ok := c.messages[replyTo]
		f.mu.Unlock()
		if !ok {
			fail(w, 400, "Bad Request: message to be replied not found", nil)
			return
		}
	}
	var msgs []fakeMsg
	switch method {
	case "sendMessage":
		text, bad := parseHTML(p["text"])
		if bad != "" {
			fail(w, 400, bad, nil)
			return
		}
		if text == "" {
			fail(w, 400, "Bad Request: message text is empty", nil)
			return
		}
		if count.Count(text, count.Rule{Method: count.UTF16Units}).Used > 4096 {
			fail(w, 400, "Bad Request: message is too long", nil)
			return
		}
		msgs = []fakeMsg{{Method: method, Text: text, ParseMode: p["parse_mode"]}}
	case "sendMediaGroup":
		var items []map[string]string
		json.Unmarshal([]byte(p["media"]), &items)
		if len(items) < 2 || len(items) > 10 {
			fail(w, 400, "Bad Request: wrong number of media in the album", nil)
			return
		}
		for _, it := range items {
			file := files[strings.TrimPrefix(it["media"], "attach://")]
			if file == "" {
				fail(w, 400, "Bad Request: wrong file identifier/HTTP URL specified", nil)
				return
			}
			capText, bad := parseHTML(it["caption"])
			if bad != "" {
				fail(w, 400, bad, nil)
				return
			}
			msgs = append(msgs, fakeMsg{Method: method, Caption: capText, Files: []string{it["type"] + "=" + file}, AlbumID: 1})
		}
	default:
		field := map[string]string{"sendPhoto": "photo", "sendVideo": "video", "sendAnimation": "animation"}[method]
		if files[field] == "" {
			fail(w, 400, "Bad Request: there is no "+field+" in the request", nil)
			return
		}
		capText, bad := parseHTML(p["caption"])
		if bad != "" {
			fail(w, 400, bad, nil)
			return
		}
		if count.Count(capText, count.Rule{Method: count.UTF16Units}).Used > 1024 {
			fail(w, 400, "Bad Request: message caption is too long", nil)
			return
		}
		msgs = []fakeMsg{{Method: method, Caption: capText, Files: []string{field + "=" + files[field]}}}
	}
	f.mu.Lock()
	var result []map[string]any
	for i := range msgs {
		f.nextMsg++
		msgs[i].ID, msgs[i].ReplyTo = f.nextMsg, replyTo
		c.messages[f.nextMsg] = true
		f.sent = append(f.sent, msgs[i])
		result = append(result, map[string]any{"message_id": f.nextMsg, "date": time.Now().Unix(),
			"chat": map[string]any{"id": c.ID, "type": c.Type, "title": c.Title}, "text": msgs[i].Text})
	}
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
	if method == "sendMediaGroup" {
		reply(w, result)
		return
	}
	reply(w, result[0])
}

// set runs fn under the fake's lock: tests change and read its state while
// handlers of abandoned requests may still be running.
func (f *fakeBotAPI) set(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}
