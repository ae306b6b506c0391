package web

import (
	"net/http"
)

// workspaceList shows the visitor's workspaces with their role in each,
// and the form to create one.
func (h *handler) workspaceList(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderWorkspaces(w, r, v, http.StatusOK, &form{})
}

func (h *handler) renderWorkspaces(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	ms, err := h.d.Workspaces.List(r.Context(), v.actor)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.render(w, r, v, status, "workspaces", &page{Title: "Workspaces", Section: "workspaces", Memberships: ms, Form: f})
}
