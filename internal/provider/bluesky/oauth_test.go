package bluesky

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/auth/oauth"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
)

func TestOAuthURLAllowsHTTPSAndLoopbackHTTPOnly(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://bsky.social":           true,
		"https://pds.example:8443/x":    true,
		"http://localhost:2583":         true,
		"http://127.0.0.1:2583":         true,
		"http://[::1]:2583":             true,
		"http://bsky.social":            false,
		"http://10.0.0.1":               false,
		"ftp://bsky.social":             false,
		"https://user@bsky.social":      false,
		"/oauth/authorize":              false,
		"https://bsky.social/#fragment": false,
	} {
		if err := oauthURL(raw); (err == nil) != ok {
			t.Errorf("oauthURL(%q) = %v, want ok=%v", raw, err, ok)
		}
	}
}

func TestOAuthClientIDIsLocalhostOnlyForLoopbackCallbacks(t *testing.T) {
	p := New(Options{HTTPClient: httpclient.New(httpclient.Options{})})
	local := p.clientConfig(provider.OAuthClient{RedirectURI: "http://127.0.0.1:8080/oauth/callback/bluesky", MetadataURL: "http://127.0.0.1:8080/oauth/client-metadata/bluesky"})
	u, err := url.Parse(local.ClientID)
	if err != nil || u.Scheme != "http" || u.Host != "localhost" || u.Query().Get("redirect_uri") != "http://127.0.0.1:8080/oauth/callback/bluesky" || u.Query().Get("scope") != "atproto transition:generic" {
		t.Fatalf("loopback client_id %q", local.ClientID)
	}
	c := provider.OAuthClient{RedirectURI: "https://herald.example/oauth/callback/bluesky", MetadataURL: "https://herald.example/oauth/client-metadata/bluesky", Name: "Herald"}
	if got := p.clientConfig(c).ClientID; got != c.MetadataURL {
		t.Fatalf("client_id %q, want the metadata URL", got)
	}
	doc, err := p.OAuthClientMetadata(c)
	if err != nil {
		t.Fatal(err)
	}
	var m oauth.ClientMetadata
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(c.MetadataURL); err != nil {
		t.Fatalf("metadata does not validate: %v\n%s", err, doc)
	}
	if !m.DPoPBoundAccessTokens || len(m.RedirectURIs) != 1 || m.RedirectURIs[0] != c.RedirectURI || m.ClientName == nil || *m.ClientName != "Herald" {
		t.Fatalf("metadata %s", doc)
	}
}

func TestCompleteOAuthRefusesAForeignCallbackWithoutCallingOut(t *testing.T) {
	p := New(Options{HTTPClient: httpclient.New(httpclient.Options{})}) // private addresses refused: nothing may be dialled
	data, _ := json.Marshal(oauthFlowData{Request: oauth.AuthRequestData{State: "s1", AuthServerURL: "https://bsky.social"}, DID: "did:plc:abc", PDS: "https://pds.example"})
	c := provider.OAuthClient{RedirectURI: "https://herald.example/oauth/callback/bluesky"}
	for name, q := range map[string]url.Values{
		"another state":  {"state": {"s2"}, "code": {"c"}, "iss": {"https://bsky.social"}},
		"an error":       {"state": {"s1"}, "error": {"access_denied"}, "iss": {"https://bsky.social"}},
		"another issuer": {"state": {"s1"}, "code": {"c"}, "iss": {"https://evil.example"}},
		"no issuer":      {"state": {"s1"}, "code": {"c"}},
	} {
		_, err := p.CompleteOAuth(context.Background(), string(data), c, q)
		if pe := provider.AsError(err); pe == nil || pe.Trait != provider.Permanent {
			t.Errorf("%s: %v, want a Permanent error", name, err)
		}
	}
	if _, err := p.CompleteOAuth(context.Background(), "{", c, url.Values{}); !strings.Contains(err.Error(), "start again") {
		t.Errorf("unreadable data: %v", err)
	}
}

func TestStartOAuthRefusesWhatIsNotAHandle(t *testing.T) {
	p := New(Options{HTTPClient: httpclient.New(httpclient.Options{})})
	_, err := p.StartOAuth(context.Background(), "not a handle", provider.OAuthClient{})
	if pe := provider.AsError(err); pe == nil || pe.Trait != provider.Permanent {
		t.Fatalf("%v, want a Permanent error", err)
	}
}
