package web

import (
	"net/http"

	"herald/internal/model"
)

// networkAppDelete removes one of a workspace's own network apps.
func (h *handler) networkAppDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.deleteApp(w, r, v, &m)
}

// adminNetworkAppDelete removes an installation-wide network app.
func (h *handler) adminNetworkAppDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	h.deleteApp(w, r, v, nil)
}

func (h *handler) deleteApp(w http.ResponseWriter, r *http.Request, v *visit, m *model.Membership) {
	id, ok := h.pathID(w, r, v, "id")
	if !ok {
		return
	}
	ws, back := "", "/admin/apps"
	if m != nil {
		ws, back = m.Workspace.ID, "/w/"+m.Workspace.ID+"/channels/apps"
	}
	if err := h.d.Channels.DeleteApp(r.Context(), v.actor, ws, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The app is deleted. Channels already connected keep their tokens, but connecting or reconnecting through this app no longer works.")
	redirect(w, r, back)
}
