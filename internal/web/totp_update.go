package web

import (
	"net/http"
)

// totpBegin starts two-factor enrolment: a new secret shown as a QR code
// and as text, waiting for a code to confirm.
func (h *handler) totpBegin(w http.ResponseWriter, r *http.Request, v *visit) {
	if _, err := h.d.Accounts.BeginTOTP(r.Context(), v.actor); err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderSecurity(w, r, v, status, f, nil) })
		return
	}
	redirect(w, r, "/account/security#two-factor")
}

// totpConfirm turns two-factor on once a code from the app matches, and
// shows the new recovery codes this one time.
func (h *handler) totpConfirm(w http.ResponseWriter, r *http.Request, v *visit) {
	f := newForm(r)
	codes, err := h.d.Accounts.ConfirmTOTP(r.Context(), v.actor, r.PostForm.Get("code"))
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderSecurity(w, r, v, status, f, nil) })
		return
	}
	h.renderSecurity(w, r, v, http.StatusOK, &form{}, codes)
}

// totpDisable turns two-factor off after checking the password.
func (h *handler) totpDisable(w http.ResponseWriter, r *http.Request, v *visit) {
	f := newForm(r)
	if err := h.d.Accounts.DisableTOTP(r.Context(), v.actor, r.PostForm.Get("password")); err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderSecurity(w, r, v, status, f, nil) })
		return
	}
	h.setFlash(w, r, "success", "Two-factor sign-in is off. Your recovery codes no longer work.")
	redirect(w, r, "/account/security")
}

// recoveryRegenerate replaces the recovery codes and shows the new ones once.
func (h *handler) recoveryRegenerate(w http.ResponseWriter, r *http.Request, v *visit) {
	codes, err := h.d.Accounts.RegenerateRecoveryCodes(r.Context(), v.actor)
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderSecurity(w, r, v, status, f, nil) })
		return
	}
	h.renderSecurity(w, r, v, http.StatusOK, &form{}, codes)
}
