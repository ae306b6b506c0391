package web

import "net/http"

// linkRoutes registers the tracked-link pages: the list with its create
// form, each link's statistics, and the workspace's UTM presets. The words
// "preview" and "presets" sit where a link ID goes; ServeMux picks the
// literal segment as the more specific pattern, so they do not clash.
func (h *handler) linkRoutes(mux *http.ServeMux, route routeFunc) {
	route("GET /w/{ws}/links", signedIn, h.linkList)
	route("POST /w/{ws}/links", signedIn, h.linkCreate)
	route("GET /w/{ws}/links/preview", signedIn, h.linkPreview)
	route("GET /w/{ws}/links/presets", signedIn, h.linkPresetsShow)
	route("POST /w/{ws}/links/presets", signedIn, h.linkPresetsSave)
	route("GET /w/{ws}/links/{id}", signedIn, h.linkShow)
	route("GET /w/{ws}/links/{id}/clicks.csv", signedIn, h.linkCSV)
	route("POST /w/{ws}/links/{id}", signedIn, h.linkUpdate)
	route("POST /w/{ws}/links/{id}/delete", signedIn, h.linkDelete)
}
