package api

import (
	"net/http"

	"herald/internal/model"
)

// postRoutes are the posts, ideas, pillars, templates, validation, import
// and export endpoints (openapi/posts.json). Literal segments (validate,
// split, import, export) win over {id} in the standard mux.
func (s *server) postRoutes() []route {
	const (
		get, post, patch, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
		create                = true
		read, write           = model.ScopePostsRead, model.ScopePostsWrite
		ws                    = "/api/v1/workspaces/{ws}"
	)
	return []route{
		{get, ws + "/posts", read, false, s.postList},
		{post, ws + "/posts", write, create, s.postCreate},
		{post, ws + "/posts/validate", read, false, s.postValidate},
		{post, ws + "/posts/split", read, false, s.postSplit},
		{post, ws + "/posts/import", write, false, s.postImport},
		{get, ws + "/posts/export", read, false, s.postExport},
		{get, ws + "/posts/{id}", read, false, s.postGet},
		{patch, ws + "/posts/{id}", write, false, s.postUpdate},
		{del, ws + "/posts/{id}", write, false, s.postDelete},
		{get, ws + "/posts/{id}/versions", read, false, s.postHistory},
		{post, ws + "/posts/{id}/restore", write, false, s.postRestore},
		{post, ws + "/posts/{id}/reset", write, false, s.postReset},

		{get, ws + "/pillars", read, false, s.pillarList},
		{post, ws + "/pillars", write, create, s.pillarCreate},
		{patch, ws + "/pillars/{id}", write, false, s.pillarUpdate},
		{del, ws + "/pillars/{id}", write, false, s.pillarDelete},

		{get, ws + "/ideas", read, false, s.ideaList},
		{post, ws + "/ideas", write, create, s.ideaCreate},
		{patch, ws + "/ideas/{id}", write, false, s.ideaUpdate},
		{del, ws + "/ideas/{id}", write, false, s.ideaDelete},
		{post, ws + "/ideas/{id}/draft", write, false, s.ideaDraft},

		{get, ws + "/snippets", read, false, s.snippetList},
		{post, ws + "/snippets", write, create, s.snippetCreate},
		{patch, ws + "/snippets/{id}", write, false, s.snippetUpdate},
		{del, ws + "/snippets/{id}", write, false, s.snippetDelete},
		{post, ws + "/snippets/{id}/expand", read, false, s.snippetExpand},
	}
}
