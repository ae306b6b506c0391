package web

import "net/http"

// composeRoutes registers the compose pages.
func (h *handler) composeRoutes(mux *http.ServeMux, route routeFunc) {
}
