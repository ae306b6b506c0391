package web

import (
	"net/http"
)

// profileUpdate changes the display name.
func (h *handler) profileUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	f := newForm(r)
	if err := h.d.Accounts.UpdateProfile(r.Context(), v.actor, r.PostForm.Get("name")); err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderAccount(w, r, v, status, f) })
		return
	}
	h.setFlash(w, r, "success", "Your profile is saved.")
	redirect(w, r, "/account")
}
