package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/atproto/auth/oauth"
	"github.com/bluesky-social/indigo/atproto/identity"
	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider"
)

// DefaultPLC is the directory of did:plc identities.
const DefaultPLC = "https://plc.directory"

// oauthTarget is where an account signs in with OAuth: its identity, its
// PDS and the PDS's authorization server
// (https://atproto.com/specs/oauth#identity-authentication).
type oauthTarget struct {
	DID    string
	Handle string
	PDS    string
	Meta   *oauth.AuthServerMetadata
}

// discover resolves identifier (a handle or DID) to its DID document, PDS
// and authorization server metadata. A handle is resolved by the default
// service (com.atproto.identity.resolveHandle, which also follows DNS and
// .well-known handles) and must be confirmed by the DID document.
func (p *Provider) discover(ctx context.Context, identifier string) (oauthTarget, error) {
	const op = "oauth discovery"
	id := strings.TrimPrefix(strings.TrimSpace(identifier), "@")
	atid, err := syntax.ParseAtIdentifier(id)
	if err != nil {
		return oauthTarget{}, provider.Errorf(provider.Permanent, Network, op, err, "%q is not a Bluesky handle or DID (for example alice.bsky.social)", id)
	}
	var did syntax.DID
	if d, err := atid.AsDID(); err == nil {
		did = d
	} else {
		s := p.client(p.opts.DefaultService, "", "")
		// https://docs.bsky.app/docs/api/com-atproto-identity-resolve-handle
		out, err := comatproto.IdentityResolveHandle(ctx, s.xc, id)
		if err != nil {
			return oauthTarget{}, s.classify(op, false, err)
		}
		if did, err = syntax.ParseDID(out.Did); err != nil {
			return oauthTarget{}, provider.Errorf(provider.Permanent, Network, op, err, "the handle %s resolves to %q, which is not a DID", id, out.Did)
		}
	}
	dir := identity.BaseDirectory{PLCURL: p.opts.PLC, HTTPClient: *p.opts.HTTPClient, UserAgent: p.opts.UserAgent}
	doc, err := dir.ResolveDID(ctx, did)
	if err != nil {
		return oauthTarget{}, provider.Errorf(provider.Transient, Network, op, err, "could not read the DID document of %s", did)
	}
	ident := identity.ParseIdentity(doc)
	handle, _ := ident.DeclaredHandle()
	if h, err := atid.AsHandle(); err == nil && !strings.EqualFold(h.String(), handle.String()) {
		return oauthTarget{}, provider.Errorf(provider.Permanent, Network, op, nil, "the DID document of %s does not confirm the handle %s", did, h)
	}
	pds := strings.TrimRight(ident.PDSEndpoint(), "/")
	if err := oauthURL(pds); err != nil {
		return oauthTarget{}, provider.Errorf(provider.Permanent, Network, op, err, "%s names no usable PDS", did)
	}
	var res oauth.ProtectedResourceMetadata
	if err := p.getJSON(ctx, pds+"/.well-known/oauth-protected-resource", &res); err != nil {
		return oauthTarget{}, provider.Errorf(provider.Permanent, Network, op, err, "the PDS %s does not offer OAuth sign-in; connect with an app password", pds)
	}
	if len(res.AuthorizationServers) == 0 || oauthURL(res.AuthorizationServers[0]) != nil {
		return oauthTarget{}, provider.Errorf(provider.Permanent, Network, op, nil, "the PDS %s names no usable authorization server", pds)
	}
	issuer := strings.TrimRight(res.AuthorizationServers[0], "/")
	var meta oauth.AuthServerMetadata
	if err := p.getJSON(ctx, issuer+"/.well-known/oauth-authorization-server", &meta); err != nil {
		return oauthTarget{}, provider.Errorf(provider.Transient, Network, op, err, "could not read the authorization server metadata of %s", issuer)
	}
	if err := checkAuthServer(issuer, &meta); err != nil {
		return oauthTarget{}, provider.Errorf(provider.Permanent, Network, op, err, "the authorization server %s cannot be used", issuer)
	}
	return oauthTarget{DID: did.String(), Handle: handle.String(), PDS: pds, Meta: &meta}, nil
}

// checkAuthServer checks what Herald relies on in the metadata: the issuer
// it was fetched from, and endpoints that are usable URLs.
func checkAuthServer(issuer string, m *oauth.AuthServerMetadata) error {
	if m.Issuer != issuer {
		return fmt.Errorf("issuer %q does not match %q", m.Issuer, issuer)
	}
	if m.PushedAuthorizationRequestEndpoint == "" {
		return fmt.Errorf("no pushed authorization request endpoint")
	}
	for _, u := range []string{m.AuthorizationEndpoint, m.TokenEndpoint, m.PushedAuthorizationRequestEndpoint} {
		if err := oauthURL(u); err != nil {
			return err
		}
	}
	return nil
}

// oauthURL accepts https URLs, and http on loopback hosts (a development
// PDS; Herald's HTTP client reaches those only when private addresses are
// allowed).
func oauthURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	switch {
	case u.Host == "" || u.User != nil || u.Fragment != "":
		return fmt.Errorf("%q is not an absolute URL", raw)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && loopback(u.Hostname()):
		return nil
	}
	return fmt.Errorf("%q is not an https URL", raw)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// getJSON reads a JSON document with a 200 answer.
func (p *Provider) getJSON(ctx context.Context, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if p.opts.UserAgent != "" {
		req.Header.Set("User-Agent", p.opts.UserAgent)
	}
	resp, err := p.opts.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out)
}
