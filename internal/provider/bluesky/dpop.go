package bluesky

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/bluesky-social/indigo/atproto/atcrypto"
	"github.com/bluesky-social/indigo/atproto/auth/oauth"
	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider"
)

// An account connected with OAuth holds DPoP-bound tokens: every call to
// its PDS carries "Authorization: DPoP <token>" and a DPoP proof signed
// with the account's key (RFC 9449), and the PDS may demand a fresh nonce
// at any time (401 with WWW-Authenticate error="use_dpop_nonce" and a
// DPoP-Nonce header), answered by signing again with it.
//
// The SDK's ClientSession.DoWithAuth would also refresh an expired token
// by itself; Herald does not let it, because the rotated refresh token
// would live only in memory. An expired token is classified AuthExpired
// instead, and Herald's refresh job calls RefreshAuth, which stores the
// new tokens.

// dpopSession is the SDK's OAuth session for an account's credentials.
func (p *Provider) dpopSession(acct provider.Account, op string) (*oauth.ClientSession, error) {
	c := acct.Credentials
	key, err := atcrypto.ParsePrivateMultibase(c[CredDPoPKey])
	if err != nil {
		return nil, provider.Errorf(provider.AuthExpired, Network, op, err, "the stored DPoP key is unreadable; reconnect the account")
	}
	did, _ := syntax.ParseDID(acct.RemoteID)
	return &oauth.ClientSession{
		Client:         p.opts.HTTPClient,
		Config:         &oauth.ClientConfig{ClientID: c[CredOAuthClientID], UserAgent: p.opts.UserAgent},
		DPoPPrivateKey: key,
		Data: &oauth.ClientSessionData{AccountDID: did, HostURL: p.service(acct), AuthServerURL: c[CredOAuthIssuer],
			AuthServerTokenEndpoint: c[CredOAuthTokenURL], Scopes: oauthScopes, AccessToken: c[CredAccessJWT], RefreshToken: c[CredRefreshJWT]},
		// Nonces and tokens live as long as the call; new tokens are stored
		// by RefreshAuth's caller.
		PersistSessionCallback: func(context.Context, *oauth.ClientSessionData) {},
	}, nil
}

// doDPoP sends req with a DPoP proof, signing again once with the nonce
// the server asks for.
func (c *xrpcClient) doDPoP(req *http.Request) (*http.Response, error) {
	for try := 0; ; try++ {
		proof, err := c.dpop.NewHostDPoP(req.Method, dpopTarget(req))
		if err != nil {
			return nil, err
		}
		tok, _ := c.dpop.GetHostAccessData()
		req.Header.Set("Authorization", "DPoP "+tok)
		req.Header.Set("DPoP", proof)
		resp, err := c.hc.Do(req)
		if err != nil {
			return nil, err
		}
		nonce := resp.Header.Get("DPoP-Nonce")
		if nonce != "" {
			c.dpop.UpdateHostDPoPNonce(req.Context(), nonce)
		}
		if try > 0 || resp.StatusCode != http.StatusUnauthorized || nonce == "" ||
			!strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="use_dpop_nonce"`) {
			return resp, nil
		}
		resp.Body.Close()
		retry := req.Clone(req.Context())
		if req.GetBody != nil {
			if retry.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
		req = retry
	}
}

// dpopTarget is the proof's htu: the request URL without query or fragment.
func dpopTarget(req *http.Request) string {
	u := *req.URL
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	return u.String()
}

// replayable returns body as a reader the request can send again (a DPoP
// nonce retry): readers other than bytes and strings are read into memory.
func replayable(body io.Reader) (io.Reader, error) {
	switch body.(type) {
	case nil, *bytes.Reader, *bytes.Buffer, *strings.Reader:
		return body, nil
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}

// refreshOAuth renews DPoP-bound tokens at the authorization server's
// token endpoint. The server rotates the refresh token; both new tokens are
// returned for storing.
func (p *Provider) refreshOAuth(ctx context.Context, acct provider.Account) (map[string]string, time.Time, error) {
	const op = "refresh oauth session"
	sess, err := p.dpopSession(acct, op)
	if err != nil {
		return nil, time.Time{}, err
	}
	if _, err := sess.RefreshTokens(ctx); err != nil {
		if pe := oauthError(op, err, "the authorization server refused to renew the session; reconnect the account"); pe.Trait == provider.Transient {
			return nil, time.Time{}, pe
		}
		return nil, time.Time{}, provider.Errorf(provider.AuthExpired, Network, op, err, "the authorization server refused to renew the session; reconnect the account")
	}
	creds := make(map[string]string, len(acct.Credentials))
	for k, v := range acct.Credentials {
		creds[k] = v
	}
	if sess.Data.AccessToken != "" {
		creds[CredAccessJWT] = sess.Data.AccessToken
	}
	if sess.Data.RefreshToken != "" {
		creds[CredRefreshJWT] = sess.Data.RefreshToken
	}
	return creds, expiry(creds[CredAccessJWT]), nil
}
