package web

import (
	"net/http"
)

// sessionRevoke signs out one of the visitor's sessions; revoking the
// current one signs this browser out.
func (h *handler) sessionRevoke(w http.ResponseWriter, r *http.Request, v *visit) {
	id, ok := h.pathID(w, r, v, "id")
	if !ok {
		return
	}
	if err := h.d.Accounts.RevokeSession(r.Context(), v.actor, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	if id == v.sess.ID {
		h.clearCookie(w, r, sessionCookie)
		h.setFlash(w, r, "success", "This browser is signed out.")
		redirect(w, r, "/login")
		return
	}
	h.setFlash(w, r, "success", "The session is signed out.")
	redirect(w, r, "/account/security#sessions")
}
