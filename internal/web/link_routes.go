package web

import "net/http"

// linkRoutes registers the link pages.
func (h *handler) linkRoutes(mux *http.ServeMux, route routeFunc) {
	route("GET /w/{ws}/links/preview", signedIn, h.linkPreview)
}
