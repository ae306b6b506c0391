package bluesky

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/atproto/auth/oauth"
	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider"
)

// Credentials of an account connected with OAuth (besides the access and
// refresh tokens): the DPoP key the tokens are bound to, and where and as
// which client to refresh them.
const (
	CredDPoPKey       = "dpop_key"             // P-256 private key, multibase
	CredOAuthIssuer   = "oauth_issuer"         // authorization server
	CredOAuthTokenURL = "oauth_token_endpoint" // its token endpoint
	CredOAuthClientID = "oauth_client_id"      // Herald's client_id when signing in
)

// oauthScopes are the scopes Herald asks for: atproto, and the transitional
// scope that covers what app passwords allow (posting, blobs, reads).
var oauthScopes = []string{"atproto", "transition:generic"}

// oauthFlowData links StartOAuth to CompleteOAuth.
type oauthFlowData struct {
	Request oauth.AuthRequestData `json:"request"`
	DID     string                `json:"did"`
	PDS     string                `json:"pds"`
}

// clientConfig is Herald as an atproto OAuth client. A callback on a
// loopback address uses the development client_id
// (http://localhost?redirect_uri=…&scope=…), which needs no metadata
// document; any other is identified by the URL of its metadata document
// (https://atproto.com/specs/oauth#clients).
func (p *Provider) clientConfig(c provider.OAuthClient) oauth.ClientConfig {
	var cfg oauth.ClientConfig
	if u, err := url.Parse(c.RedirectURI); err == nil && u.Scheme == "http" && u.Hostname() != "localhost" && loopback(u.Hostname()) {
		cfg = oauth.NewLocalhostConfig(c.RedirectURI, oauthScopes)
	} else {
		cfg = oauth.NewPublicConfig(c.MetadataURL, c.RedirectURI, oauthScopes)
	}
	if p.opts.UserAgent != "" {
		cfg.UserAgent = p.opts.UserAgent
	}
	return cfg
}

func (p *Provider) clientApp(c provider.OAuthClient) *oauth.ClientApp {
	cfg := p.clientConfig(c)
	return &oauth.ClientApp{Client: p.opts.HTTPClient, Config: &cfg}
}

// OAuthClientMetadata is Herald's client metadata document.
func (p *Provider) OAuthClientMetadata(c provider.OAuthClient) ([]byte, error) {
	cfg := p.clientConfig(c)
	m := cfg.ClientMetadata()
	if c.Name != "" {
		m.ClientName = &c.Name
	}
	return json.Marshal(m)
}

// StartOAuth finds the account's authorization server and pushes the
// authorization request to it (PAR, with PKCE and a new DPoP key), and
// returns its sign-in page with the account prefilled.
func (p *Provider) StartOAuth(ctx context.Context, identifier string, c provider.OAuthClient) (provider.OAuthStart, error) {
	const op = "start oauth"
	t, err := p.discover(ctx, identifier)
	if err != nil {
		return provider.OAuthStart{}, err
	}
	app := p.clientApp(c)
	hint := t.Handle
	if hint == "" || hint == syntax.HandleInvalid.String() {
		hint = t.DID
	}
	req, err := app.SendAuthRequest(ctx, t.Meta, oauthScopes, hint)
	if err != nil {
		return provider.OAuthStart{}, oauthError(op, err, "the authorization server %s refused the sign-in request", t.Meta.Issuer)
	}
	data, err := json.Marshal(oauthFlowData{Request: *req, DID: t.DID, PDS: t.PDS})
	if err != nil {
		return provider.OAuthStart{}, err
	}
	q := url.Values{"client_id": {app.Config.ClientID}, "request_uri": {req.RequestURI}}
	return provider.OAuthStart{URL: t.Meta.AuthorizationEndpoint + "?" + q.Encode(), State: req.State, Data: string(data)}, nil
}

// CompleteOAuth checks the callback against the request (state, and the
// issuer per RFC 9207), exchanges the code for DPoP-bound tokens, checks
// they are for the account that started, and reads its handle.
func (p *Provider) CompleteOAuth(ctx context.Context, data string, c provider.OAuthClient, callback url.Values) (provider.Account, error) {
	const op = "complete oauth"
	var d oauthFlowData
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, op, err, "the stored sign-in request is unreadable; start again")
	}
	switch {
	case callback.Get("state") != d.Request.State:
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, op, nil, "the callback belongs to another sign-in request")
	case callback.Get("error") != "":
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, op, nil, "Bluesky did not grant access: %s", callback.Get("error"))
	case callback.Get("iss") != d.Request.AuthServerURL:
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, op, nil, "the callback comes from %q, not the authorization server %s", callback.Get("iss"), d.Request.AuthServerURL)
	}
	app := p.clientApp(c)
	tok, err := app.SendInitialTokenRequest(ctx, callback.Get("code"), d.Request)
	if err != nil {
		return provider.Account{}, oauthError(op, err, "the authorization server refused the code")
	}
	if tok.Subject != d.DID {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, op, nil, "the tokens are for %s, not %s who started signing in", tok.Subject, d.DID)
	}
	acct := provider.Account{
		RemoteID: d.DID,
		Credentials: map[string]string{CredAccessJWT: tok.AccessToken, CredRefreshJWT: tok.RefreshToken, CredDPoPKey: d.Request.DPoPPrivateKeyMultibase,
			CredOAuthIssuer: d.Request.AuthServerURL, CredOAuthTokenURL: d.Request.AuthServerTokenEndpoint, CredOAuthClientID: app.Config.ClientID},
		Settings: map[string]string{SettingService: d.PDS},
		Limits:   DefaultLimits(),
	}
	s, err := p.session(acct, op)
	if err != nil {
		return provider.Account{}, err
	}
	// https://docs.bsky.app/docs/api/com-atproto-server-get-session
	out, err := comatproto.ServerGetSession(ctx, s.xc)
	if err != nil {
		return provider.Account{}, s.classify(op, false, err)
	}
	if out.Active != nil && !*out.Active {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, op, nil, "the Bluesky account is not active (%s)", deref(out.Status))
	}
	acct.Handle = "@" + out.Handle
	return acct, nil
}

// oauthError classifies an error of the SDK's OAuth calls: no answer is
// Transient, an answer refusing the request Permanent.
func oauthError(op string, err error, format string, args ...any) *provider.Error {
	var ue *url.Error
	if errors.As(err, &ue) || errors.Is(err, context.DeadlineExceeded) {
		return provider.Errorf(provider.Transient, Network, op, err, "could not reach the Bluesky authorization server")
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return provider.Errorf(provider.Permanent, Network, op, err, format+" (%s)", append(args, msg)...)
}
