package matrix

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeHS is a faithful fake of a homeserver's Client-Server API, built from
// the spec (https://spec.matrix.org/latest/client-server-api/): the same
// paths, methods, JSON shapes and standard error bodies. Each handler names
// the section it follows. Faults are scripted per call: a rate limit with
// Retry-After and retry_after_ms, a revoked token (401 M_UNKNOWN_TOKEN), a
// content rejection, and a send that stores the event and then drops the
// connection without answering.
type fakeHS struct {
	t   *testing.T
	srv *httptest.Server
	URL string

	mu       sync.Mutex
	tokens   map[string]string // access token -> user id
	rooms    map[string]*fakeRoom
	aliases  map[string]string
	txns     map[string]string // token|txn -> event id ("Transaction identifiers")
	media    map[string][]byte
	seq      int
	maxBytes int
	oldMedia bool // no /_matrix/client/v1/media/config (servers before v1.11)
	// fail, when set, may answer a request instead of the handler (return
	// true after writing); drop stores a send and then cuts the connection.
	fail func(w http.ResponseWriter, r *http.Request) bool
	drop int
	slow time.Duration // a send stores the event, then answers this late
}

type fakeRoom struct {
	id      string
	members map[string]string // user -> membership
	power   map[string]int
	events  []map[string]any // timeline, oldest first
}

func newFakeHS(t *testing.T) *fakeHS {
	t.Helper()
	h := &fakeHS{t: t, tokens: map[string]string{}, rooms: map[string]*fakeRoom{}, aliases: map[string]string{},
		txns: map[string]string{}, media: map[string][]byte{}, maxBytes: 1 << 20}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_matrix/client/v3/login", h.login)
	mux.HandleFunc("GET /_matrix/client/v3/account/whoami", h.auth(h.whoami))
	mux.HandleFunc("GET /_matrix/client/v3/directory/room/{alias}", h.auth(h.alias))
	mux.HandleFunc("GET /_matrix/client/v3/rooms/{room}/state/m.room.member/{user}", h.auth(h.member))
	mux.HandleFunc("GET /_matrix/client/v3/rooms/{room}/state/m.room.power_levels/", h.auth(h.powerLevels))
	mux.HandleFunc("POST /_matrix/client/v3/join/{room}", h.auth(h.join))
	mux.HandleFunc("PUT /_matrix/client/v3/rooms/{room}/send/{type}/{txn}", h.auth(h.send))
	mux.HandleFunc("PUT /_matrix/client/v3/rooms/{room}/redact/{event}/{txn}", h.auth(h.redact))
	mux.HandleFunc("GET /_matrix/client/v3/rooms/{room}/messages", h.auth(h.messages))
	mux.HandleFunc("GET /_matrix/client/v3/rooms/{room}/event/{event}", h.auth(h.event))
	mux.HandleFunc("GET /_matrix/client/v1/rooms/{room}/relations/{event}", h.auth(h.relations))
	mux.HandleFunc("POST /_matrix/media/v3/upload", h.auth(h.upload))
	mux.HandleFunc("GET /_matrix/client/v1/media/config", h.auth(h.mediaConfig))
	mux.HandleFunc("GET /_matrix/media/v3/config", h.auth(h.mediaConfig))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// Unknown endpoints: 404 M_UNRECOGNIZED ("Unrecognized requests").
		writeErr(w, http.StatusNotFound, "M_UNRECOGNIZED", "Unrecognized request")
	})
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	h.URL = h.srv.URL
	return h
}

// addUser registers a user with a token; addRoom creates a room with
// members and power levels.
func (h *fakeHS) addUser(user, token string) { h.mu.Lock(); h.tokens[token] = user; h.mu.Unlock() }

func (h *fakeHS) addRoom(id, alias string, members map[string]string, power map[string]int) *fakeRoom {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := &fakeRoom{id: id, members: members, power: power}
	h.rooms[id] = r
	if alias != "" {
		h.aliases[alias] = id
	}
	return r
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeErr writes a standard error response
// (https://spec.matrix.org/latest/client-server-api/#standard-error-response).
func writeErr(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"errcode": code, "error": msg})
}

type authed func(w http.ResponseWriter, r *http.Request, user, token string)

// auth checks the bearer token ("Client authentication": 401
// M_MISSING_TOKEN / M_UNKNOWN_TOKEN) and runs the scripted fault first.
func (h *fakeHS) auth(next authed) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		fail := h.fail
		h.mu.Unlock()
		if fail != nil && fail(w, r) {
			return
		}
		token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if token == "" {
			writeErr(w, http.StatusUnauthorized, "M_MISSING_TOKEN", "Missing access token")
			return
		}
		h.mu.Lock()
		user, ok := h.tokens[token]
		h.mu.Unlock()
		if !ok {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"errcode": "M_UNKNOWN_TOKEN", "error": "Invalid access token passed.", "soft_logout": false})
			return
		}
		next(w, r, user, token)
	}
}

// login: POST /_matrix/client/v3/login, m.login.password with an m.id.user identifier.
func (h *fakeHS) login(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Type       string            `json:"type"`
		Identifier map[string]string `json:"identifier"`
		Password   string            `json:"password"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	if req.Type != "m.login.password" || req.Identifier["type"] != "m.id.user" || req.Password != "correct horse" {
		writeErr(w, http.StatusForbidden, "M_FORBIDDEN", "Invalid username or password")
		return
	}
	user := req.Identifier["user"]
	token := "token-for-" + user
	h.addUser(user, token)
	writeJSON(w, http.StatusOK, map[string]any{"user_id": user, "access_token": token, "device_id": "HERALDDEV"})
}

// whoami: GET /_matrix/client/v3/account/whoami.
func (h *fakeHS) whoami(w http.ResponseWriter, r *http.Request, user, _ string) {
	writeJSON(w, http.StatusOK, map[string]any{"user_id": user, "device_id": "DEV1", "is_guest": false})
}

// alias: GET /_matrix/client/v3/directory/room/{roomAlias}.
func (h *fakeHS) alias(w http.ResponseWriter, r *http.Request, _, _ string) {
	h.mu.Lock()
	id, ok := h.aliases[r.PathValue("alias")]
	h.mu.Unlock()
	if !ok {
		writeErr(w, http.StatusNotFound, "M_NOT_FOUND", "Room alias "+r.PathValue("alias")+" not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"room_id": id, "servers": []string{"fake.test"}})
}

func (h *fakeHS) room(w http.ResponseWriter, r *http.Request) *fakeRoom {
	room := h.rooms[r.PathValue("room")]
	if room == nil {
		writeErr(w, http.StatusNotFound, "M_NOT_FOUND", "Unknown room")
	}
	return room
}

// member: GET /_matrix/client/v3/rooms/{roomId}/state/m.room.member/{userId}.
func (h *fakeHS) member(w http.ResponseWriter, r *http.Request, user, _ string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	room := h.room(w, r)
	if room == nil {
		return
	}
	m, ok := room.members[r.PathValue("user")]
	if !ok {
		writeErr(w, http.StatusNotFound, "M_NOT_FOUND", "Event not found.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"membership": m})
}

// powerLevels: GET /_matrix/client/v3/rooms/{roomId}/state/m.room.power_levels/.
func (h *fakeHS) powerLevels(w http.ResponseWriter, r *http.Request, _, _ string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := h.room(w, r); room != nil {
		writeJSON(w, http.StatusOK, map[string]any{"users": room.power, "users_default": 0, "events_default": 0,
			"events": map[string]int{"m.room.message": 10, "m.room.power_levels": 100}, "redact": 50, "state_default": 50})
	}
}

// join: POST /_matrix/client/v3/join/{roomIdOrAlias}; only invited users may join.
func (h *fakeHS) join(w http.ResponseWriter, r *http.Request, user, _ string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := r.PathValue("room")
	if a, ok := h.aliases[id]; ok {
		id = a
	}
	room := h.rooms[id]
	switch {
	case room == nil:
		writeErr(w, http.StatusNotFound, "M_NOT_FOUND", "No known servers")
	case room.members[user] != "invite" && room.members[user] != "join":
		writeErr(w, http.StatusForbidden, "M_FORBIDDEN", "You are not invited to this room.")
	default:
		room.members[user] = "join"
		writeJSON(w, http.StatusOK, map[string]any{"room_id": id})
	}
}

// send: PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}. A
// transaction id seen before for the same access token returns the same
// event id without a new event ("Transaction identifiers").
func (h *fakeHS) send(w http.ResponseWriter, r *http.Request, user, token string) {
	var content map[string]any
	if err := json.NewDecoder(r.Body).Decode(&content); err != nil {
		writeErr(w, http.StatusBadRequest, "M_NOT_JSON", "Content not JSON.")
		return
	}
	h.mu.Lock()
	room := h.room(w, r)
	if room == nil {
		h.mu.Unlock()
		return
	}
	if room.members[user] != "join" {
		h.mu.Unlock()
		writeErr(w, http.StatusForbidden, "M_FORBIDDEN", "User "+user+" not in room "+room.id)
		return
	}
	key := token + "|" + r.PathValue("txn")
	id, seen := h.txns[key]
	if !seen {
		id = h.append(room, user, r.PathValue("type"), content)
		h.txns[key] = id
	}
	drop := false
	if h.drop > 0 {
		h.drop--
		drop = h.drop == 0
	}
	slow := h.slow
	h.mu.Unlock()
	time.Sleep(slow)
	if drop {
		hangUp(w) // stored, but the answer never arrives
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"event_id": id})
}

func hangUp(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

// append adds an event in the client event format (caller holds mu).
func (h *fakeHS) append(room *fakeRoom, sender, typ string, content map[string]any) string {
	h.seq++
	id := fmt.Sprintf("$ev%d:fake.test", h.seq)
	room.events = append(room.events, map[string]any{"event_id": id, "type": typ, "sender": sender, "room_id": room.id,
		"origin_server_ts": time.Now().UnixMilli() + int64(h.seq), "content": content, "unsigned": map[string]any{}})
	return id
}

// redact: PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}.
// The content is stripped and unsigned.redacted_because set.
func (h *fakeHS) redact(w http.ResponseWriter, r *http.Request, user, token string) {
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	h.mu.Lock()
	defer h.mu.Unlock()
	room := h.room(w, r)
	if room == nil {
		return
	}
	target := findEvent(room, r.PathValue("event"))
	if target == nil {
		writeErr(w, http.StatusNotFound, "M_NOT_FOUND", "Event not found")
		return
	}
	if target["sender"] != user && room.power[user] < 50 {
		writeErr(w, http.StatusForbidden, "M_FORBIDDEN", "You don't have permission to redact events")
		return
	}
	key := token + "|" + r.PathValue("txn")
	id, seen := h.txns[key]
	if !seen {
		id = h.append(room, user, "m.room.redaction", map[string]any{"redacts": target["event_id"], "reason": body["reason"]})
		h.txns[key] = id
		target["content"] = map[string]any{}
		target["unsigned"] = map[string]any{"redacted_because": map[string]any{"event_id": id, "sender": user}}
	}
	writeJSON(w, http.StatusOK, map[string]any{"event_id": id})
}

func findEvent(room *fakeRoom, id string) map[string]any {
	for _, ev := range room.events {
		if ev["event_id"] == id {
			return ev
		}
	}
	return nil
}

// messages: GET /_matrix/client/v3/rooms/{roomId}/messages with dir=b, from,
// limit and a RoomEventFilter (types, senders); tokens are opaque strings.
func (h *fakeHS) messages(w http.ResponseWriter, r *http.Request, _, _ string) {
	q := r.URL.Query()
	var f struct {
		Types   []string `json:"types"`
		Senders []string `json:"senders"`
	}
	if s := q.Get("filter"); s != "" {
		if err := json.Unmarshal([]byte(s), &f); err != nil {
			writeErr(w, http.StatusBadRequest, "M_INVALID_PARAM", "Invalid filter")
			return
		}
	}
	if q.Get("dir") != "b" {
		writeErr(w, http.StatusBadRequest, "M_INVALID_PARAM", "this fake only pages backwards")
		return
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 10
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	room := h.room(w, r)
	if room == nil {
		return
	}
	pos := len(room.events)
	if from := q.Get("from"); from != "" {
		pos, _ = strconv.Atoi(strings.TrimPrefix(from, "t"))
	}
	chunk := []map[string]any{}
	for pos > 0 && len(chunk) < limit {
		pos--
		ev := room.events[pos]
		if (len(f.Types) == 0 || in(f.Types, ev["type"].(string))) && (len(f.Senders) == 0 || in(f.Senders, ev["sender"].(string))) {
			chunk = append(chunk, ev)
		}
	}
	resp := map[string]any{"start": q.Get("from"), "chunk": chunk}
	if pos > 0 {
		resp["end"] = "t" + strconv.Itoa(pos)
	}
	writeJSON(w, http.StatusOK, resp)
}

func in(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// event: GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}.
func (h *fakeHS) event(w http.ResponseWriter, r *http.Request, _, _ string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	room := h.room(w, r)
	if room == nil {
		return
	}
	if ev := findEvent(room, r.PathValue("event")); ev != nil {
		writeJSON(w, http.StatusOK, ev)
		return
	}
	writeErr(w, http.StatusNotFound, "M_NOT_FOUND", "Event not found.")
}

// relations: GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId},
// the events whose m.relates_to.event_id is the event, newest first.
func (h *fakeHS) relations(w http.ResponseWriter, r *http.Request, _, _ string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	room := h.room(w, r)
	if room == nil {
		return
	}
	chunk := []map[string]any{}
	for i := len(room.events) - 1; i >= 0; i-- {
		ev := room.events[i]
		c, _ := ev["content"].(map[string]any)
		if rel, _ := c["m.relates_to"].(map[string]any); rel != nil && rel["event_id"] == r.PathValue("event") && rel["rel_type"] != nil {
			chunk = append(chunk, ev)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"chunk": chunk})
}

// upload: POST /_matrix/media/v3/upload; 413 M_TOO_LARGE over the limit.
func (h *fakeHS) upload(w http.ResponseWriter, r *http.Request, _, _ string) {
	data, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(data) > h.maxBytes {
		writeErr(w, http.StatusRequestEntityTooLarge, "M_TOO_LARGE", "Cannot upload files larger than "+strconv.Itoa(h.maxBytes)+" bytes")
		return
	}
	h.seq++
	uri := fmt.Sprintf("mxc://fake.test/media%d", h.seq)
	h.media[uri] = data
	writeJSON(w, http.StatusOK, map[string]any{"content_uri": uri})
}

// mediaConfig: GET /_matrix/client/v1/media/config and the older
// /_matrix/media/v3/config.
func (h *fakeHS) mediaConfig(w http.ResponseWriter, r *http.Request, _, _ string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.oldMedia && strings.HasPrefix(r.URL.Path, "/_matrix/client/v1/") {
		writeErr(w, http.StatusNotFound, "M_UNRECOGNIZED", "Unrecognized request")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"m.upload.size": h.maxBytes})
}

// timeline returns the room's events of a type, oldest first.
func (h *fakeHS) timeline(room, typ string) []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]any
	for _, ev := range h.rooms[room].events {
		if ev["type"] == typ {
			out = append(out, ev)
		}
	}
	return out
}

func (h *fakeHS) setSlow(d time.Duration) { h.mu.Lock(); h.slow = d; h.mu.Unlock() }

// post adds an event by another user, as a client would.
func (h *fakeHS) post(room, sender, typ string, content map[string]any) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.append(h.rooms[room], sender, typ, content)
}
