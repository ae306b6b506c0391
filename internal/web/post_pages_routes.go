package web

import "net/http"

// postPages registers the posts list, history, ideas board, pillars,
// templates, hashtag groups and CSV import pages. The import posts go
// through importGuard instead of wrap: they are multipart bodies larger
// than the form limit, whose CSRF field wrap cannot read.
func (h *handler) postPages(mux *http.ServeMux, route routeFunc) {
	route("GET /w/{ws}/posts", signedIn, h.postList)
	route("GET /w/{ws}/posts/export", signedIn, h.postExport)
	route("POST /w/{ws}/posts/{id}/delete", signedIn, h.postDelete)
	route("GET /w/{ws}/posts/{id}/history", signedIn, h.postHistory)
	route("POST /w/{ws}/posts/{id}/restore", signedIn, h.postRestore)

	route("GET /w/{ws}/posts/import", signedIn, h.importShow)
	mux.Handle("POST /w/{ws}/posts/import", h.importGuard(false, h.importCreate))
	mux.Handle("POST /w/{ws}/posts/import/run", h.importGuard(true, h.importStream))

	route("GET /w/{ws}/ideas", signedIn, h.ideaList)
	route("POST /w/{ws}/ideas", signedIn, h.ideaCreate)
	route("POST /w/{ws}/ideas/{id}", signedIn, h.ideaUpdate)
	route("POST /w/{ws}/ideas/{id}/delete", signedIn, h.ideaDelete)
	route("POST /w/{ws}/ideas/{id}/draft", signedIn, h.ideaDraft)

	route("GET /w/{ws}/settings/pillars", signedIn, h.pillarList)
	route("POST /w/{ws}/settings/pillars", signedIn, h.pillarCreate)
	route("POST /w/{ws}/settings/pillars/{id}", signedIn, h.pillarUpdate)
	route("POST /w/{ws}/settings/pillars/{id}/delete", signedIn, h.pillarDelete)

	route("GET /w/{ws}/settings/snippets", signedIn, h.snippetList)
	route("POST /w/{ws}/settings/snippets", signedIn, h.snippetCreate)
	route("POST /w/{ws}/settings/snippets/{id}", signedIn, h.snippetUpdate)
	route("POST /w/{ws}/settings/snippets/{id}/delete", signedIn, h.snippetDelete)
}
