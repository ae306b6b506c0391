package web

import (
	"net/http"
)

// invitationRevoke cancels a pending invitation.
func (h *handler) invitationRevoke(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	if err := h.d.Workspaces.RevokeInvitation(r.Context(), v.actor, m.Workspace.ID, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The invitation is revoked; its link no longer works.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/members")
}
