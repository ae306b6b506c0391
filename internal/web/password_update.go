package web

import (
	"net/http"
)

// passwordUpdate changes the password after checking the current one; the
// domain signs out every other session, and this one stays.
func (h *handler) passwordUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	f := newForm(r)
	f.Values.Set("name", v.user.Name)
	err := h.d.Accounts.ChangePassword(r.Context(), v.actor, v.sess.ID, r.PostForm.Get("current_password"), r.PostForm.Get("new_password"))
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderAccount(w, r, v, status, f) })
		return
	}
	h.setFlash(w, r, "success", "Your password is changed. Every other session of your account was signed out.")
	redirect(w, r, "/account")
}
