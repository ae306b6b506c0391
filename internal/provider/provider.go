// Package provider is Herald's connector contract. A Provider is tiny (its
// network and a description); everything else is a capability interface
// found by type assertion, so a network implements only what it offers.
// Provider packages (internal/provider/<network>) import only this package,
// internal/model and internal/platform.
package provider

import (
	"context"
	"time"
)

// Network names a social network or channel type.
type Network string

// Capability names something a provider can do, for the UI and for checks.
type Capability string

// Capabilities.
const (
	CapPublish        Capability = "publish"
	CapThreads        Capability = "threads"
	CapImages         Capability = "images"
	CapVideo          Capability = "video"
	CapLinkCards      Capability = "link_cards"
	CapFirstComment   Capability = "first_comment"
	CapDelete         Capability = "delete"
	CapComments       Capability = "comments"
	CapMentions       Capability = "mentions"
	CapMessages       Capability = "messages"
	CapReply          Capability = "reply"
	CapReact          Capability = "react"
	CapModerate       Capability = "moderate"
	CapPostMetrics    Capability = "post_metrics"
	CapAccountMetrics Capability = "account_metrics"
	CapRecentPosts    Capability = "recent_posts"
	CapSearch         Capability = "search"
	CapRefreshAuth    Capability = "refresh_auth"
	CapRefreshLimits  Capability = "refresh_limits"
)

// AuthKind tells the UI which connect flow a network uses.
type AuthKind string

// Connect flows.
const (
	AuthAppPassword AuthKind = "app_password" // handle + app password (Bluesky)
	AuthOAuth2      AuthKind = "oauth2"       // authorization code with PKCE and state
	AuthKeys        AuthKind = "keys"         // key pair or token pasted by the user (Nostr, Matrix)
	AuthBotToken    AuthKind = "bot_token"    // bot token (Telegram, Discord, Slack)
	AuthWebhookURL  AuthKind = "webhook_url"  // an incoming webhook URL
	AuthNone        AuthKind = "none"         // nothing to connect (feeds, fake)
)

// Idempotency says how a provider avoids duplicates when a publish call's
// outcome is unknown (ARCHITECTURE.md §4).
type Idempotency string

// Idempotency modes.
const (
	IdemClientKey        Idempotency = "client_key"        // the client chooses the remote key (Bluesky rkey)
	IdemHeader           Idempotency = "idempotency_key"   // the server honours an Idempotency-Key header (Mastodon)
	IdemContentAddressed Idempotency = "content_addressed" // the id is a hash of the signed content (Nostr)
	IdemTransactionID    Idempotency = "transaction_id"    // a client transaction id per request (Matrix txnId)
	IdemReadBack         Idempotency = "read_back"         // look for the post among recent posts before retrying
	IdemNone             Idempotency = "none"              // unknown outcome becomes "unconfirmed"
)

// Field is one input of a connect form.
type Field struct {
	Name     string // form and API key
	Label    string
	Help     string
	Secret   bool // never shown back; sealed at rest
	Required bool
	Default  string
}

// Info describes a provider for the UI, API and docs.
type Info struct {
	Network      Network
	Name         string // display name
	Capabilities []Capability
	Auth         AuthKind
	Idempotency  Idempotency
	Fields       []Field // connect form fields (for non-OAuth flows, and instance URL for OAuth)
	Limits       Limits  // defaults before the account's own limits are read
	DocsURL      string  // the network's API documentation
	// PostMetricFields names the PostMetrics counters the network reports
	// (likes, reposts, replies, quotes, views, clicks, reach, saves); any
	// other is "not available from this network", never zero.
	PostMetricFields []string
	// AccountMetricFields names the optional AccountMetrics counters the
	// network reports (reach, impressions); followers, following and
	// posts come with every account read.
	AccountMetricFields []string
}

// Has reports whether the provider declares capability c.
func (i Info) Has(c Capability) bool {
	for _, x := range i.Capabilities {
		if x == c {
			return true
		}
	}
	return false
}

// Provider is the one interface every connector implements.
type Provider interface {
	Info() Info
}

// Account is a connected account as a provider sees it: who it is, its
// credentials (already unsealed), its per-channel settings and limits.
type Account struct {
	RemoteID    string            // the network's stable id (DID, pubkey, user id, room id)
	Handle      string            // display handle
	Credentials map[string]string // secrets and tokens
	Settings    map[string]string // non-secret options (relays, room id, instance URL)
	Limits      Limits
	// Reveal holds values Herald generated while connecting that the user
	// must see once (a webhook signing secret, a new Nostr key) and cannot
	// be shown again; they are also kept, sealed, in Credentials.
	Reveal map[string]string
}

// Connector verifies what the user entered and returns the account. For OAuth
// networks it runs after the code exchange, with the tokens in input.
type Connector interface {
	Connect(ctx context.Context, input map[string]string) (Account, error)
}

// Checker tests a connection and says exactly what is wrong.
type Checker interface {
	Check(ctx context.Context, acct Account) (Status, error)
}

// Status is the outcome of a connection check.
type Status struct {
	OK      bool
	Handle  string
	Message string // what is wrong, in the network's terms, or a summary when OK
}

// AuthRefresher renews expiring credentials. It must never return an empty
// refresh token where one existed (FIELD-NOTES: reconnect loops).
type AuthRefresher interface {
	RefreshAuth(ctx context.Context, acct Account) (map[string]string, time.Time, error)
}

// LimitsRefresher reads the account's real limits from the network.
type LimitsRefresher interface {
	RefreshLimits(ctx context.Context, acct Account) (Limits, error)
}

// OAuth2 networks describe their endpoints and scopes so the settings page can
// show the exact redirect URI and scopes to register.
type OAuth2 interface {
	OAuth2Config(app App, settings map[string]string) (OAuthConfig, error)
}

// App is a registered network application (client id and secret).
type App struct {
	ClientID     string
	ClientSecret string
	Settings     map[string]string
}

// OAuthConfig is what an OAuth 2 authorization needs.
type OAuthConfig struct {
	AuthURL  string
	TokenURL string
	Scopes   []string
	PKCE     bool
	Extra    map[string]string // extra authorization parameters
}

// AppRegistrar registers Herald as an application with a server of a
// federated network (Mastodon's POST /api/v1/apps), so no one has to create
// an app by hand.
type AppRegistrar interface {
	RegisterApp(ctx context.Context, instance, redirectURI string) (App, error)
}
