package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"herald/internal/provider"
)

// Webhook is the Slack incoming-webhook connector: post-only, no ids.
type Webhook struct {
	opt Options
}

// NewWebhook returns the Slack incoming-webhook provider.
func NewWebhook(o Options) *Webhook { return &Webhook{opt: o.withDefaults()} }

var (
	_ provider.Provider  = (*Webhook)(nil)
	_ provider.Connector = (*Webhook)(nil)
	_ provider.Checker   = (*Webhook)(nil)
	_ provider.Publisher = (*Webhook)(nil)
)

// Info describes the incoming-webhook connector. Images need a public URL
// (provider.Media.URL): a webhook cannot upload files.
func (w *Webhook) Info() provider.Info {
	l := DefaultLimits
	l.MaxThread = 10 // segments go out as consecutive messages
	return provider.Info{
		Network: WebhookNetwork, Name: "Slack (incoming webhook)",
		Capabilities: []provider.Capability{provider.CapPublish, provider.CapImages},
		Auth:         provider.AuthWebhookURL,
		Idempotency:  provider.IdemNone,
		Fields: []provider.Field{{Name: "webhook_url", Label: "Webhook URL", Secret: true, Required: true,
			Help: "https://hooks.slack.com/services/… from your Slack app's Incoming Webhooks page"}},
		Limits:  l,
		DocsURL: "https://api.slack.com/messaging/webhooks",
	}
}

var hookPath = regexp.MustCompile(`^https://hooks\.slack\.com(/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+)/?$`)

// ParseWebhookURL returns the path of a Slack incoming-webhook URL.
func ParseWebhookURL(s string) (string, error) {
	m := hookPath.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", errors.New("not a Slack incoming webhook URL (https://hooks.slack.com/services/T…/B…/…)")
	}
	return m[1], nil
}

// Connect validates the URL and probes it with an empty message, which
// Slack refuses with no_text when the webhook exists and with
// no_service/invalid_token when it does not; nothing is posted.
func (w *Webhook) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	path, err := ParseWebhookURL(input["webhook_url"])
	if err != nil {
		return provider.Account{}, provider.Errorf(provider.Permanent, WebhookNetwork, "connect", err, "%v", err)
	}
	acct := provider.Account{Credentials: map[string]string{"webhook_path": path}, Settings: map[string]string{}, Limits: w.Info().Limits}
	if _, err := w.Check(ctx, acct); err != nil {
		return provider.Account{}, err
	}
	parts := strings.Split(path, "/") // "", services, T…, B…, secret
	acct.RemoteID, acct.Handle = parts[2]+"/"+parts[3], "Slack webhook "+parts[3]
	acct.Settings["team_id"], acct.Settings["hook_id"] = parts[2], parts[3]
	return acct, nil
}

// Check probes the webhook without posting (see Connect).
func (w *Webhook) Check(ctx context.Context, acct provider.Account) (provider.Status, error) {
	err := w.post(ctx, "check", acct, map[string]any{}, false)
	if pe := provider.AsError(err); pe != nil && pe.Message == "no_text" {
		return provider.Status{OK: true, Handle: acct.Handle, Message: "the webhook exists"}, nil
	}
	if err == nil {
		err = provider.Errorf(provider.Permanent, WebhookNetwork, "check", nil, "unexpected answer to an empty message")
	}
	msg := err.Error()
	if pe := provider.AsError(err); pe != nil {
		msg = pe.Message
	}
	return provider.Status{OK: false, Handle: acct.Handle, Message: msg}, err
}

// Publish posts each segment as one message. Slack returns no id, so the
// remote id is derived from Herald's key.
// https://api.slack.com/messaging/webhooks
func (w *Webhook) Publish(ctx context.Context, acct provider.Account, post provider.Post) ([]provider.RemotePost, error) {
	out := append([]provider.RemotePost(nil), post.Done...)
	for i := len(post.Done); i < len(post.Segments); i++ {
		seg := post.Segments[i]
		msg := map[string]any{"text": Escape(seg.Text)}
		if len(seg.Media) > 0 {
			blocks := []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": Escape(seg.Text)}}}
			for _, m := range seg.Media {
				if m.URL == "" || !strings.HasPrefix(m.ContentType, "image/") {
					return out, provider.Errorf(provider.Permanent, WebhookNetwork, "publish", nil,
						"a Slack webhook can only show images that have a public URL")
				}
				alt := m.Alt
				if alt == "" {
					alt = "image"
				}
				blocks = append(blocks, map[string]any{"type": "image", "image_url": m.URL, "alt_text": alt})
			}
			msg["blocks"] = blocks
		}
		if err := w.post(ctx, "publish", acct, msg, true); err != nil {
			return out, err
		}
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%d", post.Key, i)))
		rp := provider.RemotePost{ID: "slack-webhook:" + hex.EncodeToString(sum[:12]), PublishedAt: w.opt.Now().UTC(),
			Extra: map[string]string{"hook_id": acct.Settings["hook_id"]}}
		out = append(out, rp)
		if post.Progress != nil {
			if err := post.Progress(i, rp); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// webhookAuthErrors mean the webhook was removed or its app uninstalled
// (https://api.slack.com/messaging/webhooks#handling_errors).
var webhookAuthErrors = map[string]bool{"invalid_token": true, "no_service": true, "no_service_id": true,
	"no_team": true, "team_disabled": true}

// post sends one payload. Slack answers 200 "ok" or an HTTP error with a
// plain-text code (invalid_payload, channel_not_found, no_service, ...).
func (w *Webhook) post(ctx context.Context, op string, acct provider.Account, msg map[string]any, write bool) error {
	path := acct.Credentials["webhook_path"]
	b, _ := json.Marshal(msg)
	req, err := http.NewRequestWithContext(ctx, "POST", w.opt.HooksBase+path, strings.NewReader(string(b)))
	if err != nil {
		return provider.Errorf(provider.Permanent, WebhookNetwork, op, nil, "bad webhook URL")
	}
	req.Header.Set("Content-Type", "application/json")
	body, resp, err := send(w.opt.Client, req, write)
	if err != nil {
		if pe := provider.AsError(err); pe != nil && pe.Err != nil && path != "" {
			// The URL path is the webhook's secret: keep it out of logs.
			pe.Err = errors.New(strings.ReplaceAll(pe.Err.Error(), path, "/services/<secret>"))
		}
		return withOp(err, WebhookNetwork, op)
	}
	text := strings.TrimSpace(string(body))
	if resp.StatusCode == 200 {
		return nil
	}
	if text == "" {
		text = http.StatusText(resp.StatusCode)
	}
	e := &provider.Error{Network: WebhookNetwork, Op: op, Status: resp.StatusCode, Message: text}
	switch {
	case resp.StatusCode == 429:
		e.Trait, e.RetryAfter = provider.RateLimited, retryAfter(resp.Header)
	case webhookAuthErrors[text]:
		e.Trait = provider.AuthExpired
	case resp.StatusCode >= 500:
		e.Trait = unsure(write)
	default:
		e.Trait = provider.Permanent
	}
	return e
}
