package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestProfileAndPassword(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	other := e.client()
	other.signIn("owner@example.test", testPassword)

	p := c.open("/account")
	mustContain(t, p, "owner@example.test", "Administrator")
	p = c.post("/account/profile", url.Values{"name": {" "}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "name")
	p = c.submit("/account/profile", url.Values{"name": {"Olivia Q. Owner"}})
	mustContain(t, p, "Your profile is saved")
	if !strings.Contains(p.body, `value="Olivia Q. Owner"`) {
		t.Error("the new name is not shown")
	}

	p = c.post("/account/password", url.Values{"current_password": {"wrong one here"}, "new_password": {"another good password"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "current_password")
	p = c.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"short"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "new_password")
	p = c.submit("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"another good password"}})
	mustContain(t, p, "Your password is changed")
	// This browser stays signed in; the other one is signed out.
	wantStatus(t, c.get("/account"), http.StatusOK)
	if p := other.get("/account"); !strings.HasPrefix(p.location(), "/login") {
		t.Errorf("the other session survived a password change: %d %q", p.status, p.location())
	}
	e.client().signIn("owner@example.test", "another good password")
}

func TestSessionsList(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	other := e.client()
	other.signIn("owner@example.test", testPassword)

	p := c.open("/account/security")
	mustContain(t, p, "Where you are signed in", "This device", "198.51.100.1", "198.51.100.2", "Go program")
	ids := regexp.MustCompile(`action="/account/sessions/([0-9a-z]{26})/revoke"`).FindAllStringSubmatch(p.body, -1)
	if len(ids) != 2 {
		t.Fatalf("%d sessions listed, want 2", len(ids))
	}
	// Revoke the session that is not this device.
	current := regexp.MustCompile(`(?s)This device.*?action="/account/sessions/([0-9a-z]{26})/revoke"`).FindStringSubmatch(p.body)[1]
	var victim string
	for _, m := range ids {
		if m[1] != current {
			victim = m[1]
		}
	}
	p = c.submit("/account/sessions/"+victim+"/revoke", nil)
	mustContain(t, p, "The session is signed out")
	if p := other.get("/account"); !strings.HasPrefix(p.location(), "/login") {
		t.Error("the revoked session still works")
	}
	p = c.post("/account/sessions/"+current+"/revoke", nil)
	if p.location() != "/login" {
		t.Errorf("revoking this device goes to %q", p.location())
	}
	if p := c.get("/account"); !strings.HasPrefix(p.location(), "/login") {
		t.Error("revoking this device did not sign it out")
	}
	// Someone else's session ID is not found.
	c.signIn("owner@example.test", testPassword)
	wantStatus(t, c.post("/account/sessions/01hzzzzzzzzzzzzzzzzzzzzzzz/revoke", nil), http.StatusNotFound)
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	p := c.open("/account/tokens")
	mustContain(t, p, "You have no API tokens", "workspaces:read", "List and read workspaces you belong to")

	p = c.post("/account/tokens", url.Values{"name": {""}, "scopes": {"workspaces:read"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "name")
	if !strings.Contains(p.body, `value="workspaces:read" checked`) {
		t.Error("chosen scopes are lost after an error")
	}
	p = c.post("/account/tokens", url.Values{"name": {"ci"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "scopes")
	p = c.post("/account/tokens", url.Values{"name": {"ci"}, "scopes": {"root:all"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "scopes")
	p = c.post("/account/tokens", url.Values{"name": {"ci"}, "scopes": {"workspaces:read"}, "expires_in_days": {"soon"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "expires_in_days")
	p = c.post("/account/tokens", url.Values{"name": {"ci"}, "scopes": {"workspaces:read"}, "expires_in_days": {"99999999999"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "expires_in_days")

	p = c.post("/account/tokens", url.Values{"name": {"reporting script"}, "scopes": {"workspaces:read", "audit:read"}, "expires_in_days": {"30"}})
	wantStatus(t, p, http.StatusOK)
	secret := regexp.MustCompile(`value="(hrld_[A-Za-z0-9_-]+)"`).FindStringSubmatch(p.body)
	if secret == nil {
		t.Fatal("the new token's secret is not shown")
	}
	if _, _, err := e.a.Accounts.Authenticate(context.Background(), secret[1]); err != nil {
		t.Fatalf("the shown secret does not authenticate: %v", err)
	}
	p = c.open("/account/tokens")
	mustContain(t, p, "reporting script", "audit:read")
	if strings.Contains(p.body, secret[1]) {
		t.Fatal("the secret is shown again")
	}
	id := regexp.MustCompile(`action="/account/tokens/([0-9a-z]{26})/revoke"`).FindStringSubmatch(p.body)
	if id == nil {
		t.Fatal("no revoke button")
	}
	p = c.submit("/account/tokens/"+id[1]+"/revoke", nil)
	mustContain(t, p, "The token is revoked", "You have no API tokens")
	if _, _, err := e.a.Accounts.Authenticate(context.Background(), secret[1]); err == nil {
		t.Fatal("a revoked token still authenticates")
	}
}

func TestAdminPagesForbiddenToOthers(t *testing.T) {
	e := newEnv(t)
	e.owner()
	u := e.user("uma@example.test")
	c := e.client()
	c.signIn(u.Email, testPassword)
	for _, path := range []string{"/admin", "/admin/jobs", "/admin/audit", "/admin/users", "/admin/mail"} {
		p := c.get(path)
		wantStatus(t, p, http.StatusForbidden)
		mustContain(t, p, "Only administrators")
	}
	for _, path := range []string{"/admin/users/" + u.ID + "/reset-link", "/admin/mail", "/admin/mail/test"} {
		wantStatus(t, c.post(path, url.Values{"host": {"x"}}), http.StatusForbidden)
	}
	if strings.Contains(c.open("/workspaces").body, `href="/admin"`) {
		t.Error("a non-administrator's navigation links to the admin pages")
	}
	// Signed out, the admin pages ask to sign in.
	if p := e.client().get("/admin"); p.location() != "/login?next=%2Fadmin" {
		t.Errorf("signed-out /admin: %d %q", p.status, p.location())
	}
}

func TestAdminPages(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	p := c.open("/admin")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Version", "Database", "Answering", "Schema", "Up to date", "Uptime", "Roles: web", "does not run job workers")
	p = c.open("/admin/jobs")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Queue depth", "available", "retryable", "Periodic jobs", "Failed jobs", "No failed jobs")
	p = c.open("/admin/users")
	mustContain(t, p, "owner@example.test", "Administrator", "Make reset link")
	p = c.open("/admin/audit")
	mustContain(t, p, "user.setup")
}

func TestAdminMailSettings(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	p := c.open("/admin/mail")
	mustContain(t, p, "E-mail is not set up", "Save the settings first")

	p = c.post("/admin/mail/test", nil)
	wantStatus(t, p, http.StatusConflict)
	mustContain(t, p, "Save the mail settings before sending a test e-mail")

	good := url.Values{"host": {"127.0.0.1"}, "port": {"1"}, "username": {"herald"}, "password": {"s3cret-pass"}, "from": {"Herald <herald@example.test>"}, "tls": {"none"}}
	bad := map[string]url.Values{"host": {"host": {""}}, "port": {"port": {"seventy"}}, "from": {"from": {"nobody"}}, "tls": {"tls": {"ssl3"}}}
	for field, change := range bad {
		v := url.Values{}
		for k, vs := range good {
			v[k] = vs
		}
		for k, vs := range change {
			v[k] = vs
		}
		p := c.post("/admin/mail", v)
		wantStatus(t, p, http.StatusBadRequest)
		fieldError(t, p.body, field)
		if strings.Contains(p.body, "s3cret-pass") {
			t.Fatal("the SMTP password is echoed into the page")
		}
	}
	p = c.submit("/admin/mail", good)
	mustContain(t, p, "Mail settings are saved", "E-mail is set up", "A password is stored")
	if strings.Contains(p.body, "s3cret-pass") {
		t.Fatal("the stored SMTP password is sent to the browser")
	}
	keep := url.Values{}
	for k, vs := range good {
		keep[k] = vs
	}
	keep.Set("password", "")
	keep.Set("host", "localhost")
	c.submit("/admin/mail", keep)
	st, err := e.a.Mail.Settings(context.Background())
	if err != nil || st.Password != "s3cret-pass" || st.Host != "localhost" {
		t.Fatalf("after saving with a blank password: %+v, %v", st, err)
	}

	// Port 1 refuses connections: the exact error is reported.
	p = c.post("/admin/mail/test", nil)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "The test e-mail was not sent", "localhost:1")

	// With mail on, invitations say they were e-mailed instead of showing a link.
	w := e.workspace("owner@example.test", "Acme")
	p = c.post("/w/"+w.ID+"/invitations", url.Values{"email": {"bob@example.test"}, "role": {"viewer"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("invite with mail on: %d: %s", p.status, alertText(p.body))
	}
	p = c.open(p.location())
	mustContain(t, p, "Invitation e-mailed to bob@example.test as Viewer")
	if linkRe.MatchString(p.body) {
		t.Error("the invitation link is shown although it was e-mailed")
	}
	p = e.client().submit("/password/forgot", url.Values{"email": {"owner@example.test"}})
	mustContain(t, p, "If an account exists for owner@example.test, a reset link is on its way")
}

// The account page sets how each kind of notification is e-mailed.
func TestNotificationMailSettings(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	mustContain(t, c.open("/account"), "Notification e-mails", "A post failed to publish", "Daily digest")
	p := c.post("/account/notifications", url.Values{"publish_failed": {"weekly"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "not an e-mail choice")
	p = c.submit("/account/notifications", url.Values{"publish_failed": {"digest"}, "publish_missed": {"off"}})
	mustContain(t, p, "Your notification e-mail settings are saved.")
	if !strings.Contains(p.body, `value="digest" selected`) || !strings.Contains(p.body, `value="off" selected`) {
		t.Fatal("the saved choices are not shown")
	}
}
