package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herald/internal/channel"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/fake"
)

// oauthNet is an OAuth network for the API tests: only its description and
// endpoints matter here, since the API hands the authorisation to a browser.
type oauthNet struct{}

func (oauthNet) Info() provider.Info {
	return provider.Info{Network: "testoauth", Name: "Test OAuth", Auth: provider.AuthOAuth2, Idempotency: provider.IdemNone,
		Capabilities: []provider.Capability{provider.CapPublish}}
}

func (oauthNet) OAuth2Config(provider.App, map[string]string) (provider.OAuthConfig, error) {
	return provider.OAuthConfig{AuthURL: "https://auth.example.test/authorize", TokenURL: "https://auth.example.test/token",
		Scopes: []string{"profile", "posts.write"}, PKCE: true}, nil
}

func (oauthNet) Connect(context.Context, map[string]string) (provider.Account, error) {
	return provider.Account{}, &provider.Error{Trait: provider.Permanent, Message: "not used in these tests"}
}

// channelSetup registers a scriptable fake and the OAuth network, and makes
// an admin with a workspace and an all-scopes token.
func channelSetup(h *harness) (f *fake.Provider, owner model.User, tok, ws string) {
	h.t.Helper()
	f = fake.New()
	h.app.Providers.Register(f)
	h.app.Providers.Register(oauthNet{})
	owner = h.admin("ada@example.com")
	tok = h.token(owner)
	ws = h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(h.t, 201).str("id")
	return f, owner, tok, ws
}

func TestNetworksList(t *testing.T) {
	each(t, func(h *harness) {
		_, _, tok, _ := channelSetup(h)
		r := h.do(http.MethodGet, "/api/v1/networks", tok, nil).want(t, 200)
		nets, next := r.list()
		if next != "" || r.json["next_cursor"] != nil {
			t.Errorf("networks are paged: %s", r.body)
		}
		byKey := map[string]map[string]any{}
		for _, n := range nets {
			byKey[n["network"].(string)] = n
		}
		fk := byKey["fake"]
		if fk == nil || fk["name"] != "Demo network (fake)" || fk["auth"] != "keys" || fk["oauth"] != nil || fk["idempotency"] != "client_key" {
			t.Fatalf("fake network: %v", fk)
		}
		fields := fk["fields"].([]any)
		if len(fields) != 1 || fields[0].(map[string]any)["name"] != "handle" || fields[0].(map[string]any)["required"] != true {
			t.Errorf("fake fields: %v", fields)
		}
		limits := fk["limits"].(map[string]any)
		if text := limits["text"].(map[string]any); text["method"] != "graphemes" || text["max"] != float64(500) || limits["max_thread"] != float64(25) {
			t.Errorf("fake limits: %v", limits)
		}
		oa := byKey["testoauth"]
		o, _ := oa["oauth"].(map[string]any)
		if o == nil || o["redirect_uri"] != "http://herald.test/oauth/callback/testoauth" || o["needs_instance"] != false || o["configured"] != false {
			t.Fatalf("oauth network: %v", oa)
		}
		if s := o["scopes"].([]any); len(s) != 2 || s[1] != "posts.write" {
			t.Errorf("scopes: %v", s)
		}
		// Only the channels scopes open the list.
		h.do(http.MethodGet, "/api/v1/networks", h.token(h.user("bob@example.com"), model.ScopeAccountRead), nil).wantProblem(t, 403, "insufficient-scope", "")
	})
}

func TestChannelConnectAndManage(t *testing.T) {
	each(t, func(h *harness) {
		f, _, tok, ws := channelSetup(h)
		base := "/api/v1/workspaces/" + ws + "/channels"

		// Bad requests name their field.
		h.do(http.MethodPost, base, tok, map[string]any{"fields": map[string]string{"handle": "acme"}}).wantProblem(t, 400, "validation", "network")
		h.do(http.MethodPost, base, tok, map[string]any{"network": "myspace"}).wantProblem(t, 400, "validation", "network")
		r := h.do(http.MethodPost, base, tok, map[string]any{"network": "fake"}).wantProblem(t, 400, "validation", "fields.handle")
		if !strings.Contains(r.str("detail"), "Demo handle is required") {
			t.Errorf("detail: %s", r.body)
		}
		h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "a", "colour": "red"}}).wantProblem(t, 400, "validation", "fields.colour")
		h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "fields": map[string]any{"handle": 7}}).wantProblem(t, 400, "validation", "")
		h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "handle": "acme"}).wantProblem(t, 400, "validation", "handle")
		r = h.do(http.MethodPost, base, tok, map[string]any{"network": "testoauth"}).wantProblem(t, 400, "validation", "network")
		if !strings.Contains(r.str("detail"), "POST /api/v1/workspaces/"+ws+"/channels/oauth") {
			t.Errorf("an OAuth network is not pointed at the OAuth endpoint: %s", r.body)
		}

		// Connect, idempotently.
		r = h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "acme"}}, "Idempotency-Key", "k1").want(t, 201)
		id := r.str("id")
		if r.header.Get("Location") != base+"/"+id || r.str("handle") != "@acme" || r.str("status") != "active" || r.str("time_zone") != "UTC" ||
			r.str("network") != "fake" || r.json["status_message"] != nil {
			t.Fatalf("connect: %v %s", r.header, r.body)
		}
		if strings.Contains(string(r.body), "demo-acme") {
			t.Fatal("the answer carries the channel's credentials")
		}
		again := h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "acme"}}, "Idempotency-Key", "k1").want(t, 201)
		if again.header.Get("Idempotent-Replayed") != "true" || again.str("id") != id || again.header.Get("Location") != base+"/"+id {
			t.Errorf("replay: %v %s", again.header, again.body)
		}
		h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "acme"}}).wantProblem(t, 409, "conflict", "")
		second := h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "beta"}}).want(t, 201).str("id")

		// List, paged; get.
		r = h.do(http.MethodGet, base+"?limit=1", tok, nil).want(t, 200)
		items, next := r.list()
		if len(items) != 1 || items[0]["id"] != id || next == "" {
			t.Fatalf("page 1: %s", r.body)
		}
		r = h.do(http.MethodGet, base+"?limit=1&cursor="+url.QueryEscape(next), tok, nil).want(t, 200)
		if items, next = r.list(); len(items) != 1 || items[0]["id"] != second || next != "" {
			t.Fatalf("page 2: %s", r.body)
		}
		h.do(http.MethodGet, base+"?limit=0", tok, nil).wantProblem(t, 400, "validation", "limit")
		h.do(http.MethodGet, base+"/"+id, tok, nil).want(t, 200)
		h.do(http.MethodGet, base+"/not-an-id", tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodGet, base+"/01jq3v6m2k8x9c0d4e5f6g7h8j", tok, nil).wantProblem(t, 404, "not-found", "")

		// Update: fields left out stay; bad values are named.
		h.do(http.MethodPatch, base+"/"+id, tok, map[string]any{}).wantProblem(t, 400, "validation", "")
		h.do(http.MethodPatch, base+"/"+id, tok, map[string]any{"time_zone": "Mars/Olympus"}).wantProblem(t, 400, "validation", "time_zone")
		h.do(http.MethodPatch, base+"/"+id, tok, map[string]any{"name": ""}).wantProblem(t, 400, "validation", "name")
		h.do(http.MethodPatch, base+"/"+id, tok, map[string]any{"defaults": map[string]string{"bad key": "x"}}).wantProblem(t, 400, "validation", "defaults")
		h.do(http.MethodPatch, base+"/"+id, tok, map[string]any{"colour": "red"}).wantProblem(t, 400, "validation", "colour")
		r = h.do(http.MethodPatch, base+"/"+id, tok, map[string]any{"time_zone": "Europe/Berlin", "defaults": map[string]string{"visibility": "unlisted"}}).want(t, 200)
		if r.str("time_zone") != "Europe/Berlin" || r.str("name") != "@acme" || r.json["defaults"].(map[string]any)["visibility"] != "unlisted" {
			t.Errorf("update: %s", r.body)
		}
		r = h.do(http.MethodPatch, base+"/"+id, tok, map[string]any{"name": "Acme main"}).want(t, 200)
		if r.str("name") != "Acme main" || r.str("time_zone") != "Europe/Berlin" || len(r.json["defaults"].(map[string]any)) != 1 {
			t.Errorf("a partial update changed other fields: %s", r.body)
		}

		// Test: the fake's scripted failure is the answer; the status follows.
		f.Fail(fake.Failure{Op: "check", Trait: provider.AuthExpired, Message: "token revoked by the user"})
		r = h.do(http.MethodPost, base+"/"+id+"/test", tok, nil).want(t, 200)
		if r.json["ok"] != false || r.str("message") != "token revoked by the user" || r.json["handle"] != nil {
			t.Errorf("failed test: %s", r.body)
		}
		r = h.do(http.MethodGet, base+"/"+id, tok, nil).want(t, 200)
		if r.str("status") != "needs_reconnect" || r.str("status_message") != "token revoked by the user" || r.json["checked_at"] == nil {
			t.Errorf("status after a failed test: %s", r.body)
		}

		// Reconnect: another account is refused, the same one heals the channel.
		h.do(http.MethodPost, base+"/"+id+"/reconnect", tok, map[string]any{"fields": map[string]string{"handle": "other"}}).wantProblem(t, 409, "conflict", "")
		h.do(http.MethodPost, base+"/"+id+"/reconnect", tok, map[string]any{"fields": map[string]string{}}).wantProblem(t, 400, "validation", "fields.handle")
		r = h.do(http.MethodPost, base+"/"+id+"/reconnect", tok, map[string]any{"fields": map[string]string{"handle": "acme"}}).want(t, 200)
		if r.str("status") != "active" || r.str("id") != id {
			t.Errorf("reconnect: %s", r.body)
		}
		r = h.do(http.MethodPost, base+"/"+id+"/test", tok, nil).want(t, 200)
		if r.json["ok"] != true || r.str("message") != "connected as @acme" || r.str("handle") != "@acme" {
			t.Errorf("passing test: %s", r.body)
		}

		// Disconnect.
		h.do(http.MethodDelete, base+"/"+id, tok, nil).want(t, 204)
		h.do(http.MethodGet, base+"/"+id, tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodDelete, base+"/"+id, tok, nil).wantProblem(t, 404, "not-found", "")
	})
}

func TestChannelScopesAndRoles(t *testing.T) {
	each(t, func(h *harness) {
		_, _, tok, ws := channelSetup(h)
		base := "/api/v1/workspaces/" + ws + "/channels"
		id := h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "acme"}}).want(t, 201).str("id")

		bob := h.user("bob@example.com")
		h.join(tok, ws, bob, "viewer")
		readOnly := h.token(bob, model.ScopeChannelsRead)
		h.do(http.MethodGet, base, readOnly, nil).want(t, 200)
		h.do(http.MethodPost, base+"/"+id+"/test", readOnly, nil).want(t, 200)
		r := h.do(http.MethodPost, base, readOnly, map[string]any{"network": "fake", "fields": map[string]string{"handle": "x"}}).wantProblem(t, 403, "insufficient-scope", "")
		if r.str("scope") != "channels:write" {
			t.Errorf("scope: %s", r.body)
		}
		// A viewer with every scope is still refused by role, before any
		// complaint about the input.
		all := h.token(bob)
		h.do(http.MethodPost, base, all, map[string]any{"network": "fake", "fields": map[string]string{"handle": "x"}}).wantProblem(t, 403, "forbidden", "")
		h.do(http.MethodPatch, base+"/"+id, all, map[string]any{"time_zone": "Nowhere/Else"}).wantProblem(t, 403, "forbidden", "")
		h.do(http.MethodDelete, base+"/"+id, all, nil).wantProblem(t, 403, "forbidden", "")
		h.do(http.MethodPost, base+"/oauth", all, map[string]any{"network": "nope", "instance": "x"}).wantProblem(t, 403, "forbidden", "")
		// Not a member: nothing is there.
		carol := h.token(h.user("carol@example.com"))
		h.do(http.MethodGet, base, carol, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodGet, base+"/"+id, carol, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodPost, base, carol, map[string]any{"network": "fake", "fields": map[string]string{"handle": "x"}}).wantProblem(t, 404, "not-found", "")
	})
}

func TestChannelOAuthStart(t *testing.T) {
	each(t, func(h *harness) {
		_, owner, tok, ws := channelSetup(h)
		base := "/api/v1/workspaces/" + ws + "/channels"
		oauth := base + "/oauth"

		h.do(http.MethodPost, oauth, tok, map[string]any{}).wantProblem(t, 400, "validation", "network")
		h.do(http.MethodPost, oauth, tok, map[string]any{"network": "fake"}).wantProblem(t, 400, "validation", "network")
		r := h.do(http.MethodPost, oauth, tok, map[string]any{"network": "testoauth"}).wantProblem(t, 400, "validation", "network")
		if !strings.Contains(r.str("detail"), "http://herald.test/oauth/callback/testoauth") {
			t.Errorf("the missing-app problem does not give the redirect URI: %s", r.body)
		}
		if err := h.app.Channels.PutApp(context.Background(), actorOf(owner), "", channel.AppInput{Network: "testoauth", ClientID: "installation-client", ClientSecret: "s"}); err != nil {
			t.Fatal(err)
		}
		h.do(http.MethodPost, oauth, tok, map[string]any{"network": "testoauth", "instance": "mastodon.social"}).wantProblem(t, 400, "validation", "instance")
		h.do(http.MethodPost, oauth, tok, map[string]any{"network": "testoauth", "channel_id": "nope"}).wantProblem(t, 400, "validation", "channel_id")
		h.do(http.MethodPost, oauth, tok, map[string]any{"network": "testoauth", "channel_id": "01jq3v6m2k8x9c0d4e5f6g7h8j"}).wantProblem(t, 400, "validation", "channel_id")
		fakeID := h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "acme"}}).want(t, 201).str("id")
		h.do(http.MethodPost, oauth, tok, map[string]any{"network": "testoauth", "channel_id": fakeID}).wantProblem(t, 400, "validation", "channel_id")
		h.do(http.MethodPost, oauth, tok, map[string]any{"network": "testoauth", "colour": "red"}).wantProblem(t, 400, "validation", "colour")
		h.do(http.MethodPost, oauth, tok, map[string]any{"network": "testoauth", "handle": "alice.example"}).wantProblem(t, 400, "validation", "handle")
		h.do(http.MethodPost, oauth, tok, map[string]any{"network": "bluesky"}).wantProblem(t, 400, "validation", "handle")

		r = h.do(http.MethodPost, oauth, tok, map[string]any{"network": "testoauth"}).want(t, 200)
		u, err := url.Parse(r.str("authorize_url"))
		if err != nil || u.Host != "auth.example.test" {
			t.Fatalf("authorize_url: %s", r.body)
		}
		q := u.Query()
		if q.Get("client_id") != "installation-client" || q.Get("redirect_uri") != "http://herald.test/oauth/callback/testoauth" ||
			q.Get("state") == "" || q.Get("code_challenge") == "" || q.Get("scope") != "profile posts.write" {
			t.Errorf("authorisation request: %v", q)
		}
		// The fake channel cannot reconnect through OAuth; the API says where to go for that network.
		r = h.do(http.MethodPost, base+"/"+fakeID+"/reconnect", tok, map[string]any{"fields": map[string]string{"handle": "acme"}}).want(t, 200)
		if r.str("id") != fakeID {
			t.Errorf("reconnect: %s", r.body)
		}
	})
}

// TestChannelRevealOnce: a webhook's generated signing secret is in the
// connect answer only.
func TestChannelRevealOnce(t *testing.T) {
	each(t, func(h *harness) {
		_, _, tok, ws := channelSetup(h)
		base := "/api/v1/workspaces/" + ws + "/channels"
		r := h.do(http.MethodPost, base, tok, map[string]any{"network": "webhook", "fields": map[string]string{"url": "https://hooks.example.com/h"}}).want(t, 201)
		reveal, _ := r.json["reveal"].(map[string]any)
		var secret string
		for _, v := range reveal {
			secret, _ = v.(string)
		}
		if !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("no signing secret revealed: %s", r.body)
		}
		got := h.do(http.MethodGet, base+"/"+r.str("id"), tok, nil).want(t, 200)
		if _, ok := got.json["reveal"]; ok || strings.Contains(string(got.body), secret) {
			t.Fatalf("the secret is readable again: %s", got.body)
		}
	})
}
