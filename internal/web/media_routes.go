package web

import "net/http"

// mediaRoutes registers the media pages.
func (h *handler) mediaRoutes(mux *http.ServeMux, route routeFunc) {
}
