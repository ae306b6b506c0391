package web

import "net/http"

// composerRoutes registers the composer: the editor page and the endpoints
// its script calls while the writer types.
func (h *handler) composerRoutes(mux *http.ServeMux, route routeFunc) {
}
