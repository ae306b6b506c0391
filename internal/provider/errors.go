package provider

import (
	"errors"
	"fmt"
	"time"
)

// Trait classifies a network error so callers decide what to do without
// reading error strings.
type Trait int

// Error traits.
const (
	// Transient: nothing was sent or the network said "try again"; retry with backoff.
	Transient Trait = iota + 1
	// RateLimited: retry after RetryAfter.
	RateLimited
	// AuthExpired: credentials are expired or revoked; the channel needs reconnecting.
	AuthExpired
	// Permanent: the network refused this content or request; Message has its words.
	Permanent
	// Unknown: the request may have been carried out (timeout or reset after
	// sending); never retry blindly.
	Unknown
)

func (t Trait) String() string {
	switch t {
	case Transient:
		return "transient"
	case RateLimited:
		return "rate_limited"
	case AuthExpired:
		return "auth_expired"
	case Permanent:
		return "permanent"
	case Unknown:
		return "outcome_unknown"
	}
	return "internal"
}

// Error is a classified provider error.
type Error struct {
	Trait      Trait
	Network    Network
	Op         string        // e.g. "publish", "upload media"
	Message    string        // the network's own message, safe to show to the user
	Status     int           // HTTP status when there was one
	RetryAfter time.Duration // for RateLimited
	Err        error         // underlying cause, for logs
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s %s: %s", e.Network, e.Op, e.Trait)
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil && (e.Message == "" || e.Err.Error() != e.Message) {
		s += " (" + e.Err.Error() + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// TraitOf returns err's trait, or 0 when err is not classified.
func TraitOf(err error) Trait {
	var e *Error
	if errors.As(err, &e) {
		return e.Trait
	}
	return 0
}

// AsError returns the classified error inside err, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Errorf builds a classified error.
func Errorf(trait Trait, network Network, op string, cause error, format string, args ...any) *Error {
	return &Error{Trait: trait, Network: network, Op: op, Message: fmt.Sprintf(format, args...), Err: cause}
}
