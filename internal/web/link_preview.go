package web

import (
	"encoding/json"
	"net/http"

	"herald/internal/model"
)

// previewJSON is the composer's link-preview answer: the card, or an error
// message to show softly beside the link (it never blocks publishing).
type previewJSON struct {
	URL         string `json:"url,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Image       string `json:"image,omitempty"`
	SiteName    string `json:"site_name,omitempty"`
	Error       string `json:"error,omitempty"`
}

// linkPreview answers GET /w/{ws}/links/preview?url= with JSON for the
// composer's script. A page that gives no card is still 200, with error
// set; refusals keep their status (403, 404) with error set.
func (h *handler) linkPreview(w http.ResponseWriter, r *http.Request, v *visit) {
	p, err := h.d.Links.PreviewAs(r.Context(), v.actor, r.PathValue("ws"), r.URL.Query().Get("url"))
	status, out := http.StatusOK, previewJSON{URL: p.URL, Title: p.Title, Description: p.Description, Image: p.Image, SiteName: p.SiteName}
	if err != nil {
		out = previewJSON{Error: sentence(messageOf(err))}
		switch model.KindOf(err) {
		case model.KindInvalid:
		case model.KindForbidden:
			status = http.StatusForbidden
		case model.KindNotFound:
			status = http.StatusNotFound
		default:
			h.log.Error("link preview", "err", err)
			status, out.Error = http.StatusInternalServerError, "The preview could not be loaded; try again."
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}
