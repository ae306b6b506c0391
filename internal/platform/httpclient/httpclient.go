// Package httpclient is Herald's one hardened outbound HTTP client: every
// call to a network, a webhook or a user-supplied URL goes through it. It
// sets timeouts, caps response bodies and connections per host, refuses
// private addresses for user-supplied URLs (SSRF guard), and never retries:
// publishing calls must not be repeated behind the caller's back.
package httpclient

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Options configure a client.
type Options struct {
	// Timeout bounds a whole request including reading the body (default 30s).
	Timeout time.Duration
	// MaxBody caps the bytes read from a response body (default 10 MiB).
	MaxBody int64
	// MaxConnsPerHost caps concurrent connections to one host (default 8).
	MaxConnsPerHost int
	// AllowPrivate permits loopback, private and link-local addresses. Leave
	// it false for user-supplied URLs; tests and operator-configured local
	// servers set it.
	AllowPrivate bool
	// UserAgent is sent with every request.
	UserAgent string
}

// ErrPrivateAddress is returned when a request would reach a private or
// local address while AllowPrivate is false.
var ErrPrivateAddress = errors.New("httpclient: refusing to connect to a private or local address")

// ErrBodyTooLarge is returned when a response body exceeds MaxBody.
var ErrBodyTooLarge = errors.New("httpclient: response body too large")

// New returns a hardened *http.Client.
func New(o Options) *http.Client {
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxBody == 0 {
		o.MaxBody = 10 << 20
	}
	if o.MaxConnsPerHost == 0 {
		o.MaxConnsPerHost = 8
	}
	if o.UserAgent == "" {
		o.UserAgent = "Herald (+self-hosted social media management)"
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !o.AllowPrivate {
		// Checking at connect time (not at URL parse time) also covers DNS
		// answers that point at private addresses and redirects to them.
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return fmt.Errorf("httpclient: unexpected dial address %q", address)
			}
			if !Public(ip) {
				return fmt.Errorf("%w (%s)", ErrPrivateAddress, ip)
			}
			return nil
		}
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxConnsPerHost:       o.MaxConnsPerHost,
		MaxIdleConnsPerHost:   o.MaxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.Timeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Timeout:   o.Timeout,
		Transport: &limitTransport{base: tr, maxBody: o.MaxBody, userAgent: o.UserAgent},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("httpclient: stopped after 5 redirects")
			}
			if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
				return fmt.Errorf("httpclient: refusing redirect to %s URL", req.URL.Scheme)
			}
			return nil
		},
	}
}

// Public reports whether ip is a globally routable address.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	// Carrier-grade NAT, benchmarking and documentation ranges are not public either.
	for _, p := range reserved {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var reserved = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
}

// limitTransport caps response bodies and sets the User-Agent.
type limitTransport struct {
	base      http.RoundTripper
	maxBody   int64
	userAgent string
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") == "" || (!safeMethod(req.Method) && req.GetBody != nil) {
		req = req.Clone(req.Context())
		if req.Header.Get("User-Agent") == "" {
			req.Header.Set("User-Agent", t.userAgent)
		}
		// net/http silently re-sends a request on a dead reused connection
		// when it can rewind the body and the request is "replayable" (an
		// Idempotency-Key header makes a POST replayable). Without GetBody it
		// cannot: a publish is sent at most once, and the caller decides.
		// (A body-less request with an Idempotency-Key may still be replayed;
		// the server dedupes those by definition.)
		if !safeMethod(req.Method) {
			req.GetBody = nil
		}
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.maxBody}
	return resp, nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells "exactly at the limit" from "over it".
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, ErrBodyTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// SentRequest reports whether err may have happened after the request was
// (partly) sent: then the outcome is unknown and a publish must not be
// retried blindly. Errors while connecting mean nothing was sent.
func SentRequest(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrPrivateAddress) {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return false
	}
	return true
}
