package web

import (
	"net/http"

	"herald/internal/account"
)

// setupShow is the first-run page; once anyone has an account it is closed
// and sends visitors to sign-in.
func (h *handler) setupShow(w http.ResponseWriter, r *http.Request, v *visit) {
	if !h.setupOpen(w, r, v) {
		return
	}
	h.renderSetup(w, r, v, http.StatusOK, &form{})
}

func (h *handler) renderSetup(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	h.render(w, r, v, status, "setup", &page{Title: "Set up Herald", Auth: true, Form: f})
}

// setupOpen reports whether first-run setup may run, redirecting otherwise.
func (h *handler) setupOpen(w http.ResponseWriter, r *http.Request, v *visit) bool {
	need, err := h.d.Accounts.SetupNeeded(r.Context())
	if err != nil {
		h.fail(w, r, v, err)
		return false
	}
	if !need {
		if !v.signedIn {
			h.setFlash(w, r, "info", "Herald is already set up. Sign in to continue.")
		}
		redirect(w, r, "/login")
		return false
	}
	return true
}

// setupCreate creates the installation owner and signs them in, then sends
// them to create a first workspace.
func (h *handler) setupCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	if !h.setupOpen(w, r, v) {
		return
	}
	f := newForm(r)
	nu := account.NewUser{Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"), Password: r.PostForm.Get("password")}
	u, err := h.d.Accounts.Setup(r.Context(), v.actor, nu)
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderSetup(w, r, v, status, f) })
		return
	}
	in, err := h.d.Accounts.SignIn(r.Context(), v.actor, u.Email, nu.Password)
	if err != nil {
		h.signInAfterCreateFailed(w, r, err, u.Email, "/workspaces")
		return
	}
	h.startSession(w, r, in.Token, in.Session.ExpiresAt)
	h.setFlash(w, r, "success", "Welcome to Herald, "+u.Name+". Create your first workspace to get started.")
	redirect(w, r, "/workspaces")
}
