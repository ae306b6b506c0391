package web

import (
	"net/http"
)

// workspaceArchive archives the workspace (Owners only; the domain checks).
func (h *handler) workspaceArchive(w http.ResponseWriter, r *http.Request, v *visit) {
	h.setArchived(w, r, v, true)
}

// workspaceRestore brings an archived workspace back.
func (h *handler) workspaceRestore(w http.ResponseWriter, r *http.Request, v *visit) {
	h.setArchived(w, r, v, false)
}

func (h *handler) setArchived(w http.ResponseWriter, r *http.Request, v *visit, archived bool) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Workspaces.SetArchived(r.Context(), v.actor, m.Workspace.ID, archived); err != nil {
		h.fail(w, r, v, err)
		return
	}
	msg := m.Workspace.Name + " is restored."
	if archived {
		msg = m.Workspace.Name + " is archived. Members can still open it; restore it to invite people again."
	}
	h.setFlash(w, r, "success", msg)
	redirect(w, r, "/w/"+m.Workspace.ID)
}
