package web

import (
	"net/http"
)

// oauthClientMetadata serves Herald's OAuth client metadata document for a
// network that identifies clients by its URL (Bluesky's atproto OAuth: the
// authorization server fetches it when someone signs in).
func (h *handler) oauthClientMetadata(w http.ResponseWriter, r *http.Request, v *visit) {
	doc, err := h.d.Channels.ClientMetadata(r.PathValue("network"))
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(doc)
}
