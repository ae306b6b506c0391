package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herald/internal/model"
)

func TestWorkspaceCreateAndHome(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	p := c.post("/workspaces", url.Values{"name": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "name"); !strings.Contains(msg, "Enter a workspace name") {
		t.Errorf("name error %q", msg)
	}
	p = c.post("/workspaces", url.Values{"name": {"Acme"}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/w/") {
		t.Fatalf("create: %d %q", p.status, p.location())
	}
	acme := p.location()
	p = c.open(acme)
	mustContain(t, p, "Workspace Acme is ready", "Your role: Owner", "Members 1", "Pending invitations 0", "Recent activity", "created the workspace")
	if !strings.Contains(p.body, `<title>Acme · Herald</title>`) {
		t.Error("the overview has no proper title")
	}
	if !regexp.MustCompile(`href="` + acme + `" aria-current="page"`).MatchString(p.body) {
		t.Error("the navigation does not mark the current page with aria-current")
	}
	beta := c.post("/workspaces", url.Values{"name": {"Beta"}}).location()
	c.open(beta)
	if p := c.get("/"); p.location() != beta {
		t.Errorf("/ goes to %q, want the last used workspace %q", p.location(), beta)
	}
	c.open(acme)
	if p := c.get("/"); p.location() != acme {
		t.Errorf("/ goes to %q, want the last used workspace %q", p.location(), acme)
	}
	p = c.open("/workspaces")
	mustContain(t, p, "Acme", "Beta", "Owner")
	// The switcher lists both workspaces on every page.
	p = c.open("/account")
	if !strings.Contains(p.body, `href="`+acme+`"`) || !strings.Contains(p.body, `href="`+beta+`"`) {
		t.Error("the workspace switcher does not list every workspace")
	}
}

func TestWorkspaceSettings(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	base := "/w/" + w.ID
	p := c.open(base + "/settings")
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.body, `value="Acme"`) {
		t.Error("the rename field does not show the current name")
	}
	p = c.post(base+"/settings", url.Values{"name": {strings.Repeat("x", 81)}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "name")
	p = c.submit(base+"/settings", url.Values{"name": {"Acme Corp"}})
	mustContain(t, p, "The workspace is renamed")
	if !strings.Contains(p.body, `value="Acme Corp"`) {
		t.Error("rename not shown")
	}

	p = c.submit(base+"/archive", nil)
	mustContain(t, p, "Acme Corp is archived", "Archived")
	mustContain(t, c.open("/workspaces"), "Archived")
	p = c.post(base+"/invitations", url.Values{"email": {"x@example.test"}, "role": {"viewer"}})
	wantStatus(t, p, http.StatusConflict)
	mustContain(t, p, "This workspace is archived")
	p = c.submit(base+"/restore", nil)
	mustContain(t, p, "Acme Corp is restored")

	editor := e.member("owner@example.test", w.ID, "ed@example.test", model.RoleEditor)
	ec := e.client()
	ec.signIn(editor.Email, testPassword)
	wantStatus(t, ec.get(base+"/settings"), http.StatusForbidden)
	wantStatus(t, ec.post(base+"/archive", nil), http.StatusForbidden)
	p = ec.open(base)
	// Exact hrefs: the pillars and templates pages under /settings/ are open to every role.
	if strings.Contains(p.body, `href="`+base+`/settings"`) || strings.Contains(p.body, `href="`+base+`/audit"`) {
		t.Error("an Editor's navigation links to pages the role cannot open")
	}
	admin := e.member("owner@example.test", w.ID, "ad@example.test", model.RoleAdmin)
	ac := e.client()
	ac.signIn(admin.Email, testPassword)
	p = ac.open(base + "/settings")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Only Owners can archive or restore this workspace")
}

var linkRe = regexp.MustCompile(`value="(http://[^"]+/invite/[A-Za-z0-9_-]+)"`)

func TestInviteWithoutMailShowsLink(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	members := "/w/" + w.ID + "/members"
	p := c.open(members)
	mustContain(t, p, "E-mail is not set up on this Herald, so after inviting you get a link")

	p = c.post("/w/"+w.ID+"/invitations", url.Values{"email": {"bob at example.test"}, "role": {"editor"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "email")
	p = c.post("/w/"+w.ID+"/invitations", url.Values{"email": {"bob@example.test"}, "role": {"boss"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "role"); !strings.Contains(msg, `"boss" is not one of`) {
		t.Errorf("role error %q", msg)
	}

	p = c.post("/w/"+w.ID+"/invitations", url.Values{"email": {"Bob@Example.test"}, "role": {"editor"}})
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Invitation ready for bob@example.test as Editor",
		"E-mail is not set up on this Herald, so Herald did not send anything and shows you the link instead")
	m := linkRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no invitation link on the page")
	}
	if !strings.HasPrefix(m[1], e.srv.URL+"/invite/") {
		t.Errorf("link %q does not use the base URL", m[1])
	}
	p = c.open(members)
	mustContain(t, p, "Pending invitations 1", "bob@example.test")
	if linkRe.MatchString(p.body) {
		t.Error("the invitation link is shown again after the first time")
	}

	p = c.post("/w/"+w.ID+"/invitations", url.Values{"email": {"owner@example.test"}, "role": {"viewer"}})
	wantStatus(t, p, http.StatusConflict)
	fieldError(t, p.body, "email")
}

func inviteLink(t *testing.T, e *env, c *client, wsID, email, role string) string {
	t.Helper()
	p := c.post("/w/"+wsID+"/invitations", url.Values{"email": {email}, "role": {role}})
	m := linkRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no invitation link (status %d): %s", p.status, alertText(p.body))
	}
	return strings.TrimPrefix(m[1], e.srv.URL)
}

func TestAcceptInvitationAsNewUser(t *testing.T) {
	e := newEnv(t)
	owner := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	path := inviteLink(t, e, owner, w.ID, "bob@example.test", "editor")

	bob := e.client()
	p := bob.open(path)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Join Acme", "Editor", "bob@example.test", "Create your account")
	p = bob.post(path, url.Values{"name": {"Bob"}, "password": {"short"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "password")
	if !strings.Contains(p.body, `value="Bob"`) {
		t.Error("the name typed before is lost")
	}
	p = bob.post(path, url.Values{"name": {""}, "password": {testPassword}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "name")

	p = bob.post(path, url.Values{"name": {"Bob Builder"}, "password": {testPassword}})
	if p.status != http.StatusSeeOther || p.location() != "/w/"+w.ID {
		t.Fatalf("accept: %d %q: %s", p.status, p.location(), alertText(p.body))
	}
	p = bob.open(p.location())
	mustContain(t, p, "Welcome to Acme. You joined as Editor.", "Your role: Editor")

	// The link is spent.
	p = e.client().open(path)
	wantStatus(t, p, http.StatusNotFound)
	mustContain(t, p, "already used, revoked or has expired")
	mustContain(t, owner.open("/w/"+w.ID+"/members"), "Bob Builder", "bob@example.test")
}

func TestAcceptInvitationExistingUser(t *testing.T) {
	e := newEnv(t)
	owner := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	e.user("uma@example.test")
	path := inviteLink(t, e, owner, w.ID, "uma@example.test", "viewer")

	uma := e.client()
	p := uma.open(path)
	mustContain(t, p, "There is already an account for uma@example.test", "Sign in to accept")
	login := regexp.MustCompile(`href="(/login\?next=[^"]+)"`).FindStringSubmatch(p.body)
	if login == nil {
		t.Fatal("no sign-in link")
	}
	loginPath := strings.ReplaceAll(login[1], "&amp;", "&")
	p = uma.open(loginPath)
	if !strings.Contains(p.body, `value="uma@example.test"`) {
		t.Error("the sign-in form does not suggest the invited address")
	}
	next, _ := url.Parse(loginPath)
	p = uma.post("/login", url.Values{"email": {"uma@example.test"}, "password": {testPassword}, "next": {next.Query().Get("next")}})
	if p.location() != path {
		t.Fatalf("after sign-in the browser goes to %q, want back to %q", p.location(), path)
	}
	p = uma.open(path)
	mustContain(t, p, "Accept and join Acme")
	p = uma.submit(path, nil)
	mustContain(t, p, "You joined Acme as Viewer", "Your role: Viewer")

	// Signed in as somebody else, the page says so and offers to sign out.
	other := inviteLink(t, e, owner, w.ID, "zed@example.test", "viewer")
	p = uma.open(other)
	mustContain(t, p, "This invitation is for zed@example.test, but you are signed in as uma@example.test", "Sign out and continue")
	p = uma.post(other, nil)
	wantStatus(t, p, http.StatusForbidden)
	p = uma.post("/logout", url.Values{"next": {other}})
	if p.location() != other {
		t.Fatalf("sign out and continue goes to %q", p.location())
	}
	mustContain(t, uma.open(other), "Create your account")
}

func TestOtherWorkspacesAreNotFound(t *testing.T) {
	e := newEnv(t)
	e.owner()
	w := e.workspace("owner@example.test", "Acme")
	stranger := e.user("stranger@example.test")
	c := e.client()
	c.signIn(stranger.Email, testPassword)
	base := "/w/" + w.ID
	for _, path := range []string{base, base + "/members", base + "/settings", base + "/audit"} {
		p := c.get(path)
		wantStatus(t, p, http.StatusNotFound)
		if strings.Contains(p.body, "Acme") {
			t.Errorf("%s leaks the workspace name to a non-member", path)
		}
	}
	for _, path := range []string{base + "/settings", base + "/archive", base + "/invitations", base + "/members/" + stranger.ID + "/remove"} {
		wantStatus(t, c.post(path, url.Values{"name": {"x"}, "email": {"a@b.test"}, "role": {"viewer"}}), http.StatusNotFound)
	}
}

func TestMembersPage(t *testing.T) {
	e := newEnv(t)
	owner := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	base := "/w/" + w.ID
	ed := e.member("owner@example.test", w.ID, "ed@example.test", model.RoleEditor)
	mgr := e.member("owner@example.test", w.ID, "mgr@example.test", model.RoleManager)

	p := owner.post(base+"/members/"+ed.ID+"/role", url.Values{"role": {"boss"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, `Role "boss" is not one of`)
	p = owner.submit(base+"/members/"+ed.ID+"/role", url.Values{"role": {"analyst"}})
	mustContain(t, p, "The role is changed")
	if !regexp.MustCompile(`id="role-` + ed.ID + `" name="role">\s*(<option[^>]*>[^<]*</option>)*<option value="analyst" selected>`).MatchString(p.body) {
		t.Error("the changed role is not selected")
	}
	me := e.actor("owner@example.test").UserID
	p = owner.post(base+"/members/"+me+"/role", url.Values{"role": {"viewer"}})
	wantStatus(t, p, http.StatusConflict)
	mustContain(t, p, "A workspace needs at least one Owner")

	// A Manager sees no role selects and may invite only up to Editor.
	mc := e.client()
	mc.signIn(mgr.Email, testPassword)
	p = mc.open(base + "/members")
	if strings.Contains(p.body, `id="role-`+ed.ID+`"`) {
		t.Error("a Manager gets role selects")
	}
	if strings.Contains(p.body, `<option value="admin"`) {
		t.Error("a Manager is offered the Admin role in the invite form")
	}
	wantStatus(t, mc.post(base+"/invitations", url.Values{"email": {"a@example.test"}, "role": {"admin"}}), http.StatusForbidden)
	wantStatus(t, mc.post(base+"/members/"+ed.ID+"/remove", nil), http.StatusForbidden)

	// Revoke an invitation, then remove a member, then leave.
	inv, err := e.a.Workspaces.Invite(context.Background(), e.actor("owner@example.test"), w.ID, "gone@example.test", "viewer")
	if err != nil {
		t.Fatal(err)
	}
	p = owner.submit(base+"/invitations/"+inv.Invitation.ID+"/revoke", nil)
	mustContain(t, p, "The invitation is revoked")
	if strings.Contains(p.body, "gone@example.test") {
		t.Error("the revoked invitation is still listed")
	}
	p = owner.submit(base+"/members/"+ed.ID+"/remove", nil)
	mustContain(t, p, "The member is removed")
	if strings.Contains(p.body, "ed@example.test") {
		t.Error("the removed member is still listed")
	}
	p = mc.submit(base+"/members/"+mgr.ID+"/remove", nil)
	mustContain(t, p, "You left Acme")
	wantStatus(t, mc.get(base), http.StatusNotFound)
}

func TestAudit(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	base := "/w/" + w.ID + "/audit"
	actor := e.actor("owner@example.test")
	ctx := context.Background()
	for i := 0; i < 55; i++ {
		if err := e.a.Workspaces.Rename(ctx, actor, w.ID, fmt.Sprintf("Acme %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	e.member("owner@example.test", w.ID, "ed@example.test", model.RoleEditor)

	p := c.open(base)
	wantStatus(t, p, http.StatusOK)
	if n := strings.Count(p.body, `<code class="code-chip">`); n != 50 {
		t.Errorf("first page shows %d entries, want 50", n)
	}
	next := regexp.MustCompile(`href="(` + regexp.QuoteMeta(base) + `\?before=[0-9a-z]{26})" rel="next"`).FindStringSubmatch(p.body)
	if next == nil {
		t.Fatal("no link to older entries")
	}
	p = c.open(next[1])
	if n := strings.Count(p.body, `<code class="code-chip">`); n != 8 { // 58 entries: create, 55 renames, invite, join
		t.Errorf("second page shows %d entries, want 8", n)
	}
	if strings.Contains(p.body, `rel="next"`) {
		t.Error("the last page links to older entries")
	}

	p = c.open(base + "?action=member.")
	mustContain(t, p, "member.join", "member.invite")
	if strings.Contains(p.body, "workspace.rename") {
		t.Error("the action filter lets other actions through")
	}
	p = c.open(base + "?actor=" + actor.UserID + "&action=member.")
	if !strings.Contains(p.body, "member.invite") || strings.Contains(p.body, "<code class=\"code-chip\">member.join") {
		t.Error("the actor filter does not narrow to the owner's entries")
	}
	today := "2000-01-01"
	p = c.open(base + "?to=" + today)
	mustContain(t, p, "No entries match these filters")

	p = c.get(base + "?from=yesterday")
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "from")
	p = c.get(base + "?from=2026-02-02&to=2026-01-01")
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "to")
	p = c.get(base + "?before=nonsense")
	wantStatus(t, p, http.StatusBadRequest)
	p = c.get(base + "?actor=nonsense")
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "actor")

	p = c.open("/admin/audit?action=user.")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "user.setup", "installation")
}
