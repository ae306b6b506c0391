package web

import "net/http"

// publishRoutes registers scheduling, the channel queues and pauses. The
// queue page itself (GET /w/{ws}/channels/{id}/queue) overlaps the channel
// connect pages, so routes.go registers it among the alternatives.
func (h *handler) publishRoutes(mux *http.ServeMux, route routeFunc) {
	route("POST /w/{ws}/posts/{id}/schedule", signedIn, h.scheduleCreate)
	route("POST /w/{ws}/posts/{id}/cancel", signedIn, h.scheduleCancel)
	route("POST /w/{ws}/posts/{id}/series", signedIn, h.seriesSave)

	route("POST /w/{ws}/channels/{id}/queue/slots", signedIn, h.queueSlots)
	route("POST /w/{ws}/channels/{id}/queue/order", signedIn, h.queueOrder)

	route("GET /w/{ws}/publishing", signedIn, h.publishingShow)
	route("POST /w/{ws}/pause", signedIn, h.pauseCreate)
	route("GET /w/{ws}/resume", signedIn, h.resumeShow)
	route("POST /w/{ws}/resume", signedIn, h.resumeCreate)
}
