package webhook

import (
	"time"

	"herald/internal/platform/hooksig"
)

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock when Verify is given no tolerance.
const DefaultTolerance = hooksig.DefaultTolerance

// Errors returned by Verify. They are hooksig's, so receivers of both the
// channel's events and the workspace notification events compare with one set.
var (
	ErrNoSignature  = hooksig.ErrNoSignature
	ErrBadSignature = hooksig.ErrBadSignature
	ErrTooOld       = hooksig.ErrTooOld
)

// Sign returns the Herald-Signature header value for body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>". The scheme
// lives in platform/hooksig, shared with the workspace notification webhook.
func Sign(secret string, t time.Time, body []byte) string { return hooksig.Sign(secret, t, body) }

// Verify checks a Herald-Signature header against the raw request body and
// the channel's secret, and that its timestamp is within tolerance of now
// (DefaultTolerance when tolerance <= 0). The header may carry several v1
// values (while a secret is being rotated); one match is enough. Receivers
// call it before trusting a request, then drop event ids they have seen.
func Verify(secret, header string, body []byte, tolerance time.Duration) error {
	return hooksig.Verify(secret, header, body, tolerance)
}

func verifyAt(secret, header string, body []byte, tolerance time.Duration, now time.Time) error {
	return hooksig.VerifyAt(secret, header, body, tolerance, now)
}
