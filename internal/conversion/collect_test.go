package conversion_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"herald/internal/config"
	"herald/internal/testenv"
)

// collect posts to the snippet endpoint as a page on origin would.
func (f *fixture) collect(t *testing.T, h http.Handler, method, site, origin, body string) (*httptest.ResponseRecorder, map[string]string) {
	t.Helper()
	req := httptest.NewRequest(method, "/c/collect?site="+site, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Origin", origin)
	req.RemoteAddr = "203.0.113.7:4000"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	out := map[string]string{}
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec, out
}

func TestCollectFromSnippet(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		f := newFixture(t, cfg)
		f.a.Conversions.CollectPerMinute = 4
		st := f.enable(t, 7)
		h := f.a.Conversions.Collector(false)
		shop := "https://shop.example"

		rec, _ := f.collect(t, h, http.MethodOptions, st.SiteKey, shop, "")
		if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != shop {
			t.Fatalf("preflight: %d %v", rec.Code, rec.Header())
		}
		// A click ID Herald does not know is kept as unattributed, not dropped.
		rec, out := f.collect(t, h, http.MethodPost, st.SiteKey, shop, `{"event_id":"o-1","click_id":"0123456789abcdef-9"}`)
		if rec.Code != http.StatusCreated || out["attribution"] != "none" || out["reason"] != "unknown click ID" {
			t.Fatalf("unknown click: %d %v", rec.Code, out)
		}
		if rec, out = f.collect(t, h, http.MethodPost, "hs_nobody", shop, `{"event_id":"o-2"}`); rec.Code != http.StatusNotFound {
			t.Fatalf("unknown site: %d %v", rec.Code, out)
		}
		if rec, out = f.collect(t, h, http.MethodPost, st.SiteKey, shop, `{"event_id":"o-3","secret":"x"}`); rec.Code != http.StatusBadRequest || out["field"] != "body" {
			t.Fatalf("unknown field: %d %v", rec.Code, out)
		}
		if rec, _ = f.collect(t, h, http.MethodGet, st.SiteKey, shop, ""); rec.Code != http.StatusMethodNotAllowed {
			t.Fatalf("GET: %d", rec.Code)
		}
		// Four calls a minute from one address (GET was refused before counting): the next is refused.
		if rec, out = f.collect(t, h, http.MethodPost, st.SiteKey, shop, `{"event_id":"o-4"}`); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("rate limit: %d %v", rec.Code, out)
		}
	})
}

func TestSnippetServed(t *testing.T) {
	f := newFixture(t, testenv.SQLite(t))
	h := f.a.Conversions.Snippet()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/c.js", nil))
	etag := rec.Header().Get("ETag")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") || etag == "" ||
		!strings.Contains(rec.Body.String(), "hclid") || !strings.Contains(rec.Header().Get("Cache-Control"), "max-age") {
		t.Fatalf("c.js: %d %v", rec.Code, rec.Header())
	}
	req := httptest.NewRequest(http.MethodGet, "/c.js", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Fatalf("revalidation: %d", rec.Code)
	}
}
