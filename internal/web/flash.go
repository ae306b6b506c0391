package web

import (
	"crypto/hmac"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// flash is a one-time message shown on the page after a redirect.
type flash struct {
	Kind string // "success", "info", "warning" or "error"
	Text string
}

// setFlash stores a message for the next page. It is signed so another
// site sharing the parent domain cannot plant text in Herald's pages.
func (h *handler) setFlash(w http.ResponseWriter, r *http.Request, kind, text string) {
	payload := base64.RawURLEncoding.EncodeToString([]byte(kind + "\x00" + text))
	h.setCookie(w, r, flashCookie, payload+"."+h.d.Box.MAC("flash", payload), time.Now().Add(5*time.Minute), http.SameSiteLaxMode)
}

// takeFlash reads and clears the pending message, if any.
func (h *handler) takeFlash(w http.ResponseWriter, r *http.Request) []flash {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	h.clearCookie(w, r, flashCookie)
	payload, mac, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(h.d.Box.MAC("flash", payload))) {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil
	}
	kind, text, ok := strings.Cut(string(raw), "\x00")
	if !ok || text == "" {
		return nil
	}
	switch kind {
	case "success", "info", "warning", "error":
	default:
		kind = "info"
	}
	return []flash{{Kind: kind, Text: text}}
}
