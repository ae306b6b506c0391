package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"herald/internal/config"
	"herald/internal/links"
)

// TestShortDomainHost checks the short-link domain (HERALD_SHORT_URL): on
// that host /{code} redirects, and nothing else of Herald answers there.
func TestShortDomainHost(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.ShortURL = "https://hrld.test" })
	c := e.owner()
	ws := e.workspace("owner@example.test", "Acme")
	l, err := e.a.Links.Create(context.Background(), e.actor("owner@example.test"), ws.ID, links.NewLink{URL: "https://example.com/target"})
	if err != nil {
		t.Fatal(err)
	}
	// The pages show the short domain's URL.
	p := c.open("/w/" + ws.ID + "/links")
	if !strings.Contains(p.body, `value="https://hrld.test/`+l.Code+`"`) {
		t.Errorf("the list does not show the short domain's URL")
	}

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(host, path string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
		req.Host = host
		req.Header.Set("User-Agent", "Mozilla/5.0 Firefox/128.0")
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := get("hrld.test", "/"+l.Code)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != l.URL {
		t.Fatalf("short domain /{code}: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := get("HRLD.test", "/"+l.Code); resp.StatusCode != http.StatusFound {
		t.Errorf("the host is not matched case-insensitively: %d", resp.StatusCode)
	}
	// Herald's pages, API, assets and its own /l/ path do not answer on the
	// short domain: a code-shaped miss is all anyone finds there.
	for _, path := range []string{"/", "/login", "/setup", "/w/" + ws.ID + "/links", "/api/v1/me", "/healthz", "/l/" + l.Code, "/" + l.Code + "/x", "/AAAAAAAAAA"} {
		if resp := get("hrld.test", path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("short domain %s: status %d, want 404", path, resp.StatusCode)
		}
	}
	// Other verbs get no further than the redirect handler.
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader("email=x"))
	req.Host = "hrld.test"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := noFollow.Do(req); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST on the short domain: %d", resp.StatusCode)
	}
	// The app's own host still serves /l/{code} and its pages.
	if resp := get(strings.TrimPrefix(e.srv.URL, "http://"), "/l/"+l.Code); resp.StatusCode != http.StatusFound {
		t.Errorf("/l/{code} on the app's host: %d", resp.StatusCode)
	}
	wantStatus(t, c.get("/login"), http.StatusSeeOther) // signed in: sent on
}
