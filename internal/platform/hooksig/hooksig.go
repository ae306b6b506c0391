// Package hooksig signs and verifies Herald's outgoing webhook requests. The
// webhook channel (provider/webhook) and the workspace notification webhook
// (notify) send the same header, so receivers verify both with one routine:
//
//	Herald-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
// Example:
//
//	req.Header.Set(hooksig.Header, hooksig.Sign(secret, time.Now(), body))
//	...
//	if err := hooksig.Verify(secret, r.Header.Get(hooksig.Header), body, 0); err != nil { ... }
package hooksig

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Header is the name of the request header carrying the signature.
const Header = "Herald-Signature"

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock when Verify is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// Errors returned by Verify.
var (
	ErrNoSignature  = errors.New("webhook: missing or malformed Herald-Signature header")
	ErrBadSignature = errors.New("webhook: signature does not match")
	ErrTooOld       = errors.New("webhook: signature timestamp outside the tolerance")
)

// Sign returns the Herald-Signature header value for body sent at t.
// Signing the timestamp with the body stops an old request being replayed
// later.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a Herald-Signature header against the raw request body and
// the secret, and that its timestamp is within tolerance of now
// (DefaultTolerance when tolerance <= 0). The header may carry several v1
// values (while a secret is being rotated); one match is enough.
func Verify(secret, header string, body []byte, tolerance time.Duration) error {
	return VerifyAt(secret, header, body, tolerance, time.Now())
}

// VerifyAt is Verify with the receiver's clock given (tests, replays).
func VerifyAt(secret, header string, body []byte, tolerance time.Duration, now time.Time) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case !ok:
			return ErrNoSignature
		case k == "t":
			ts = v
		case k == "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrNoSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrTooOld
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		// hmac.Equal compares in constant time.
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return ErrBadSignature
}
