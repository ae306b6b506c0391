package web

import (
	"net/http"
	"net/url"

	"herald/internal/model"
)

// loginData is what the sign-in pages need besides the form.
type loginData struct {
	Next string
}

// loginShow is the sign-in form. Before setup it sends to /setup; a signed
// in visitor goes straight on.
func (h *handler) loginShow(w http.ResponseWriter, r *http.Request, v *visit) {
	next := localPath(r.URL.Query().Get("next"))
	if v.signedIn {
		redirect(w, r, orHome(next))
		return
	}
	need, err := h.d.Accounts.SetupNeeded(r.Context())
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if need {
		redirect(w, r, "/setup")
		return
	}
	f := &form{Values: url.Values{}, Errors: map[string]string{}}
	if e := r.URL.Query().Get("email"); e != "" {
		f.Values.Set("email", e)
	}
	h.renderLogin(w, r, v, http.StatusOK, f, next)
}

func (h *handler) renderLogin(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, next string) {
	h.render(w, r, v, status, "login", &page{Title: "Sign in", Auth: true, Form: f, Data: loginData{Next: next}})
}

// loginCreate checks the password. With two-factor on, the new session is
// a pending one that only reaches /login/2fa.
func (h *handler) loginCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	next := localPath(r.PostForm.Get("next"))
	f := newForm(r)
	in, err := h.d.Accounts.SignIn(r.Context(), v.actor, r.PostForm.Get("email"), r.PostForm.Get("password"))
	if err != nil {
		if e := model.AsError(err); e != nil && e.Kind == model.KindUnauthorized {
			f.add("", e.Msg)
			h.renderLogin(w, r, v, http.StatusUnauthorized, f, next)
			return
		}
		h.formFail(w, r, v, err, f, func(status int) { h.renderLogin(w, r, v, status, f, next) })
		return
	}
	h.startSession(w, r, in.Token, in.Session.ExpiresAt)
	if in.NeedsTOTP {
		to := "/login/2fa"
		if next != "" {
			to += "?next=" + url.QueryEscape(next)
		}
		redirect(w, r, to)
		return
	}
	redirect(w, r, orHome(next))
}

func orHome(next string) string {
	if next == "" {
		return "/"
	}
	return next
}
