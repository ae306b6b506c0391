package web

import "net/http"

// postPages registers the posts list, history, ideas board, pillars,
// templates, hashtag groups and CSV import pages.
func (h *handler) postPages(mux *http.ServeMux, route routeFunc) {
}
