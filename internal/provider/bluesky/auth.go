package bluesky

import (
	"context"
	"net/url"
	"strings"
	"time"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider"
)

// mainPasswordScope is the JWT scope of a session opened with the account
// password rather than an app password: it may change the password, delete
// the account and read DMs, far more than Herald needs or should hold.
const mainPasswordScope = "com.atproto.access"

// Connect signs in with a handle (or DID) and an app password and returns
// the account with its session tokens. The app password itself is not kept:
// the refresh token renews the session (RefreshAuth), and a refused refresh
// asks a person to reconnect.
func (p *Provider) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	const op = "connect"
	id := strings.TrimPrefix(strings.TrimSpace(input["identifier"]), "@")
	pass := strings.TrimSpace(input["app_password"])
	if _, err := syntax.ParseAtIdentifier(id); err != nil {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, op, err, "%q is not a Bluesky handle or DID (for example alice.bsky.social)", id)
	}
	if pass == "" {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, op, nil, "an app password is required")
	}
	service, err := p.serviceURL(input[SettingService])
	if err != nil {
		return provider.Account{}, err
	}
	s := p.client(service, "", "")
	// https://docs.bsky.app/docs/api/com-atproto-server-create-session
	out, err := comatproto.ServerCreateSession(ctx, s.xc, &comatproto.ServerCreateSession_Input{Identifier: id, Password: pass})
	if err != nil {
		return provider.Account{}, s.classify(op, false, err)
	}
	if c, err := parseJWT(out.AccessJwt); err == nil && c.Scope == mainPasswordScope {
		p.endSession(ctx, service, out.RefreshJwt)
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, op, nil,
			"this is the account password; create an app password in Bluesky (Settings → Privacy and security → App passwords) and use that instead")
	}
	if out.Active != nil && !*out.Active {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, op, nil, "the Bluesky account is not active (%s)", deref(out.Status))
	}
	settings := map[string]string{SettingService: service}
	if w := watchList(input[SettingWatchDIDs]); len(w) > 0 {
		for _, d := range w {
			if _, err := syntax.ParseDID(d); err != nil {
				return provider.Account{}, provider.Errorf(provider.Permanent, Network, op, err, "%q in the accounts to watch is not a DID", d)
			}
		}
		settings[SettingWatchDIDs] = strings.Join(w, ",")
	}
	return provider.Account{
		RemoteID:    out.Did,
		Handle:      "@" + out.Handle,
		Credentials: map[string]string{CredAccessJWT: out.AccessJwt, CredRefreshJWT: out.RefreshJwt},
		Settings:    settings,
		Limits:      DefaultLimits(),
	}, nil
}

// endSession revokes a session Herald will not keep; failures only leave a
// session that expires on its own.
func (p *Provider) endSession(ctx context.Context, service, refresh string) {
	s := p.client(service, refresh, "")
	// https://docs.bsky.app/docs/api/com-atproto-server-delete-session
	_ = comatproto.ServerDeleteSession(ctx, s.xc)
}

// serviceURL validates the PDS URL from the connect form.
func (p *Provider) serviceURL(raw string) (string, error) {
	raw = strings.TrimRight(strings.TrimSpace(raw), "/")
	if raw == "" {
		return p.opts.DefaultService, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", provider.Errorf(provider.Permanent, Network, "connect", err, "%q is not a server address such as https://bsky.social", raw)
	}
	return raw, nil
}

// Check asks the PDS who the stored session belongs to.
func (p *Provider) Check(ctx context.Context, acct provider.Account) (provider.Status, error) {
	const op = "check"
	s, err := p.session(acct, op)
	if err != nil {
		return provider.Status{}, err
	}
	// https://docs.bsky.app/docs/api/com-atproto-server-get-session
	out, err := comatproto.ServerGetSession(ctx, s.xc)
	if err != nil {
		return provider.Status{}, s.classify(op, false, err)
	}
	h := "@" + out.Handle
	switch {
	case out.Did != acct.RemoteID:
		return provider.Status{Handle: h, Message: "the stored session belongs to " + out.Did + ", not " + acct.RemoteID + "; reconnect the account"}, nil
	case out.Active != nil && !*out.Active:
		return provider.Status{Handle: h, Message: "the Bluesky account is not active (" + deref(out.Status) + ")"}, nil
	}
	return provider.Status{OK: true, Handle: h, Message: "connected as " + h}, nil
}

// RefreshAuth renews the session with the refresh token. It returns the
// account's credentials with new tokens and the new access token's expiry;
// a token the PDS leaves out keeps its old value, so a refresh token is
// never blanked. A refused refresh is AuthExpired.
func (p *Provider) RefreshAuth(ctx context.Context, acct provider.Account) (map[string]string, time.Time, error) {
	const op = "refresh session"
	if acct.Credentials[CredDPoPKey] != "" {
		return p.refreshOAuth(ctx, acct)
	}
	refresh := acct.Credentials[CredRefreshJWT]
	if refresh == "" {
		return nil, time.Time{}, provider.Errorf(provider.AuthExpired, Network, op, nil, "no refresh token is stored; reconnect the account")
	}
	s := p.client(p.service(acct), refresh, acct.RemoteID)
	// https://docs.bsky.app/docs/api/com-atproto-server-refresh-session
	out, err := comatproto.ServerRefreshSession(ctx, s.xc)
	if err != nil {
		return nil, time.Time{}, s.classify(op, false, err)
	}
	if acct.RemoteID != "" && out.Did != acct.RemoteID {
		return nil, time.Time{}, provider.Errorf(provider.AuthExpired, Network, op, nil, "the refreshed session belongs to %s, not %s; reconnect the account", out.Did, acct.RemoteID)
	}
	creds := make(map[string]string, len(acct.Credentials))
	for k, v := range acct.Credentials {
		creds[k] = v
	}
	if out.AccessJwt != "" {
		creds[CredAccessJWT] = out.AccessJwt
	}
	if out.RefreshJwt != "" {
		creds[CredRefreshJWT] = out.RefreshJwt
	}
	return creds, expiry(creds[CredAccessJWT]), nil
}

func deref(s *string) string {
	if s == nil || *s == "" {
		return "no reason given"
	}
	return *s
}
