package web

import (
	"net/http"
)

// resetData carries the token back into the form's action URL.
type resetData struct {
	Token string
}

// passwordResetShow offers a new-password form for a valid reset link.
func (h *handler) passwordResetShow(w http.ResponseWriter, r *http.Request, v *visit) {
	token := r.PathValue("token")
	ok, err := h.d.Accounts.ResetTokenValid(r.Context(), token)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !ok {
		h.resetLinkDead(w, r, v)
		return
	}
	h.renderReset(w, r, v, http.StatusOK, &form{}, token)
}

func (h *handler) renderReset(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, token string) {
	h.render(w, r, v, status, "password_reset", &page{Title: "Choose a new password", Auth: !v.signedIn, Form: f, Data: resetData{Token: token}})
}

func (h *handler) resetLinkDead(w http.ResponseWriter, r *http.Request, v *visit) {
	h.errorPage(w, r, v, errorData{Status: http.StatusNotFound, Heading: "This link no longer works",
		Message: "This reset link is invalid, was used already or has expired (links last an hour). Ask for a new one.",
		Back:    "/password/forgot", BackTxt: "Ask for a new link"})
}

// passwordResetUpdate sets the new password; the domain signs out every
// session of the account, so the visitor signs in again.
func (h *handler) passwordResetUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	token := r.PathValue("token")
	f := newForm(r)
	err := h.d.Accounts.ResetPassword(r.Context(), v.actor, token, r.PostForm.Get("password"))
	if err != nil {
		if kindNotFound(err) {
			h.resetLinkDead(w, r, v)
			return
		}
		h.formFail(w, r, v, err, f, func(status int) { h.renderReset(w, r, v, status, f, token) })
		return
	}
	h.clearCookie(w, r, sessionCookie)
	h.setFlash(w, r, "success", "Your password is changed. Sign in with the new one.")
	redirect(w, r, "/login")
}
