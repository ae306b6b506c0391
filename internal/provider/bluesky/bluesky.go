// Package bluesky connects Herald to Bluesky and any AT Protocol PDS: it
// signs in with a handle and an app password, or with atproto OAuth
// (oauth.go: discovery, PAR, PKCE and DPoP-bound tokens), publishes posts
// and threads with rich-text facets, images and link cards, and reads
// replies, likes, reposts, mentions and counters back.
//
// Publishing is idempotent by record key: each segment is created with a TID
// rkey derived from Herald's target key (see rkey.go), so a retry after an
// unknown outcome finds the record it may already have written instead of
// writing a second one (ARCHITECTURE.md §4).
//
// Every call uses the official SDK (github.com/bluesky-social/indigo): the
// lexicon-generated calls and types of api/atproto and api/bsky, sent
// through a small XRPC client over Herald's hardened HTTP client (see
// client.go for why not the SDK's xrpc.Client), atproto/syntax for TIDs,
// handles, DIDs and AT-URIs, and atproto/auth/oauth and atproto/identity for
// OAuth: PAR, PKCE, DPoP proofs and nonces, token requests and DID
// documents are security protocol code best taken from the network's own
// SDK (they bring golang-jwt and go-querystring). Its discovery helpers are
// not used, as they refuse the http PDS of local development (oauthdiscover.go).
//
// Example:
//
//	p := bluesky.New(bluesky.Options{HTTPClient: httpclient.New(httpclient.Options{})})
//	acct, err := p.Connect(ctx, map[string]string{"identifier": "alice.bsky.social", "app_password": "xxxx-xxxx-xxxx-xxxx"})
//	posts, err := p.Publish(ctx, acct, provider.Post{Key: targetID, Segments: []provider.Segment{{Text: "Hello #bluesky"}}})
package bluesky

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"herald/internal/provider"
	"herald/internal/provider/count"
)

// Network is Bluesky's network name.
const Network provider.Network = "bluesky"

// Settings and credential keys stored with a connected account.
const (
	SettingService   = "service"    // PDS base URL
	SettingWatchDIDs = "watch_dids" // accounts whose repos are read for replies and likes when no AppView answers
	CredAccessJWT    = "access_jwt"
	CredRefreshJWT   = "refresh_jwt"
)

// Record collections (lexicon NSIDs) Herald reads and writes.
const (
	collPost   = "app.bsky.feed.post"
	collLike   = "app.bsky.feed.like"
	collRepost = "app.bsky.feed.repost"
	collFollow = "app.bsky.graph.follow"
)

// DefaultService is the PDS (entryway) of accounts hosted by Bluesky itself.
const DefaultService = "https://bsky.social"

// DefaultWebURL is the public web app that post links point to.
const DefaultWebURL = "https://bsky.app"

// Options configure the provider.
type Options struct {
	// HTTPClient is Herald's hardened client (httpclient.New); every call
	// goes through it. Required.
	HTTPClient *http.Client
	// DefaultService is the PDS used when the connect form leaves "service"
	// empty (DefaultService when empty).
	DefaultService string
	// PLC is the did:plc directory used to find an account's PDS when
	// signing in with OAuth (DefaultPLC when empty).
	PLC string
	// WebURL is the web app used for public post links (DefaultWebURL when empty).
	WebURL string
	// PublicAppView answers public profile and feed reads when the
	// workspace has no Bluesky channel to read through
	// (DefaultPublicAppView when empty).
	PublicAppView string
	// UserAgent is sent with every call (the SDK's own otherwise).
	UserAgent string
	// Now returns the current time (time.Now when nil), for createdAt.
	Now func() time.Time
}

// Provider is the Bluesky connector.
type Provider struct {
	opts Options
}

// New returns a Bluesky provider.
func New(o Options) *Provider {
	if o.HTTPClient == nil {
		panic("bluesky: Options.HTTPClient is required (use httpclient.New)")
	}
	if o.DefaultService == "" {
		o.DefaultService = DefaultService
	}
	if o.WebURL == "" {
		o.WebURL = DefaultWebURL
	}
	if o.PLC == "" {
		o.PLC = DefaultPLC
	}
	if o.PublicAppView == "" {
		o.PublicAppView = DefaultPublicAppView
	}
	o.DefaultService = strings.TrimRight(o.DefaultService, "/")
	o.WebURL = strings.TrimRight(o.WebURL, "/")
	o.PLC = strings.TrimRight(o.PLC, "/")
	o.PublicAppView = strings.TrimRight(o.PublicAppView, "/")
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Provider{opts: o}
}

var (
	_ provider.Provider             = (*Provider)(nil)
	_ provider.Connector            = (*Provider)(nil)
	_ provider.Checker              = (*Provider)(nil)
	_ provider.AuthRefresher        = (*Provider)(nil)
	_ provider.OAuthFlow            = (*Provider)(nil)
	_ provider.Publisher            = (*Provider)(nil)
	_ provider.Finder               = (*Provider)(nil)
	_ provider.Deleter              = (*Provider)(nil)
	_ provider.RecentPostsReader    = (*Provider)(nil)
	_ provider.InteractionReader    = (*Provider)(nil)
	_ provider.Replier              = (*Provider)(nil)
	_ provider.Reactor              = (*Provider)(nil)
	_ provider.PostMetricsReader    = (*Provider)(nil)
	_ provider.AccountMetricsReader = (*Provider)(nil)
)

// DefaultLimits are Bluesky's publishing limits, from docs/PLATFORMS.md §5.1
// (Bluesky row, sources [BS-lex], cjrasmussen/BlueskyApi#14, mixpost#154):
// post text maxGraphemes 300 and maxLength 3000 UTF-8 bytes; up to 4 images,
// each with alt text, each blob at most 1,000,000 bytes ("976.56KB" in
// BlobTooLarge errors), at most 2000 px on a side in the old lexicon; no
// image and video mixing. Video needs Bluesky's separate video service and
// is not offered by this connector. Bluesky sets no thread length; 25 keeps
// a runaway split from flooding followers.
func DefaultLimits() provider.Limits {
	return provider.Limits{
		Text:           count.Defaults[string(Network)],
		MaxMedia:       4,
		MaxImages:      4,
		ImageMaxBytes:  1_000_000,
		ImageMaxPixels: 2000,
		AltRequired:    true,
		ImageTypes:     []string{"image/jpeg", "image/png", "image/webp", "image/gif"},
		MaxThread:      25,
		// A PDS allows 5,000 points an hour and 35,000 a day per account,
		// and creating a record costs 3 (Bluesky's "Rate Limits" docs).
		Quotas: []provider.Quota{
			{Max: 1666, Window: time.Hour, Source: "Bluesky's limit of 5,000 points an hour (3 per post)"},
			{Max: 11666, Window: 24 * time.Hour, Source: "Bluesky's limit of 35,000 points a day (3 per post)"},
		},
	}
}

// Info describes Bluesky for the UI, API and docs.
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Network: Network,
		Name:    "Bluesky",
		Capabilities: []provider.Capability{
			provider.CapPublish, provider.CapThreads, provider.CapImages, provider.CapLinkCards, provider.CapDelete,
			provider.CapComments, provider.CapMentions, provider.CapReply, provider.CapReact,
			provider.CapPostMetrics, provider.CapAccountMetrics, provider.CapRecentPosts, provider.CapRefreshAuth, provider.CapPublicAccounts,
		},
		Auth:        provider.AuthAppPassword,
		Idempotency: provider.IdemClientKey,
		Fields: []provider.Field{
			{Name: "identifier", Label: "Handle or DID", Required: true, Help: "Your handle, such as alice.bsky.social, or your DID"},
			{Name: "app_password", Label: "App password", Secret: true, Required: true,
				Help: "Create one in Bluesky under Settings → Privacy and security → App passwords; your account password is refused"},
			{Name: SettingService, Label: "Server (PDS) URL", Default: p.opts.DefaultService,
				Help: "Leave as is for accounts hosted by Bluesky; enter your own PDS address if you self-host"},
			{Name: SettingWatchDIDs, Label: "Accounts to watch (DIDs)",
				Help: "Only for servers without an AppView: DIDs, separated by commas, whose replies and likes Herald reads"},
		},
		Limits:           DefaultLimits(),
		DocsURL:          "https://docs.bsky.app/docs/category/http-reference",
		PostMetricFields: []string{provider.MetricLikes, provider.MetricReposts, provider.MetricReplies, provider.MetricQuotes},
	}
}

// limitsOf returns the account's limits, with Bluesky's defaults for any
// the account does not set (an account stored before a limit existed).
func limitsOf(acct provider.Account) provider.Limits {
	l, d := acct.Limits, DefaultLimits()
	if l.Text.Max == 0 && l.Text.MaxBytes == 0 {
		l.Text = d.Text
	}
	if l.MaxImages == 0 {
		l.MaxImages = d.MaxImages
	}
	if l.ImageMaxBytes == 0 {
		l.ImageMaxBytes = d.ImageMaxBytes
	}
	if l.ImageMaxPixels == 0 {
		l.ImageMaxPixels = d.ImageMaxPixels
	}
	if l.MaxThread == 0 {
		l.MaxThread = d.MaxThread
	}
	return l
}

// service returns the account's PDS URL.
func (p *Provider) service(acct provider.Account) string {
	if s := strings.TrimRight(acct.Settings[SettingService], "/"); s != "" {
		return s
	}
	return p.opts.DefaultService
}

// postURL is the public web link of a post record.
func (p *Provider) postURL(did, rkey string) string {
	return p.opts.WebURL + "/profile/" + url.PathEscape(did) + "/post/" + url.PathEscape(rkey)
}

// watchList splits a watch_dids setting into DIDs.
func watchList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == ';' })
}
