// Package slack publishes to Slack in two ways, registered as two networks:
// "slack", a bot token and a channel (Web API: chat.postMessage, threads,
// image uploads, replies and reactions), and "slack_webhook", an incoming
// webhook URL that can only post. Plain HTTP through Herald's hardened
// client, no SDK: the Go SDKs retry on 429 and 5xx by themselves, and Herald
// must never repeat a publish.
//
// The Web API has no idempotency key; the bot provider tags every post with
// message metadata (Herald's key and segment) and finds it again with
// conversations.history before any retry (provider.IdemReadBack). Incoming
// webhooks return no message id, so they are provider.IdemNone.
//
// API documentation: https://api.slack.com/methods
package slack

import (
	"context"
	"encoding/json"
	"errors"
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

// Network names.
const (
	Network        provider.Network = "slack"
	WebhookNetwork provider.Network = "slack_webhook"
)

// Options configure both providers.
type Options struct {
	// Client is the hardened HTTP client.
	Client *http.Client
	// APIBase is the Web API root (default https://slack.com/api).
	APIBase string
	// HooksBase is where incoming webhooks live (default
	// https://hooks.slack.com). A pasted webhook URL is reduced to its path
	// and always sent here.
	HooksBase string
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Client == nil {
		o.Client = httpclient.New(httpclient.Options{})
	}
	if o.APIBase == "" {
		o.APIBase = "https://slack.com/api"
	}
	if o.HooksBase == "" {
		o.HooksBase = "https://hooks.slack.com"
	}
	o.APIBase, o.HooksBase = strings.TrimRight(o.APIBase, "/"), strings.TrimRight(o.HooksBase, "/")
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// DefaultLimits: Slack is not in PLATFORMS.md; count.Defaults["slack"]
// documents the 40,000-character truncation of chat.postMessage. A message
// holds up to 10 image blocks here (Herald's cap; Slack allows 50 blocks).
var DefaultLimits = provider.Limits{
	Text:          count.Defaults["slack"],
	MaxMedia:      10,
	MaxImages:     10,
	ImageMaxBytes: 1 << 30,
	ImageTypes:    []string{"image/jpeg", "image/png", "image/gif", "image/webp"},
	MaxThread:     25,
}

// Escape escapes the three characters Slack's mrkdwn reserves for links and
// mentions (https://api.slack.com/reference/surfaces/formatting#escaping).
func Escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// apiResponse is the envelope of every Web API answer.
type apiResponse struct {
	OK      bool   `json:"ok"`
	Error   string `json:"error"`
	Needed  string `json:"needed"`
	Warning string `json:"warning"`
}

// authErrors need a new token (https://api.slack.com/methods/chat.postMessage#errors).
var authErrors = map[string]bool{"invalid_auth": true, "token_revoked": true, "account_inactive": true,
	"not_authed": true, "token_expired": true, "missing_scope": true}

// maybeDone are errors after which Slack says "it's possible some aspect of
// the operation succeeded" (https://api.slack.com/methods/chat.postMessage#errors).
var maybeDone = map[string]bool{"internal_error": true, "fatal_error": true, "service_unavailable": true, "request_timeout": true}

// webCall is one Web API request.
type webCall struct {
	op, method string
	token      string
	query      url.Values // GET parameters
	form       url.Values // form body
	json       any        // JSON body
	write      bool
}

// call invokes a Web API method and decodes the answer into out (which
// must embed nothing: the envelope is checked separately).
func (p *Provider) call(ctx context.Context, c webCall, out any) error {
	o := p.opt
	var (
		req *http.Request
		err error
	)
	u := o.APIBase + "/" + c.method
	switch {
	case c.json != nil:
		b, _ := json.Marshal(c.json)
		req, err = http.NewRequestWithContext(ctx, "POST", u, strings.NewReader(string(b)))
		if req != nil {
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
		}
	case c.form != nil:
		req, err = http.NewRequestWithContext(ctx, "POST", u, strings.NewReader(c.form.Encode()))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	default:
		req, err = http.NewRequestWithContext(ctx, "GET", u+"?"+c.query.Encode(), nil)
	}
	if err != nil {
		return provider.Errorf(provider.Permanent, Network, c.op, err, "bad request")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	body, resp, err := send(o.Client, req, c.write)
	if err != nil {
		return withOp(err, Network, c.op)
	}
	var env apiResponse
	_ = json.Unmarshal(body, &env)
	if resp.StatusCode == 429 || env.Error == "ratelimited" {
		return &provider.Error{Trait: provider.RateLimited, Network: Network, Op: c.op, Status: resp.StatusCode,
			Message: "ratelimited", RetryAfter: retryAfter(resp.Header)}
	}
	if resp.StatusCode >= 500 || (resp.StatusCode == 200 && !env.OK && maybeDone[env.Error]) {
		msg := env.Error
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		return &provider.Error{Trait: unsure(c.write), Network: Network, Op: c.op, Status: resp.StatusCode, Message: msg}
	}
	if !env.OK {
		msg := env.Error
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		if env.Needed != "" {
			msg += " (needs scope " + env.Needed + ")"
		}
		t := provider.Permanent
		if authErrors[env.Error] {
			t = provider.AuthExpired
		}
		return &provider.Error{Trait: t, Network: Network, Op: c.op, Status: resp.StatusCode, Message: msg}
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return provider.Errorf(provider.Permanent, Network, c.op, err, "unexpected answer from Slack")
		}
	}
	return nil
}

// send performs req and reads the body; transport failures are classified
// Unknown (the request may have arrived) or Transient (nothing was sent).
func send(c *http.Client, req *http.Request, write bool) ([]byte, *http.Response, error) {
	resp, err := c.Do(req)
	if err != nil {
		if write && httpclient.SentRequest(err) {
			return nil, nil, &provider.Error{Trait: provider.Unknown, Message: "no answer from Slack after sending; the message may exist", Err: err}
		}
		return nil, nil, &provider.Error{Trait: provider.Transient, Message: "could not reach Slack", Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, &provider.Error{Trait: unsure(write), Message: "the answer was cut off", Err: err}
	}
	return body, resp, nil
}

func unsure(write bool) provider.Trait {
	if write {
		return provider.Unknown
	}
	return provider.Transient
}

func withOp(err error, n provider.Network, op string) error {
	var pe *provider.Error
	if errors.As(err, &pe) {
		pe.Network, pe.Op = n, op
	}
	return err
}

// retryAfter reads Retry-After in seconds (https://api.slack.com/apis/rate-limits).
func retryAfter(h http.Header) time.Duration {
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	return 30 * time.Second
}
