package channel

import (
	"context"
	"net/url"
	"strings"

	"herald/internal/model"
	"herald/internal/platform/secret"
	"herald/internal/provider"
	"herald/internal/store"
)

// Networks with their own OAuth flow (provider.OAuthFlow, Bluesky's atproto
// OAuth) find the account's authorization server themselves and need no
// registered app: Herald is identified by the URL of a client metadata
// document it serves (ClientMetadata). The oauth_states row keeps what the
// flow needs between the two halves, sealed, where OAuth 2 networks keep
// the PKCE verifier.

// HasOAuthFlow reports whether network can connect through its own OAuth
// flow, which starts from the account's handle.
func (s *Service) HasOAuthFlow(network string) bool {
	p, err := s.Registry.Get(provider.Network(network))
	if err != nil {
		return false
	}
	_, ok := p.(provider.OAuthFlow)
	return ok
}

// oauthClient is Herald as the OAuth client of network.
func (s *Service) oauthClient(network string) provider.OAuthClient {
	return provider.OAuthClient{RedirectURI: s.RedirectURI(network), Name: "Herald",
		MetadataURL: strings.TrimRight(s.BaseURL, "/") + "/oauth/client-metadata/" + url.PathEscape(network)}
}

// ClientMetadata is the client metadata document of network (a JSON
// document), for networks that identify OAuth clients by its URL.
func (s *Service) ClientMetadata(network string) ([]byte, error) {
	p, err := s.provider(network)
	if err != nil {
		return nil, err
	}
	f, ok := p.(provider.OAuthFlow)
	if !ok {
		return nil, model.NotFound("%s has no OAuth client metadata", p.Info().Name)
	}
	return f.OAuthClientMetadata(s.oauthClient(network))
}

// beginFlow starts the network's own OAuth flow for the account named by
// identifier and keeps its state, sealed.
func (s *Service) beginFlow(ctx context.Context, a model.Actor, workspaceID string, p provider.Provider, f provider.OAuthFlow, identifier, channelID string) (string, error) {
	network := string(p.Info().Network)
	identifier = strings.TrimSpace(identifier)
	if identifier == "" && channelID != "" {
		c, err := s.load(ctx, workspaceID, channelID)
		if err != nil {
			return "", err
		}
		identifier = c.RemoteID
	}
	if identifier == "" {
		return "", model.Invalid("handle", "enter the %s handle to sign in as", p.Info().Name)
	}
	start, err := f.StartOAuth(ctx, identifier, s.oauthClient(network))
	if err != nil {
		return "", connectError(p.Info(), err)
	}
	sealed, err := s.Box.Seal(start.Data)
	if err != nil {
		return "", err
	}
	now := s.now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateOAuthState(ctx, secret.Hash(start.State), model.OAuthState{WorkspaceID: workspaceID, UserID: a.UserID, Network: network,
			ChannelID: channelID, Verifier: sealed, CreatedAt: now, ExpiresAt: now.Add(oauthStateTTL)})
	})
	if err != nil {
		return "", err
	}
	return start.URL, nil
}

// completeFlow finishes the network's own OAuth flow from the callback.
func (s *Service) completeFlow(ctx context.Context, st model.OAuthState, p provider.Provider, f provider.OAuthFlow, callback url.Values) (provider.Account, error) {
	data, err := s.Box.Open(st.Verifier)
	if err != nil {
		return provider.Account{}, err
	}
	acct, err := f.CompleteOAuth(ctx, data, s.oauthClient(string(p.Info().Network)), callback)
	if err != nil {
		return provider.Account{}, connectError(p.Info(), err)
	}
	return acct, nil
}
