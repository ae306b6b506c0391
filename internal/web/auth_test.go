package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func TestSetupRunsOnlyOnce(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	p := c.get("/")
	if p.status != http.StatusSeeOther || p.location() != "/setup" {
		t.Fatalf("/ before setup: %d %q, want redirect to /setup", p.status, p.location())
	}
	if p := c.get("/login"); p.location() != "/setup" {
		t.Fatalf("/login before setup redirects to %q, want /setup", p.location())
	}
	p = c.open("/setup")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Welcome to Herald", "Create account")

	c = e.owner() // signs in and lands on /workspaces
	p = c.open("/workspaces")
	mustContain(t, p, "Welcome to Herald, Olivia Owner", "Create a workspace")
	if !strings.Contains(p.body, `href="/admin"`) {
		t.Error("the owner is an administrator but the navigation has no admin link")
	}

	other := e.client()
	if p := other.get("/setup"); p.status != http.StatusSeeOther || p.location() != "/login" {
		t.Fatalf("GET /setup after setup: %d %q, want redirect to /login", p.status, p.location())
	}
	p = other.post("/setup", url.Values{"name": {"Mallory"}, "email": {"mallory@example.test"}, "password": {testPassword}})
	if p.status != http.StatusSeeOther || p.location() != "/login" {
		t.Fatalf("POST /setup after setup: %d %q, want redirect to /login", p.status, p.location())
	}
	users, err := e.a.Accounts.Users(context.Background(), e.actor("owner@example.test"))
	if err != nil || len(users) != 1 {
		t.Fatalf("users after a second setup attempt: %d (%v), want 1", len(users), err)
	}
}

func TestSetupValidation(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	p := c.post("/setup", url.Values{"name": {"Olivia"}, "email": {"not-an-address"}, "password": {testPassword}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "email"); !strings.Contains(msg, "e-mail address") {
		t.Errorf("email error: %q", msg)
	}
	if !strings.Contains(p.body, `value="Olivia"`) {
		t.Error("the name typed before is not kept after an error")
	}
	if strings.Contains(p.body, testPassword) {
		t.Error("the password is echoed back into the page")
	}
	p = c.post("/setup", url.Values{"name": {"Olivia"}, "email": {"o@example.test"}, "password": {"short"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "password"); !strings.Contains(msg, "at least 10") {
		t.Errorf("password error: %q", msg)
	}
	p = c.post("/setup", url.Values{"name": {"  "}, "email": {"o@example.test"}, "password": {testPassword}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "name")
}

func TestLoginLogout(t *testing.T) {
	e := newEnv(t)
	e.owner()
	w := e.workspace("owner@example.test", "Acme")
	c := e.client()

	p := c.get("/workspaces")
	if p.status != http.StatusSeeOther || p.location() != "/login?next=%2Fworkspaces" {
		t.Fatalf("signed-out /workspaces: %d %q", p.status, p.location())
	}
	p = c.open("/login?next=%2Fworkspaces")
	mustContain(t, p, "Sign in", "Forgot your password?")
	if !strings.Contains(p.body, `name="next" value="/workspaces"`) {
		t.Error("the sign-in form does not carry next")
	}

	p = c.post("/login", url.Values{"email": {"owner@example.test"}, "password": {testPassword}, "next": {"/workspaces"}})
	if p.status != http.StatusSeeOther || p.location() != "/workspaces" {
		t.Fatalf("sign in: %d %q", p.status, p.location())
	}
	if p := c.get("/"); p.location() != "/w/"+w.ID {
		t.Fatalf("/ when signed in goes to %q, want the workspace", p.location())
	}

	p = c.post("/logout", nil)
	if p.status != http.StatusSeeOther || p.location() != "/login" {
		t.Fatalf("sign out: %d %q", p.status, p.location())
	}
	p = c.open("/login")
	mustContain(t, p, "You are signed out")
	if p := c.get("/workspaces"); !strings.HasPrefix(p.location(), "/login") {
		t.Fatalf("after sign-out /workspaces goes to %q", p.location())
	}
}

func TestLoginNextMustBeLocal(t *testing.T) {
	e := newEnv(t)
	e.owner()
	for _, next := range []string{"//evil.example/x", "https://evil.example/", `/\evil.example`, "javascript:alert(1)"} {
		c := e.client()
		p := c.post("/login", url.Values{"email": {"owner@example.test"}, "password": {testPassword}, "next": {next}})
		if p.status != http.StatusSeeOther || p.location() != "/" {
			t.Errorf("next=%q: %d %q, want a redirect to /", next, p.status, p.location())
		}
	}
}

func TestWrongPasswordAndLockout(t *testing.T) {
	e := newEnv(t)
	owner := e.owner()
	c := e.client()
	for i := 1; i < 5; i++ {
		p := c.post("/login", url.Values{"email": {"owner@example.test"}, "password": {"wrong password!"}})
		wantStatus(t, p, http.StatusUnauthorized)
		mustContain(t, p, "The e-mail address or password is not correct")
		if !strings.Contains(p.body, `value="owner@example.test"`) {
			t.Fatal("the e-mail typed before is not kept")
		}
	}
	p := c.post("/login", url.Values{"email": {"owner@example.test"}, "password": {"wrong password!"}})
	wantStatus(t, p, http.StatusTooManyRequests)
	mustContain(t, p, "This account is now locked for 15 minutes after 5 wrong passwords")
	if p.header.Get("Retry-After") == "" {
		t.Error("no Retry-After header on the lockout answer")
	}
	// Even the right password is refused while locked.
	p = c.post("/login", url.Values{"email": {"owner@example.test"}, "password": {testPassword}})
	wantStatus(t, p, http.StatusTooManyRequests)
	mustContain(t, p, "This account is locked after 5 wrong passwords")
	if ra := p.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q", ra)
	}
	// A session opened before the lockout stays valid and sees the lock.
	mustContain(t, owner.open("/admin/users"), "Locked until")
}

func TestLoginValidation(t *testing.T) {
	e := newEnv(t)
	e.owner()
	c := e.client()
	p := c.post("/login", url.Values{"email": {"nobody"}, "password": {"x"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "email")
}

var (
	secretRe = regexp.MustCompile(`id="totp-secret" type="text" value="([A-Z2-7]+)"`)
	codesRe  = regexp.MustCompile(`<li><code>([a-z0-9_-]{5}-[a-z0-9_-]{5})</code></li>`)
)

// enrolTOTP turns two-factor on through the security page and returns the
// secret and the recovery codes shown once.
func enrolTOTP(t *testing.T, c *client) (string, []string) {
	t.Helper()
	p := c.submit("/account/2fa/begin", nil)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Scan this code with your authenticator app")
	if !strings.Contains(p.body, `src="data:image/png;base64,`) {
		t.Fatal("no QR code image on the enrolment page")
	}
	m := secretRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no secret shown on the enrolment page")
	}
	secret := m[1]
	p = c.post("/account/2fa/confirm", url.Values{"code": {"000000"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "code")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p = c.post("/account/2fa/confirm", url.Values{"code": {code}})
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Save your recovery codes now")
	var codes []string
	for _, m := range codesRe.FindAllStringSubmatch(p.body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
	p = c.open("/account/security")
	if strings.Contains(p.body, codes[0]) {
		t.Fatal("recovery codes are shown again after the first time")
	}
	mustContain(t, p, "10 unused recovery codes")
	return secret, codes
}

func TestTwoFactorLogin(t *testing.T) {
	e := newEnv(t)
	owner := e.owner()
	secret, codes := enrolTOTP(t, owner)

	// With a TOTP code.
	c := e.client()
	p := c.post("/login", url.Values{"email": {"owner@example.test"}, "password": {testPassword}, "next": {"/account"}})
	if p.status != http.StatusSeeOther || p.location() != "/login/2fa?next=%2Faccount" {
		t.Fatalf("password step: %d %q", p.status, p.location())
	}
	// A pending sign-in reaches only the second step.
	for _, path := range []string{"/workspaces", "/account", "/admin"} {
		if p := c.get(path); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/login/2fa") {
			t.Fatalf("pending session GET %s: %d %q, want /login/2fa", path, p.status, p.location())
		}
	}
	p = c.open("/login/2fa?next=%2Faccount")
	mustContain(t, p, "Two-factor sign-in", "recovery codes")
	p = c.post("/login/2fa", url.Values{"code": {"123456"}, "next": {"/account"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "code"); !strings.Contains(msg, "not right") {
		t.Errorf("code error: %q", msg)
	}
	code, _ := totp.GenerateCode(secret, time.Now())
	p = c.post("/login/2fa", url.Values{"code": {code}, "next": {"/account"}})
	if p.status != http.StatusSeeOther || p.location() != "/account" {
		t.Fatalf("second step: %d %q", p.status, p.location())
	}
	wantStatus(t, c.get("/account"), http.StatusOK)

	// With a recovery code, which then works only once.
	c = e.client()
	c.post("/login", url.Values{"email": {"owner@example.test"}, "password": {testPassword}})
	p = c.post("/login/2fa", url.Values{"code": {codes[3]}})
	if p.status != http.StatusSeeOther || p.location() != "/" {
		t.Fatalf("recovery code: %d %q: %s", p.status, p.location(), alertText(p.body))
	}
	c = e.client()
	c.post("/login", url.Values{"email": {"owner@example.test"}, "password": {testPassword}})
	p = c.post("/login/2fa", url.Values{"code": {codes[3]}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, owner.open("/account/security"), "9 unused recovery codes")
}

func TestTwoFactorManagement(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	_, codes := enrolTOTP(t, c)

	p := c.post("/account/2fa/recovery", nil)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Save your recovery codes now")
	fresh := codesRe.FindAllStringSubmatch(p.body, -1)
	if len(fresh) != 10 || fresh[0][1] == codes[0] {
		t.Fatalf("regenerated codes: %v", fresh)
	}

	p = c.post("/account/2fa/disable", url.Values{"password": {"not my password"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "password")
	p = c.submit("/account/2fa/disable", url.Values{"password": {testPassword}})
	mustContain(t, p, "Two-factor sign-in is off", "Set up two-factor sign-in")

	// Regenerating without two-factor is a conflict shown on the page.
	p = c.post("/account/2fa/recovery", nil)
	wantStatus(t, p, http.StatusConflict)
	mustContain(t, p, "Turn two-factor sign-in on first")
}

func TestPasswordResetWithoutMail(t *testing.T) {
	e := newEnv(t)
	admin := e.owner()
	u := e.user("uma@example.test")
	c := e.client()

	p := c.open("/password/forgot")
	mustContain(t, p, "E-mail is not set up on this Herald; ask your administrator for a reset link")
	p = c.post("/password/forgot", url.Values{"email": {"uma@example.test"}})
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "E-mail is not set up on this Herald; ask your administrator for a reset link")
	p = c.post("/password/forgot", url.Values{"email": {"not an address"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "email")

	p = admin.post("/admin/users/"+u.ID+"/reset-link", nil)
	wantStatus(t, p, http.StatusOK)
	link := regexp.MustCompile(`value="(http://[^"]+/password/reset/[A-Za-z0-9_-]+)"`).FindStringSubmatch(p.body)
	if link == nil {
		t.Fatalf("no reset link on the users page: %s", alertText(p.body))
	}
	path := strings.TrimPrefix(link[1], e.srv.URL)

	p = c.open(path)
	mustContain(t, p, "Choose a new password")
	p = c.post(path, url.Values{"password": {"short"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "password")
	p = c.post(path, url.Values{"password": {"a brand new password"}})
	if p.status != http.StatusSeeOther || p.location() != "/login" {
		t.Fatalf("reset: %d %q", p.status, p.location())
	}
	mustContain(t, c.open("/login"), "Your password is changed")
	c.signIn("uma@example.test", "a brand new password")

	// The link works once.
	p = e.client().open(path)
	wantStatus(t, p, http.StatusNotFound)
	mustContain(t, p, "This link no longer works")
}
