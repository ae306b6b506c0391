package web

import (
	"net/http"
)

// logoutCreate ends the session (full or pending) and clears the cookie.
// An optional local "next" lets the invitation page sign out and return.
func (h *handler) logoutCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	if v.sess.ID != "" {
		a := v.actor
		a.UserID, a.Email = v.user.ID, v.user.Email
		if err := h.d.Accounts.SignOut(r.Context(), a, v.sess); err != nil {
			h.fail(w, r, v, err)
			return
		}
	}
	h.clearCookie(w, r, sessionCookie)
	h.setFlash(w, r, "success", "You are signed out.")
	if next := localPath(r.PostForm.Get("next")); next != "" {
		redirect(w, r, next)
		return
	}
	redirect(w, r, "/login")
}
