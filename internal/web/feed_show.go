package web

import (
	"net/http"
)

// feedShow serves a feed channel's RSS or Atom document to feed readers.
// It needs no sign-in: whoever has the address may subscribe.
func (h *handler) feedShow(w http.ResponseWriter, r *http.Request, v *visit) {
	doc, mediaType, err := h.d.Channels.Feed(r.Context(), r.PathValue("id"), r.PathValue("format"))
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(doc)
}
