package web

import "net/http"

// composeRoutes registers the composer and the pages around posts.
func (h *handler) composeRoutes(mux *http.ServeMux, route routeFunc) {
	h.composerRoutes(mux, route)
	h.postPages(mux, route)
}
