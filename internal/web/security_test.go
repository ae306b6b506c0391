package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herald/internal/config"
)

func TestCSRFRejected(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	good := c.csrf()
	cases := map[string]url.Values{
		"missing token": {"name": {"Acme"}},
		"wrong token":   {"name": {"Acme"}, "csrf": {strings.Repeat("0", len(good))}},
		"empty token":   {"name": {"Acme"}, "csrf": {""}},
	}
	for name, vals := range cases {
		t.Run(name, func(t *testing.T) {
			p := c.postRaw("/workspaces", vals.Encode(), nil)
			wantStatus(t, p, http.StatusForbidden)
			mustContain(t, p, "This form has expired", "Reload the page")
		})
	}
	t.Run("token of another browser", func(t *testing.T) {
		other := e.client()
		p := c.postRaw("/workspaces", url.Values{"name": {"Acme"}, "csrf": {other.csrf()}}.Encode(), nil)
		wantStatus(t, p, http.StatusForbidden)
	})
	t.Run("no cookie", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(url.Values{"email": {"owner@example.test"}, "password": {testPassword}, "csrf": {good}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("cross-site request", func(t *testing.T) {
		h := http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}
		p := c.postRaw("/workspaces", url.Values{"name": {"Acme"}, "csrf": {good}}.Encode(), h)
		wantStatus(t, p, http.StatusForbidden)
		mustContain(t, p, "sent from another site")
	})
	t.Run("header token accepted", func(t *testing.T) {
		p := c.postRaw("/workspaces", url.Values{"name": {"Acme"}}.Encode(), http.Header{"X-Csrf-Token": {good}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/w/") {
			t.Fatalf("status %d location %q, want a redirect to the new workspace", p.status, p.location())
		}
	})
	t.Run("same-origin browser request", func(t *testing.T) {
		h := http.Header{"Sec-Fetch-Site": {"same-origin"}, "Origin": {e.srv.URL}}
		p := c.postRaw("/workspaces", url.Values{"name": {"Beta"}, "csrf": {good}}.Encode(), h)
		wantStatus(t, p, http.StatusSeeOther)
	})
}

func TestEveryFormCarriesCSRF(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	formRe := regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*>.*?</form>`)
	for _, path := range []string{"/workspaces", "/w/" + w.ID, "/w/" + w.ID + "/members", "/w/" + w.ID + "/settings",
		"/account", "/account/security", "/account/tokens", "/admin/users", "/admin/mail"} {
		p := c.open(path)
		wantStatus(t, p, http.StatusOK)
		forms := formRe.FindAllString(p.body, -1)
		if len(forms) == 0 {
			t.Errorf("%s has no post form", path)
		}
		for _, f := range forms {
			if !strings.Contains(f, `name="csrf" value="`+c.csrf()+`"`) {
				t.Errorf("%s: a form lacks the csrf field: %.200s", path, f)
			}
		}
	}
}

func TestOversizeBody(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.MaxBodyBytes = 4096 })
	c := e.owner()
	body := url.Values{"csrf": {c.csrf()}, "name": {strings.Repeat("x", 10000)}}.Encode()
	p := c.postRaw("/workspaces", body, nil)
	wantStatus(t, p, http.StatusRequestEntityTooLarge)
	mustContain(t, p, "Too much data", "4 KB")
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	p := c.get("/setup")
	wantStatus(t, p, http.StatusOK)
	csp := p.header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin", "Cache-Control": "no-store"} {
		if got := p.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if strings.Contains(p.body, "<script>") || strings.Contains(p.body, "style=") || strings.Contains(p.body, "<style") || regexp.MustCompile(`\son[a-z]+=`).MatchString(p.body) {
		t.Error("a page has inline script or style, which the CSP blocks")
	}
	csrf := cookie(p, "herald_csrf")
	if csrf == nil || !csrf.HttpOnly || csrf.SameSite != http.SameSiteStrictMode || csrf.Path != "/" || csrf.Secure {
		t.Errorf("herald_csrf cookie: %+v", csrf)
	}

	p = c.post("/setup", url.Values{"name": {"Olivia"}, "email": {"owner@example.test"}, "password": {testPassword}})
	sess := cookie(p, "herald_session")
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" || sess.Secure {
		t.Fatalf("herald_session cookie: %+v", sess)
	}

	// Behind a TLS-terminating proxy the cookies are Secure.
	tls := e.client()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/login", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	p = tls.do(req)
	if ck := cookie(p, "herald_csrf"); ck == nil || !ck.Secure {
		t.Errorf("herald_csrf over https: %+v", ck)
	}
	req, _ = http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(url.Values{"email": {"owner@example.test"}, "password": {testPassword}, "csrf": {tls.csrf()}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	p = tls.do(req)
	if ck := cookie(p, "herald_session"); ck == nil || !ck.Secure {
		t.Errorf("herald_session over https: %+v", ck)
	}
}

func TestSessionRotatesAtSignIn(t *testing.T) {
	e := newEnv(t)
	e.owner()
	c := e.client()
	first := cookie(c.signIn("owner@example.test", testPassword), "herald_session")
	second := cookie(c.signIn("owner@example.test", testPassword), "herald_session")
	if first == nil || second == nil || first.Value == second.Value {
		t.Fatal("signing in again did not issue a new session token")
	}
}

func cookie(p page, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestStaticAssets(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	p := c.open("/login")
	for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[0-9a-f]{12}/[a-z]+\.(?:css|js|svg))"`).FindAllStringSubmatch(p.body, -1) {
		a := c.get(m[1])
		wantStatus(t, a, http.StatusOK)
		if cc := a.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s Cache-Control %q", m[1], cc)
		}
		if strings.HasSuffix(m[1], ".js") && !strings.HasPrefix(a.header.Get("Content-Type"), "text/javascript") {
			t.Errorf("%s Content-Type %q", m[1], a.header.Get("Content-Type"))
		}
	}
	if !strings.Contains(p.body, `<script type="module" src="/static/`) {
		t.Error("the page script is not an ES module from /static")
	}
	if p := c.get("/static/000000000000/app.css"); p.status != http.StatusOK || p.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stale hash: %d %q", p.status, p.header.Get("Cache-Control"))
	}
	if p := c.get("/static/000000000000/nope.css"); p.status != http.StatusNotFound {
		t.Errorf("unknown asset: %d", p.status)
	}
}

func TestNotFoundAndMalformedIDs(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	for _, path := range []string{"/nope", "/w/not-an-id", "/w/" + strings.ToUpper(w.ID) + "x", "/w/01hzzzzzzzzzzzzzzzzzzzzzzz/members"} {
		p := c.get(path)
		wantStatus(t, p, http.StatusNotFound)
		mustContain(t, p, "Not found")
	}
	for _, path := range []string{"/w/" + w.ID + "/members/bogus/role", "/w/" + w.ID + "/members/bogus/remove",
		"/w/" + w.ID + "/invitations/bogus/revoke", "/account/sessions/bogus/revoke", "/account/tokens/bogus/revoke",
		"/admin/users/bogus/reset-link", "/w/bogus/archive"} {
		p := c.post(path, url.Values{"role": {"viewer"}})
		wantStatus(t, p, http.StatusNotFound)
	}
}

func TestInternalErrorsStayInside(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	e.a.Store.Close() // every query now fails with a driver error
	p := c.get("/workspaces")
	wantStatus(t, p, http.StatusInternalServerError)
	mustContain(t, p, "Something went wrong")
	for _, leak := range []string{"sql", "database is closed", "store:"} {
		if strings.Contains(strings.ToLower(text(p.body)), leak) {
			t.Errorf("the 500 page leaks %q", leak)
		}
	}
	if n := strings.Count(e.logs.String(), "request failed"); n != 1 {
		t.Errorf("the failure was logged %d times, want once:\n%s", n, e.logs.String())
	}
}

func TestThemeCookie(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	u, _ := url.Parse(e.srv.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "herald_theme", Value: "dark"}})
	if p := c.open("/login"); !strings.Contains(p.body, `<html lang="en" data-theme="dark">`) {
		t.Error("the dark theme cookie is not applied")
	}
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "herald_theme", Value: `"><script>`}})
	if p := c.open("/login"); !strings.Contains(p.body, `<html lang="en">`) {
		t.Error("a bogus theme cookie reaches the page")
	}
}
