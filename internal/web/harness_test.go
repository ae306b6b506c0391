package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/testenv"
)

// testPassword is the password of every account the tests make.
const testPassword = "correct horse battery"

// lockedBuffer collects log output from the app's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a running Herald: the app, its HTTP server and its log.
type env struct {
	t    testing.TB
	a    *app.App
	srv  *httptest.Server
	logs *lockedBuffer
	ips  atomic.Int32
}

// newEnv starts Herald on a fresh database (SQLite, or PostgreSQL when the
// test environment provides it) behind a real HTTP server. Clients present
// distinct addresses through X-Forwarded-For (the app trusts the proxy
// header here), so the per-address sign-in limit of one test client does not
// spill into another.
func newEnv(t testing.TB, mutate ...func(*config.Config)) *env {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testenv.Config(t)
	cfg.Roles = []string{"web"}
	cfg.BaseURL = "http://" + ln.Addr().String()
	cfg.TrustProxy = true
	cfg.MaxBodyBytes = 64 << 10
	for _, m := range mutate {
		m(&cfg)
	}
	logs := &lockedBuffer{}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(a.Handler())
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &env{t: t, a: a, srv: srv, logs: logs}
}

// client is one browser: its own cookies and its own address.
type client struct {
	t    testing.TB
	e    *env
	http *http.Client
	ip   string
	tok  string // the CSRF token once read from a form
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	n := e.ips.Add(1)
	return &client{t: e.t, e: e, ip: fmt.Sprintf("198.51.100.%d", n),
		http: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is a response with its body read.
type page struct {
	status int
	header http.Header
	body   string
	url    string
}

// location is the redirect target, made relative to the server.
func (p page) location() string { return p.header.Get("Location") }

func (c *client) do(req *http.Request) page {
	c.t.Helper()
	req.Header.Set("X-Forwarded-For", c.ip)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: string(b), url: req.URL.RequestURI()}
}

// get fetches path without following redirects.
func (c *client) get(path string) page {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	return c.do(req)
}

// open fetches path and follows redirects on this site, like a browser.
func (c *client) open(path string) page {
	c.t.Helper()
	p := c.get(path)
	for i := 0; i < 10 && p.status >= 300 && p.status < 400; i++ {
		p = c.get(p.location())
	}
	return p
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the form token of this browser, read from a page's form the
// way a browser gets it.
func (c *client) csrf() string {
	c.t.Helper()
	if c.tok != "" {
		return c.tok
	}
	for _, path := range []string{"/account", "/login", "/setup"} {
		p := c.get(path)
		if m := csrfRe.FindStringSubmatch(p.body); m != nil {
			c.tok = html.UnescapeString(m[1])
			return c.tok
		}
	}
	c.t.Fatal("no page with a csrf field")
	return ""
}

// post sends a form with this browser's CSRF token, without following the
// redirect it answers with.
func (c *client) post(path string, vals url.Values) page {
	c.t.Helper()
	v := url.Values{}
	for k, vs := range vals {
		v[k] = vs
	}
	if _, ok := v["csrf"]; !ok {
		v.Set("csrf", c.csrf())
	}
	return c.postRaw(path, v.Encode(), nil)
}

// postRaw sends body as a form, with extra headers.
func (c *client) postRaw(path, body string, header http.Header) page {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, vs := range header {
		req.Header[k] = vs
	}
	return c.do(req)
}

// submit posts a form and follows the redirect like a browser.
func (c *client) submit(path string, vals url.Values) page {
	c.t.Helper()
	p := c.post(path, vals)
	for i := 0; i < 10 && p.status >= 300 && p.status < 400; i++ {
		p = c.get(p.location())
	}
	return p
}

// signIn signs in through the form and expects to land signed in.
func (c *client) signIn(email, pw string) page {
	c.t.Helper()
	p := c.post("/login", url.Values{"email": {email}, "password": {pw}})
	if p.status != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: status %d: %s", email, p.status, alertText(p.body))
	}
	return p
}

// owner runs first-run setup through the UI and returns the signed-in browser.
func (e *env) owner() *client {
	e.t.Helper()
	c := e.client()
	p := c.post("/setup", url.Values{"name": {"Olivia Owner"}, "email": {"owner@example.test"}, "password": {testPassword}})
	if p.status != http.StatusSeeOther || p.location() != "/workspaces" {
		e.t.Fatalf("setup: status %d location %q: %s", p.status, p.location(), alertText(p.body))
	}
	return c
}

// actor is the owner as the domain sees them, for arranging state directly.
func (e *env) actor(email string) model.Actor {
	e.t.Helper()
	u, err := e.a.Accounts.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: u.IsAdmin, Via: "cli"}
}

// workspace creates a workspace owned by the given user.
func (e *env) workspace(ownerEmail, name string) model.Workspace {
	e.t.Helper()
	w, err := e.a.Workspaces.Create(context.Background(), e.actor(ownerEmail), name)
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

// user creates an account directly.
func (e *env) user(email string) model.User {
	e.t.Helper()
	u, err := e.a.Accounts.CreateUser(context.Background(), model.Actor{Via: "cli"}, account.NewUser{Email: email, Name: "Uma User", Password: testPassword})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// member makes a user and adds them to the workspace with role.
func (e *env) member(ownerEmail, wsID, email string, role model.Role) model.User {
	e.t.Helper()
	ctx := context.Background()
	inv, err := e.a.Workspaces.Invite(ctx, e.actor(ownerEmail), wsID, email, string(role))
	if err != nil {
		e.t.Fatal(err)
	}
	token := inv.Link[strings.LastIndex(inv.Link, "/")+1:]
	u, err := e.a.Workspaces.AcceptWithNewAccount(ctx, e.a.Accounts, model.Actor{Via: "cli"}, token, "Mo Member", testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

var (
	tagRe   = regexp.MustCompile(`(?s)<[^>]*>`)
	spaceRe = regexp.MustCompile(`\s+`)
	alertRe = regexp.MustCompile(`(?s)<div class="alert[^"]*"[^>]*>.*?</div>\s*</div>|<div class="alert[^"]*"[^>]*>.*?</div>`)
)

// text is a page's visible text with tags removed and spaces collapsed.
func text(body string) string {
	return strings.TrimSpace(spaceRe.ReplaceAllString(html.UnescapeString(tagRe.ReplaceAllString(body, " ")), " "))
}

// alertText is the text of the page's alerts, for failure messages.
func alertText(body string) string {
	return text(strings.Join(alertRe.FindAllString(body, -1), " "))
}

// fieldError returns the error shown next to field, checking that the input
// points at it with aria-describedby.
func fieldError(t *testing.T, body, field string) string {
	t.Helper()
	re := regexp.MustCompile(`(?s)<p class="field-error" id="` + regexp.QuoteMeta(field) + `-error">(.*?)</p>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no error shown for field %q; alerts: %s", field, alertText(body))
	}
	if !regexp.MustCompile(`aria-describedby="[^"]*\b` + regexp.QuoteMeta(field) + `-error\b`).MatchString(body) {
		t.Errorf("field %q error is not linked with aria-describedby", field)
	}
	return text(m[1])
}

// mustContain fails unless the page's visible text contains each string.
func mustContain(t *testing.T, p page, want ...string) {
	t.Helper()
	txt := text(p.body)
	for _, w := range want {
		if !strings.Contains(txt, w) {
			t.Fatalf("%s: page (status %d) does not say %q; it says: %.600s", p.url, p.status, w, txt)
		}
	}
}

func wantStatus(t *testing.T, p page, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("%s: status %d, want %d; alerts: %s", p.url, p.status, want, alertText(p.body))
	}
}
