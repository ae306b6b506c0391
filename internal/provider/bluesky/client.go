package bluesky

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bluesky-social/indigo/atproto/auth/oauth"
	lexutil "github.com/bluesky-social/indigo/lex/util"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
)

// session is one account's (or an anonymous) XRPC client against a PDS.
type session struct {
	xc  *xrpcClient
	did string
}

// xrpcClient sends the SDK's lexicon-generated calls (api/atproto,
// api/bsky take any lexutil.LexClient) through Herald's hardened HTTP
// client, and keeps each error answer's headers so a 429's Retry-After or
// RateLimit-Reset reaches the classifier. The SDK's own xrpc.Client drops
// Retry-After and pulls in indigo/util (OpenTelemetry, go-retryablehttp, an
// IPFS blockstore), none of which Herald uses.
type xrpcClient struct {
	hc        *http.Client
	host      string
	bearer    string
	userAgent string
	dpop      *oauth.ClientSession // set for accounts connected with OAuth (dpop.go)
}

var _ lexutil.LexClient = (*xrpcClient)(nil)

// xrpcError is an XRPC error answer: a status and the JSON body
// {"error": name, "message": text} (https://atproto.com/specs/xrpc#error-responses).
type xrpcError struct {
	Status  int
	Code    string `json:"error"`
	Message string `json:"message"`
	Header  http.Header
}

func (e *xrpcError) Error() string {
	return fmt.Sprintf("xrpc %d %s: %s", e.Status, e.Code, e.Message)
}

// LexDo performs one XRPC call (https://atproto.com/specs/xrpc): a GET
// query or a POST procedure to /xrpc/<nsid>, JSON in and out.
func (c *xrpcClient) LexDo(ctx context.Context, method, inputEncoding, endpoint string, params map[string]any, bodyData any, out any) error {
	u := c.host + "/xrpc/" + endpoint
	if q := encodeParams(params); q != "" {
		u += "?" + q
	}
	var body io.Reader
	switch b := bodyData.(type) {
	case nil:
	case io.Reader:
		body = b
	default:
		js, err := json.Marshal(b)
		if err != nil {
			return fmt.Errorf("bluesky: encode %s input: %w", endpoint, err)
		}
		body = bytes.NewReader(js)
	}
	if c.dpop != nil {
		var err error
		if body, err = replayable(body); err != nil {
			return fmt.Errorf("bluesky: read %s input: %w", endpoint, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("bluesky: %s: %w", endpoint, err)
	}
	if body != nil && inputEncoding != "" {
		req.Header.Set("Content-Type", inputEncoding)
	}
	req.Header.Set("Accept", "application/json")
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	var resp *http.Response
	if c.dpop != nil {
		resp, err = c.doDPoP(req)
	} else {
		resp, err = c.hc.Do(req)
	}
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e := &xrpcError{Status: resp.StatusCode, Header: resp.Header}
		if b, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10)); rerr == nil {
			_ = json.Unmarshal(b, e) // a body that is not XRPC JSON leaves the status to speak
		}
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("bluesky: read %s answer: %w", endpoint, err)
	}
	return nil
}

// encodeParams writes query parameters; a []string repeats its name, as
// XRPC array parameters are sent (getPosts?uris=a&uris=b).
func encodeParams(params map[string]any) string {
	v := url.Values{}
	for k, p := range params {
		if list, ok := p.([]string); ok {
			for _, x := range list {
				v.Add(k, x)
			}
			continue
		}
		v.Add(k, fmt.Sprint(p))
	}
	return v.Encode()
}

// client returns an XRPC client for service, authorized with bearer when
// it is not empty (an access token, or the refresh token for refreshSession).
func (p *Provider) client(service, bearer, did string) *session {
	return &session{did: did, xc: &xrpcClient{hc: p.opts.HTTPClient, host: strings.TrimRight(service, "/"), bearer: bearer, userAgent: p.opts.UserAgent}}
}

// session returns the signed-in client of a connected account.
func (p *Provider) session(acct provider.Account, op string) (*session, error) {
	tok := acct.Credentials[CredAccessJWT]
	if tok == "" || acct.RemoteID == "" {
		return nil, &provider.Error{Trait: provider.AuthExpired, Network: Network, Op: op, Message: "no Bluesky session is stored for this account; reconnect it"}
	}
	if acct.Credentials[CredDPoPKey] == "" {
		return p.client(p.service(acct), tok, acct.RemoteID), nil
	}
	ds, err := p.dpopSession(acct, op)
	if err != nil {
		return nil, err
	}
	s := p.client(p.service(acct), "", acct.RemoteID)
	s.xc.dpop = ds
	return s, nil
}

// errorCode returns the status, XRPC error name and message of err (zero
// values when err is not an XRPC error answer).
func errorCode(err error) (status int, code, msg string) {
	var xe *xrpcError
	if !errors.As(err, &xe) {
		return 0, "", ""
	}
	return xe.Status, xe.Code, xe.Message
}

// authCodes are XRPC error names that mean the credentials no longer work
// (the errors of the com.atproto.server lexicons, and what the PDS answers
// for a bad bearer token: 400 ExpiredToken, 400 InvalidToken), with a hint
// added to the network's message where it helps.
var authCodes = map[string]string{
	"ExpiredToken":           "the Bluesky session expired; Herald refreshes it with the stored refresh token, or reconnect the account",
	"InvalidToken":           "Bluesky no longer accepts this session; reconnect the account",
	"AuthenticationRequired": "",
	"AccountTakedown":        "",
	"AccountDeactivated":     "",
	"AuthMissing":            "",
}

// classify turns an SDK error into a provider.Error. write marks calls that
// may change the repo: when they fail after the request was sent, the
// outcome is unknown and the caller must not retry blindly.
func (s *session) classify(op string, write bool, err error) error {
	if err == nil {
		return nil
	}
	if pe := provider.AsError(err); pe != nil {
		return pe
	}
	status, code, msg := errorCode(err)
	if status == 0 {
		// No XRPC answer: a transport failure or a body that broke off.
		if write && httpclient.SentRequest(err) {
			return &provider.Error{Trait: provider.Unknown, Network: Network, Op: op, Err: err,
				Message: "the Bluesky server did not answer; the request may have been carried out"}
		}
		return &provider.Error{Trait: provider.Transient, Network: Network, Op: op, Err: err, Message: "could not reach the Bluesky server, or it did not answer"}
	}
	if msg == "" {
		msg = code
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	pe := &provider.Error{Network: Network, Op: op, Status: status, Message: msg, Err: err}
	hint, authCode := authCodes[code]
	switch {
	case status == http.StatusTooManyRequests || code == "RateLimitExceeded":
		pe.Trait, pe.RetryAfter = provider.RateLimited, retryAfter(err, time.Now())
	case status == http.StatusUnauthorized || authCode:
		pe.Trait = provider.AuthExpired
		if hint != "" {
			pe.Message = msg + " (" + hint + ")"
		}
	case status >= 500 && write:
		pe.Trait = provider.Unknown
	case status >= 500:
		pe.Trait = provider.Transient
	default:
		pe.Trait = provider.Permanent
	}
	return pe
}

// retryAfter reads how long to wait after a 429: Retry-After (seconds or
// an HTTP date), else the RateLimit-Reset Unix time Bluesky sends
// (https://docs.bsky.app/docs/advanced-guides/rate-limits), else a minute.
func retryAfter(err error, now time.Time) time.Duration {
	var h http.Header
	var xe *xrpcError
	if errors.As(err, &xe) {
		h = xe.Header
	}
	wait := time.Minute
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			wait = time.Duration(n) * time.Second
		} else if t, err := http.ParseTime(v); err == nil {
			wait = t.Sub(now)
		}
	} else if n, err := strconv.ParseInt(h.Get("RateLimit-Reset"), 10, 64); err == nil {
		wait = time.Unix(n, 0).Sub(now)
	}
	return max(wait, time.Second)
}

// isNoAppView reports whether err is a PDS saying it has no AppView to
// proxy app.bsky.* reads to (a self-hosted PDS without one answers
// 400 InvalidRequest "No service configured for app.bsky....").
func isNoAppView(err error) bool {
	_, code, msg := errorCode(err)
	return code == "InvalidRequest" && strings.HasPrefix(msg, "No service configured")
}

// isNotFound reports whether err is an XRPC RecordNotFound answer.
func isNotFound(err error) bool {
	_, code, _ := errorCode(err)
	return code == "RecordNotFound"
}

// jwtClaims are the claims Herald reads from a session token, without
// verifying it: only the PDS can, and Herald only needs the expiry and the
// scope.
type jwtClaims struct {
	Exp   int64  `json:"exp"`
	Scope string `json:"scope"`
	Sub   string `json:"sub"`
}

func parseJWT(tok string) (jwtClaims, error) {
	var c jwtClaims
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return c, fmt.Errorf("bluesky: session token is not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return c, fmt.Errorf("bluesky: session token payload: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("bluesky: session token claims: %w", err)
	}
	return c, nil
}

// expiry returns the access token's expiry, or the zero time when unknown.
func expiry(tok string) time.Time {
	c, err := parseJWT(tok)
	if err != nil || c.Exp == 0 {
		return time.Time{}
	}
	return time.Unix(c.Exp, 0).UTC()
}
