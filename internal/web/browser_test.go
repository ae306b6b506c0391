package web_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/testenv"
)

// The real-browser journey: first-run setup, a workspace, e-mail through
// the mailpit peer, an invitation accepted by a new person in another
// browser, and the owner seeing them. It needs Chromium and mailpit; without
// them it skips, unless HERALD_BROWSER_TESTS=1 (CI) makes that a failure.

const mailpitEnvFile = "/tmp/peers/mailpit/env"

// requireOrSkip skips the test with reason, or fails it when CI asked for
// browser tests explicitly.
func requireOrSkip(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("HERALD_BROWSER_TESTS") == "1" {
		t.Fatalf("HERALD_BROWSER_TESTS=1 but %s", reason)
	}
	t.Skipf("browser test skipped: %s (set up Chromium and the mailpit peer, or HERALD_BROWSER_TESTS=1 to make this a failure)", reason)
}

func findChromium() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// mailpit is the local mail catcher: its SMTP port and its HTTP API.
type mailpit struct {
	smtpPort string
	api      string
}

func findMailpit(t *testing.T) (mailpit, string) {
	vars := map[string]string{}
	f, err := os.Open(mailpitEnvFile)
	if err != nil {
		return mailpit{}, "the mailpit peer is not up (" + mailpitEnvFile + " is missing)"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export "), "=")
		if ok {
			vars[k] = strings.Trim(v, `"'`)
		}
	}
	m := mailpit{smtpPort: "1025", api: "http://127.0.0.1:8025"}
	if p := os.Getenv("MAILPIT_SMTP_PORT"); p != "" {
		m.smtpPort = p
	} else if p := vars["MAILPIT_SMTP_PORT"]; p != "" {
		m.smtpPort = p
	}
	if u := vars["MAILPIT_API_URL"]; u != "" {
		m.api = strings.TrimRight(u, "/")
	}
	c := &http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get(m.api + "/api/v1/info")
	if err != nil {
		return m, "the mailpit API at " + m.api + " does not answer: " + err.Error()
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return m, fmt.Sprintf("the mailpit API at %s answers %d", m.api, resp.StatusCode)
	}
	return m, ""
}

// waitForMail polls mailpit until a message to addr arrives and returns its
// plain text.
func (m mailpit) waitForMail(t *testing.T, addr string, within time.Duration) string {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		var found struct {
			Messages []struct{ ID string }
		}
		if getJSON(c, m.api+"/api/v1/search?query="+url.QueryEscape("to:"+addr), &found) == nil && len(found.Messages) > 0 {
			var msg struct{ Text string }
			if err := getJSON(c, m.api+"/api/v1/message/"+url.PathEscape(found.Messages[0].ID), &msg); err == nil {
				return msg.Text
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("no e-mail to %s arrived in mailpit within %s", addr, within)
	return ""
}

func getJSON(c *http.Client, u string, v any) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", u, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// startHerald runs Herald with web and worker roles on a random loopback
// port, as `herald serve` does, so queued e-mail is really delivered;
// mutate adjusts the configuration first.
func startHerald(t *testing.T, mutate ...func(*config.Config)) (*app.App, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := testenv.Config(t)
	cfg.Roles = []string{"web", "worker"}
	cfg.BaseURL = base
	cfg.Workers = 2
	cfg.ShutdownTimeout = 5 * time.Second
	for _, m := range mutate {
		m(&cfg)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return a, base
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// consoleWatch collects browser console errors, such as CSP violations,
// which would mean an inline script or style slipped into a page.
type consoleWatch struct {
	mu   sync.Mutex
	msgs []string
}

func watchConsole(ctx context.Context, w *consoleWatch) {
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				w.mu.Lock()
				w.msgs = append(w.msgs, m.String())
				w.mu.Unlock()
			}
		}
	}()
}

func (w *consoleWatch) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, m := range w.msgs {
		t.Errorf("browser console: %s", m)
	}
}

func TestBrowserJourney(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		requireOrSkip(t, "Chromium is not installed (/usr/bin/chromium or chromium on PATH)")
	}
	mp, why := findMailpit(t)
	if why != "" {
		requireOrSkip(t, why)
	}
	_, base := startHerald(t)
	ctx, console := newBrowser(t, chromium)
	tctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
	defer tcancel()

	run := strings.ToLower(randomHex(4))
	owner := "owner+" + run + "@example.test"
	bob := "bob+" + run + "@example.test"
	shots := screenshotDir(t)

	// First run: "/" leads to setup; create the owner.
	step(t, tctx, "open / and reach setup",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("name")),
	)
	wantPath(t, tctx, "/setup")
	step(t, tctx, "create the owner",
		chromedp.SendKeys(chromedp.ID("name"), "Olivia Owner"),
		chromedp.SendKeys(chromedp.ID("email"), owner),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/setup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("new-title")),
	)
	wantPath(t, tctx, "/workspaces")
	shoot(t, tctx, shots, "workspaces-empty")

	// A first workspace.
	step(t, tctx, "create workspace Acme",
		chromedp.SendKeys(chromedp.ID("name"), "Acme"),
		chromedp.Click(chromedp.CSS(`#new button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".stats")),
	)
	wsPath := location(t, tctx)
	if !regexp.MustCompile(`^/w/[0-9a-z]{26}$`).MatchString(wsPath) {
		t.Fatalf("after creating the workspace the browser is at %q", wsPath)
	}
	wantText(t, tctx, "h1", "Acme")

	// E-mail through mailpit, checked with a test message.
	step(t, tctx, "save mail settings",
		chromedp.Navigate(base+"/admin/mail"),
		chromedp.WaitVisible(chromedp.ID("host")),
		chromedp.SendKeys(chromedp.ID("host"), "127.0.0.1"),
		chromedp.SendKeys(chromedp.ID("port"), mp.smtpPort),
		chromedp.Click(chromedp.CSS(`input[name=tls][value=none]`)),
		chromedp.SendKeys(chromedp.ID("from"), "herald@example.test"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/mail"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	wantText(t, tctx, ".flash", "Mail settings are saved")
	step(t, tctx, "send a test e-mail",
		chromedp.Click(chromedp.CSS(`form[action="/admin/mail/test"] button[type=submit]`)),
	)
	wantText(t, tctx, "main", "The mail server accepted a test e-mail")
	if txt := mp.waitForMail(t, owner, 30*time.Second); !strings.Contains(txt, "test e-mail from Herald") {
		t.Fatalf("test e-mail text: %q", txt)
	}

	// Invite Bob as Editor; the worker delivers the e-mail.
	step(t, tctx, "invite bob",
		chromedp.Navigate(base+wsPath+"/members"),
		chromedp.WaitVisible(chromedp.ID("invite-title")),
		chromedp.SendKeys(chromedp.ID("email"), bob),
		chromedp.SetValue(chromedp.ID("role"), "editor"),
		chromedp.Click(chromedp.CSS(`#invite button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	wantText(t, tctx, ".flash", "Invitation e-mailed to "+bob+" as Editor")
	mailText := mp.waitForMail(t, bob, 30*time.Second)
	link := regexp.MustCompile(`https?://\S+/invite/[A-Za-z0-9_-]+`).FindString(mailText)
	if link == "" || !strings.HasPrefix(link, base) {
		t.Fatalf("no invitation link to %s in the e-mail: %q", base, mailText)
	}

	// Bob, in a browser context of his own, creates his account.
	bctx, bcancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer bcancel()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatal(err)
	}
	watchConsole(bctx, console)
	btctx, btcancel := context.WithTimeout(bctx, 2*time.Minute)
	defer btcancel()
	step(t, btctx, "open the invitation",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("password")),
	)
	wantText(t, btctx, "main", "Join Acme")
	wantText(t, btctx, "main", bob)
	wantText(t, btctx, ".meta", "Editor")
	shoot(t, btctx, shots, "invitation")
	step(t, btctx, "create bob's account",
		chromedp.SendKeys(chromedp.ID("name"), "Bob Builder"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".stats")),
	)
	wantPath(t, btctx, wsPath)
	wantText(t, btctx, "h1", "Acme")
	wantText(t, btctx, ".page-header", "Editor")

	// Bob signs out; the owner signs in on the same browser and sees Bob.
	step(t, btctx, "sign bob out",
		chromedp.Click(chromedp.CSS(`.user-menu summary`)),
		chromedp.WaitVisible(chromedp.CSS(`.user-menu .menu-button`)),
		chromedp.Click(chromedp.CSS(`.user-menu .menu-button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)),
	)
	wantText(t, btctx, ".flash", "You are signed out")
	step(t, btctx, "sign the owner in",
		chromedp.SendKeys(chromedp.ID("email"), owner),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".stats")),
		chromedp.Navigate(base+wsPath+"/members"),
		chromedp.WaitVisible(chromedp.ID("members-title")),
	)
	wantText(t, btctx, ".table", bob)
	wantText(t, btctx, "main", "Bob Builder")
	roles, err := chromedp.Run(btctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('select[id^="role-"]')].map(s => s.closest('tr').querySelector('.muted').textContent + '=' + s.value)`))
	if err != nil {
		t.Fatal(err)
	}
	if !contains(roles, bob+"=editor") {
		t.Fatalf("bob is not listed as Editor: %v", roles)
	}

	// Screenshots in both themes, and at phone width.
	shoot(t, btctx, shots, "members-light")
	step(t, btctx, "switch to the dark theme", chromedp.Click(chromedp.CSS(`[data-theme-toggle]`)))
	theme, err := chromedp.Run(btctx, chromedp.Evaluate[string](`document.documentElement.dataset.theme || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')`))
	if err != nil || theme != "dark" {
		t.Fatalf("theme after toggle: %q, %v", theme, err)
	}
	shoot(t, btctx, shots, "members-dark")
	step(t, btctx, "reload keeps the theme", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("members-title")))
	if theme, _ := chromedp.Run(btctx, chromedp.Evaluate[string](`document.documentElement.dataset.theme || ''`)); theme != "dark" {
		t.Fatalf("the dark theme did not survive a reload: %q", theme)
	}
	step(t, btctx, "phone width",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(base+wsPath),
		chromedp.WaitVisible(chromedp.CSS(".stats")),
	)
	shoot(t, btctx, shots, "overview-phone-dark")
	step(t, btctx, "open the phone menu",
		chromedp.Click(chromedp.CSS(`[data-nav-toggle]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sidebar.open`)),
	)
	shoot(t, btctx, shots, "nav-phone-dark")
	console.check(t)
}

// newBrowser starts headless Chromium with a fresh profile for the test
// and watches its console; the browser ends with the test.
func newBrowser(t *testing.T, chromium string) (context.Context, *consoleWatch) {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser without a deadline
		t.Fatalf("start chromium: %v", err)
	}
	console := &consoleWatch{}
	watchConsole(ctx, console)
	return ctx, console
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// step runs actions and fails the test with the step's name on error.
func step(t *testing.T, ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 1500) : ''`))
		t.Fatalf("%s: %v\npage text: %s", name, err, body)
	}
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// wantPath waits (up to 15 s) for the browser to arrive at path want.
func wantPath(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
			if u, err := url.Parse(loc); err == nil {
				if got = u.Path; got == want {
					return
				}
			}
		}
	}
	t.Fatalf("browser is at %s, want %s", got, want)
}

// wantText waits (up to 15 s) until the first element matching sel contains
// want. It polls rather than reading once because a form submission may
// still be navigating when the previous step's wait is satisfied by the old
// page, and reading a page mid-navigation fails.
func wantText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	js := fmt.Sprintf(`(function(){ var e = document.querySelector(%q); return e ? e.innerText : ""; })()`, sel)
	var got string
	var err error
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		got, err = chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err == nil && strings.Contains(got, want) {
			return
		}
	}
	t.Fatalf("%s says %q (last error %v), want it to contain %q", sel, got, err, want)
}

// screenshotDir is a temporary directory, or HERALD_SCREENSHOT_DIR when set
// so a person can look at the pictures after the run.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("HERALD_SCREENSHOT_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// ownerBrowser is a running Herald (web and worker roles) with its owner,
// a workspace "Acme", and headless Chromium signed in as the owner.
type ownerBrowser struct {
	a       *app.App
	base    string
	owner   model.User
	actor   model.Actor
	ws      model.Workspace
	ctx     context.Context // bounded to three minutes
	console *consoleWatch
}

// browseAsOwner starts it all, or skips without Chromium (fails under
// HERALD_BROWSER_TESTS=1).
func browseAsOwner(t *testing.T, mutate ...func(*config.Config)) *ownerBrowser {
	t.Helper()
	chromium := findChromium()
	if chromium == "" {
		requireOrSkip(t, "Chromium is not installed (/usr/bin/chromium or chromium on PATH)")
	}
	a, base := startHerald(t, mutate...)
	ctx := context.Background()
	owner, err := a.Accounts.Setup(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: "owner@example.test", Name: "Olivia Owner", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	actor := model.Actor{UserID: owner.ID, Email: owner.Email, IsAdmin: true, Via: "cli"}
	w, err := a.Workspaces.Create(ctx, actor, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	bctx, console := newBrowser(t, chromium)
	tctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	t.Cleanup(cancel)
	step(t, tctx, "sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), owner.Email),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	wantPath(t, tctx, "/w/"+w.ID)
	return &ownerBrowser{a: a, base: base, owner: owner, actor: actor, ws: w, ctx: tctx, console: console}
}
