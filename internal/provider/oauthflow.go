package provider

import (
	"context"
	"net/url"
)

// OAuthFlow is a network whose OAuth sign-in cannot be described by a fixed
// OAuth2Config: the authorization server is discovered per account, the
// request is pushed to it first, and the tokens are bound to a key the
// client holds (AT Protocol OAuth: handle → DID → PDS → authorization
// server, PAR, PKCE and DPoP). The network runs the protocol; Herald keeps
// what links the two halves, sealed, and checks who finishes it.
type OAuthFlow interface {
	// StartOAuth begins signing in the account named by identifier (a
	// handle or an account id) and returns the network's sign-in page.
	StartOAuth(ctx context.Context, identifier string, client OAuthClient) (OAuthStart, error)
	// CompleteOAuth finishes the sign-in from the Data of StartOAuth and
	// the callback's query parameters, and returns the account with its
	// credentials.
	CompleteOAuth(ctx context.Context, data string, client OAuthClient, callback url.Values) (Account, error)
	// OAuthClientMetadata is the client metadata document Herald serves at
	// client.MetadataURL, for networks that identify a client by the URL of
	// such a document.
	OAuthClientMetadata(client OAuthClient) ([]byte, error)
}

// OAuthClient is Herald as an OAuth client of a network with its own flow.
type OAuthClient struct {
	RedirectURI string // Herald's callback address for the network
	MetadataURL string // where Herald serves OAuthClientMetadata
	Name        string // Herald's name, shown on the network's consent page
}

// OAuthStart is a begun OAuth sign-in.
type OAuthStart struct {
	URL   string // the network's sign-in page, for the browser
	State string // the state parameter the network sends back to the callback
	Data  string // what CompleteOAuth needs (PKCE verifier, DPoP key); secret
}
