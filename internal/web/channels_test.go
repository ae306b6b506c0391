package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herald/internal/channel"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/fake"
)

// channelEnv is a Herald with an owner signed in, a workspace, and a fake
// provider of the test's own whose failures the test scripts.
type channelEnv struct {
	*env
	c    *client
	ws   model.Workspace
	base string // /w/{ws}/channels
	fake *fake.Provider
}

func newChannelEnv(t *testing.T, mutate ...func(*config.Config)) *channelEnv {
	t.Helper()
	e := newEnv(t, mutate...)
	ce := &channelEnv{env: e, c: e.owner(), fake: fake.New()}
	e.a.Providers.Register(ce.fake)
	ce.ws = e.workspace("owner@example.test", "Acme")
	ce.base = "/w/" + ce.ws.ID + "/channels"
	return ce
}

// connect connects a fake channel through the domain, as the owner.
func (ce *channelEnv) connect(handle string) model.Channel {
	ce.t.Helper()
	ch, err := ce.a.Channels.Connect(context.Background(), ce.actor("owner@example.test"), ce.ws.ID, "fake", map[string]string{"handle": handle})
	if err != nil {
		ce.t.Fatal(err)
	}
	return ch
}

var channelPathRe = regexp.MustCompile(`^/w/[0-9a-z]{26}/channels/([0-9a-z]{26})$`)

func TestChannelConnectForm(t *testing.T) {
	ce := newChannelEnv(t)
	c := ce.c

	p := c.open(ce.base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "No channels yet", "Connect a channel", "Demo network (fake)", "demo")
	if !strings.Contains(p.body, `href="`+ce.base+`" aria-current="page"`) {
		t.Error("the navigation does not mark Channels as the current page")
	}

	p = c.open(ce.base + "/new/fake")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Connect Demo network (fake)", "Demo handle", "Any name; nothing is sent anywhere")
	if !strings.Contains(p.body, `name="handle" type="text"`) || !strings.Contains(p.body, `aria-describedby="handle-hint"`) {
		t.Errorf("the handle field is not drawn from the provider's field: %s", p.body)
	}

	// A missing required field is named next to the field.
	p = c.post(ce.base+"/new/fake", url.Values{"handle": {"  "}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "handle"); msg != "Demo handle is required to connect Demo network (fake)" {
		t.Errorf("handle error %q", msg)
	}

	p = c.post(ce.base+"/new/fake", url.Values{"handle": {"acme"}})
	wantStatus(t, p, http.StatusSeeOther)
	m := channelPathRe.FindStringSubmatch(p.location())
	if m == nil {
		t.Fatalf("connect went to %q, want the channel's page", p.location())
	}
	p = c.open(p.location())
	mustContain(t, p, "Demo network (fake) @acme is connected", "Active", "Settings", "Test connection")

	// The same account twice: the domain's message, above the form.
	p = c.post(ce.base+"/new/fake", url.Values{"handle": {"acme"}})
	wantStatus(t, p, http.StatusConflict)
	mustContain(t, p, "Demo network (fake) @acme is already connected to this workspace")

	p = c.open(ce.base)
	mustContain(t, p, "@acme", "Active", "Time zone UTC", "Checked just now")

	// Unknown networks and other people's workspaces.
	p = c.open(ce.base + "/new/myspace")
	wantStatus(t, p, http.StatusNotFound)
	mustContain(t, p, `no network called "myspace"`, "fake")
	wantStatus(t, c.post(ce.base+"/new/myspace", url.Values{"handle": {"x"}}), http.StatusNotFound)
	other := ce.client()
	ce.user("other@example.test")
	other.signIn("other@example.test", testPassword)
	wantStatus(t, other.open(ce.base), http.StatusNotFound)
	wantStatus(t, other.open(ce.base+"/"+m[1]), http.StatusNotFound)
}

func TestChannelFormsByRole(t *testing.T) {
	ce := newChannelEnv(t)
	ch := ce.connect("acme")
	ce.member("owner@example.test", ce.ws.ID, "viewer@example.test", model.RoleViewer)
	v := ce.client()
	v.signIn("viewer@example.test", testPassword)

	p := v.open(ce.base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "@acme", "Test connection", "cannot connect channels")
	if strings.Contains(p.body, "/disconnect") || strings.Contains(p.body, "/reconnect") {
		t.Error("a viewer is offered reconnect or disconnect")
	}
	wantStatus(t, v.open(ce.base+"/new/fake"), http.StatusForbidden)
	wantStatus(t, v.open(ce.base+"/"+ch.ID+"/reconnect"), http.StatusForbidden)
	wantStatus(t, v.post(ce.base+"/new/fake", url.Values{"handle": {"viewers"}}), http.StatusForbidden)
	wantStatus(t, v.post(ce.base+"/"+ch.ID+"/disconnect", nil), http.StatusForbidden)
	wantStatus(t, v.post(ce.base+"/"+ch.ID, url.Values{"name": {"Mine"}, "time_zone": {"UTC"}}), http.StatusForbidden)
	// Invalid input from someone who may not change the channel is still a refusal.
	wantStatus(t, v.post(ce.base+"/"+ch.ID, url.Values{"name": {"Mine"}, "time_zone": {"UTC"}, "default_value": {"orphan"}, "default_key": {""}}), http.StatusForbidden)
	wantStatus(t, v.open(ce.base+"/apps"), http.StatusForbidden)
	// Viewing and testing are for everyone.
	p = v.open(ce.base + "/" + ch.ID)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "cannot change channels")
	p = v.post(ce.base+"/"+ch.ID+"/test", nil)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "The connection of @acme works", "Connected as @acme")
}

func TestChannelTestConnectionShowsTheNetworksMessage(t *testing.T) {
	ce := newChannelEnv(t)
	c := ce.c
	ch := ce.connect("acme")

	ce.fake.Fail(fake.Failure{Op: "check", Trait: provider.Permanent, Message: "account @acme is suspended (code 64)"})
	p := c.post(ce.base+"/"+ch.ID+"/test", nil)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "The connection test of @acme failed", "Account @acme is suspended (code 64)")
	// The list shows the failure as the channel's status, with its message.
	if !strings.Contains(p.body, `data-status="error"`) || !strings.Contains(text(p.body), "Error") {
		t.Error("the failed check does not show as the channel's status")
	}
	if got := regexp.MustCompile(`(?s)data-status-message>(.*?)</p>`).FindStringSubmatch(p.body); got == nil || text(got[1]) != "account @acme is suspended (code 64)" {
		t.Errorf("status message: %v", got)
	}

	// From the channel's page, the answer shows there.
	p = c.post(ce.base+"/"+ch.ID+"/test", url.Values{"from": {"channel"}})
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "The connection works", "Connected as @acme", "Settings", "Default post options")
	if strings.Contains(p.body, `data-status="error"`) {
		t.Error("a passing check left the error status")
	}
}

func TestChannelNeedsReconnect(t *testing.T) {
	ce := newChannelEnv(t)
	c := ce.c
	ch := ce.connect("acme")

	ce.fake.Fail(fake.Failure{Op: "check", Trait: provider.AuthExpired, Message: "token revoked by the user"})
	p := c.post(ce.base+"/"+ch.ID+"/test", nil)
	wantStatus(t, p, http.StatusOK)
	p = c.open(ce.base)
	mustContain(t, p, "1 needs attention", "Needs reconnect", "token revoked by the user")
	if !regexp.MustCompile(`class="btn btn-primary btn-sm" href="` + ce.base + "/" + ch.ID + `/reconnect"`).MatchString(p.body) {
		t.Error("reconnect is not the highlighted action of a channel that needs it")
	}
	p = c.open(ce.base + "/" + ch.ID)
	mustContain(t, p, "This channel needs reconnecting", "token revoked by the user", "Posts to it fail until you reconnect it")

	p = c.open(ce.base + "/" + ch.ID + "/reconnect")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Reconnect @acme", "Sign in as the same account", "Last problem: token revoked by the user", "Demo handle")
	// Another account's credentials are refused.
	p = c.post(ce.base+"/"+ch.ID+"/reconnect", url.Values{"handle": {"someone-else"}})
	wantStatus(t, p, http.StatusConflict)
	mustContain(t, p, "These credentials belong to @someone-else, not to @acme")
	p = c.post(ce.base+"/"+ch.ID+"/reconnect", url.Values{"handle": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "handle")
	p = c.submit(ce.base+"/"+ch.ID+"/reconnect", url.Values{"handle": {"acme"}})
	mustContain(t, p, "@acme is reconnected", "Active")
	if strings.Contains(p.body, "needs reconnecting") {
		t.Error("still marked as needing a reconnect")
	}
}

func TestChannelSettings(t *testing.T) {
	ce := newChannelEnv(t)
	c := ce.c
	ch := ce.connect("acme")
	page := ce.base + "/" + ch.ID

	p := c.open(page)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Demo network (fake)", "Publish posts", "Threads", "Text: up to 500 characters", "Media: up to 4 per post (4 images)", "Threads: up to 25 posts")
	if !strings.Contains(p.body, `value="@acme"`) || !strings.Contains(p.body, `list="time-zones"`) || !strings.Contains(p.body, `<option value="Europe/Berlin">`) {
		t.Error("the settings form does not show the name and the time zone suggestions")
	}

	p = c.post(page, url.Values{"name": {"Acme main"}, "time_zone": {"Mars/Olympus"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "time_zone"); !strings.Contains(msg, `"Mars/Olympus" is not an IANA time zone`) {
		t.Errorf("time zone error %q", msg)
	}
	if !strings.Contains(p.body, `value="Acme main"`) {
		t.Error("the typed name is lost after an error")
	}
	p = c.post(page, url.Values{"name": {""}, "time_zone": {"UTC"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "name")
	p = c.post(page, url.Values{"name": {"Acme"}, "time_zone": {"UTC"}, "default_key": {"", "visibility"}, "default_value": {"orphan", "public"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "defaults"); !strings.Contains(msg, `The value "orphan" has no option name`) {
		t.Errorf("defaults error %q", msg)
	}
	if !strings.Contains(p.body, `value="orphan"`) || !strings.Contains(p.body, `value="visibility"`) {
		t.Error("the typed options are lost after an error")
	}
	p = c.post(page, url.Values{"name": {"Acme"}, "time_zone": {"UTC"}, "default_key": {"bad key!"}, "default_value": {"x"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "defaults"); !strings.Contains(msg, `"bad key!" is not an option name`) {
		t.Errorf("defaults error %q", msg)
	}

	p = c.submit(page, url.Values{"name": {"Acme main"}, "time_zone": {"Europe/Berlin"},
		"default_key": {"visibility", "language", ""}, "default_value": {"unlisted", "de", ""}})
	mustContain(t, p, "The channel settings are saved", "Acme main", "Europe/Berlin")
	for _, want := range []string{`value="visibility"`, `value="unlisted"`, `value="language"`, `value="de"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("saved defaults not shown: %s missing", want)
		}
	}
	got, err := ce.a.Channels.Get(context.Background(), ce.actor("owner@example.test"), ce.ws.ID, ch.ID)
	if err != nil || got.Name != "Acme main" || got.TimeZone != "Europe/Berlin" || len(got.Defaults) != 2 || got.Defaults["language"] != "de" {
		t.Fatalf("stored: %+v %v", got, err)
	}
	// Clearing a row removes the option.
	c.submit(page, url.Values{"name": {"Acme main"}, "time_zone": {"Europe/Berlin"}, "default_key": {"visibility", ""}, "default_value": {"unlisted", ""}})
	if got, _ = ce.a.Channels.Get(context.Background(), ce.actor("owner@example.test"), ce.ws.ID, ch.ID); len(got.Defaults) != 1 {
		t.Errorf("defaults after removing one: %v", got.Defaults)
	}
	wantStatus(t, c.open(ce.base+"/01jq3v6m2k8x9c0d4e5f6g7h8j"), http.StatusNotFound)
	wantStatus(t, c.open(ce.base+"/not-an-id"), http.StatusNotFound)
}

func TestChannelDisconnect(t *testing.T) {
	ce := newChannelEnv(t)
	c := ce.c
	ch := ce.connect("acme")
	keep := ce.connect("other")

	p := c.open(ce.base)
	// The confirmation step: the button that disconnects sits in a panel
	// that first says what happens.
	confirm := regexp.MustCompile(`(?s)<details class="menu confirm" data-menu>.*?Disconnect <strong>@acme</strong>\? Herald deletes its credentials.*?action="` + ce.base + "/" + ch.ID + `/disconnect".*?</details>`)
	if !confirm.MatchString(p.body) {
		t.Fatalf("no confirmation step before disconnecting @acme")
	}
	p = c.submit(ce.base+"/"+ch.ID+"/disconnect", nil)
	mustContain(t, p, "@acme is disconnected and its credentials are deleted", "@other")
	if strings.Contains(p.body, "channel-"+ch.ID) {
		t.Error("the disconnected channel is still listed")
	}
	wantStatus(t, c.open(ce.base+"/"+ch.ID), http.StatusNotFound)
	wantStatus(t, c.post(ce.base+"/"+ch.ID+"/disconnect", nil), http.StatusNotFound)
	if _, err := ce.a.Channels.Get(context.Background(), ce.actor("owner@example.test"), ce.ws.ID, keep.ID); err != nil {
		t.Errorf("the other channel went too: %v", err)
	}
	mustContain(t, c.open("/w/"+ce.ws.ID+"/audit"), "channel.disconnect", "@acme")
}

func TestOAuthCallbackWithBadState(t *testing.T) {
	ce := newChannelEnv(t)
	c := ce.c
	c.open(ce.base) // remembers the workspace for "Start again"

	p := c.get("/oauth/callback/fake?state=forged&code=abc")
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "Connecting Demo network (fake) did not work", "This sign-in link expired or was already used; start connecting again",
		"What to do", "within 15 minutes", "Start again")
	if !strings.Contains(p.body, `href="`+ce.base+`/new/fake"`) {
		t.Error("no way to start again from the error page")
	}
	p = c.get("/oauth/callback/nowhere")
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "Connecting nowhere did not work", "expired or was already used")

	// Signed out, the callback goes through sign-in and comes back.
	p = ce.client().get("/oauth/callback/fake?state=s&code=c")
	if p.status != http.StatusSeeOther || p.location() != "/login?next="+url.QueryEscape("/oauth/callback/fake?state=s&code=c") {
		t.Errorf("signed out: %d %q", p.status, p.location())
	}
}

func TestNetworkAppsPages(t *testing.T) {
	ce := newChannelEnv(t)
	c := ce.c
	ce.a.Providers.Register(newOAuthNet(t, "testoauth", "Test OAuth"))
	apps := ce.base + "/apps"
	redirectURI := ce.srv.URL + "/oauth/callback/testoauth"

	p := c.open(apps)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Network apps", "Test OAuth", "Not set up", "profile", "posts.write")
	if !strings.Contains(p.body, `value="`+redirectURI+`"`) {
		t.Fatalf("the apps page does not show the exact redirect URI %s", redirectURI)
	}
	if strings.Contains(p.body, `<option value="fake"`) {
		t.Error("a network that needs no app is offered in the app form")
	}

	p = c.post(apps, url.Values{"network": {"testoauth"}, "client_id": {" "}, "client_secret": {"s3cret-value"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "client_id")
	if strings.Contains(p.body, "s3cret-value") {
		t.Error("the secret is shown back after an error")
	}
	p = c.post(apps, url.Values{"network": {"fake"}, "client_id": {"x"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "network"); !strings.Contains(msg, "does not sign in through OAuth") {
		t.Errorf("network error %q", msg)
	}
	p = c.submit(apps, url.Values{"network": {"testoauth"}, "client_id": {"herald-client-1"}, "client_secret": {"s3cret-value"}})
	mustContain(t, p, "The Test OAuth app is saved", "herald-client-1", "App saved here")
	if strings.Contains(p.body, "s3cret-value") {
		t.Error("the stored secret is shown")
	}
	// A blank secret keeps the stored one.
	c.submit(apps, url.Values{"network": {"testoauth"}, "client_id": {"herald-client-2"}, "client_secret": {""}})
	list, err := ce.a.Channels.Apps(context.Background(), ce.actor("owner@example.test"), ce.ws.ID)
	if err != nil || len(list) != 1 || list[0].ClientID != "herald-client-2" {
		t.Fatalf("apps %+v %v", list, err)
	}
	// The channels page now offers the OAuth button without a warning.
	p = c.open(ce.base)
	mustContain(t, p, "Connect with Test OAuth")
	if strings.Contains(text(p.body), "Needs a Test OAuth app first") {
		t.Error("the channels page still says an app is missing")
	}
	p = c.submit(apps+"/"+list[0].ID+"/delete", nil)
	mustContain(t, p, "The app is deleted", "Not set up")

	// Installation-wide apps, for administrators only.
	p = c.open("/admin/apps")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Apps saved here serve every workspace", "Test OAuth")
	if !strings.Contains(p.body, `value="`+redirectURI+`"`) {
		t.Error("the admin apps page lacks the redirect URI")
	}
	p = c.submit("/admin/apps", url.Values{"network": {"testoauth"}, "client_id": {"installation-client"}, "client_secret": {"x"}})
	mustContain(t, p, "installation-client")
	mustContain(t, c.open(apps), "Using the installation's app")
	ce.member("owner@example.test", ce.ws.ID, "manager@example.test", model.RoleManager)
	mgr := ce.client()
	mgr.signIn("manager@example.test", testPassword)
	wantStatus(t, mgr.open("/admin/apps"), http.StatusForbidden)
	wantStatus(t, mgr.open(apps), http.StatusForbidden)
	wantStatus(t, mgr.post(apps, url.Values{"network": {"testoauth"}, "client_id": {"m"}}), http.StatusForbidden)
	p = mgr.open(ce.base)
	if strings.Contains(p.body, apps) {
		t.Error("a manager is offered the network apps page")
	}
}

func TestOAuthConnectFlow(t *testing.T) {
	ce := newChannelEnv(t, func(c *config.Config) { c.AllowPrivate = true }) // the token endpoint is on loopback
	c := ce.c
	net := newOAuthNet(t, "testoauth", "Test OAuth")
	ce.a.Providers.Register(net)
	redirectURI := ce.srv.URL + "/oauth/callback/testoauth"

	// Without an app the network cannot be asked; the page says what to do.
	p := c.open(ce.base)
	mustContain(t, p, "Connect with Test OAuth", "Needs a Test OAuth app first")
	p = c.post(ce.base+"/oauth/testoauth", nil)
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "No Test OAuth app is configured", redirectURI)

	if err := ce.a.Channels.PutApp(context.Background(), ce.actor("owner@example.test"), ce.ws.ID,
		channel.AppInput{Network: "testoauth", ClientID: "herald-client", ClientSecret: "secret"}); err != nil {
		t.Fatal(err)
	}
	begin := func() url.Values {
		t.Helper()
		p := c.post(ce.base+"/oauth/testoauth", nil)
		wantStatus(t, p, http.StatusOK)
		mustContain(t, p, "Continue to Test OAuth")
		to, ok := strings.CutPrefix(p.header.Get("Refresh"), "0; url=")
		if !ok || !strings.HasPrefix(to, net.srv.URL+"/authorize?") {
			t.Fatalf("Refresh %q does not lead to the authorisation server", p.header.Get("Refresh"))
		}
		u, _ := url.Parse(to)
		q := u.Query()
		if q.Get("client_id") != "herald-client" || q.Get("redirect_uri") != redirectURI || q.Get("scope") != "profile posts.write" ||
			q.Get("code_challenge_method") != "S256" || q.Get("state") == "" {
			t.Fatalf("authorisation request %v", q)
		}
		return q
	}

	q := begin()
	p = c.get("/oauth/callback/testoauth?" + url.Values{"state": {q.Get("state")}, "code": {"alice"}}.Encode())
	wantStatus(t, p, http.StatusSeeOther)
	if channelPathRe.FindStringSubmatch(p.location()) == nil {
		t.Fatalf("callback went to %q", p.location())
	}
	p = c.open(p.location())
	mustContain(t, p, "Test OAuth @alice is connected", "Active")
	// The same state works once.
	p = c.get("/oauth/callback/testoauth?" + url.Values{"state": {q.Get("state")}, "code": {"alice"}}.Encode())
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "expired or was already used")

	// The network refuses: its words and what to do.
	q = begin()
	p = c.get("/oauth/callback/testoauth?" + url.Values{"state": {q.Get("state")}, "error": {"invalid_scope"}, "error_description": {"posts.write is not allowed for this app"}}.Encode())
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "The network did not grant access: invalid_scope (posts.write is not allowed for this app)",
		"The Test OAuth app must allow the scopes Herald asks for: profile, posts.write",
		"The redirect URI registered with the Test OAuth app must be exactly "+redirectURI)
	q = begin()
	p = c.get("/oauth/callback/testoauth?" + url.Values{"state": {q.Get("state")}, "code": {"refused"}}.Encode())
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "Test OAuth refused the authorisation code: The authorization code is invalid or was issued to another redirect URI",
		"must be exactly "+redirectURI, "client secret")

	// Reconnecting through OAuth keeps the channel.
	list, _ := ce.a.Channels.List(context.Background(), ce.actor("owner@example.test"), ce.ws.ID)
	var alice model.Channel
	for _, ch := range list {
		if ch.Handle == "@alice" {
			alice = ch
		}
	}
	p = c.open(ce.base + "/" + alice.ID + "/reconnect")
	mustContain(t, p, "Reconnect with Test OAuth")
	p = c.post(ce.base+"/"+alice.ID+"/reconnect", url.Values{"instance": {"x"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "Test OAuth channels reconnect through Test OAuth's sign-in page")
	p = c.post(ce.base+"/oauth/testoauth", url.Values{"channel_id": {alice.ID}})
	wantStatus(t, p, http.StatusOK)
	to, _ := url.Parse(strings.TrimPrefix(p.header.Get("Refresh"), "0; url="))
	p = c.get("/oauth/callback/testoauth?" + url.Values{"state": {to.Query().Get("state")}, "code": {"alice"}}.Encode())
	if p.location() != ce.base+"/"+alice.ID {
		t.Fatalf("reconnect went to %q, want the same channel", p.location())
	}
	// Reconnecting a channel through a network it does not belong to is refused.
	fakeCh := ce.connect("demo")
	p = c.post(ce.base+"/oauth/testoauth", url.Values{"channel_id": {fakeCh.ID}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "cannot be reconnected through Test OAuth")
}

func TestChannelPagesCarryCSRF(t *testing.T) {
	ce := newChannelEnv(t)
	ce.a.Providers.Register(newOAuthNet(t, "testoauth", "Test OAuth"))
	ch := ce.connect("acme")
	formRe := regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*>.*?</form>`)
	for _, path := range []string{ce.base, ce.base + "/new/fake", ce.base + "/new/testoauth", ce.base + "/" + ch.ID,
		ce.base + "/" + ch.ID + "/reconnect", ce.base + "/apps", "/admin/apps"} {
		p := ce.c.open(path)
		wantStatus(t, p, http.StatusOK)
		forms := formRe.FindAllString(p.body, -1)
		if len(forms) == 0 {
			t.Errorf("%s has no post form", path)
		}
		for _, f := range forms {
			if !strings.Contains(f, `name="csrf" value="`+ce.c.csrf()+`"`) {
				t.Errorf("%s: a form lacks the csrf field: %.200s", path, f)
			}
		}
	}
}

// TestWebhookSecretShownOnce: the signing secret Herald generates when a
// webhook channel connects is shown in that response, and never again.
func TestWebhookSecretShownOnce(t *testing.T) {
	ce := newChannelEnv(t)
	c := ce.c
	p := c.post(ce.base+"/new/webhook", url.Values{"url": {"https://hooks.example.com/herald"}})
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "cannot show it again", "Signing secret")
	secret := regexp.MustCompile(`whsec_[0-9a-f]{64}`).FindString(p.body)
	if secret == "" {
		t.Fatalf("no signing secret on the page: %s", p.body)
	}
	list := c.open(ce.base)
	m := regexp.MustCompile(`/channels/([0-9a-z]{26})"`).FindStringSubmatch(list.body)
	if m == nil {
		t.Fatalf("the webhook channel is not listed")
	}
	again := c.open(ce.base + "/" + m[1])
	wantStatus(t, again, http.StatusOK)
	if strings.Contains(again.body, secret) || strings.Contains(list.body, secret) {
		t.Fatal("the signing secret is shown a second time")
	}
}

// TestChannelAudience: the channel page shows the account's counts when the
// network reports them (the fake's grow with time, like a real audience).
func TestChannelAudience(t *testing.T) {
	ce := newChannelEnv(t)
	ch := ce.connect("acme")
	p := ce.c.open(ce.base + "/" + ch.ID)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Audience", "Followers")
	if !regexp.MustCompile(`<dt>Followers</dt><dd>[1-9][0-9]*</dd>`).MatchString(p.body) {
		t.Fatalf("no follower count on the page: %s", p.body)
	}
}

// TestServedFeedPages: a feed channel's page gives its addresses, and the
// addresses serve the document without sign-in.
func TestServedFeedPages(t *testing.T) {
	ce := newChannelEnv(t)
	ch, err := ce.a.Channels.Connect(context.Background(), ce.actor("owner@example.test"), ce.ws.ID, "feed", map[string]string{"title": "Acme news"})
	if err != nil {
		t.Fatal(err)
	}
	p := ce.c.open(ce.base + "/" + ch.ID)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Feed addresses", "RSS 2.0", "Atom 1.0")
	for format, want := range map[string]string{"rss": "application/rss+xml", "atom": "application/atom+xml"} {
		resp, err := http.Get(ce.srv.URL + "/feeds/" + ch.ID + "/" + format)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), want) || !strings.Contains(string(body), "Acme news") {
			t.Fatalf("%s: %d %q %s", format, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	resp, err := http.Get(ce.srv.URL + "/feeds/" + ch.ID + "/json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown format: %d", resp.StatusCode)
	}
}
