package channel

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/platform/secret"
	"herald/internal/provider"
	"herald/internal/store"
)

const oauthStateTTL = 15 * time.Minute

// RedirectURI is the callback address to register with a network's app.
func (s *Service) RedirectURI(network string) string {
	return strings.TrimRight(s.BaseURL, "/") + "/oauth/callback/" + network
}

// OAuthSetup is what the settings page shows for an OAuth network.
type OAuthSetup struct {
	Network     provider.Info
	RedirectURI string
	Scopes      []string
	Configured  bool // an app (client id) exists for the workspace or installation
}

// OAuthSetups lists every OAuth network with its redirect URI and scopes.
func (s *Service) OAuthSetups(ctx context.Context, workspaceID string) ([]OAuthSetup, error) {
	var out []OAuthSetup
	for _, p := range s.Registry.All() {
		info := p.Info()
		o, ok := p.(provider.OAuth2)
		if !ok {
			continue
		}
		cfg, err := o.OAuth2Config(provider.App{}, map[string]string{"instance": "https://example.invalid"})
		if err != nil {
			return nil, err
		}
		_, _, appErr := s.app(ctx, string(info.Network), workspaceID, "")
		_, registers := p.(provider.AppRegistrar)
		out = append(out, OAuthSetup{Network: info, RedirectURI: s.RedirectURI(string(info.Network)), Scopes: cfg.Scopes, Configured: appErr == nil || registers})
	}
	return out, nil
}

// app finds the network app: the workspace's own first, then the
// installation's.
func (s *Service) app(ctx context.Context, network, workspaceID, instance string) (provider.App, model.NetworkApp, error) {
	q := s.Store.Read()
	na, err := q.NetworkApp(ctx, network, workspaceID, instance)
	if errors.Is(err, store.ErrNotFound) && workspaceID != "" {
		na, err = q.NetworkApp(ctx, network, "", instance)
	}
	if err != nil {
		return provider.App{}, na, err
	}
	sec, err := s.Box.Open(na.ClientSecret)
	if err != nil {
		return provider.App{}, na, err
	}
	return provider.App{ClientID: na.ClientID, ClientSecret: sec, Settings: map[string]string{"instance": instance}}, na, nil
}

// BeginOAuth starts an authorisation and returns the network's sign-in URL.
// instance is the server for federated networks, or the account's handle
// for networks with their own flow (HasOAuthFlow); channelID is set when
// reconnecting an existing channel.
func (s *Service) BeginOAuth(ctx context.Context, a model.Actor, workspaceID, network, instance, channelID string) (string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActChannelManage); err != nil {
		return "", err
	}
	p, err := s.provider(network)
	if err != nil {
		return "", err
	}
	if f, ok := p.(provider.OAuthFlow); ok {
		return s.beginFlow(ctx, a, workspaceID, p, f, instance, channelID)
	}
	o, ok := p.(provider.OAuth2)
	if !ok {
		return "", model.Invalid("network", "%s does not connect through OAuth", p.Info().Name)
	}
	if channelID != "" {
		c, err := s.load(ctx, workspaceID, channelID)
		if err != nil {
			return "", err
		}
		if c.Network != network {
			return "", model.Invalid("channel_id", "that channel is on %s, not %s", c.Network, network)
		}
		if c.Settings["instance"] != "" && instance == "" {
			instance = c.Settings["instance"]
		}
	}
	if instance, err = normalizeInstance(p, instance); err != nil {
		return "", err
	}
	app, err := s.ensureApp(ctx, a, p, workspaceID, instance)
	if err != nil {
		return "", err
	}
	cfg, err := o.OAuth2Config(app, map[string]string{"instance": instance})
	if err != nil {
		return "", err
	}
	state, verifier := secret.Token(), oauth2.GenerateVerifier()
	sealed, err := s.Box.Seal(verifier)
	if err != nil {
		return "", err
	}
	now := s.now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateOAuthState(ctx, secret.Hash(state), model.OAuthState{WorkspaceID: workspaceID, UserID: a.UserID, Network: network,
			Instance: instance, ChannelID: channelID, Verifier: sealed, CreatedAt: now, ExpiresAt: now.Add(oauthStateTTL)})
	})
	if err != nil {
		return "", err
	}
	opts := []oauth2.AuthCodeOption{}
	if cfg.PKCE {
		opts = append(opts, oauth2.S256ChallengeOption(verifier))
	}
	for k, v := range cfg.Extra {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	return s.oauthConfig(app, cfg, network).AuthCodeURL(state, opts...), nil
}

func (s *Service) oauthConfig(app provider.App, cfg provider.OAuthConfig, network string) *oauth2.Config {
	return &oauth2.Config{ClientID: app.ClientID, ClientSecret: app.ClientSecret, RedirectURL: s.RedirectURI(network),
		Scopes: cfg.Scopes, Endpoint: oauth2.Endpoint{AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL}}
}

func normalizeInstance(p provider.Provider, instance string) (string, error) {
	if _, ok := p.(provider.AppRegistrar); !ok {
		return "", nil
	}
	instance = strings.TrimRight(strings.TrimSpace(instance), "/")
	if instance != "" && !strings.Contains(instance, "://") {
		instance = "https://" + instance
	}
	u, err := url.Parse(instance)
	if err != nil || instance == "" || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" {
		return "", model.Invalid("instance", "enter the server's address, e.g. mastodon.social or https://mastodon.social")
	}
	return u.Scheme + "://" + u.Host, nil
}

// ensureApp returns the app for the network, registering one with the
// instance first for networks that allow it (Mastodon).
func (s *Service) ensureApp(ctx context.Context, a model.Actor, p provider.Provider, workspaceID, instance string) (provider.App, error) {
	network := string(p.Info().Network)
	app, _, err := s.app(ctx, network, workspaceID, instance)
	if err == nil {
		return app, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return app, err
	}
	reg, ok := p.(provider.AppRegistrar)
	if !ok {
		return app, model.Invalid("network", "no %s app is configured; an administrator must enter its client ID and secret (redirect URI %s)", p.Info().Name, s.RedirectURI(network))
	}
	app, err = reg.RegisterApp(ctx, instance, s.RedirectURI(network))
	if err != nil {
		return app, connectError(p.Info(), err)
	}
	sealed, err := s.Box.Seal(app.ClientSecret)
	if err != nil {
		return app, err
	}
	now := s.now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.PutNetworkApp(ctx, model.NetworkApp{ID: ids.New(), Network: network, Instance: instance, ClientID: app.ClientID,
			ClientSecret: sealed, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "network_app.register", "network_app", network, "", map[string]any{"instance": instance})
	})
	return app, err
}

// CompleteOAuth finishes an authorisation from the network's callback:
// checks state, exchanges the code (with the PKCE verifier), identifies the
// account and stores or reconnects the channel. It returns the channel.
// callback is the whole callback query, which networks with their own flow
// check further (the issuer).
func (s *Service) CompleteOAuth(ctx context.Context, a model.Actor, network, state, code, callbackErr string, callback url.Values) (model.Channel, error) {
	var st model.OAuthState
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		st, err = tx.TakeOAuthState(ctx, secret.Hash(state), s.now())
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return model.Channel{}, model.Invalid("state", "this sign-in link expired or was already used; start connecting again")
	}
	if err != nil {
		return model.Channel{}, err
	}
	if st.UserID != a.UserID || st.Network != network {
		return model.Channel{}, model.Forbidden("this authorisation was started by someone else")
	}
	if callbackErr != "" {
		return model.Channel{}, model.Invalid("", "the network did not grant access: %s", callbackErr)
	}
	if code == "" {
		return model.Channel{}, model.Invalid("code", "the network's answer has no authorisation code")
	}
	p, err := s.provider(network)
	if err != nil {
		return model.Channel{}, err
	}
	if f, ok := p.(provider.OAuthFlow); ok {
		acct, err := s.completeFlow(ctx, st, p, f, callback)
		if err != nil {
			return model.Channel{}, err
		}
		return s.storeOAuth(ctx, a, st, p, acct)
	}
	app, err := s.ensureApp(ctx, a, p, st.WorkspaceID, st.Instance)
	if err != nil {
		return model.Channel{}, err
	}
	cfg, err := p.(provider.OAuth2).OAuth2Config(app, map[string]string{"instance": st.Instance})
	if err != nil {
		return model.Channel{}, err
	}
	verifier, err := s.Box.Open(st.Verifier)
	if err != nil {
		return model.Channel{}, err
	}
	opts := []oauth2.AuthCodeOption{}
	if cfg.PKCE {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	tok, err := s.oauthConfig(app, cfg, network).Exchange(context.WithValue(ctx, oauth2.HTTPClient, s.HTTP), code, opts...)
	if err != nil {
		return model.Channel{}, model.Invalid("code", "%s refused the authorisation code: %s", p.Info().Name, oauthMessage(err))
	}
	input := map[string]string{"access_token": tok.AccessToken, "refresh_token": tok.RefreshToken, "instance": st.Instance}
	if !tok.Expiry.IsZero() {
		input["expiry"] = tok.Expiry.UTC().Format(time.RFC3339)
	}
	conn, ok := p.(provider.Connector)
	if !ok {
		return model.Channel{}, model.Invalid("network", "%s cannot be connected here", p.Info().Name)
	}
	acct, err := conn.Connect(ctx, input)
	if err != nil {
		return model.Channel{}, connectError(p.Info(), err)
	}
	return s.storeOAuth(ctx, a, st, p, acct)
}

// storeOAuth stores the account an authorisation connected, checking again
// that its starter may still manage the workspace's channels.
func (s *Service) storeOAuth(ctx context.Context, a model.Actor, st model.OAuthState, p provider.Provider, acct provider.Account) (model.Channel, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, st.WorkspaceID, model.ActChannelManage); err != nil {
		return model.Channel{}, err
	}
	return s.store(ctx, a, st.WorkspaceID, p, acct, st.ChannelID)
}

func oauthMessage(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.ErrorDescription != "" {
			return re.ErrorDescription
		}
		if re.ErrorCode != "" {
			return re.ErrorCode
		}
		return re.Response.Status
	}
	return err.Error()
}
