package web

import (
	"crypto/hmac"
	"net/http"
	"strings"
	"time"

	"herald/internal/model"
)

// mediaRoutes registers the media library: its pages, the file routes for
// members, the picker's JSON, the upload endpoints (behind their own guard,
// see uploadGuard) and the public signed-URL route networks fetch from.
func (h *handler) mediaRoutes(mux *http.ServeMux, route routeFunc) {
	route("GET /w/{ws}/media", signedIn, h.mediaList)
	route("GET /w/{ws}/media.json", signedIn, h.mediaJSON)
	route("POST /w/{ws}/media/policy", signedIn, h.mediaPolicy)
	route("GET /w/{ws}/media/{id}", signedIn, h.mediaShow)
	route("POST /w/{ws}/media/{id}", signedIn, h.mediaUpdate)
	route("POST /w/{ws}/media/{id}/delete", signedIn, h.mediaDelete)
	route("GET /w/{ws}/media/{id}/file", signedIn, h.mediaFile)
	route("GET /w/{ws}/media/{id}/thumb", signedIn, h.mediaThumb)
	mux.Handle("POST /w/{ws}/media/upload", h.uploadGuard(h.mediaUpload))
	mux.Handle("POST /w/{ws}/media-uploads", h.uploadGuard(h.uploadCreate))
	mux.Handle("GET /w/{ws}/media-uploads/{id}", h.uploadGuard(h.uploadState))
	mux.Handle("PATCH /w/{ws}/media-uploads/{id}", h.uploadGuard(h.uploadAppend))
	mux.Handle("DELETE /w/{ws}/media-uploads/{id}", h.uploadGuard(h.uploadCancel))
	route("GET /m/{id}", public, h.mediaPublic)
}

// uploadGuard stands in for wrap on the upload endpoints, which scripts
// call with large bodies and with PATCH and DELETE: wrap would cap the body
// at the form limit and checks only POSTs. It answers JSON, checks the
// session, and for every method but GET the origin and the CSRF header.
// Bodies are capped by the handlers (the media size cap, the chunk cap).
func (h *handler) uploadGuard(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := h.begin(w, r)
		if !ok {
			return
		}
		if !v.signedIn {
			writeJSON(w, http.StatusUnauthorized, jsonError{Error: "Your session has ended; sign in again and retry."})
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if h.cop.Check(r) != nil {
				writeJSON(w, http.StatusForbidden, jsonError{Error: "Cross-origin request refused."})
				return
			}
			c, err := r.Cookie(csrfCookie)
			sent := strings.TrimSpace(r.Header.Get("X-CSRF-Token"))
			if err != nil || !validCSRFCookie(c.Value) || sent == "" || !hmac.Equal([]byte(sent), []byte(h.d.Box.MAC("csrf", c.Value))) {
				writeJSON(w, http.StatusForbidden, jsonError{Error: "The security token is missing or old; reload the page and try again."})
				return
			}
		}
		fn(w, r, v)
	})
}

// mediaView is an asset as page scripts (the library and the composer's
// media picker) see it.
type mediaView struct {
	ID          string     `json:"id"`
	Filename    string     `json:"filename"`
	Title       string     `json:"title"`
	Kind        string     `json:"kind"`
	ContentType string     `json:"content_type"`
	Size        int64      `json:"size"`
	Width       int        `json:"width"`
	Height      int        `json:"height"`
	DurationMS  int64      `json:"duration_ms"`
	Alt         string     `json:"alt"`
	Tags        []string   `json:"tags"`
	Folder      string     `json:"folder"`
	ThumbURL    string     `json:"thumb_url"`
	FileURL     string     `json:"file_url"`
	PageURL     string     `json:"page_url"`
	Expired     bool       `json:"expired"`
	ExpiresAt   *time.Time `json:"expires_at"`
}

func viewMedia(m model.Media, now time.Time) mediaView {
	base := "/w/" + m.WorkspaceID + "/media/" + m.ID
	v := mediaView{ID: m.ID, Filename: m.Filename, Title: m.Title, Kind: string(m.Kind), ContentType: m.ContentType, Size: m.Size,
		Width: m.Width, Height: m.Height, DurationMS: m.DurationMS, Alt: m.Alt, Tags: m.Tags, Folder: m.Folder,
		FileURL: base + "/file", PageURL: base, Expired: m.Expired(now)}
	if m.ThumbKey != "" {
		v.ThumbURL = base + "/thumb"
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	if !m.ExpiresAt.IsZero() {
		t := m.ExpiresAt.UTC()
		v.ExpiresAt = &t
	}
	return v
}
