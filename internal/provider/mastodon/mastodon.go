// Package mastodon connects Herald to Mastodon servers (and servers that
// implement the Mastodon client API) over plain HTTP through Herald's
// hardened client.
//
// The instance URL is user-supplied, so production code must pass a client
// built without AllowPrivate (the SSRF guard); tests point it at a fake on
// loopback. No SDK is used: the maintained Go SDKs hide the request, and
// Herald must set Idempotency-Key on every status and must never retry.
//
// API documentation: https://docs.joinmastodon.org/methods/
package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
	"herald/internal/provider/count"
)

// Network is Mastodon's network name.
const Network provider.Network = "mastodon"

// Scopes are the granular OAuth scopes Herald needs, no more: reading the
// account, statuses and notifications, and posting statuses, media and
// favourites. https://docs.joinmastodon.org/api/oauth-scopes/
var Scopes = []string{
	"read:accounts", "read:statuses", "read:notifications",
	"write:statuses", "write:media", "write:favourites",
}

// Options configure the provider.
type Options struct {
	// Client is the hardened HTTP client (httpclient.New). Instances are
	// user-supplied URLs, so production leaves AllowPrivate off.
	Client *http.Client
	// AppName and Website describe Herald when it registers itself on an
	// instance (POST /api/v1/apps).
	AppName string
	Website string
	// MediaTimeout bounds the wait for asynchronous media processing
	// (default 2 minutes); MediaPoll is the first polling interval (default 1s).
	MediaTimeout time.Duration
	MediaPoll    time.Duration
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Provider is the Mastodon connector.
type Provider struct {
	opt Options
}

// New returns a Mastodon provider.
func New(o Options) *Provider {
	if o.Client == nil {
		o.Client = httpclient.New(httpclient.Options{})
	}
	if o.AppName == "" {
		o.AppName = "Herald"
	}
	if o.MediaTimeout == 0 {
		o.MediaTimeout = 2 * time.Minute
	}
	if o.MediaPoll == 0 {
		o.MediaPoll = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Provider{opt: o}
}

var (
	_ provider.Provider             = (*Provider)(nil)
	_ provider.AppRegistrar         = (*Provider)(nil)
	_ provider.OAuth2               = (*Provider)(nil)
	_ provider.Connector            = (*Provider)(nil)
	_ provider.Checker              = (*Provider)(nil)
	_ provider.LimitsRefresher      = (*Provider)(nil)
	_ provider.Publisher            = (*Provider)(nil)
	_ provider.Deleter              = (*Provider)(nil)
	_ provider.InteractionReader    = (*Provider)(nil)
	_ provider.Replier              = (*Provider)(nil)
	_ provider.Reactor              = (*Provider)(nil)
	_ provider.PostMetricsReader    = (*Provider)(nil)
	_ provider.AccountMetricsReader = (*Provider)(nil)
	_ provider.RecentPostsReader    = (*Provider)(nil)
)

// DefaultLimits are Mastodon's defaults before an instance's own values are
// read from /api/v2/instance (PLATFORMS.md §5.1 "Mastodon": 500 characters,
// every URL counts characters_reserved_per_url = 23, 4 attachments, 4 photos
// or 1 video; sizes per instance, here the values of the documented Instance
// example, 10 MiB image and 40 MiB video; Mastodon caps alt text at 1500).
var DefaultLimits = provider.Limits{
	Text:          count.Defaults["mastodon"],
	MaxMedia:      4,
	MaxImages:     4,
	MaxVideos:     1,
	MixMedia:      false,
	ImageMaxBytes: 10 << 20,
	VideoMaxBytes: 40 << 20,
	AltMaxChars:   1500,
	ImageTypes:    []string{"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"},
	VideoTypes:    []string{"video/mp4", "video/webm", "video/quicktime"},
	MaxThread:     25,
	// Mastodon's default rate limit on creating statuses (and media) per
	// account, from its API documentation "Rate limits".
	Quotas: []provider.Quota{{Max: 300, Window: 3 * time.Hour, Source: "Mastodon's default limit of 300 posts per account per 3 hours"}},
}

// Info describes the Mastodon connector. Idempotency is the Idempotency-Key
// header, which Mastodon remembers for one hour: a retry after an unknown
// outcome must happen within that hour, or the target becomes unconfirmed.
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Network: Network, Name: "Mastodon",
		Capabilities: []provider.Capability{
			provider.CapPublish, provider.CapThreads, provider.CapImages, provider.CapVideo, provider.CapDelete,
			provider.CapComments, provider.CapMentions, provider.CapReply, provider.CapReact,
			provider.CapPostMetrics, provider.CapAccountMetrics, provider.CapRecentPosts, provider.CapRefreshLimits, provider.CapPublicAccounts,
		},
		Auth:        provider.AuthOAuth2,
		Idempotency: provider.IdemHeader,
		Fields: []provider.Field{{Name: "instance", Label: "Server", Required: true,
			Help: "Your Mastodon server, e.g. mastodon.social"}},
		Limits:           DefaultLimits,
		DocsURL:          "https://docs.joinmastodon.org/client/intro/",
		PostMetricFields: []string{provider.MetricLikes, provider.MetricReposts, provider.MetricReplies, provider.MetricQuotes},
	}
}

// NormalizeInstance turns what a user typed ("mastodon.social",
// "https://mastodon.social/") into a base URL without a trailing slash.
func NormalizeInstance(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("a server address is required")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		return "", fmt.Errorf("%q is not a server address", s)
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

func instanceOf(acct provider.Account) (string, error) {
	return NormalizeInstance(acct.Settings["instance"])
}

// request is one API call.
type request struct {
	op     string
	method string
	url    string
	token  string
	body   io.Reader
	ctype  string
	header map[string]string
	// got, when set, receives the answer's headers (Link pagination).
	got *http.Header
	// write marks calls whose effect must not be duplicated: a failure after
	// the request may have been sent is Unknown, not Transient.
	write bool
}

// do sends r and decodes a 2xx JSON body into out. It returns the status
// code, because 202 and 206 mean "still processing" for media.
func (p *Provider) do(ctx context.Context, r request, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, r.body)
	if err != nil {
		return 0, p.fail(r, provider.Permanent, 0, err, "bad request: %v", err)
	}
	req.Header.Set("Accept", "application/json")
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := p.opt.Client.Do(req)
	if errors.Is(err, httpclient.ErrPrivateAddress) {
		// Retrying cannot help: the instance resolves to Herald's own network.
		return 0, p.fail(r, provider.Permanent, 0, err, "the server address is private or local, which Herald does not call")
	}
	if err != nil {
		if r.write && httpclient.SentRequest(err) {
			return 0, p.fail(r, provider.Unknown, 0, err, "no answer from the server after sending; the post may exist")
		}
		return 0, p.fail(r, provider.Transient, 0, err, "could not reach the server")
	}
	defer resp.Body.Close()
	if r.got != nil {
		*r.got = resp.Header
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		if r.write {
			return resp.StatusCode, p.fail(r, provider.Unknown, resp.StatusCode, err, "the answer was cut off; the post may exist")
		}
		return resp.StatusCode, p.fail(r, provider.Transient, resp.StatusCode, err, "the answer was cut off")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out != nil && len(body) > 0 && resp.StatusCode != http.StatusPartialContent {
			if err := json.Unmarshal(body, out); err != nil {
				return resp.StatusCode, p.fail(r, provider.Permanent, resp.StatusCode, err, "unexpected answer from the server")
			}
		}
		return resp.StatusCode, nil
	}
	return resp.StatusCode, p.classify(r, resp, body)
}

// apiError is Mastodon's error body: {"error": "..."}; OAuth endpoints add
// error_description (https://docs.joinmastodon.org/entities/Error/).
type apiError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// classify turns a non-2xx answer into a provider error.
func (p *Provider) classify(r request, resp *http.Response, body []byte) error {
	var e apiError
	_ = json.Unmarshal(body, &e)
	msg := e.Error
	if e.Description != "" {
		msg = strings.TrimSpace(msg + ": " + e.Description)
	}
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	code := resp.StatusCode
	switch {
	case code == http.StatusTooManyRequests:
		pe := p.fail(r, provider.RateLimited, code, nil, "%s", msg)
		pe.RetryAfter = p.retryAfter(resp.Header)
		return pe
	case code == http.StatusUnauthorized:
		return p.fail(r, provider.AuthExpired, code, nil, "%s", msg)
	case code == http.StatusForbidden && strings.Contains(msg, "outside the authorized scopes"):
		// A token without a scope Herald needs: only reconnecting fixes it.
		return p.fail(r, provider.AuthExpired, code, nil, "%s", msg)
	case code == http.StatusUnprocessableEntity && strings.Contains(msg, "not finished processing"):
		// Media still processing: nothing was created, later will work.
		return p.fail(r, provider.Transient, code, nil, "%s", msg)
	case code >= 500 && r.write:
		return p.fail(r, provider.Unknown, code, nil, "%s", msg)
	case code >= 500 || code == http.StatusRequestTimeout:
		return p.fail(r, provider.Transient, code, nil, "%s", msg)
	default:
		return p.fail(r, provider.Permanent, code, nil, "%s", msg)
	}
}

// retryAfter reads Retry-After (seconds or a date) or, as Mastodon sends it,
// X-RateLimit-Reset (an ISO 8601 instant): https://docs.joinmastodon.org/api/rate-limits/
func (p *Provider) retryAfter(h http.Header) time.Duration {
	now := p.opt.Now()
	if v := h.Get("Retry-After"); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return time.Duration(s) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return t.Sub(now)
		}
	}
	if v := h.Get("X-RateLimit-Reset"); v != "" {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			if t.After(now) {
				return t.Sub(now)
			}
			return 0
		}
	}
	// Mastodon's shortest rate-limit window is five minutes.
	return 5 * time.Minute
}

func (p *Provider) fail(r request, t provider.Trait, status int, cause error, format string, args ...any) *provider.Error {
	e := provider.Errorf(t, Network, r.op, cause, format, args...)
	e.Status = status
	return e
}

func token(acct provider.Account) string { return acct.Credentials["access_token"] }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t.UTC()
}
