package model

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies domain errors so every surface (UI, API, CLI) maps them the
// same way: to a status code, a form message or an exit code.
type Kind int

// Error kinds.
const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindForbidden
	KindUnauthorized
	KindConflict
	KindRateLimited
)

// Error is a domain error with a message that is safe to show to the user.
type Error struct {
	Kind       Kind
	Field      string // the input field at fault, when there is one
	Msg        string
	RetryAfter time.Duration // for KindRateLimited
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Msg
	}
	return e.Msg
}

// Invalid reports bad input in field.
func Invalid(field, format string, args ...any) error {
	return &Error{Kind: KindInvalid, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// NotFound reports a missing (or invisible) object.
func NotFound(format string, args ...any) error {
	return &Error{Kind: KindNotFound, Msg: fmt.Sprintf(format, args...)}
}

// Forbidden reports a permission the actor lacks.
func Forbidden(format string, args ...any) error {
	return &Error{Kind: KindForbidden, Msg: fmt.Sprintf(format, args...)}
}

// Unauthorized reports missing or wrong credentials.
func Unauthorized(format string, args ...any) error {
	return &Error{Kind: KindUnauthorized, Msg: fmt.Sprintf(format, args...)}
}

// Conflict reports a clash with existing state.
func Conflict(field, format string, args ...any) error {
	return &Error{Kind: KindConflict, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// RateLimited reports too many attempts; retry after d.
func RateLimited(d time.Duration, format string, args ...any) error {
	return &Error{Kind: KindRateLimited, Msg: fmt.Sprintf(format, args...), RetryAfter: d}
}

// AsError returns the domain error inside err, or nil for internal errors.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// KindOf classifies err; anything that is not a domain error is internal.
func KindOf(err error) Kind {
	if e := AsError(err); e != nil {
		return e.Kind
	}
	return KindInternal
}

// Actor is who performs an action and from where, for permission checks and
// the audit log.
type Actor struct {
	UserID    string
	Email     string
	IsAdmin   bool
	IP        string
	UserAgent string
	Via       string // "web", "api" or "cli"
}
