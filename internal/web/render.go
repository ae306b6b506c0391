package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"herald/internal/model"
)

//go:embed templates
var templateFS embed.FS

// pageTemplate is one page parsed together with the shared layout and
// partials; executing "root" renders the whole document.
type pageTemplate = *template.Template

// mustParsePages parses every file in templates/pages with the layout and
// partials, keyed by file name without ".html".
func mustParsePages(funcs template.FuncMap) map[string]pageTemplate {
	base := template.Must(template.New("root").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil || len(files) == 0 {
		panic("web: no page templates embedded")
	}
	pages := make(map[string]pageTemplate, len(files))
	for _, f := range files {
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, f))
		pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return pages
}

// page is the data of every rendered document: the shell (navigation,
// workspace switcher, flash messages) plus the page's own Data.
type page struct {
	Title       string // the document title, before " · Herald"
	Heading     string // the page's h1 when it differs from Title
	Section     string // the navigation entry to mark with aria-current
	Auth        bool   // the narrow sign-in layout without navigation
	User        model.User
	SignedIn    bool
	CSRF        string
	Flashes     []flash
	Memberships []model.Membership
	WS          *model.Membership // the workspace being looked at, if any
	Paused      *pauseBanner      // publishing pauses of WS, for the banner (pause_banner.go)
	Unread      int               // the visitor's unread notifications, for the bell
	Theme       string
	Form        *form
	Data        any
}

// form is the state of a submitted form: what was typed, and the messages
// to show next to fields (or above the form when no field is at fault).
type form struct {
	Values url.Values
	Errors map[string]string
	order  []string
	Notice string
}

func newForm(r *http.Request) *form {
	vals := url.Values{}
	if r.PostForm != nil {
		for k, v := range r.PostForm {
			if k != "csrf" && !strings.Contains(k, "password") {
				vals[k] = v
			}
		}
	}
	return &form{Values: vals, Errors: map[string]string{}}
}

// Val is what the visitor typed into a field (never a password).
func (f *form) Val(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Has reports whether a checkbox or multi-select value was submitted.
func (f *form) Has(name, value string) bool {
	if f == nil {
		return false
	}
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Err is the message for a field, if any.
func (f *form) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// add records a message for field, or for the whole form when field is "".
func (f *form) add(field, msg string) {
	msg = sentence(msg)
	if field == "" {
		f.Notice = msg
		return
	}
	if _, ok := f.Errors[field]; !ok {
		f.order = append(f.order, field)
	}
	f.Errors[field] = msg
}

// onlyFields moves messages about inputs the form does not have (the
// domain may name a field another surface has) to the notice above the
// form, so no message is lost or links to nothing.
func (f *form) onlyFields(names ...string) {
	for _, field := range append([]string(nil), f.order...) {
		known := false
		for _, n := range names {
			known = known || n == field
		}
		if known {
			continue
		}
		if f.Notice == "" {
			f.Notice = f.Errors[field]
		}
		delete(f.Errors, field)
		for i, o := range f.order {
			if o == field {
				f.order = append(f.order[:i], f.order[i+1:]...)
				break
			}
		}
	}
}

// fieldError is one entry of the error summary above a form.
type fieldError struct {
	Field, Msg string
}

// Summary lists field errors in the order they were found, for the error
// summary that links to each field.
func (f *form) Summary() []fieldError {
	if f == nil {
		return nil
	}
	out := make([]fieldError, 0, len(f.order))
	for _, k := range f.order {
		out = append(out, fieldError{Field: k, Msg: f.Errors[k]})
	}
	return out
}

// Failed reports whether the form has any message to show.
func (f *form) Failed() bool { return f != nil && (f.Notice != "" || len(f.Errors) > 0) }

// render writes a full page with status. Output is buffered so a template
// error becomes a clean 500 rather than half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, v *visit, status int, name string, p *page) {
	t, ok := h.pages[name]
	if !ok {
		h.log.Error("missing page template", "page", name)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	p.CSRF = v.csrf
	if p.Form == nil {
		p.Form = &form{Values: url.Values{}, Errors: map[string]string{}}
	}
	if p.Form.Values == nil {
		p.Form.Values = url.Values{}
	}
	if p.Form.Errors == nil {
		p.Form.Errors = map[string]string{}
	}
	p.User, p.SignedIn = v.user, v.signedIn
	p.Flashes = append(h.takeFlash(w, r), p.Flashes...)
	if c, err := r.Cookie(themeCookie); err == nil && (c.Value == "light" || c.Value == "dark") {
		p.Theme = c.Value
	}
	if v.signedIn && p.Memberships == nil && !p.Auth {
		ms, err := h.d.Workspaces.List(r.Context(), v.actor)
		if err != nil {
			h.log.Error("list workspaces for the switcher", "err", err)
		}
		p.Memberships = ms
	}
	if v.signedIn && !p.Auth && h.d.Notify != nil {
		n, err := h.d.Notify.Unread(r.Context(), v.actor)
		if err != nil {
			h.log.Warn("count unread notifications", "err", err)
		}
		p.Unread = n
	}
	if v.signedIn && p.WS != nil && p.Paused == nil {
		p.Paused = h.pauseBannerFor(r, v, p.WS)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "root", p); err != nil {
		h.log.Error("render page", "page", name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	// Pages can carry one-time secrets (tokens, recovery codes, links), so
	// nothing is kept by the browser or a proxy.
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// sentence starts a message with a capital letter: the domain writes its
// messages in lower case so they also read well inside other sentences.
func sentence(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	if r == utf8.RuneError {
		return msg
	}
	return string(unicode.ToUpper(r)) + msg[n:]
}
