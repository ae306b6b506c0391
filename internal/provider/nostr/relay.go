package nostr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
	gonostr "github.com/nbd-wtf/go-nostr"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
)

// websocketClient returns the client for websocket handshakes. The hardened
// httpclient cannot carry a websocket (it wraps response bodies to cap them,
// and a protocol switch needs the raw read-write body), so this client
// applies the same SSRF rule at dial time, refuses redirects, and relies on
// per-message read limits and per-exchange deadlines instead of a body cap.
func websocketClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return fmt.Errorf("nostr: unexpected dial address %q", address)
			}
			if !httpclient.Public(ip) {
				return fmt.Errorf("%w (%s)", httpclient.ErrPrivateAddress, ip)
			}
			return nil
		}
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         dialer.DialContext,
			TLSHandshakeTimeout: 10 * time.Second,
			MaxConnsPerHost:     8,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errors.New("nostr: relays must not redirect")
		},
	}
}

// result is one relay's answer to one operation.
type result struct {
	Relay      string
	OK         bool
	Trait      provider.Trait // why it failed, when !OK
	Message    string         // the relay's words, or what went wrong
	RetryAfter time.Duration
	Err        error
}

// relayConn is one websocket to one relay, used by one goroutine at a time:
// every exchange writes a message and reads until its answer, so no
// background reader is needed.
type relayConn struct {
	p         *Provider
	url       string
	sk        string
	c         *websocket.Conn
	challenge string // last NIP-42 challenge
	authed    bool   // NIP-42 authentication was attempted
	broken    bool
}

var subCounter atomic.Int64

// dial opens a websocket to relay
// (https://github.com/nostr-protocol/nips/blob/master/01.md). The handshake is a GET, so a
// failure here never leaves anything behind: it is never Unknown.
func (p *Provider) dial(ctx context.Context, relay, sk string) (*relayConn, result) {
	ctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, relay, &websocket.DialOptions{HTTPClient: p.ws,
		HTTPHeader: http.Header{"User-Agent": {"Herald (+self-hosted social media management)"}}})
	if err != nil {
		return nil, p.dialFailure(relay, resp, err)
	}
	c.SetReadLimit(p.opts.MaxMessage)
	return &relayConn{p: p, url: relay, sk: sk, c: c}, result{Relay: relay, OK: true}
}

// dialFailure classifies a failed handshake: relays behind proxies answer
// 429 with Retry-After, or 401/403 when they gate access.
func (p *Provider) dialFailure(relay string, resp *http.Response, err error) result {
	r := result{Relay: relay, Trait: provider.Transient, Message: "unreachable: " + shortErr(err), Err: err}
	if errors.Is(err, httpclient.ErrPrivateAddress) {
		r.Trait, r.Message = provider.Permanent, "the relay address is private or local; use a public relay"
		return r
	}
	if resp == nil {
		return r
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		r.Trait, r.Message = provider.RateLimited, "rate limited (HTTP 429)"
		r.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), p.opts.RateLimitBackoff, p.opts.Now())
	case s == http.StatusUnauthorized || s == http.StatusPaymentRequired:
		r.Trait, r.Message = provider.AuthExpired, fmt.Sprintf("the relay wants authorization (HTTP %d)", s)
	case s >= 400 && s < 500:
		r.Trait, r.Message = provider.Permanent, fmt.Sprintf("the relay refused the connection (HTTP %d)", s)
	default:
		r.Message = fmt.Sprintf("the relay did not accept a websocket (HTTP %d)", s)
	}
	return r
}

// retryAfter parses Retry-After (seconds or an HTTP date), or returns def.
func retryAfter(h string, def time.Duration, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return def
}

func (c *relayConn) close() {
	if c != nil && c.c != nil {
		c.c.Close(websocket.StatusNormalClosure, "")
	}
}

// read returns the next message the relay sends, remembering NIP-42
// challenges and skipping messages go-nostr cannot parse.
func (c *relayConn) read(ctx context.Context) (gonostr.Envelope, error) {
	for {
		_, data, err := c.c.Read(ctx)
		if err != nil {
			c.broken = true
			if ctx.Err() != nil {
				// The library closes the socket when the deadline passes and
				// reports that instead; the deadline is the real cause.
				return nil, fmt.Errorf("%w: %w", ctx.Err(), err)
			}
			return nil, err
		}
		env := gonostr.ParseMessage(data)
		if a, ok := env.(*gonostr.AuthEnvelope); ok && a.Challenge != nil {
			c.challenge = *a.Challenge
			continue
		}
		if env != nil {
			return env, nil
		}
	}
}

func (c *relayConn) write(ctx context.Context, env gonostr.Envelope) error {
	msg, err := env.MarshalJSON()
	if err != nil {
		return err
	}
	if err := c.c.Write(ctx, websocket.MessageText, msg); err != nil {
		c.broken = true
		return err
	}
	return nil
}

// publish sends ["EVENT", ev] and waits for the relay's ["OK", id, ok, msg]
// (https://github.com/nostr-protocol/nips/blob/master/01.md), answering a
// NIP-42 challenge once when the relay wants authentication first.
func (c *relayConn) publish(ctx context.Context, ev gonostr.Event) result {
	ctx, cancel := context.WithTimeout(ctx, c.p.opts.Timeout)
	defer cancel()
	r := c.sendEvent(ctx, ev)
	if !r.OK && r.Trait == provider.AuthExpired && c.challenge != "" && !c.authed {
		if ar := c.authenticate(ctx); !ar.OK {
			return ar
		}
		r = c.sendEvent(ctx, ev)
	}
	return r
}

func (c *relayConn) sendEvent(ctx context.Context, ev gonostr.Event) result {
	if err := c.write(ctx, &gonostr.EventEnvelope{Event: ev}); err != nil {
		// A failed websocket write may still have delivered the frame.
		return result{Relay: c.url, Trait: provider.Unknown, Message: "sent, but the connection failed: " + shortErr(err), Err: err}
	}
	return c.awaitOK(ctx, ev.ID)
}

// awaitOK reads until the OK for id. Losing the connection or the deadline
// first means the relay may have stored the event: Unknown.
func (c *relayConn) awaitOK(ctx context.Context, id string) result {
	for {
		env, err := c.read(ctx)
		if err != nil {
			return result{Relay: c.url, Trait: provider.Unknown, Message: "sent, but the relay did not confirm: " + shortErr(err), Err: err}
		}
		if ok, is := env.(*gonostr.OKEnvelope); is && ok.EventID == id {
			if ok.OK {
				return result{Relay: c.url, OK: true, Message: ok.Reason}
			}
			return c.refused(ok.Reason)
		}
	}
}

// refused classifies a relay's refusal by the machine-readable prefix of
// its message (NIP-01 "OK" and "CLOSED" messages).
func (c *relayConn) refused(reason string) result {
	r := result{Relay: c.url, Trait: provider.Permanent, Message: reason}
	if reason == "" {
		r.Message = "refused without a reason"
	}
	prefix, _, _ := strings.Cut(reason, ":")
	switch prefix {
	case "duplicate":
		// The relay already has this very event: for content-addressed
		// events that is success.
		return result{Relay: c.url, OK: true, Message: reason}
	case "rate-limited":
		r.Trait, r.RetryAfter = provider.RateLimited, c.p.opts.RateLimitBackoff
	case "auth-required":
		r.Trait = provider.AuthExpired
	case "error":
		r.Trait = provider.Transient
	}
	return r
}

// authenticate answers the relay's challenge with a signed kind-22242 event
// (https://github.com/nostr-protocol/nips/blob/master/42.md). A relay that
// refuses it does not accept this key.
func (c *relayConn) authenticate(ctx context.Context) result {
	c.authed = true
	ev := gonostr.Event{Kind: gonostr.KindClientAuthentication, CreatedAt: gonostr.Timestamp(c.p.opts.Now().Unix()),
		Tags: gonostr.Tags{{"relay", c.url}, {"challenge", c.challenge}}}
	if err := ev.Sign(c.sk); err != nil {
		return result{Relay: c.url, Trait: provider.AuthExpired, Message: "cannot sign the authentication event", Err: err}
	}
	if err := c.write(ctx, &gonostr.AuthEnvelope{Event: ev}); err != nil {
		return result{Relay: c.url, Trait: provider.Transient, Message: "authentication failed: " + shortErr(err), Err: err}
	}
	r := c.awaitOK(ctx, ev.ID)
	switch {
	case r.OK:
	case r.Trait == provider.Unknown:
		r.Trait = provider.Transient
	case r.Trait != provider.RateLimited && r.Trait != provider.Transient:
		r.Trait, r.Message = provider.AuthExpired, "authentication refused: "+r.Message
	}
	return r
}

// query sends ["REQ", sub, filters...] and collects stored events until
// ["EOSE", sub] (https://github.com/nostr-protocol/nips/blob/master/01.md), dropping
// events that fail their id or signature check or do not match the filters:
// relays are not trusted. Reads change nothing, so a lost connection or a
// deadline is Transient here, never Unknown.
func (c *relayConn) query(ctx context.Context, filters gonostr.Filters) ([]gonostr.Event, result) {
	ctx, cancel := context.WithTimeout(ctx, c.p.opts.Timeout)
	defer cancel()
	evs, r := c.req(ctx, filters)
	if !r.OK && r.Trait == provider.AuthExpired && c.challenge != "" && !c.authed {
		if ar := c.authenticate(ctx); !ar.OK {
			return nil, ar
		}
		evs, r = c.req(ctx, filters)
	}
	return evs, r
}

func (c *relayConn) req(ctx context.Context, filters gonostr.Filters) ([]gonostr.Event, result) {
	sub := "herald-" + strconv.FormatInt(subCounter.Add(1), 10)
	if err := c.write(ctx, &gonostr.ReqEnvelope{SubscriptionID: sub, Filters: filters}); err != nil {
		return nil, result{Relay: c.url, Trait: provider.Transient, Message: "query failed: " + shortErr(err), Err: err}
	}
	var out []gonostr.Event
	for {
		env, err := c.read(ctx)
		if err != nil {
			return nil, result{Relay: c.url, Trait: provider.Transient, Message: "query failed: " + shortErr(err), Err: err}
		}
		switch e := env.(type) {
		case *gonostr.EventEnvelope:
			if e.SubscriptionID != nil && *e.SubscriptionID == sub && valid(&e.Event) && filters.Match(&e.Event) {
				out = append(out, e.Event)
			}
		case *gonostr.EOSEEnvelope:
			if string(*e) == sub {
				c.write(ctx, ptr(gonostr.CloseEnvelope(sub)))
				return out, result{Relay: c.url, OK: true}
			}
		case *gonostr.ClosedEnvelope:
			if e.SubscriptionID == sub {
				r := c.refused(e.Reason)
				if r.OK { // "duplicate:" means nothing for a REQ
					r = result{Relay: c.url, Trait: provider.Transient, Message: e.Reason}
				}
				return nil, r
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

// valid checks an event's id and signature.
func valid(ev *gonostr.Event) bool {
	if len(ev.ID) != 64 || !ev.CheckID() {
		return false
	}
	ok, err := ev.CheckSignature()
	return ok && err == nil
}

// shortErr keeps error text short enough for a per-relay summary.
func shortErr(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	s := err.Error()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
