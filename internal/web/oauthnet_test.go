package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"herald/internal/provider"
)

// oauthNet is a small OAuth network for the channel tests: its
// authorisation server is an httptest server that grants every request at
// once (the "user" is the login_hint query value, or alice) and exchanges any
// code except "refused" for a token naming that user. Connect reads the
// account from the token, as a real provider reads it from the network.
type oauthNet struct {
	network, name string
	srv           *httptest.Server
}

var (
	_ provider.OAuth2    = (*oauthNet)(nil)
	_ provider.Connector = (*oauthNet)(nil)
)

// newOAuthNet starts the network's authorisation server.
func newOAuthNet(t *testing.T, network, name string) *oauthNet {
	t.Helper()
	o := &oauthNet{network: network, name: name}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		back, err := url.Parse(q.Get("redirect_uri"))
		if err != nil || q.Get("state") == "" || q.Get("client_id") == "" || q.Get("code_challenge") == "" {
			http.Error(w, "bad authorisation request", http.StatusBadRequest)
			return
		}
		user := q.Get("login_hint")
		if user == "" {
			user = "alice"
		}
		bq := url.Values{"code": {user}, "state": {q.Get("state")}}
		back.RawQuery = bq.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		code := r.PostForm.Get("code")
		if code == "refused" || r.PostForm.Get("code_verifier") == "" {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "The authorization code is invalid or was issued to another redirect URI"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "token-of-" + code, "token_type": "bearer", "expires_in": 3600})
	})
	o.srv = httptest.NewServer(mux)
	t.Cleanup(o.srv.Close)
	return o
}

// Info describes the network as an OAuth network.
func (o *oauthNet) Info() provider.Info {
	return provider.Info{Network: provider.Network(o.network), Name: o.name, Auth: provider.AuthOAuth2, Idempotency: provider.IdemNone,
		Capabilities: []provider.Capability{provider.CapPublish, provider.CapImages}, DocsURL: "https://docs.example.test/" + o.network}
}

// OAuth2Config points at the test authorisation server.
func (o *oauthNet) OAuth2Config(app provider.App, settings map[string]string) (provider.OAuthConfig, error) {
	return provider.OAuthConfig{AuthURL: o.srv.URL + "/authorize", TokenURL: o.srv.URL + "/token",
		Scopes: []string{"profile", "posts.write"}, PKCE: true}, nil
}

// Connect names the account after the token.
func (o *oauthNet) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	user, ok := strings.CutPrefix(input["access_token"], "token-of-")
	if !ok {
		return provider.Account{}, &provider.Error{Trait: provider.AuthExpired, Network: provider.Network(o.network), Op: "connect", Message: "unknown token"}
	}
	return provider.Account{RemoteID: o.network + ":" + user, Handle: "@" + user, Credentials: map[string]string{"access_token": input["access_token"]}}, nil
}
