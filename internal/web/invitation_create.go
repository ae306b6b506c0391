package web

import (
	"net/http"
)

// invitationCreate invites an address with a role. With e-mail set up the
// domain queues the message; without it the page shows the link to hand
// over, once, and says why.
func (h *handler) invitationCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := newForm(r)
	out, err := h.d.Workspaces.Invite(r.Context(), v.actor, m.Workspace.ID, r.PostForm.Get("email"), r.PostForm.Get("role"))
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderMembers(w, r, v, status, m, f, nil) })
		return
	}
	if out.Emailed {
		h.setFlash(w, r, "success", "Invitation e-mailed to "+out.Invitation.Email+" as "+out.Invitation.Role.Label()+". It is valid for 7 days.")
		redirect(w, r, "/w/"+m.Workspace.ID+"/members")
		return
	}
	h.renderMembers(w, r, v, http.StatusOK, m, &form{}, &out)
}
