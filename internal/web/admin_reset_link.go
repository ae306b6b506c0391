package web

import (
	"net/http"
)

// adminResetLinkCreate makes a password reset link for a user and shows it
// once, for the administrator to hand over (the way back in when e-mail is
// not set up).
func (h *handler) adminResetLinkCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	id, ok := h.pathID(w, r, v, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	u, err := h.d.Accounts.User(ctx, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	link, err := h.d.Accounts.AdminResetLink(ctx, v.actor, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.renderUsers(w, r, v, http.StatusOK, usersData{ResetFor: &u, ResetLink: link})
}
