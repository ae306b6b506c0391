package web

import (
	"net/http"
)

// loginTOTPShow asks for the second factor of a pending sign-in.
func (h *handler) loginTOTPShow(w http.ResponseWriter, r *http.Request, v *visit) {
	next := localPath(r.URL.Query().Get("next"))
	if !h.pendingOnly(w, r, v, next) {
		return
	}
	h.renderLoginTOTP(w, r, v, http.StatusOK, &form{}, next)
}

func (h *handler) renderLoginTOTP(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, next string) {
	h.render(w, r, v, status, "login_2fa", &page{Title: "Two-factor sign-in", Auth: true, Form: f, Data: loginData{Next: next}})
}

// pendingOnly lets only a pending sign-in through: a full session goes on,
// and a visitor without one starts at the password step.
func (h *handler) pendingOnly(w http.ResponseWriter, r *http.Request, v *visit, next string) bool {
	switch {
	case v.signedIn:
		redirect(w, r, orHome(next))
		return false
	case !v.pending:
		h.setFlash(w, r, "info", "Sign in with your password first.")
		redirect(w, r, "/login")
		return false
	}
	return true
}

// loginTOTPVerify checks a TOTP or recovery code; the domain replaces the
// pending session with a new full one, so the cookie's token rotates.
func (h *handler) loginTOTPVerify(w http.ResponseWriter, r *http.Request, v *visit) {
	next := localPath(r.PostForm.Get("next"))
	if !h.pendingOnly(w, r, v, next) {
		return
	}
	f := newForm(r)
	token, sess, err := h.d.Accounts.VerifySecondFactor(r.Context(), v.actor, v.sess, r.PostForm.Get("code"))
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderLoginTOTP(w, r, v, status, f, next) })
		return
	}
	h.startSession(w, r, token, sess.ExpiresAt)
	redirect(w, r, orHome(next))
}
