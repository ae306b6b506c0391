package web

import (
	"net/http"
	"net/url"
	"strings"

	"herald/internal/workspace"
)

// inviteData is the invitation page: who is invited where, and which of
// the three ways to accept applies to this visitor.
type inviteData struct {
	Token    string
	View     workspace.InvitationView
	Path     string // this page, for "sign in and come back"
	LoginURL string
	SameUser bool // signed in as the invited address: one click to accept
	Other    bool // signed in as someone else
}

func (h *handler) inviteView(w http.ResponseWriter, r *http.Request, v *visit) (inviteData, bool) {
	token := r.PathValue("token")
	view, err := h.d.Workspaces.LookupInvitation(r.Context(), token)
	if err != nil {
		h.fail(w, r, v, err)
		return inviteData{}, false
	}
	path := "/invite/" + url.PathEscape(token)
	d := inviteData{Token: token, View: view, Path: path,
		LoginURL: "/login?next=" + url.QueryEscape(path) + "&email=" + url.QueryEscape(view.Invitation.Email)}
	if v.signedIn {
		d.SameUser = strings.EqualFold(v.user.Email, view.Invitation.Email)
		d.Other = !d.SameUser
	}
	return d, true
}

// inviteShow shows the invitation with the way to accept it.
func (h *handler) inviteShow(w http.ResponseWriter, r *http.Request, v *visit) {
	d, ok := h.inviteView(w, r, v)
	if !ok {
		return
	}
	h.renderInvite(w, r, v, http.StatusOK, &form{}, d)
}

func (h *handler) renderInvite(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, d inviteData) {
	h.render(w, r, v, status, "invite", &page{Title: "Join " + d.View.WorkspaceName, Auth: !v.signedIn, Form: f, Data: d})
}

// inviteAccept joins the workspace: as the signed-in invited user, or by
// creating the invited person's account and signing them in.
func (h *handler) inviteAccept(w http.ResponseWriter, r *http.Request, v *visit) {
	d, ok := h.inviteView(w, r, v)
	if !ok {
		return
	}
	ctx := r.Context()
	wsPath := "/w/" + d.View.Invitation.WorkspaceID
	if v.signedIn {
		if _, err := h.d.Workspaces.AcceptAsUser(ctx, v.actor, d.Token); err != nil {
			h.fail(w, r, v, err)
			return
		}
		h.setFlash(w, r, "success", "You joined "+d.View.WorkspaceName+" as "+d.View.Invitation.Role.Label()+".")
		redirect(w, r, wsPath)
		return
	}
	if d.View.UserExists {
		redirect(w, r, d.LoginURL)
		return
	}
	f := newForm(r)
	pw := r.PostForm.Get("password")
	u, err := h.d.Workspaces.AcceptWithNewAccount(ctx, h.d.Accounts, v.actor, d.Token, r.PostForm.Get("name"), pw)
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderInvite(w, r, v, status, f, d) })
		return
	}
	in, err := h.d.Accounts.SignIn(ctx, v.actor, u.Email, pw)
	if err != nil {
		h.signInAfterCreateFailed(w, r, err, u.Email, wsPath)
		return
	}
	h.startSession(w, r, in.Token, in.Session.ExpiresAt)
	h.setFlash(w, r, "success", "Welcome to "+d.View.WorkspaceName+". You joined as "+d.View.Invitation.Role.Label()+".")
	redirect(w, r, wsPath)
}

// signInAfterCreateFailed handles the rare case where an account was just
// made but the automatic sign-in did not work (for example the address hit
// the sign-in rate limit): the account stands, so send the person to sign in.
func (h *handler) signInAfterCreateFailed(w http.ResponseWriter, r *http.Request, err error, email, next string) {
	h.log.Warn("automatic sign-in after account creation failed", "err", err)
	h.setFlash(w, r, "info", "Your account is ready. Sign in to continue.")
	redirect(w, r, "/login?next="+url.QueryEscape(next)+"&email="+url.QueryEscape(email))
}
