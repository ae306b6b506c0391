// Package webhook is a generic channel: publishing POSTs a signed JSON event
// to a URL the user gives, for automations (Zapier, n8n, a home-grown
// service). The body, headers and signature are Herald's own documented
// contract:
//
//	POST <url>
//	Content-Type: application/json
//	Herald-Event-Id: evt_…          (also sent as Idempotency-Key)
//	Herald-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
//	{"id":"evt_…","type":"post.published","created_at":"…","key":"…",
//	 "segments":[{"index":0,"text":"…","media":[{"url":"…","content_type":"…","alt":"…"}]}],
//	 "options":{…}}
//
// Receivers check the signature with Verify, answer 2xx, and must process
// each event id at most once: Herald sends the same id again after an
// unknown outcome (provider.IdemHeader). The per-channel secret is created
// at connect and shown to the user once.
//
// URLs are user-supplied: production passes the hardened client without
// AllowPrivate, so a webhook cannot reach Herald's own network (SSRF).
package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
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
)

// Network is the generic webhook's network name.
const Network provider.Network = "webhook"

// Options configure the provider.
type Options struct {
	// Client is the hardened HTTP client; keep AllowPrivate off in production.
	Client *http.Client
	// Now is the clock; Rand the source of secrets (tests).
	Now  func() time.Time
	Rand io.Reader
}

// Provider is the generic webhook connector.
type Provider struct {
	opt Options
}

// New returns a webhook provider.
func New(o Options) *Provider {
	if o.Client == nil {
		o.Client = httpclient.New(httpclient.Options{})
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	return &Provider{opt: o}
}

var (
	_ provider.Provider  = (*Provider)(nil)
	_ provider.Connector = (*Provider)(nil)
	_ provider.Checker   = (*Provider)(nil)
	_ provider.Publisher = (*Provider)(nil)
	_ provider.Deleter   = (*Provider)(nil)
)

// Info describes the webhook connector. It has no text limit of its own
// (the receiver decides); media travel as URLs.
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Network: Network, Name: "Webhook",
		Capabilities: []provider.Capability{provider.CapPublish, provider.CapThreads, provider.CapImages, provider.CapVideo, provider.CapDelete},
		Auth:         provider.AuthWebhookURL,
		Idempotency:  provider.IdemHeader,
		Fields: []provider.Field{{Name: "url", Label: "Endpoint URL", Required: true,
			Help: "Herald POSTs signed JSON here; the signing secret is shown once after connecting"}},
		Limits: provider.Limits{MaxMedia: 20, MaxImages: 20, MaxVideos: 20, MixMedia: true, MaxThread: 100},
		// The contract is Herald's own, documented in this package, not a
		// network's: there is no external page to link.
		DocsURL: "",
	}
}

// Connect checks the URL and creates the channel's signing secret, which
// the caller shows the user once (Credentials["secret"]). Nothing is sent:
// the receiver cannot verify anything before it has the secret.
func (p *Provider) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	u, err := url.Parse(strings.TrimSpace(input["url"]))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, "connect", err, "enter an http(s) URL without credentials")
	}
	raw := make([]byte, 32)
	if _, err := io.ReadFull(p.opt.Rand, raw); err != nil {
		return provider.Account{}, provider.Errorf(provider.Transient, Network, "connect", err, "could not create a secret")
	}
	sum := sha256.Sum256([]byte(u.String()))
	return provider.Account{RemoteID: "webhook:" + hex.EncodeToString(sum[:8]), Handle: u.Host,
		Credentials: map[string]string{"secret": "whsec_" + hex.EncodeToString(raw)},
		Reveal:      map[string]string{"Signing secret (verify the Herald-Signature header with it)": "whsec_" + hex.EncodeToString(raw)},
		Settings:    map[string]string{"url": u.String()}, Limits: p.Info().Limits}, nil
}

// Check sends a signed "ping" event; any 2xx means the receiver is there.
func (p *Provider) Check(ctx context.Context, acct provider.Account) (provider.Status, error) {
	ev := event{ID: eventID("ping", strconv.FormatInt(p.opt.Now().UnixNano(), 10)), Type: "ping"}
	if _, err := p.send(ctx, "check", acct, ev, false); err != nil {
		msg := err.Error()
		if pe := provider.AsError(err); pe != nil {
			msg = pe.Message
		}
		return provider.Status{OK: false, Handle: acct.Handle, Message: msg}, err
	}
	return provider.Status{OK: true, Handle: acct.Handle, Message: "the endpoint accepted a signed ping"}, nil
}

// event is the JSON body Herald sends.
type event struct {
	ID        string            `json:"id"`
	Type      string            `json:"type"` // post.published, post.deleted, ping
	CreatedAt string            `json:"created_at"`
	Key       string            `json:"key,omitempty"`
	Segments  []segment         `json:"segments,omitempty"`
	Options   map[string]string `json:"options,omitempty"`
	RemoteID  string            `json:"remote_id,omitempty"`
}

type segment struct {
	Index int     `json:"index"`
	Text  string  `json:"text"`
	Media []media `json:"media,omitempty"`
	Link  *link   `json:"link,omitempty"`
}

type media struct {
	ID          string `json:"id,omitempty"`
	URL         string `json:"url,omitempty"`
	ContentType string `json:"content_type"`
	Alt         string `json:"alt,omitempty"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	Bytes       int    `json:"bytes"`
}

type link struct {
	URL         string `json:"url"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// eventID derives a stable event id, so every attempt at the same thing
// carries the same id and the receiver can drop repeats.
func eventID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "|")))
	return "evt_" + hex.EncodeToString(sum[:16])
}

// Publish sends the remaining segments in one post.published event. The
// receiver may answer {"id": "...", "url": "..."} to name what it created.
func (p *Provider) Publish(ctx context.Context, acct provider.Account, post provider.Post) ([]provider.RemotePost, error) {
	if post.Key == "" {
		return nil, provider.Errorf(provider.Permanent, Network, "publish", nil, "a post key is required for idempotency")
	}
	start := len(post.Done)
	out := append([]provider.RemotePost(nil), post.Done...)
	if start >= len(post.Segments) {
		return out, nil
	}
	ev := event{ID: eventID("publish", post.Key, strconv.Itoa(start)), Type: "post.published", Key: post.Key, Options: post.Options}
	for i := start; i < len(post.Segments); i++ {
		ev.Segments = append(ev.Segments, segmentOf(i, post.Segments[i]))
	}
	ans, err := p.send(ctx, "publish", acct, ev, true)
	if err != nil {
		return out, err
	}
	now := p.opt.Now().UTC()
	for i := start; i < len(post.Segments); i++ {
		rp := provider.RemotePost{ID: fmt.Sprintf("%s/%d", ev.ID, i), PublishedAt: now, Extra: map[string]string{"event_id": ev.ID}}
		if i == start && ans.ID != "" {
			rp.ID, rp.URL = ans.ID, ans.URL
		}
		out = append(out, rp)
		if post.Progress != nil {
			if err := post.Progress(i, rp); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

func segmentOf(i int, s provider.Segment) segment {
	seg := segment{Index: i, Text: s.Text}
	for _, m := range s.Media {
		seg.Media = append(seg.Media, media{ID: m.ID, URL: m.URL, ContentType: m.ContentType, Alt: m.Alt,
			Width: m.Width, Height: m.Height, Bytes: len(m.Data)})
	}
	if s.Link != nil {
		seg.Link = &link{URL: s.Link.URL, Title: s.Link.Title, Description: s.Link.Description}
	}
	return seg
}

// Delete tells the receiver a published post was deleted (post.deleted).
func (p *Provider) Delete(ctx context.Context, acct provider.Account, post provider.RemotePost) error {
	_, err := p.send(ctx, "delete", acct, event{ID: eventID("delete", post.ID), Type: "post.deleted", RemoteID: post.ID}, false)
	return err
}

// answer is what a receiver may return.
type answer struct {
	ID      string `json:"id"`
	URL     string `json:"url"`
	Error   string `json:"error"`
	Message string `json:"message"`
	Detail  string `json:"detail"`
	Title   string `json:"title"`
}

// send signs and POSTs one event and classifies the answer.
func (p *Provider) send(ctx context.Context, op string, acct provider.Account, ev event, write bool) (answer, error) {
	ev.CreatedAt = p.opt.Now().UTC().Format(time.RFC3339)
	body, _ := json.Marshal(ev)
	req, err := http.NewRequestWithContext(ctx, "POST", acct.Settings["url"], bytes.NewReader(body))
	if err != nil {
		return answer{}, provider.Errorf(provider.Permanent, Network, op, err, "bad endpoint URL")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Herald-Event-Id", ev.ID)
	req.Header.Set("Idempotency-Key", ev.ID)
	req.Header.Set("Herald-Signature", Sign(acct.Credentials["secret"], p.opt.Now(), body))
	resp, err := p.opt.Client.Do(req)
	switch {
	case errors.Is(err, httpclient.ErrPrivateAddress):
		return answer{}, provider.Errorf(provider.Permanent, Network, op, err, "the endpoint is a private or local address, which Herald does not call")
	case err != nil && write && httpclient.SentRequest(err):
		return answer{}, provider.Errorf(provider.Unknown, Network, op, err, "no answer from the endpoint after sending; it may have received the event")
	case err != nil:
		return answer{}, provider.Errorf(provider.Transient, Network, op, err, "could not reach the endpoint")
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var a answer
	_ = json.Unmarshal(raw, &a)
	if resp.StatusCode/100 == 2 {
		return a, nil
	}
	return a, classify(op, resp, a, raw, write)
}

// classify: 429 is a rate limit (Retry-After); 401, 403 and 410 mean the
// receiver refuses Herald or is gone (reconnect); other 4xx refuse this
// event with the receiver's words; 5xx leaves the outcome unknown.
func classify(op string, resp *http.Response, a answer, raw []byte, write bool) error {
	msg := firstNonEmpty(a.Error, a.Message, a.Detail, a.Title)
	if msg == "" && !json.Valid(raw) {
		msg = strings.TrimSpace(string(raw))
		if len(msg) > 300 {
			msg = msg[:300]
		}
	}
	if msg == "" {
		msg = resp.Status
	}
	e := &provider.Error{Network: Network, Op: op, Status: resp.StatusCode, Message: msg}
	switch c := resp.StatusCode; {
	case c == 429:
		e.Trait, e.RetryAfter = provider.RateLimited, time.Minute
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		} else if t, err := http.ParseTime(resp.Header.Get("Retry-After")); err == nil {
			e.RetryAfter = time.Until(t)
		}
	case c == 401 || c == 403 || c == 410:
		e.Trait = provider.AuthExpired
	case c >= 500 && write:
		e.Trait = provider.Unknown
	case c >= 500 || c == 408:
		e.Trait = provider.Transient
	default:
		e.Trait = provider.Permanent
	}
	return e
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
