package web

import (
	"net/http"
)

// forgotData tells the page whether e-mail works and what happened.
type forgotData struct {
	MailReady bool
	SentTo    string // set after a request was accepted
}

// passwordForgotShow asks for the address to send a reset link to, or says
// that this Herald cannot send e-mail.
func (h *handler) passwordForgotShow(w http.ResponseWriter, r *http.Request, v *visit) {
	d := forgotData{MailReady: h.d.Mail.Configured(r.Context())}
	h.renderForgot(w, r, v, http.StatusOK, &form{}, d)
}

func (h *handler) renderForgot(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, d forgotData) {
	h.render(w, r, v, status, "password_forgot", &page{Title: "Reset your password", Auth: !v.signedIn, Form: f, Data: d})
}

// passwordForgotCreate asks the domain to e-mail a reset link. The answer is
// the same whether or not the address has an account.
func (h *handler) passwordForgotCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	f := newForm(r)
	email := r.PostForm.Get("email")
	res, err := h.d.Accounts.RequestPasswordReset(r.Context(), v.actor, email)
	if err != nil {
		d := forgotData{MailReady: true}
		h.formFail(w, r, v, err, f, func(status int) { h.renderForgot(w, r, v, status, f, d) })
		return
	}
	d := forgotData{MailReady: res.Emailed}
	if res.Emailed {
		d.SentTo = f.Val("email")
	}
	h.renderForgot(w, r, v, http.StatusOK, f, d)
}
