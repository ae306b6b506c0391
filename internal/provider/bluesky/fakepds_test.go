package bluesky

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// fakePDS is a faithful fake of a Bluesky PDS (and, when appView is set,
// of the AppView it proxies app.bsky.* reads to), written from the HTTP
// reference at https://docs.bsky.app/docs/category/http-reference, the
// lexicons in github.com/bluesky-social/atproto/lexicons, and what the real
// PDS 0.4 on the bsky peer answers (see shared/peers/README.md): XRPC
// paths, JSON shapes, {"error","message"} bodies, RateLimit-* headers, 400
// ExpiredToken for an expired access token, 400 RecordNotFound, and 500
// InternalServerError for a createRecord whose rkey is taken.
type fakePDS struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	accounts map[string]*fakeAccount            // by DID
	tokens   map[string]fakeToken               // access and refresh tokens
	repos    map[string]map[string][]fakeRecord // did -> collection -> records
	blobs    map[string]int                     // blob CID -> size
	faults   []fault
	calls    map[string]int // NSID -> count
	appView  bool
	seq      int
}

type fakeAccount struct {
	did, handle, password, appPassword string
	followers                          int64
}

type fakeToken struct {
	did     string
	refresh bool
	exp     time.Time
	scope   string
}

type fakeRecord struct {
	rkey, cid string
	value     json.RawMessage
	indexedAt time.Time
}

// fault scripts the next call to nsid: an error answer, or the call's
// effect followed by a dropped connection (drop) or a stall past the
// client's timeout (stall): the unknown outcomes of publishing.
type fault struct {
	nsid    string
	status  int
	code    string
	message string
	header  map[string]string
	body    any // with status 200: this answer instead of the real one
	drop    bool
	stall   time.Duration
}

func newFakePDS(t *testing.T) *fakePDS {
	f := &fakePDS{t: t, accounts: map[string]*fakeAccount{}, tokens: map[string]fakeToken{},
		repos: map[string]map[string][]fakeRecord{}, blobs: map[string]int{}, calls: map[string]int{}, appView: true}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakePDS) addAccount(handle string) *fakeAccount {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	a := &fakeAccount{did: fmt.Sprintf("did:plc:fake%020d", f.seq), handle: handle, password: "pw-" + handle, appPassword: "app1-pass-word-" + handle[:1]}
	f.accounts[a.did] = a
	f.repos[a.did] = map[string][]fakeRecord{}
	return a
}

func (f *fakePDS) fail(fs ...fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fs...)
}

func (f *fakePDS) count(nsid string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[nsid]
}

// records returns a copy of a repo collection.
func (f *fakePDS) records(did, coll string) []fakeRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRecord(nil), f.repos[did][coll]...)
}

// put stores a record as if its owner had written it.
func (f *fakePDS) put(did, coll string, value map[string]any) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	value["$type"] = coll
	if _, ok := value["createdAt"]; !ok {
		value["createdAt"] = time.Now().UTC().Format(datetimeLayout)
	}
	raw, _ := json.Marshal(value)
	f.seq++
	rkey := syntax.NewTID(time.Now().UnixMicro(), uint(f.seq)).String()
	f.repos[did][coll] = append(f.repos[did][coll], fakeRecord{rkey: rkey, cid: cid(0x71, raw), value: raw, indexedAt: time.Now()})
	return "at://" + did + "/" + coll + "/" + rkey
}

// expireAccess makes every access token of did expired.
func (f *fakePDS) expireAccess(did string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, tok := range f.tokens {
		if tok.did == did && !tok.refresh {
			tok.exp = time.Now().Add(-time.Minute)
			f.tokens[k] = tok
		}
	}
}

// revokeRefresh invalidates every refresh token (an app password revoked).
func (f *fakePDS) revokeRefresh() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, tok := range f.tokens {
		if tok.refresh {
			delete(f.tokens, k)
		}
	}
}

// jwt makes a token shaped like the PDS's (HS256 JWT with scope, sub, exp).
func (f *fakePDS) jwt(did, scope string, exp time.Time, refresh bool) string {
	f.seq++
	enc := base64.RawURLEncoding
	claims, _ := json.Marshal(map[string]any{"scope": scope, "sub": did, "exp": exp.Unix(), "iat": time.Now().Unix(), "jti": f.seq})
	tok := enc.EncodeToString([]byte(`{"typ":"at+jwt","alg":"HS256"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte(fmt.Sprint(f.seq)))
	f.tokens[tok] = fakeToken{did: did, refresh: refresh, exp: exp, scope: scope}
	return tok
}

// cid makes a real CIDv1 string (base32, sha-256) for codec: 0x71
// dag-cbor for records, 0x55 raw for blobs, so the SDK's CID parser
// accepts blob refs.
func cid(codec byte, data []byte) string {
	sum := sha256.Sum256(data)
	b := append([]byte{0x01, codec, 0x12, 0x20}, sum[:]...)
	return "b" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// xerr writes an XRPC error body (https://atproto.com/specs/xrpc#error-responses).
func xerr(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"error": code, "message": msg})
}

func (f *fakePDS) serve(w http.ResponseWriter, r *http.Request) {
	nsid := strings.TrimPrefix(r.URL.Path, "/xrpc/")
	f.mu.Lock()
	f.calls[nsid]++
	var flt *fault
	for i, x := range f.faults {
		if x.nsid == nsid {
			flt = &x
			f.faults = append(f.faults[:i], f.faults[i+1:]...)
			break
		}
	}
	f.mu.Unlock()
	if flt != nil && flt.body != nil {
		writeJSON(w, flt.status, flt.body)
		return
	}
	if flt != nil && flt.status != 0 {
		for k, v := range flt.header {
			w.Header().Set(k, v)
		}
		xerr(w, flt.status, flt.code, flt.message)
		return
	}
	if flt != nil && flt.drop {
		f.route(httptest.NewRecorder(), r, nsid) // the server does the work...
		hj, ok := w.(http.Hijacker)
		if !ok {
			f.t.Fatal("fake PDS: connection cannot be hijacked")
		}
		conn, _, _ := hj.Hijack()
		conn.Close() // ...and the answer never arrives
		return
	}
	if flt != nil && flt.stall > 0 {
		f.route(httptest.NewRecorder(), r, nsid)
		select {
		case <-time.After(flt.stall):
		case <-r.Context().Done():
		}
		return
	}
	f.route(w, r, nsid)
}

func (f *fakePDS) route(w http.ResponseWriter, r *http.Request, nsid string) {
	h, ok := map[string]func(http.ResponseWriter, *http.Request){
		"com.atproto.server.createSession":        f.createSession,
		"com.atproto.server.refreshSession":       f.refreshSession,
		"com.atproto.server.getSession":           f.getSession,
		"com.atproto.server.deleteSession":        f.deleteSession,
		"com.atproto.identity.resolveHandle":      f.resolveHandle,
		"com.atproto.repo.uploadBlob":             f.uploadBlob,
		"com.atproto.repo.createRecord":           f.createRecord,
		"com.atproto.repo.getRecord":              f.getRecord,
		"com.atproto.repo.deleteRecord":           f.deleteRecord,
		"com.atproto.repo.listRecords":            f.listRecords,
		"com.atproto.repo.describeRepo":           f.describeRepo,
		"app.bsky.notification.listNotifications": f.appview(f.listNotifications),
		"app.bsky.feed.getPostThread":             f.appview(f.getPostThread),
		"app.bsky.feed.getPosts":                  f.appview(f.getPosts),
		"app.bsky.actor.getProfile":               f.appview(f.getProfile),
		"app.bsky.feed.getAuthorFeed":             f.appview(f.getAuthorFeed),
	}[nsid]
	if !ok {
		xerr(w, http.StatusNotImplemented, "MethodNotImplemented", "Method Not Implemented")
		return
	}
	h(w, r)
}

// auth checks the bearer token as the PDS does: missing → 401
// AuthMissing, unknown → 400 InvalidToken, expired → 400 ExpiredToken.
func (f *fakePDS) auth(w http.ResponseWriter, r *http.Request, refresh bool) (fakeToken, bool) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	t, ok := f.tokens[tok]
	f.mu.Unlock()
	switch {
	case tok == "":
		xerr(w, 401, "AuthMissing", "Authentication Required")
	case !ok:
		xerr(w, 400, "InvalidToken", "Token could not be verified")
	case t.refresh != refresh:
		xerr(w, 400, "InvalidToken", "Invalid token type")
	case time.Now().After(t.exp):
		xerr(w, 400, "ExpiredToken", "Token has expired")
	default:
		return t, true
	}
	return t, false
}

// https://docs.bsky.app/docs/api/com-atproto-server-create-session
func (f *fakePDS) createSession(w http.ResponseWriter, r *http.Request) {
	var in struct{ Identifier, Password string }
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		xerr(w, 400, "InvalidRequest", "Input must be an object")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.accounts {
		if in.Identifier != a.did && in.Identifier != a.handle {
			continue
		}
		scope := map[string]string{a.appPassword: "com.atproto.appPass", a.password: mainPasswordScope}[in.Password]
		if scope == "" {
			break
		}
		writeJSON(w, 200, map[string]any{"did": a.did, "handle": a.handle, "active": true,
			"accessJwt": f.jwt(a.did, scope, time.Now().Add(2*time.Hour), false), "refreshJwt": f.jwt(a.did, "com.atproto.refresh", time.Now().Add(90*24*time.Hour), true)})
		return
	}
	xerr(w, 401, "AuthenticationRequired", "Invalid identifier or password")
}

// https://docs.bsky.app/docs/api/com-atproto-server-refresh-session
// The refresh token rotates: the old one stops working.
func (f *fakePDS) refreshSession(w http.ResponseWriter, r *http.Request) {
	t, ok := f.auth(w, r, true)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.tokens, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	a := f.accounts[t.did]
	writeJSON(w, 200, map[string]any{"did": a.did, "handle": a.handle, "active": true,
		"accessJwt": f.jwt(a.did, "com.atproto.appPass", time.Now().Add(2*time.Hour), false), "refreshJwt": f.jwt(a.did, "com.atproto.refresh", time.Now().Add(90*24*time.Hour), true)})
}

// https://docs.bsky.app/docs/api/com-atproto-server-get-session
func (f *fakePDS) getSession(w http.ResponseWriter, r *http.Request) {
	if t, ok := f.auth(w, r, false); ok {
		f.mu.Lock()
		a := f.accounts[t.did]
		f.mu.Unlock()
		writeJSON(w, 200, map[string]any{"did": a.did, "handle": a.handle, "active": true})
	}
}

// https://docs.bsky.app/docs/api/com-atproto-server-delete-session
func (f *fakePDS) deleteSession(w http.ResponseWriter, r *http.Request) {
	if _, ok := f.auth(w, r, true); ok {
		f.mu.Lock()
		delete(f.tokens, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		f.mu.Unlock()
		w.WriteHeader(200)
	}
}

// https://docs.bsky.app/docs/api/com-atproto-identity-resolve-handle
func (f *fakePDS) resolveHandle(w http.ResponseWriter, r *http.Request) {
	h := r.URL.Query().Get("handle")
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.accounts {
		if a.handle == h {
			writeJSON(w, 200, map[string]string{"did": a.did})
			return
		}
	}
	xerr(w, 400, "InvalidRequest", "Unable to resolve handle")
}

// https://docs.bsky.app/docs/api/com-atproto-repo-upload-blob
// Blobs over 1,000,000 bytes fail as on Bluesky (BlobTooLarge).
func (f *fakePDS) uploadBlob(w http.ResponseWriter, r *http.Request) {
	if _, ok := f.auth(w, r, false); !ok {
		return
	}
	data, _ := io.ReadAll(r.Body)
	if len(data) > 1_000_000 {
		xerr(w, 400, "BlobTooLarge", fmt.Sprintf("This file is too large. It is %.2fKB but the maximum size is 976.56KB.", float64(len(data))/1024))
		return
	}
	c := cid(0x55, data)
	f.mu.Lock()
	f.blobs[c] = len(data)
	f.mu.Unlock()
	writeJSON(w, 200, map[string]any{"blob": map[string]any{"$type": "blob", "ref": map[string]string{"$link": c},
		"mimeType": r.Header.Get("Content-Type"), "size": len(data)}})
}

// https://docs.bsky.app/docs/api/com-atproto-repo-create-record
func (f *fakePDS) createRecord(w http.ResponseWriter, r *http.Request) {
	t, ok := f.auth(w, r, false)
	if !ok {
		return
	}
	var in struct {
		Repo, Collection, Rkey string
		Record                 json.RawMessage
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		xerr(w, 400, "InvalidRequest", "Input must be an object")
		return
	}
	if in.Repo != t.did {
		xerr(w, 400, "InvalidRequest", "Invalid repo")
		return
	}
	if msg := f.validate(in.Collection, in.Rkey, in.Record); msg != "" {
		xerr(w, 400, "InvalidRequest", msg)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if in.Rkey == "" {
		in.Rkey = syntax.NewTIDNow(0).String()
	}
	for _, rec := range f.repos[t.did][in.Collection] {
		if rec.rkey == in.Rkey {
			xerr(w, 500, "InternalServerError", "Internal Server Error") // what PDS 0.4 answers
			return
		}
	}
	c := cid(0x71, in.Record)
	f.repos[t.did][in.Collection] = append(f.repos[t.did][in.Collection], fakeRecord{rkey: in.Rkey, cid: c, value: in.Record, indexedAt: time.Now()})
	writeJSON(w, 200, map[string]any{"uri": "at://" + t.did + "/" + in.Collection + "/" + in.Rkey, "cid": c,
		"commit": map[string]string{"cid": cid(0x71, []byte(c)), "rev": syntax.NewTIDNow(1).String()}, "validationStatus": "valid"})
}
