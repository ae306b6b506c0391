// Package nostr is Herald's Nostr connector: it signs kind-1 notes with the
// account's key and publishes them to the account's relays over NIP-01
// websockets, threads them with NIP-10 marked tags, attaches media by URL
// (NIP-92 imeta), reads replies, reactions and reposts back from the relays,
// and deletes with NIP-09 deletion requests.
//
// Events are content-addressed (their id is the hash of what is signed) and
// each note's created_at derives from Herald's key, so publishing the same
// target twice yields the same event and relays store it once
// (ARCHITECTURE.md §4).
//
// Protocol reference: https://github.com/nostr-protocol/nips; "NIP-nn" in
// comments is https://github.com/nostr-protocol/nips/blob/master/nn.md.
package nostr

import (
	"context"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"
	"github.com/nbd-wtf/go-nostr/nip19"

	"herald/internal/provider"
	"herald/internal/provider/count"
)

// Network is the Nostr network's name.
const Network provider.Network = "nostr"

// Credential and setting keys of a connected account.
const (
	credSecretKey  = "secret_key" // hex secret key
	settingRelays  = "relays"     // relay URLs, one per line
	settingNpub    = "npub"
	maxRelays      = 20
	defaultTimeout = 10 * time.Second
)

// Options configure the provider.
type Options struct {
	// HTTPClient is the hardened client (platform/httpclient); it fetches
	// relay information documents (NIP-11).
	HTTPClient *http.Client
	// AllowPrivate lets websockets reach loopback and private addresses.
	// Relay URLs are user input, so production leaves it false; tests and
	// operator-run local relays set it. It mirrors the HTTP client's SSRF
	// guard, which cannot carry websockets (see dialer in relay.go).
	AllowPrivate bool
	// Timeout bounds one exchange with one relay (default 10s).
	Timeout time.Duration
	// RateLimitBackoff is the wait reported when a relay answers
	// "rate-limited:" without saying for how long (default 1 minute).
	RateLimitBackoff time.Duration
	// MaxMessage caps one websocket message read from a relay (default 1 MiB).
	MaxMessage int64
	// Now is the clock for events that are not derived from a key
	// (replies, reactions, deletions); default time.Now.
	Now func() time.Time
}

// Provider is the Nostr connector.
type Provider struct {
	opts Options
	ws   *http.Client // websocket handshakes, guarded like the hardened client
}

// New returns a Nostr provider.
func New(o Options) *Provider {
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.Timeout == 0 {
		o.Timeout = defaultTimeout
	}
	if o.RateLimitBackoff == 0 {
		o.RateLimitBackoff = time.Minute
	}
	if o.MaxMessage == 0 {
		o.MaxMessage = 1 << 20
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Provider{opts: o, ws: websocketClient(o.AllowPrivate)}
}

var (
	_ provider.Provider          = (*Provider)(nil)
	_ provider.Connector         = (*Provider)(nil)
	_ provider.Checker           = (*Provider)(nil)
	_ provider.LimitsRefresher   = (*Provider)(nil)
	_ provider.Publisher         = (*Provider)(nil)
	_ provider.Deleter           = (*Provider)(nil)
	_ provider.InteractionReader = (*Provider)(nil)
	_ provider.Replier           = (*Provider)(nil)
	_ provider.Reactor           = (*Provider)(nil)
	_ provider.PostMetricsReader = (*Provider)(nil)
	_ provider.RecentPostsReader = (*Provider)(nil)
)

// defaultLimits are used until RefreshLimits reads the relays' own NIP-11
// limitation.max_content_length. PLATFORMS.md has no Nostr row: NIP-01 sets
// no text limit, so the rule is count.Defaults["nostr"] (code points, no
// maximum). Media travel as URLs (NIP-92), so the media counts below are
// Herald's own conservative choices, kept as data.
var defaultLimits = provider.Limits{
	Text:       count.Defaults["nostr"],
	MaxMedia:   8,
	MaxImages:  8,
	MaxVideos:  8,
	MixMedia:   true,
	ImageTypes: []string{"image/jpeg", "image/png", "image/gif", "image/webp"},
	VideoTypes: []string{"video/mp4", "video/webm"},
	MaxThread:  25,
}

// Info describes the Nostr connector.
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Network: Network,
		Name:    "Nostr",
		Capabilities: []provider.Capability{
			provider.CapPublish, provider.CapThreads, provider.CapImages, provider.CapVideo, provider.CapDelete,
			provider.CapComments, provider.CapMentions, provider.CapReply, provider.CapReact,
			provider.CapPostMetrics, provider.CapRecentPosts, provider.CapRefreshLimits, provider.CapPublicAccounts,
		},
		Auth:        provider.AuthKeys,
		Idempotency: provider.IdemContentAddressed,
		Fields: []provider.Field{
			{Name: "secret_key", Label: "Secret key", Secret: true,
				Help: "Your nsec1… key (or 64 hex characters). Leave empty and set generate to create a new key."},
			{Name: "generate", Label: "Generate a new key", Default: "false",
				Help: "true creates a fresh key pair for this channel instead of importing one."},
			{Name: "relays", Label: "Relays", Required: true,
				Help: "ws:// or wss:// relay URLs, separated by commas or new lines. Notes go to all of them."},
		},
		Limits:           defaultLimits,
		DocsURL:          "https://github.com/nostr-protocol/nips",
		PostMetricFields: []string{provider.MetricLikes, provider.MetricReposts, provider.MetricReplies},
	}
}

// Connect imports or generates a key, validates the relays and checks that at
// least one of them answers.
func (p *Provider) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	sk, err := connectKey(input)
	if err != nil {
		return provider.Account{}, err
	}
	relays, err := ParseRelays(input["relays"])
	if err != nil {
		return provider.Account{}, err
	}
	pk, _ := gonostr.GetPublicKey(sk)
	npub, _ := nip19.EncodePublicKey(pk)
	acct := provider.Account{
		RemoteID:    pk,
		Handle:      npub,
		Credentials: map[string]string{credSecretKey: sk},
		Settings:    map[string]string{settingRelays: strings.Join(relays, "\n"), settingNpub: npub},
		Limits:      defaultLimits,
	}
	if _, err := p.reachable(ctx, relays, "connect"); err != nil {
		return provider.Account{}, err
	}
	if strings.TrimSpace(input["secret_key"]) == "" { // generated: the user must back it up
		nsec, _ := nip19.EncodePrivateKey(sk)
		acct.Reveal = map[string]string{"New secret key (keep it safe; it is your Nostr identity)": nsec}
	}
	return acct, nil
}

// connectKey returns the hex secret key the user imported or a new one.
func connectKey(input map[string]string) (string, error) {
	raw := strings.TrimSpace(input["secret_key"])
	generate := strings.EqualFold(strings.TrimSpace(input["generate"]), "true")
	switch {
	case generate && raw != "":
		return "", permanent("connect", "either import a secret key or generate one, not both")
	case generate:
		return gonostr.GeneratePrivateKey(), nil
	case raw == "":
		return "", permanent("connect", "a secret key (nsec1…) is required, or set generate=true")
	}
	sk, err := parseSecretKey(raw)
	if err != nil {
		return "", permanent("connect", "%s", err.Error())
	}
	return sk, nil
}

// parseSecretKey accepts a NIP-19 nsec or 64 hex characters and returns hex.
func parseSecretKey(raw string) (string, error) {
	if strings.HasPrefix(raw, "npub1") {
		return "", errText("that is a public key (npub); Herald needs the secret key (nsec) to sign notes")
	}
	sk := strings.ToLower(raw)
	if strings.HasPrefix(sk, "nsec1") {
		prefix, v, err := nip19.Decode(sk)
		if err != nil || prefix != "nsec" {
			return "", errText("the nsec key is not valid")
		}
		sk, _ = v.(string)
	}
	b, err := hex.DecodeString(sk)
	if err != nil || len(b) != 32 {
		return "", errText("the secret key must be an nsec1… key or 64 hex characters")
	}
	// A zero key (or one past the curve order) has no public key.
	if _, err := gonostr.GetPublicKey(sk); err != nil || strings.Trim(sk, "0") == "" {
		return "", errText("the secret key is not a valid secp256k1 key")
	}
	return sk, nil
}

// errText is a user-facing validation message.
type errText string

func (e errText) Error() string { return string(e) }

// accountKey returns the account's secret key, checking it still matches
// the account's public key; a broken key means the channel needs reconnecting.
func accountKey(acct provider.Account, op string) (string, error) {
	sk, err := parseSecretKey(acct.Credentials[credSecretKey])
	if err != nil {
		return "", &provider.Error{Trait: provider.AuthExpired, Network: Network, Op: op,
			Message: "the stored secret key is missing or invalid; reconnect the channel", Err: err}
	}
	if pk, _ := gonostr.GetPublicKey(sk); acct.RemoteID != "" && pk != acct.RemoteID {
		return "", &provider.Error{Trait: provider.AuthExpired, Network: Network, Op: op,
			Message: "the stored secret key does not belong to this account; reconnect the channel"}
	}
	return sk, nil
}

func permanent(op, format string, args ...any) *provider.Error {
	return provider.Errorf(provider.Permanent, Network, op, nil, format, args...)
}
