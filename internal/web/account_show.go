package web

import (
	"net/http"
	"net/url"

	"herald/internal/model"
	"herald/internal/notify"
)

// accountShow is the profile page: display name, password change and what
// Herald e-mails.
func (h *handler) accountShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderAccount(w, r, v, http.StatusOK, &form{Values: url.Values{"name": {v.user.Name}}, Errors: map[string]string{}})
}

func (h *handler) renderAccount(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	d := &accountData{}
	modes, err := h.d.Notify.Prefs(r.Context(), v.actor)
	if err != nil {
		h.log.Warn("load notification preferences", "user", v.actor.UserID, "err", err)
	}
	for _, k := range notify.Kinds {
		d.Mail = append(d.Mail, mailChoice{Kind: string(k.Kind), Label: k.Label, Mode: modes[k.Kind]})
	}
	h.render(w, r, v, status, "account", &page{Title: "Your account", Section: "account", Form: f, Data: d})
}

// accountData is the account page's notification e-mail section.
type accountData struct{ Mail []mailChoice }

// mailChoice is one kind of notification and how it is e-mailed.
type mailChoice struct{ Kind, Label, Mode string }

// notificationPrefsUpdate saves how each kind of notification is e-mailed.
func (h *handler) notificationPrefsUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	modes := map[model.NotificationKind]string{}
	for _, k := range notify.Kinds {
		if m := r.PostForm.Get(string(k.Kind)); m != "" {
			modes[k.Kind] = m
		}
	}
	if err := h.d.Notify.SetPrefs(r.Context(), v.actor, modes); err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderAccount(w, r, v, status, f) })
		return
	}
	h.setFlash(w, r, "success", "Your notification e-mail settings are saved.")
	redirect(w, r, "/account")
}
