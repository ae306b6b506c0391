// Package matrix is Herald's Matrix connector: it posts announcements to one
// room through the plain Client-Server API (text with an HTML rendering,
// images uploaded to the media repository, threads as m.thread relations),
// reads replies and reactions back, and redacts.
//
// Publishing is idempotent through transaction ids derived from Herald's key
// (the homeserver answers a repeated PUT with the same event), and every
// event carries the key in its content ("org.herald.key"), so FindByKey can
// reconcile an unknown outcome from the room's history (ARCHITECTURE.md §4).
//
// Spec: https://spec.matrix.org/latest/client-server-api/
package matrix

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"herald/internal/provider"
	"herald/internal/provider/count"
)

// Network is the Matrix network's name.
const Network provider.Network = "matrix"

// Credential and setting keys of a connected account.
const (
	credToken       = "access_token"
	credDevice      = "device_id"
	settingHS       = "homeserver"
	settingRoomID   = "room_id"
	settingRoom     = "room" // as the user entered it (alias or id)
	settingUserID   = "user_id"
	defaultMaxPages = 10
)

// Options configure the provider.
type Options struct {
	// HTTPClient is the hardened client (platform/httpclient).
	HTTPClient *http.Client
	// RateLimitBackoff is the wait reported for M_LIMIT_EXCEEDED without a
	// Retry-After or retry_after_ms (default 5s).
	RateLimitBackoff time.Duration
	// MaxPages bounds how many pages of room history one read walks back
	// (default 10 pages of 100 events).
	MaxPages int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Provider is the Matrix connector.
type Provider struct {
	opts Options
}

// New returns a Matrix provider.
func New(o Options) *Provider {
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.RateLimitBackoff == 0 {
		o.RateLimitBackoff = 5 * time.Second
	}
	if o.MaxPages == 0 {
		o.MaxPages = defaultMaxPages
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Provider{opts: o}
}

var (
	_ provider.Provider          = (*Provider)(nil)
	_ provider.Connector         = (*Provider)(nil)
	_ provider.Checker           = (*Provider)(nil)
	_ provider.LimitsRefresher   = (*Provider)(nil)
	_ provider.Publisher         = (*Provider)(nil)
	_ provider.Deleter           = (*Provider)(nil)
	_ provider.Finder            = (*Provider)(nil)
	_ provider.InteractionReader = (*Provider)(nil)
	_ provider.Replier           = (*Provider)(nil)
	_ provider.Reactor           = (*Provider)(nil)
	_ provider.Moderator         = (*Provider)(nil)
	_ provider.PostMetricsReader = (*Provider)(nil)
	_ provider.RecentPostsReader = (*Provider)(nil)
)

// defaultLimits: PLATFORMS.md has no Matrix row. The text rule is
// count.Defaults["matrix"] (the spec caps a whole event at 65,536 bytes and
// the text travels twice, in body and formatted_body). The upload size is
// the homeserver's m.upload.size (RefreshLimits); 10 MiB is dendrite's
// default max_file_size_bytes and below Synapse's 50M. Each image is its own
// event, so the media count is Herald's choice, kept as data.
var defaultLimits = provider.Limits{
	Text:          count.Defaults["matrix"],
	MaxMedia:      10,
	MaxImages:     10,
	MaxVideos:     10,
	MixMedia:      true,
	ImageMaxBytes: 10 << 20,
	VideoMaxBytes: 10 << 20,
	ImageTypes:    []string{"image/jpeg", "image/png", "image/gif", "image/webp"},
	VideoTypes:    []string{"video/mp4", "video/webm"},
	MaxThread:     25,
}

// Info describes the Matrix connector.
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Network: Network,
		Name:    "Matrix",
		Capabilities: []provider.Capability{
			provider.CapPublish, provider.CapThreads, provider.CapImages, provider.CapVideo, provider.CapDelete,
			provider.CapComments, provider.CapMentions, provider.CapReply, provider.CapReact, provider.CapModerate,
			provider.CapPostMetrics, provider.CapRecentPosts, provider.CapRefreshLimits,
		},
		Auth:        provider.AuthKeys,
		Idempotency: provider.IdemTransactionID,
		Fields: []provider.Field{
			{Name: "homeserver", Label: "Homeserver", Required: true,
				Help: "The homeserver's address, e.g. https://matrix.example.org (its .well-known is followed)."},
			{Name: "access_token", Label: "Access token", Secret: true,
				Help: "An access token of the posting account; or leave empty and give user id and password."},
			{Name: "user_id", Label: "User id", Help: "@user:server, to log in with a password instead of a token."},
			{Name: "password", Label: "Password", Secret: true, Help: "Used once to log in; only the token is kept."},
			{Name: "room", Label: "Room", Required: true, Help: "Room id (!abc:server) or alias (#room:server); Herald joins it if needed."},
		},
		Limits:           defaultLimits,
		DocsURL:          "https://spec.matrix.org/latest/client-server-api/",
		PostMetricFields: []string{provider.MetricLikes, provider.MetricReplies},
	}
}

// accountClient returns a client for the account and its room id.
func (p *Provider) accountClient(acct provider.Account, op string) (*client, string, error) {
	hs, token, room := acct.Settings[settingHS], acct.Credentials[credToken], acct.Settings[settingRoomID]
	if token == "" {
		return nil, "", &provider.Error{Trait: provider.AuthExpired, Network: Network, Op: op, Message: "no access token is stored; reconnect the channel"}
	}
	if hs == "" || room == "" {
		return nil, "", &provider.Error{Trait: provider.Permanent, Network: Network, Op: op, Message: "the channel has no homeserver or room; reconnect it"}
	}
	return p.client(hs, token), room, nil
}

func (p *Provider) client(hs, token string) *client {
	return &client{hc: p.opts.HTTPClient, base: strings.TrimRight(hs, "/"), token: token, backoff: p.opts.RateLimitBackoff, now: p.opts.Now}
}

// normaliseHomeserver accepts "https://host[:port][/]" (or a bare host, for
// which https is assumed) and returns it without a trailing slash.
func normaliseHomeserver(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw != "" && !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" {
		return "", permanent("connect", "the homeserver must be an http(s) URL such as https://matrix.example.org")
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
}

func permanent(op, format string, args ...any) *provider.Error {
	return provider.Errorf(provider.Permanent, Network, op, nil, format, args...)
}

// matrixTo is the matrix.to permalink of an event, which every client opens.
func matrixTo(room, eventID string) string {
	return "https://matrix.to/#/" + url.PathEscape(room) + "/" + url.PathEscape(eventID)
}

// withOp re-labels a classified error with the operation the caller did.
func withOp(err error, op string) error {
	if e := provider.AsError(err); e != nil {
		e.Op = op
	}
	return err
}
