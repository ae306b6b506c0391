package web

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"herald/internal/platform/secret"
)

// csrfToken returns the form token for this browser: a MAC of the random
// value in the CSRF cookie, which it creates when missing. A cross-site page
// can neither read the cookie (HttpOnly, SameSite=Strict) nor forge the MAC.
func (h *handler) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && validCSRFCookie(c.Value) {
		return h.d.Box.MAC("csrf", c.Value)
	}
	v := secret.Token()
	// A post without the cookie still fails its check (it reads the request's
	// cookies), and the error page it gets sets this cookie for the reload.
	h.setCookie(w, r, csrfCookie, v, time.Now().AddDate(1, 0, 0), http.SameSiteStrictMode)
	return h.d.Box.MAC("csrf", v)
}

func validCSRFCookie(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil && len(b) == 32
}

var (
	errCSRF        = errors.New("web: csrf token missing or wrong")
	errCrossOrigin = errors.New("web: cross-origin request refused")
	errTooLarge    = errors.New("web: request body too large")
	errBadForm     = errors.New("web: malformed form body")
)

// checkPost guards every state-changing request: it limits and parses the
// body, refuses cross-site requests and checks the CSRF token from the form
// field "csrf" or the X-CSRF-Token header.
func (h *handler) checkPost(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, h.d.MaxBody)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return errBadForm
	}
	if err := h.cop.Check(r); err != nil {
		return errCrossOrigin
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil || !validCSRFCookie(c.Value) {
		return errCSRF
	}
	sent := r.PostForm.Get("csrf")
	if sent == "" {
		sent = strings.TrimSpace(r.Header.Get("X-CSRF-Token"))
	}
	want := h.d.Box.MAC("csrf", c.Value)
	if sent == "" || !hmac.Equal([]byte(sent), []byte(want)) {
		return errCSRF
	}
	return nil
}
