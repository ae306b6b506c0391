// Package discord publishes to a Discord channel through an incoming
// webhook, and, when the user also gives a bot token, reads replies and
// reactions and answers them through the bot. Plain HTTP through Herald's
// hardened client, no SDK: the Go SDKs retry and queue requests behind the
// caller's back, and Herald must never repeat a publish.
//
// Webhook messages have no idempotency key (bot messages have enforce_nonce,
// webhooks do not), so a publish whose outcome is unknown becomes
// unconfirmed (provider.IdemNone).
//
// API documentation: https://discord.com/developers/docs/resources/webhook
package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
	"herald/internal/provider/count"
)

// Network is Discord's network name.
const Network provider.Network = "discord"

// DefaultAPIBase is Discord's REST API, version 10.
const DefaultAPIBase = "https://discord.com/api/v10"

// Options configure the provider.
type Options struct {
	// Client is the hardened HTTP client.
	Client *http.Client
	// APIBase is the REST API root (default DefaultAPIBase). A webhook URL
	// the user pastes is reduced to its id and token and always called
	// here, so a pasted URL cannot point Herald anywhere else.
	APIBase string
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Provider is the Discord connector.
type Provider struct {
	opt Options
}

// New returns a Discord provider.
func New(o Options) *Provider {
	if o.Client == nil {
		o.Client = httpclient.New(httpclient.Options{})
	}
	if o.APIBase == "" {
		o.APIBase = DefaultAPIBase
	}
	o.APIBase = strings.TrimRight(o.APIBase, "/")
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Provider{opt: o}
}

var (
	_ provider.Provider          = (*Provider)(nil)
	_ provider.Connector         = (*Provider)(nil)
	_ provider.Checker           = (*Provider)(nil)
	_ provider.Publisher         = (*Provider)(nil)
	_ provider.Deleter           = (*Provider)(nil)
	_ provider.InteractionReader = (*Provider)(nil)
	_ provider.Replier           = (*Provider)(nil)
	_ provider.Reactor           = (*Provider)(nil)
	_ provider.PostMetricsReader = (*Provider)(nil)
)

// DefaultLimits: PLATFORMS.md §5.1 "Discord" (2,000 characters, attachments,
// webhook or bot). A message carries up to 10 files
// (https://discord.com/developers/docs/reference#uploading-files); uploads
// are capped at 10 MiB on servers without boosts. Consecutive messages make
// a "thread" (webhooks cannot reply); MaxThread is Herald's own cap.
var DefaultLimits = provider.Limits{
	Text:          count.Defaults["discord"],
	MaxMedia:      10,
	MaxImages:     10,
	MaxVideos:     10,
	MixMedia:      true,
	ImageMaxBytes: 10 << 20,
	VideoMaxBytes: 10 << 20,
	AltMaxChars:   1024,
	ImageTypes:    []string{"image/jpeg", "image/png", "image/gif", "image/webp"},
	VideoTypes:    []string{"video/mp4", "video/webm", "video/quicktime"},
	MaxThread:     10,
}

// Info describes the Discord connector.
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Network: Network, Name: "Discord",
		Capabilities: []provider.Capability{provider.CapPublish, provider.CapThreads, provider.CapImages, provider.CapVideo,
			provider.CapDelete, provider.CapComments, provider.CapReply, provider.CapReact, provider.CapPostMetrics},
		Auth:        provider.AuthWebhookURL,
		Idempotency: provider.IdemNone,
		Fields: []provider.Field{
			{Name: "webhook_url", Label: "Webhook URL", Secret: true, Required: true,
				Help: "Channel settings → Integrations → Webhooks → Copy Webhook URL"},
			{Name: "bot_token", Label: "Bot token (optional)", Secret: true,
				Help: "Lets Herald read replies and reactions and answer them; the bot needs View Channel, Read Message History, Send Messages and Add Reactions in the channel, and the Message Content intent"},
		},
		Limits:           DefaultLimits,
		DocsURL:          "https://discord.com/developers/docs/resources/webhook",
		PostMetricFields: []string{provider.MetricLikes},
	}
}

var webhookURL = regexp.MustCompile(`^https://(?:(?:canary|ptb)\.)?discord(?:app)?\.com/api(?:/v\d+)?/webhooks/(\d+)/([A-Za-z0-9_-]+)/?$`)

// ParseWebhookURL returns the id and token of a Discord webhook URL.
func ParseWebhookURL(s string) (id, token string, err error) {
	m := webhookURL.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", "", errors.New("not a Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)")
	}
	return m[1], m[2], nil
}

// request is one API call.
type request struct {
	op, method, path string
	bot              string // bot token for Authorization, "" for webhook calls
	body             io.Reader
	ctype            string
	write            bool // a failure after sending is Unknown
	secret           string
	// gone is a JSON error code that means the goal is already met (a
	// deleted message when deleting); it is not an error.
	gone int
}

// do sends r and decodes a 2xx JSON body into out; it returns the status.
func (p *Provider) do(ctx context.Context, r request, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, r.method, p.opt.APIBase+r.path, r.body)
	if err != nil {
		return 0, provider.Errorf(provider.Permanent, Network, r.op, redact(err, r.secret), "bad request")
	}
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	if r.bot != "" {
		req.Header.Set("Authorization", "Bot "+r.bot)
	}
	resp, err := p.opt.Client.Do(req)
	if err != nil {
		if r.write && httpclient.SentRequest(err) {
			return 0, provider.Errorf(provider.Unknown, Network, r.op, redact(err, r.secret), "no answer from Discord after sending; the message may exist")
		}
		return 0, provider.Errorf(provider.Transient, Network, r.op, redact(err, r.secret), "could not reach Discord")
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t := provider.Transient
		if r.write {
			t = provider.Unknown
		}
		return resp.StatusCode, provider.Errorf(t, Network, r.op, redact(err, r.secret), "the answer was cut off")
	}
	if resp.StatusCode/100 == 2 {
		if out != nil && len(body) > 0 {
			if err := json.Unmarshal(body, out); err != nil {
				return resp.StatusCode, provider.Errorf(provider.Permanent, Network, r.op, err, "unexpected answer from Discord")
			}
		}
		return resp.StatusCode, nil
	}
	return resp.StatusCode, p.classify(r, resp, body)
}

// apiError is Discord's JSON error (https://discord.com/developers/docs/reference#error-messages);
// 429 bodies add retry_after in seconds (https://discord.com/developers/docs/topics/rate-limits).
type apiError struct {
	Code       int             `json:"code"`
	Message    string          `json:"message"`
	Errors     json.RawMessage `json:"errors"`
	RetryAfter float64         `json:"retry_after"`
	Global     bool            `json:"global"`
}

// JSON error codes that mean the webhook or token is gone: only
// reconnecting helps (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).
const (
	codeUnknownWebhook      = 10015
	codeInvalidWebhookToken = 50027
	codeUnknownMessage      = 10008
)

func (p *Provider) classify(r request, resp *http.Response, body []byte) error {
	var e apiError
	_ = json.Unmarshal(body, &e)
	if r.gone != 0 && e.Code == r.gone {
		return nil
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	if d := firstDetail(e.Errors); d != "" {
		msg += ": " + d
	}
	pe := &provider.Error{Network: Network, Op: r.op, Message: msg, Status: resp.StatusCode}
	switch code := resp.StatusCode; {
	case code == 429:
		pe.Trait, pe.RetryAfter = provider.RateLimited, retryAfter(e, resp.Header)
	case code == 401, e.Code == codeUnknownWebhook, e.Code == codeInvalidWebhookToken:
		pe.Trait = provider.AuthExpired
	case code >= 500 && r.write:
		pe.Trait = provider.Unknown
	case code >= 500:
		pe.Trait = provider.Transient
	default:
		pe.Trait = provider.Permanent
	}
	return pe
}

// retryAfter prefers the body's retry_after (fractional seconds), then the
// Retry-After and X-RateLimit-Reset-After headers.
func retryAfter(e apiError, h http.Header) time.Duration {
	secs := e.RetryAfter
	for _, k := range []string{"Retry-After", "X-RateLimit-Reset-After"} {
		if secs > 0 {
			break
		}
		secs, _ = strconv.ParseFloat(h.Get(k), 64)
	}
	if secs <= 0 {
		secs = 1
	}
	return time.Duration(secs * float64(time.Second))
}

// firstDetail finds the first field error in Discord's nested "errors"
// object, e.g. "content: Must be 2000 or fewer in length.".
func firstDetail(raw json.RawMessage) string {
	var node map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &node) != nil {
		return ""
	}
	if errs, ok := node["_errors"]; ok {
		var list []struct{ Message string }
		if json.Unmarshal(errs, &list) == nil && len(list) > 0 {
			return list[0].Message
		}
	}
	keys := make([]string, 0, len(node))
	for k := range node {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if d := firstDetail(node[k]); d != "" {
			if strings.HasPrefix(k, "_") {
				return d
			}
			return fmt.Sprintf("%s: %s", k, d)
		}
	}
	return ""
}

// redact removes a token from a transport error (URLs carry the webhook token).
func redact(err error, secret string) error {
	if err == nil || secret == "" {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), secret, "<token>"))
}
