package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// problemBase prefixes every problem type. The URIs are stable identifiers
// that clients may switch on; the OpenAPI document lists them.
const problemBase = "https://herald.dev/problems/"

// Problem types. Every error the API answers with has one of these.
const (
	typeValidation        = problemBase + "validation"             // 400: a field, parameter or header has a bad value
	typeMalformedBody     = problemBase + "malformed-body"         // 400: the body is not one JSON object
	typeUnauthorized      = problemBase + "unauthorized"           // 401
	typeInsufficientScope = problemBase + "insufficient-scope"     // 403: the token lacks the route's scope
	typeForbidden         = problemBase + "forbidden"              // 403: the role or account may not do this
	typeNotFound          = problemBase + "not-found"              // 404
	typeMethod            = problemBase + "method-not-allowed"     // 405
	typeConflict          = problemBase + "conflict"               // 409
	typeTooLarge          = problemBase + "payload-too-large"      // 413
	typeMediaType         = problemBase + "unsupported-media-type" // 415
	typeRateLimited       = problemBase + "rate-limited"           // 429
	typeInternal          = problemBase + "internal"               // 500
)

// fieldError names one input at fault and says what is wrong with it.
type fieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// problem is an RFC 9457 problem details object. It is also an error, so the
// decoder and the parameter parsers can return it up to the one writer.
type problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail"`
	Instance string       `json:"instance"`
	Errors   []fieldError `json:"errors,omitempty"`
	// Scope is the scope a token lacks (insufficient-scope only).
	Scope string `json:"scope,omitempty"`
	// Offset is the byte offset of a JSON syntax error (malformed-body only).
	Offset *int64 `json:"offset,omitempty"`
	// Options are the instants to choose from when a local time is skipped
	// or repeated by a clock change (schedule_create.go).
	Options []timeOption `json:"options,omitempty"`

	header map[string]string // response headers such as Allow or Retry-After
}

func (p *problem) Error() string { return p.Detail }

// withHeader returns p with a response header to send along.
func (p *problem) withHeader(name, value string) *problem {
	if p.header == nil {
		p.header = map[string]string{}
	}
	p.header[name] = value
	return p
}

func newProblem(status int, typ, title, format string, args ...any) *problem {
	return &problem{Type: typ, Title: title, Status: status, Detail: fmt.Sprintf(format, args...)}
}

// invalidField is a 400 validation problem about one named input.
func invalidField(field, format string, args ...any) *problem {
	detail := fmt.Sprintf(format, args...)
	p := newProblem(http.StatusBadRequest, typeValidation, "Invalid request", "%s: %s", field, detail)
	p.Errors = []fieldError{{Field: field, Detail: detail}}
	return p
}

// malformedBody is a 400 problem about the body as a whole.
func malformedBody(format string, args ...any) *problem {
	return newProblem(http.StatusBadRequest, typeMalformedBody, "Malformed request body", format, args...)
}

// notFound is the 404 for unknown routes and malformed or unknown path IDs.
func notFound(format string, args ...any) *problem {
	return newProblem(http.StatusNotFound, typeNotFound, "Not found", format, args...)
}

// bearerChallenge builds the WWW-Authenticate value of RFC 6750.
func bearerChallenge(params string) string {
	if params == "" {
		return `Bearer realm="herald"`
	}
	return `Bearer realm="herald", ` + params
}

// fromDomain maps a domain error to its problem. ok is false for internal
// errors, which the caller logs and hides.
func fromDomain(err error) (p *problem, ok bool) {
	e := model.AsError(err)
	if e == nil {
		return nil, false
	}
	switch e.Kind {
	case model.KindInvalid:
		p = newProblem(http.StatusBadRequest, typeValidation, "Invalid request", "%s", e.Error())
	case model.KindNotFound:
		p = newProblem(http.StatusNotFound, typeNotFound, "Not found", "%s", e.Msg)
	case model.KindForbidden:
		p = newProblem(http.StatusForbidden, typeForbidden, "Forbidden", "%s", e.Msg)
	case model.KindUnauthorized:
		p = newProblem(http.StatusUnauthorized, typeUnauthorized, "Unauthorized", "%s", e.Msg)
		p.withHeader("WWW-Authenticate", bearerChallenge(`error="invalid_token"`))
	case model.KindConflict:
		p = newProblem(http.StatusConflict, typeConflict, "Conflict", "%s", e.Error())
	case model.KindRateLimited:
		p = newProblem(http.StatusTooManyRequests, typeRateLimited, "Too many requests", "%s", e.Msg)
		secs := int64(math.Ceil(e.RetryAfter.Seconds()))
		if secs < 1 {
			secs = 1
		}
		p.withHeader("Retry-After", strconv.FormatInt(secs, 10))
	default:
		return nil, false
	}
	if e.Field != "" {
		p.Errors = []fieldError{{Field: e.Field, Detail: e.Msg}}
	}
	return p, true
}

// fail answers err as a problem. Internal errors are logged here, once, with
// a reference that the generic answer repeats so an operator can find the line.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var p *problem
	ok := errors.As(err, &p)
	if !ok {
		p, ok = fromDomain(err)
	}
	if !ok {
		ref := ids.New()
		level := slog.LevelError
		if r.Context().Err() != nil { // the client hung up mid-request: not a server fault
			level = slog.LevelDebug
		}
		s.log.Log(r.Context(), level, "api request failed", "method", r.Method, "path", r.URL.Path, "route", r.Pattern, "ref", ref, "err", err)
		p = newProblem(http.StatusInternalServerError, typeInternal, "Internal server error",
			"Something went wrong on the server. The error was logged with reference %s.", ref)
	}
	s.writeProblem(w, r, p)
}

func (s *server) writeProblem(w http.ResponseWriter, r *http.Request, p *problem) {
	out := *p
	out.Instance = r.URL.Path
	body, err := json.Marshal(out)
	if err != nil { // only plain strings and ints inside: cannot happen, but never send half a body
		s.log.Error("api encode problem", "err", err)
		body = []byte(`{"type":"` + typeInternal + `","title":"Internal server error","status":500}`)
		out.Status = http.StatusInternalServerError
	}
	h := w.Header()
	for k, v := range p.header {
		h.Set(k, v)
	}
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(out.Status)
	_, _ = w.Write(body)
}
