package mastodon

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"herald/internal/provider/count"
)

// fakeServer is a Mastodon server reduced to the client API Herald uses,
// written from docs.joinmastodon.org: same paths, methods, parameters, JSON
// shapes, status codes, error bodies ({"error": "..."}) and rate-limit
// headers (X-RateLimit-Limit/Remaining/Reset, 429 "Too many requests" as
// Mastodon's rack-attack responder sends them). It honours Idempotency-Key
// per account the way app/services/post_status_service.rb does.
type fakeServer struct {
	*httptest.Server
	mu sync.Mutex

	maxChars  int
	tokens    map[string]*fakeAccount // access token -> account
	accounts  map[string]*fakeAccount // id -> account
	statuses  map[string]*fakeStatus
	order     []string // status ids, oldest first
	media     map[string]*fakeMedia
	idem      map[string]string // account id + key -> status id
	notes     []fakeNote        // notifications, oldest first
	nextID    int
	apps      []url.Values
	requests  []*http.Request
	idemSeen  []string
	remaining int       // requests left in the rate-limit window (<0: unlimited)
	reset     time.Time // X-RateLimit-Reset
	// statusFault scripts every POST /api/v1/statuses while set: "drop"
	// stores the status (or finds it by Idempotency-Key) then closes the
	// connection; "hang" does the same but never answers; "500" answers 500
	// without storing.
	statusFault string
	// mediaPolls is how many GET /api/v1/media/:id answers are 206 before a
	// 202-uploaded attachment is ready (<0: never ready).
	mediaPolls int
	pageSize   int
}

type fakeAccount struct{ ID, Username string }

type fakeStatus struct {
	ID, AccountID, Text, Visibility, Spoiler, Language, InReplyTo string
	Sensitive                                                     bool
	Media                                                         []string
	Poll                                                          []string
	Favourites, Reblogs                                           int
	Created                                                       time.Time
}

type fakeMedia struct {
	ID, AccountID, Description, Focus, Type string
	polls                                   int
	async                                   bool
}

type fakeNote struct {
	ID, Type, FromID, ToID, StatusID string
	Created                          time.Time
}

func newFakeServer() *fakeServer {
	f := &fakeServer{maxChars: 500, tokens: map[string]*fakeAccount{}, accounts: map[string]*fakeAccount{},
		statuses: map[string]*fakeStatus{}, media: map[string]*fakeMedia{}, idem: map[string]string{},
		remaining: -1, pageSize: 40, nextID: 1000}
	for _, a := range []fakeAccount{{"1", "alice"}, {"2", "bob"}} {
		acct := a
		f.accounts[a.ID] = &acct
		f.tokens["token-"+a.Username] = &acct
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/apps", f.createApp)
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", f.auth(f.verifyCredentials))
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", f.public(f.accountStatuses))
	mux.HandleFunc("GET /api/v1/accounts/lookup", f.public(f.lookupAccount))
	mux.HandleFunc("GET /api/v1/accounts/{id}", f.public(f.getAccount))
	mux.HandleFunc("GET /api/v2/instance", f.instance)
	mux.HandleFunc("POST /api/v2/media", f.auth(f.uploadMedia))
	mux.HandleFunc("GET /api/v1/media/{id}", f.auth(f.getMedia))
	mux.HandleFunc("POST /api/v1/statuses", f.auth(f.createStatus))
	mux.HandleFunc("GET /api/v1/statuses/{id}", f.auth(f.getStatus))
	mux.HandleFunc("DELETE /api/v1/statuses/{id}", f.auth(f.deleteStatus))
	mux.HandleFunc("POST /api/v1/statuses/{id}/favourite", f.auth(f.react("favourite")))
	mux.HandleFunc("POST /api/v1/statuses/{id}/reblog", f.auth(f.react("reblog")))
	mux.HandleFunc("GET /api/v1/notifications", f.auth(f.notifications))
	mux.HandleFunc("GET /api/v1/notifications/{id}", f.auth(f.getNotification))
	mux.HandleFunc("GET /api/v1/streaming/user/notification", f.auth(f.streamNotifications))
	mux.HandleFunc("POST /api/v1/statuses/{id}/unfavourite", f.auth(f.unfavourite))
	f.Server = httptest.NewServer(f.rateLimit(mux))
	return f
}

func (f *fakeServer) id() string { f.nextID++; return strconv.Itoa(f.nextID) }

// rateLimit adds Mastodon's rate-limit headers and answers 429 once the
// window is used up (https://docs.joinmastodon.org/api/rate-limits/).
func (f *fakeServer) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r)
		limited := f.remaining == 0
		if f.remaining > 0 {
			f.remaining--
		}
		if f.remaining >= 0 {
			w.Header().Set("X-RateLimit-Limit", "300")
			w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(f.remaining))
			w.Header().Set("X-RateLimit-Reset", f.reset.UTC().Format("2006-01-02T15:04:05.000000Z"))
		}
		f.mu.Unlock()
		if limited {
			writeJSON(w, 429, map[string]string{"error": "Too many requests"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func errJSON(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// auth resolves the bearer token like Doorkeeper: a missing or unknown
// token is 401 "The access token is invalid".
func (f *fakeServer) auth(h func(http.ResponseWriter, *http.Request, *fakeAccount)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		a := f.tokens[tok]
		f.mu.Unlock()
		if a == nil {
			errJSON(w, 401, "The access token is invalid")
			return
		}
		h(w, r, a)
	}
}

// createApp follows https://docs.joinmastodon.org/methods/apps/#create.
func (f *fakeServer) createApp(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	if r.PostForm.Get("client_name") == "" || r.PostForm.Get("redirect_uris") == "" {
		errJSON(w, 422, "Validation failed: Application name can't be blank, Redirect URI can't be blank")
		return
	}
	f.mu.Lock()
	f.apps = append(f.apps, r.PostForm)
	f.mu.Unlock()
	writeJSON(w, 200, map[string]any{"id": "563419", "name": r.PostForm.Get("client_name"), "website": nil,
		"scopes": strings.Fields(r.PostForm.Get("scopes")), "redirect_uri": r.PostForm.Get("redirect_uris"),
		"redirect_uris": []string{r.PostForm.Get("redirect_uris")},
		"client_id":     "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM", "client_secret": "ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw"})
}

func (f *fakeServer) accountJSON(a *fakeAccount) map[string]any {
	var followers int
	if a.Username == "alice" {
		followers = 321
	}
	n := 0
	for _, s := range f.statuses {
		if s.AccountID == a.ID {
			n++
		}
	}
	return map[string]any{"id": a.ID, "username": a.Username, "acct": a.Username, "display_name": strings.ToUpper(a.Username[:1]) + a.Username[1:],
		"url": f.URL + "/@" + a.Username, "uri": f.URL + "/users/" + a.Username, "avatar": f.URL + "/avatars/" + a.Username + ".png",
		"followers_count": followers, "following_count": 12, "statuses_count": n}
}

func (f *fakeServer) verifyCredentials(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
	f.mu.Lock()
	defer f.mu.Unlock()
	writeJSON(w, 200, f.accountJSON(a))
}

// instance follows https://docs.joinmastodon.org/methods/instance/#v2.
func (f *fakeServer) instance(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	max := f.maxChars
	f.mu.Unlock()
	writeJSON(w, 200, map[string]any{"domain": "fake.example", "title": "Fake", "version": "4.3.0",
		"configuration": map[string]any{
			"statuses": map[string]any{"max_characters": max, "max_media_attachments": 6, "characters_reserved_per_url": 23},
			"media_attachments": map[string]any{"supported_mime_types": []string{"image/jpeg", "image/png", "video/mp4", "audio/mpeg"},
				"image_size_limit": 16777216, "image_matrix_limit": 33177600, "video_size_limit": 103809024, "description_limit": 1500},
			"polls": map[string]any{"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300, "max_expiration": 2629746},
		}})
}

// uploadMedia follows https://docs.joinmastodon.org/methods/media/#v2:
// images are processed at once (200), videos asynchronously (202, url null).
func (f *fakeServer) uploadMedia(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		errJSON(w, 422, "Validation failed: File content type is invalid, File is invalid")
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		errJSON(w, 422, "Validation failed: File content type is invalid, File is invalid")
		return
	}
	file.Close()
	ct := hdr.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "image/") && !strings.HasPrefix(ct, "video/") {
		errJSON(w, 422, "Validation failed: File content type is invalid, File is invalid")
		return
	}
	f.mu.Lock()
	m := &fakeMedia{ID: f.id(), AccountID: a.ID, Description: r.FormValue("description"), Focus: r.FormValue("focus"),
		Type: strings.Split(ct, "/")[0], async: strings.HasPrefix(ct, "video/")}
	f.media[m.ID] = m
	f.mu.Unlock()
	if m.async {
		writeJSON(w, 202, f.mediaJSON(m, false))
		return
	}
	writeJSON(w, 200, f.mediaJSON(m, true))
}

func (f *fakeServer) mediaJSON(m *fakeMedia, ready bool) map[string]any {
	var u any
	if ready {
		u = f.URL + "/system/media/" + m.ID + ".bin"
	}
	return map[string]any{"id": m.ID, "type": m.Type, "url": u, "preview_url": f.URL + "/system/small/" + m.ID + ".jpg",
		"description": m.Description, "meta": map[string]any{"focus": m.Focus}}
}

func (f *fakeServer) mediaReady(m *fakeMedia) bool {
	return !m.async || (f.mediaPolls >= 0 && m.polls > f.mediaPolls)
}

// getMedia follows https://docs.joinmastodon.org/methods/media/#get: 206
// with an empty body while processing, 200 with the url when done.
func (f *fakeServer) getMedia(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.media[r.PathValue("id")]
	if m == nil || m.AccountID != a.ID {
		errJSON(w, 404, "Record not found")
		return
	}
	m.polls++
	if !f.mediaReady(m) {
		w.WriteHeader(206)
		return
	}
	writeJSON(w, 200, f.mediaJSON(m, true))
}

// createStatus follows https://docs.joinmastodon.org/methods/statuses/#create
// and Mastodon's idempotency: the same key from the same account within an
// hour returns the status created first.
func (f *fakeServer) createStatus(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
	r.ParseForm()
	key := r.Header.Get("Idempotency-Key")
	f.mu.Lock()
	f.idemSeen = append(f.idemSeen, key)
	fault := f.statusFault
	if fault == "500" {
		f.mu.Unlock()
		errJSON(w, 500, "We're sorry, but something went wrong on our end.")
		return
	}
	var out map[string]any
	if id, ok := f.idem[a.ID+"|"+key]; ok && key != "" {
		out = f.statusJSON(f.statuses[id])
	} else {
		s, code, msg := f.validate(r.PostForm, a)
		if code != 0 {
			f.mu.Unlock()
			errJSON(w, code, msg)
			return
		}
		f.store(s, a, key)
		out = f.statusJSON(s)
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
	writeJSON(w, 200, out)
}

// store saves a new status and its notifications. The caller holds f.mu.
func (f *fakeServer) store(s *fakeStatus, a *fakeAccount, key string) {
	f.statuses[s.ID] = s
	f.order = append(f.order, s.ID)
	if key != "" {
		f.idem[a.ID+"|"+key] = s.ID
	}
	// Mastodon notifies the author of the parent and every mentioned account.
	notified := map[string]bool{a.ID: true}
	if p := f.statuses[s.InReplyTo]; p != nil && !notified[p.AccountID] {
		notified[p.AccountID] = true
		f.notes = append(f.notes, fakeNote{ID: f.id(), Type: "mention", FromID: a.ID, ToID: p.AccountID, StatusID: s.ID, Created: s.Created})
	}
	for _, o := range f.accounts {
		if strings.Contains(s.Text, "@"+o.Username) && !notified[o.ID] {
			notified[o.ID] = true
			f.notes = append(f.notes, fakeNote{ID: f.id(), Type: "mention", FromID: a.ID, ToID: o.ID, StatusID: s.ID, Created: s.Created})
		}
	}
}

// validate applies the checks Mastodon makes before creating a status. The
// caller holds f.mu.
func (f *fakeServer) validate(form map[string][]string, a *fakeAccount) (*fakeStatus, int, string) {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	s := &fakeStatus{ID: f.id(), AccountID: a.ID, Text: get("status"), Visibility: get("visibility"), Spoiler: get("spoiler_text"),
		Language: get("language"), InReplyTo: get("in_reply_to_id"), Sensitive: get("sensitive") == "true",
		Media: form["media_ids[]"], Poll: form["poll[options][]"], Created: time.Now().UTC()}
	if s.Visibility == "" {
		s.Visibility = "public"
	}
	if s.Text == "" && len(s.Media) == 0 {
		return nil, 422, "Validation failed: Text can't be blank"
	}
	if n := count.Count(s.Text, count.Rule{Method: count.MastodonChars, URLLength: 23}).Used; n > f.maxChars {
		return nil, 422, fmt.Sprintf("Validation failed: Text character limit of %d exceeded", f.maxChars)
	}
	if len(s.Poll) > 0 && len(s.Media) > 0 {
		return nil, 422, "Validation failed: Poll cannot be attached to a post with media"
	}
	if len(s.Poll) > 0 && get("poll[expires_in]") == "" {
		return nil, 422, "Validation failed: Poll expires at can't be blank"
	}
	for _, id := range s.Media {
		m := f.media[id]
		if m == nil || m.AccountID != a.ID {
			return nil, 422, "Validation failed: Media attachments is invalid"
		}
		if !f.mediaReady(m) {
			return nil, 422, "Cannot attach files that have not finished processing. Try again in a moment!"
		}
	}
	if s.InReplyTo != "" && f.statuses[s.InReplyTo] == nil {
		return nil, 404, "Record not found"
	}
	return s, 0, ""
}

func (f *fakeServer) statusJSON(s *fakeStatus) map[string]any {
	a := f.accounts[s.AccountID]
	var media []map[string]any
	for _, id := range s.Media {
		media = append(media, f.mediaJSON(f.media[id], true))
	}
	var inReplyAcct any
	if p := f.statuses[s.InReplyTo]; p != nil {
		inReplyAcct = p.AccountID
	}
	replies := 0
	for _, o := range f.statuses {
		if o.InReplyTo == s.ID {
			replies++
		}
	}
	var reply any
	if s.InReplyTo != "" {
		reply = s.InReplyTo
	}
	return map[string]any{"id": s.ID, "created_at": s.Created.Format("2006-01-02T15:04:05.000Z"),
		"in_reply_to_id": reply, "in_reply_to_account_id": inReplyAcct, "sensitive": s.Sensitive,
		"spoiler_text": s.Spoiler, "visibility": s.Visibility, "language": s.Language,
		"uri": f.URL + "/users/" + a.Username + "/statuses/" + s.ID, "url": f.URL + "/@" + a.Username + "/" + s.ID,
		"replies_count": replies, "reblogs_count": s.Reblogs, "favourites_count": s.Favourites,
		"content": "<p>" + strings.ReplaceAll(htmlEscape(s.Text), "\n", "<br />") + "</p>",
		"account": f.accountJSON(a), "media_attachments": media}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}

func (f *fakeServer) getStatus(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.statuses[r.PathValue("id")]
	// Direct statuses are visible to their author and the accounts they mention.
	if s == nil || (s.Visibility == "direct" && s.AccountID != a.ID && !strings.Contains(s.Text, "@"+a.Username)) {
		errJSON(w, 404, "Record not found")
		return
	}
	writeJSON(w, 200, f.statusJSON(s))
}

func (f *fakeServer) deleteStatus(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.statuses[r.PathValue("id")]
	if s == nil || s.AccountID != a.ID {
		errJSON(w, 404, "Record not found")
		return
	}
	out := f.statusJSON(s)
	delete(f.statuses, s.ID)
	writeJSON(w, 200, out)
}

// react favourites or boosts; both are idempotent on Mastodon.
func (f *fakeServer) react(kind string) func(http.ResponseWriter, *http.Request, *fakeAccount) {
	return func(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
		f.mu.Lock()
		defer f.mu.Unlock()
		s := f.statuses[r.PathValue("id")]
		if s == nil {
			errJSON(w, 404, "Record not found")
			return
		}
		if kind == "favourite" {
			s.Favourites++
		} else {
			s.Reblogs++
		}
		if s.AccountID != a.ID {
			f.notes = append(f.notes, fakeNote{ID: f.id(), Type: kind, FromID: a.ID, ToID: s.AccountID, StatusID: s.ID, Created: time.Now().UTC()})
		}
		writeJSON(w, 200, f.statusJSON(s))
	}
}

// notifications follows https://docs.joinmastodon.org/methods/notifications/#get:
// newest first, filtered by types[], paged with max_id and limit.
func (f *fakeServer) notifications(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
	q := r.URL.Query()
	types := map[string]bool{}
	for _, t := range q["types[]"] {
		types[t] = true
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	f.mu.Lock()
	defer f.mu.Unlock()
	if limit <= 0 || limit > f.pageSize {
		limit = f.pageSize
	}
	maxID, _ := strconv.Atoi(q.Get("max_id"))
	var out []map[string]any
	for i := len(f.notes) - 1; i >= 0 && len(out) < limit; i-- {
		n := f.notes[i]
		s := f.statuses[n.StatusID]
		id, _ := strconv.Atoi(n.ID)
		if s == nil || n.ToID != a.ID || (maxID > 0 && id >= maxID) || (len(types) > 0 && !types[n.Type]) {
			continue
		}
		out = append(out, map[string]any{"id": n.ID, "type": n.Type, "created_at": n.Created.Format("2006-01-02T15:04:05.000Z"),
			"account": f.accountJSON(f.accounts[n.FromID]), "status": f.statusJSON(s)})
	}
	writeJSON(w, 200, out)
}

// accountStatuses follows https://docs.joinmastodon.org/methods/accounts/#statuses:
// public, newest first, limit (default 20, at most 40), max_id, and a Link
// header to the next page (https://docs.joinmastodon.org/api/guidelines/#pagination).
func (f *fakeServer) accountStatuses(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 40, f.pageSize)
	maxID, _ := strconv.Atoi(q.Get("max_id"))
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.accounts[r.PathValue("id")] == nil {
		errJSON(w, 404, "Record not found")
		return
	}
	out := []map[string]any{}
	last, more := "", false
	for i := len(f.order) - 1; i >= 0; i-- {
		s := f.statuses[f.order[i]]
		id, _ := strconv.Atoi(f.order[i])
		if s == nil || s.AccountID != r.PathValue("id") || (maxID > 0 && id >= maxID) || (s.Visibility == "direct" && (a == nil || a.ID != s.AccountID)) {
			continue
		}
		if len(out) == limit {
			more = true
			break
		}
		out = append(out, f.statusJSON(s))
		last = s.ID
	}
	if more {
		w.Header().Set("Link", fmt.Sprintf(`<%s/api/v1/accounts/%s/statuses?limit=%d&max_id=%s>; rel="next"`, f.URL, r.PathValue("id"), limit, last))
	}
	writeJSON(w, 200, out)
}

// public serves a method that needs no token (account lookups, public
// timelines); a token, when sent, must be valid, as with Doorkeeper.
func (f *fakeServer) public(h func(http.ResponseWriter, *http.Request, *fakeAccount)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			h(w, r, nil)
			return
		}
		f.auth(h)(w, r)
	}
}

// lookupAccount follows https://docs.joinmastodon.org/methods/accounts/#lookup.
func (f *fakeServer) lookupAccount(w http.ResponseWriter, r *http.Request, _ *fakeAccount) {
	acct := strings.TrimPrefix(r.URL.Query().Get("acct"), "@")
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.accounts {
		if a.Username == acct {
			writeJSON(w, 200, f.accountJSON(a))
			return
		}
	}
	errJSON(w, 404, "Record not found")
}

// getAccount follows https://docs.joinmastodon.org/methods/accounts/#get.
func (f *fakeServer) getAccount(w http.ResponseWriter, r *http.Request, _ *fakeAccount) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.accounts[r.PathValue("id")]
	if a == nil {
		errJSON(w, 404, "Record not found")
		return
	}
	writeJSON(w, 200, f.accountJSON(a))
}

// count returns how many statuses exist (tests).
func (f *fakeServer) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.statuses)
}

// set runs fn under the fake's lock: tests change and read its state while
// handlers of abandoned requests may still be running.
func (f *fakeServer) set(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}
