package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"herald/internal/model"
	"herald/internal/platform/httpx"
	"herald/internal/platform/ids"
)

// Cookie names. The session cookie carries the domain's session token; the
// CSRF cookie is a random value the form tokens are derived from; the
// workspace cookie remembers the last workspace for "/".
const (
	sessionCookie   = "herald_session"
	csrfCookie      = "herald_csrf"
	workspaceCookie = "herald_ws"
	flashCookie     = "herald_flash"
	themeCookie     = "herald_theme"
)

// visit is what the UI knows about the person behind one request.
type visit struct {
	user     model.User
	sess     model.Session
	signedIn bool   // a full session
	pending  bool   // password accepted, second factor still missing
	csrf     string // the token every form of this response carries
	actor    model.Actor
}

// begin loads the session and the CSRF cookie for a request. It returns
// false when it already answered (the session store failed).
func (h *handler) begin(w http.ResponseWriter, r *http.Request) (*visit, bool) {
	v := &visit{}
	v.csrf = h.csrfToken(w, r)
	v.actor = model.Actor{IP: httpx.ClientIP(r, h.d.TrustProxy), UserAgent: r.UserAgent(), Via: "web"}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return v, true
	}
	sess, u, err := h.d.Accounts.Session(r.Context(), c.Value)
	if err != nil {
		if model.KindOf(err) == model.KindInternal {
			h.fail(w, r, v, err)
			return v, false
		}
		h.clearCookie(w, r, sessionCookie) // ended or expired: forget it
		return v, true
	}
	v.user, v.sess = u, sess
	v.signedIn = sess.Stage == model.StageFull
	v.pending = sess.Stage == model.StageMFA
	if v.signedIn {
		v.actor.UserID, v.actor.Email, v.actor.IsAdmin = u.ID, u.Email, u.IsAdmin
	}
	return v, true
}

// setCookie writes an HttpOnly cookie for the whole site, Secure when the
// request came over TLS.
func (h *handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, expires time.Time, sameSite http.SameSite) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: sameSite, Secure: httpx.Secure(r, h.d.TrustProxy)}
	if !expires.IsZero() {
		c.Expires = expires.UTC()
		c.MaxAge = int(time.Until(expires).Seconds())
		if c.MaxAge <= 0 {
			c.MaxAge = -1
		}
	}
	http.SetCookie(w, c)
}

func (h *handler) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: httpx.Secure(r, h.d.TrustProxy)})
}

// startSession puts a fresh session token (issued by the domain at every
// sign-in step, so the token rotates) into the session cookie.
func (h *handler) startSession(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	h.setCookie(w, r, sessionCookie, token, expires, http.SameSiteLaxMode)
}

// rememberWorkspace keeps the last opened workspace for the "/" redirect.
func (h *handler) rememberWorkspace(w http.ResponseWriter, r *http.Request, id string) {
	if c, err := r.Cookie(workspaceCookie); err == nil && c.Value == id {
		return
	}
	h.setCookie(w, r, workspaceCookie, id, time.Now().AddDate(1, 0, 0), http.SameSiteLaxMode)
}

func lastWorkspace(r *http.Request) string {
	c, err := r.Cookie(workspaceCookie)
	if err != nil || !ids.Valid(c.Value) {
		return ""
	}
	return c.Value
}

// localPath accepts only a path on this site for "next" redirects, so a
// crafted link cannot bounce a freshly signed-in user to another site.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return u.RequestURI()
}

// loginURL sends a signed-out visitor to the sign-in page and back here.
func loginURL(r *http.Request) string {
	if r.Method != http.MethodGet || r.URL.Path == "/" {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(r.URL.RequestURI())
}

// redirect answers a form post or a guarded page with 303 See Other, so
// the browser follows with a GET and a reload does not post again.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}
