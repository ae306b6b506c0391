package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"herald/internal/model"
)

// mailData is the mail settings page.
type mailData struct {
	Configured  bool
	HasPassword bool
	TestTo      string
	TestOK      bool
	TestError   string
}

// adminMailShow shows the SMTP settings; the stored password is never sent
// back to the browser, only whether one is set.
func (h *handler) adminMailShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderMail(w, r, v, http.StatusOK, nil, mailData{})
}

func (h *handler) renderMail(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, d mailData) {
	cur, err := h.d.Mail.Settings(r.Context())
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d.Configured, d.HasPassword = cur.Configured(), cur.Password != ""
	if f == nil {
		f = &form{Values: url.Values{}, Errors: map[string]string{}}
		f.Values.Set("host", cur.Host)
		if cur.Port > 0 {
			f.Values.Set("port", strconv.Itoa(cur.Port))
		}
		f.Values.Set("username", cur.Username)
		f.Values.Set("from", cur.From)
		f.Values.Set("tls", cur.TLS)
		if cur.TLS == "" {
			f.Values.Set("tls", "starttls")
		}
	}
	h.render(w, r, v, status, "admin_mail", &page{Title: "E-mail", Section: "admin-mail", Form: f, Data: d})
}

// adminMailUpdate saves the SMTP settings; a blank password keeps the
// stored one.
func (h *handler) adminMailUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	f := newForm(r)
	p := r.PostForm
	port, err := strconv.Atoi(strings.TrimSpace(p.Get("port")))
	if err != nil {
		port = 0 // the domain names the field and the allowed range
	}
	ms := model.MailSettings{Host: strings.TrimSpace(p.Get("host")), Port: port, Username: strings.TrimSpace(p.Get("username")),
		Password: p.Get("password"), From: strings.TrimSpace(p.Get("from")), TLS: p.Get("tls")}
	if err := h.d.Mail.SaveSettings(r.Context(), v.actor, ms); err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderMail(w, r, v, status, f, mailData{}) })
		return
	}
	h.setFlash(w, r, "success", "Mail settings are saved. Send a test e-mail to check them.")
	redirect(w, r, "/admin/mail")
}

// adminMailTest sends a test message to the administrator now and shows the
// mail server's exact answer when it fails: administrators need it to fix
// the settings, and it carries no secrets.
func (h *handler) adminMailTest(w http.ResponseWriter, r *http.Request, v *visit) {
	d := mailData{TestTo: v.user.Email}
	err := h.d.Mail.SendTest(r.Context(), v.actor)
	status := http.StatusOK
	switch model.KindOf(err) {
	case model.KindInternal:
		if err != nil {
			// The test ran and the answer is the page's content, so 200.
			h.log.Warn("test e-mail failed", "err", err)
			d.TestError = err.Error()
		} else {
			d.TestOK = true
		}
	case model.KindConflict, model.KindInvalid:
		d.TestError = sentence(messageOf(err))
		status = http.StatusConflict
	default:
		h.fail(w, r, v, err)
		return
	}
	h.renderMail(w, r, v, status, nil, d)
}
