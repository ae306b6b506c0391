package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/testenv"
)

// harness is a real Herald (app.New on a fresh database) behind httptest,
// with the served OpenAPI document to check every answer against.
type harness struct {
	t   *testing.T
	app *app.App
	url string
	doc map[string]any
}

var cli = model.Actor{Via: "cli", IsAdmin: true}

// each runs fn on SQLite and, when configured, PostgreSQL; tune may adjust
// the configuration first.
func each(t *testing.T, fn func(h *harness)) {
	eachWith(t, nil, fn)
}

func eachWith(t *testing.T, tune func(*config.Config), fn func(h *harness)) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		if tune != nil {
			tune(&cfg)
		}
		fn(newHarness(t, cfg))
	})
}

func newHarness(t *testing.T, cfg config.Config) *harness {
	t.Helper()
	cfg.Roles = []string{"web"} // requests only; no job workers in the background
	cfg.BaseURL = "http://herald.test"
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(context.Background(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close) // runs before a.Close: requests end before the database closes
	h := &harness{t: t, app: a, url: srv.URL}
	r := h.do(http.MethodGet, "/api/v1/openapi.json", "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("openapi.json: %d", r.status)
	}
	if err := json.Unmarshal(r.body, &h.doc); err != nil {
		t.Fatal(err)
	}
	return h
}

// admin creates the installation owner (first-run setup).
func (h *harness) admin(email string) model.User {
	h.t.Helper()
	u, err := h.app.Accounts.Setup(context.Background(), cli, account.NewUser{Email: email, Name: "Admin " + email, Password: "correct horse battery"})
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// user creates an ordinary (non-admin) user.
func (h *harness) user(email string) model.User {
	h.t.Helper()
	u, err := h.app.Accounts.CreateUser(context.Background(), cli, account.NewUser{Email: email, Name: "User " + email, Password: "correct horse battery"})
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

func actorOf(u model.User) model.Actor {
	return model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: u.IsAdmin, Via: "cli"}
}

// token makes an API token for u with the scopes given, or all of them.
func (h *harness) token(u model.User, scopes ...model.Scope) string {
	h.t.Helper()
	return h.tokenFor(u, 0, scopes...)
}

func (h *harness) tokenFor(u model.User, ttl time.Duration, scopes ...model.Scope) string {
	h.t.Helper()
	if len(scopes) == 0 {
		for _, s := range model.Scopes {
			scopes = append(scopes, s.Scope)
		}
	}
	names := make([]string, len(scopes))
	for i, s := range scopes {
		names[i] = string(s)
	}
	raw, _, err := h.app.Accounts.CreateToken(context.Background(), actorOf(u), account.NewToken{Name: "test", Scopes: names, ExpiresIn: ttl})
	if err != nil {
		h.t.Fatal(err)
	}
	return raw
}

// response is one answer, with its JSON decoded when there is a body.
type response struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

// raw is a request body sent exactly as given.
type raw string

// do sends a request. body is nil (none), a raw string or a value to encode
// as JSON. headers are name, value pairs; a Content-Type among them replaces
// application/json. Every answer is checked against the OpenAPI document.
func (h *harness) do(method, path, token string, body any, headers ...string) response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case raw:
		rd = strings.NewReader(string(b))
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, h.url+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	r := response{status: res.StatusCode, header: res.Header, body: data}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &r.json); err != nil {
			h.t.Fatalf("%s %s: answer is not a JSON object: %v\n%s", method, path, err, data)
		}
	}
	if h.doc != nil {
		h.conforms(method, path, r)
	}
	return r
}

// want fails the test unless r has the status.
func (r response) want(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

// wantProblem fails unless r is a problem of the status and type slug,
// naming field (when not "") in its errors.
func (r response) wantProblem(t *testing.T, status int, slug, field string) response {
	t.Helper()
	r.want(t, status)
	if got := r.str("type"); got != "https://herald.dev/problems/"+slug {
		t.Fatalf("problem type %s, want %s: %s", got, slug, r.body)
	}
	if field != "" {
		errs, _ := r.json["errors"].([]any)
		if len(errs) == 0 || errs[0].(map[string]any)["field"] != field {
			t.Fatalf("problem does not name %s: %s", field, r.body)
		}
	}
	return r
}

func (r response) str(key string) string {
	s, _ := r.json[key].(string)
	return s
}

// list returns the data items of a page and its next cursor ("" at the end).
func (r response) list() ([]map[string]any, string) {
	var out []map[string]any
	for _, v := range r.json["data"].([]any) {
		out = append(out, v.(map[string]any))
	}
	next, _ := r.json["next_cursor"].(string)
	return out, next
}
