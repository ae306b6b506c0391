package web

import (
	"net/http"
)

// memberRemove takes a member out of the workspace, or lets the visitor
// leave it.
func (h *handler) memberRemove(w http.ResponseWriter, r *http.Request, v *visit) {
	m, userID, ok := h.workspaceItem(w, r, v, "user")
	if !ok {
		return
	}
	f := newForm(r)
	if err := h.d.Workspaces.RemoveMember(r.Context(), v.actor, m.Workspace.ID, userID); err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.Errors, f.order = map[string]string{}, nil
			f.add("", messageOf(err))
			h.renderMembers(w, r, v, status, m, f, nil)
		})
		return
	}
	if userID == v.user.ID {
		h.setFlash(w, r, "success", "You left "+m.Workspace.Name+".")
		redirect(w, r, "/workspaces")
		return
	}
	h.setFlash(w, r, "success", "The member is removed.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/members")
}
