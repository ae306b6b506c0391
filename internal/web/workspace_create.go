package web

import (
	"net/http"
)

// workspaceCreate makes a workspace with the visitor as its Owner.
func (h *handler) workspaceCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	f := newForm(r)
	ws, err := h.d.Workspaces.Create(r.Context(), v.actor, r.PostForm.Get("name"))
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderWorkspaces(w, r, v, status, f) })
		return
	}
	h.setFlash(w, r, "success", "Workspace "+ws.Name+" is ready. Invite your team from Members.")
	redirect(w, r, "/w/"+ws.ID)
}
