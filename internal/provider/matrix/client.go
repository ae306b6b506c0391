package matrix

import (
	"bytes"
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
)

// client makes Client-Server API calls for one account. Every call is a
// small typed request; the spec page of each endpoint is linked where it is
// called.
type client struct {
	hc      *http.Client
	base    string // homeserver base URL, no trailing slash
	token   string
	backoff time.Duration
	now     func() time.Time
}

// apiError is the standard error response body
// (https://spec.matrix.org/latest/client-server-api/#standard-error-response).
type apiError struct {
	ErrCode      string `json:"errcode"`
	Error        string `json:"error"`
	RetryAfterMS int64  `json:"retry_after_ms"` // M_LIMIT_EXCEEDED
	SoftLogout   bool   `json:"soft_logout"`    // M_UNKNOWN_TOKEN
}

// request describes one call. Write marks calls that change state: a
// transport failure after sending them leaves the outcome unknown.
type request struct {
	op          string
	method      string
	path        string // starting with /_matrix/
	query       url.Values
	body        any    // JSON body, or nil
	raw         []byte // raw body (media upload), with contentType
	contentType string
	write       bool
	noAuth      bool
}

// do runs r and decodes a 2xx JSON answer into out (when not nil); anything
// else becomes a classified provider.Error.
func (c *client) do(ctx context.Context, r request, out any) error {
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	switch {
	case r.raw != nil:
		body = bytes.NewReader(r.raw)
	case r.body != nil:
		b, err := json.Marshal(r.body)
		if err != nil {
			return fmt.Errorf("matrix: encode %s: %w", r.op, err)
		}
		body = bytes.NewReader(b)
	case r.method == http.MethodPost || r.method == http.MethodPut:
		// Every POST and PUT needs a JSON object body, even an empty one.
		body = strings.NewReader("{}")
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return &provider.Error{Trait: provider.Permanent, Network: Network, Op: r.op, Message: "invalid homeserver URL", Err: err}
	}
	switch {
	case r.raw != nil:
		req.Header.Set("Content-Type", r.contentType)
	case body != nil:
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if !r.noAuth && c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.transportError(r, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return c.transportError(r, err)
	}
	if resp.StatusCode/100 != 2 {
		return c.statusError(r, resp, data)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &provider.Error{Trait: provider.Transient, Network: Network, Op: r.op, Status: resp.StatusCode,
			Message: "the homeserver sent an answer that is not the expected JSON", Err: err}
	}
	return nil
}

// transportError: a write that may have reached the server is Unknown;
// everything else (reads, nothing sent) is Transient.
func (c *client) transportError(r request, err error) error {
	e := &provider.Error{Trait: provider.Transient, Network: Network, Op: r.op, Message: "the homeserver could not be reached", Err: err}
	if r.write && httpclient.SentRequest(err) {
		e.Trait, e.Message = provider.Unknown, "the connection failed after the request was sent; it may have been carried out"
	}
	return e
}

// statusError classifies an error response by its errcode and status.
func (c *client) statusError(r request, resp *http.Response, data []byte) error {
	var body apiError
	_ = json.Unmarshal(data, &body)
	e := &provider.Error{Network: Network, Op: r.op, Status: resp.StatusCode, Message: body.Error}
	if e.Message == "" {
		e.Message = body.ErrCode
	}
	if e.Message == "" {
		e.Message = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || body.ErrCode == "M_LIMIT_EXCEEDED":
		e.Trait = provider.RateLimited
		e.RetryAfter = c.retryAfter(resp.Header.Get("Retry-After"), body.RetryAfterMS)
	case resp.StatusCode == http.StatusUnauthorized || body.ErrCode == "M_UNKNOWN_TOKEN" || body.ErrCode == "M_MISSING_TOKEN" ||
		body.ErrCode == "M_USER_DEACTIVATED":
		e.Trait = provider.AuthExpired
	case resp.StatusCode >= 500:
		// The homeserver (or a proxy before it) failed: a write may or may
		// not have been applied.
		e.Trait = provider.Transient
		if r.write {
			e.Trait = provider.Unknown
		}
	default:
		e.Trait = provider.Permanent
	}
	if body.ErrCode != "" {
		e.Err = errCode(body.ErrCode)
	}
	return e
}

// retryAfter prefers the Retry-After header (spec v1.10+), then the body's
// retry_after_ms, then the configured backoff.
func (c *client) retryAfter(h string, ms int64) time.Duration {
	h = strings.TrimSpace(h)
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(c.now()) {
		return t.Sub(c.now())
	}
	if ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return c.backoff
}

// errCode is a Matrix errcode kept as the cause of a classified error.
type errCode string

func (e errCode) Error() string { return string(e) }

// errcode returns the Matrix errcode behind err, or "".
func errcode(err error) string {
	var c errCode
	if errors.As(err, &c) {
		return string(c)
	}
	return ""
}

// pathEscape escapes one path segment (room ids, aliases, event ids, user
// ids all carry sigils and colons).
func pathEscape(s string) string { return url.PathEscape(s) }

// event is a client event as /messages, /relations and /event return it
// (https://spec.matrix.org/latest/client-server-api/#room-event-format).
type event struct {
	EventID        string          `json:"event_id"`
	Type           string          `json:"type"`
	Sender         string          `json:"sender"`
	OriginServerTS int64           `json:"origin_server_ts"`
	RoomID         string          `json:"room_id"`
	Content        json.RawMessage `json:"content"`
	Redacts        string          `json:"redacts"`
	Unsigned       struct {
		RedactedBecause json.RawMessage `json:"redacted_because"`
	} `json:"unsigned"`
}

// content is the part of a message or reaction content Herald reads.
type content struct {
	MsgType   string `json:"msgtype"`
	Body      string `json:"body"`
	RelatesTo *struct {
		RelType       string `json:"rel_type"`
		EventID       string `json:"event_id"`
		Key           string `json:"key"`
		IsFallingBack bool   `json:"is_falling_back"`
		InReplyTo     *struct {
			EventID string `json:"event_id"`
		} `json:"m.in_reply_to"`
	} `json:"m.relates_to"`
	Mentions *struct {
		UserIDs []string `json:"user_ids"`
	} `json:"m.mentions"`
	NewContent *struct {
		Body string `json:"body"`
	} `json:"m.new_content"` // an edit's replacement (m.replace)
	HeraldKey     string `json:"org.herald.key"`
	HeraldSegment *int   `json:"org.herald.segment"`
	HeraldPart    *int   `json:"org.herald.part"`
}

func (e event) content() content {
	var c content
	_ = json.Unmarshal(e.Content, &c)
	return c
}

// redacted reports an event whose content a redaction removed.
func (e event) redacted() bool {
	return len(e.Unsigned.RedactedBecause) > 0 && string(e.Unsigned.RedactedBecause) != "null"
}

func (e event) time() time.Time { return time.UnixMilli(e.OriginServerTS).UTC() }
