package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"herald/internal/model"
)

func TestLinksAPI(t *testing.T) {
	each(t, func(h *harness) {
		ctx := context.Background()
		owner := h.admin("owner@example.test")
		w, err := h.app.Workspaces.Create(ctx, actorOf(owner), "Links")
		if err != nil {
			t.Fatal(err)
		}
		tok := h.token(owner)
		base := "/api/v1/workspaces/" + w.ID
		r := h.do(http.MethodPost, base+"/links", tok, map[string]any{"url": "https://example.com/a", "campaign": "Launch"})
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		id, code := r.json["id"].(string), r.json["code"].(string)
		if !strings.Contains(r.json["url"].(string), "utm_campaign=Launch") || r.json["short_url"] != "http://herald.test/l/"+code {
			t.Fatalf("created %v", r.json)
		}
		if r := h.do(http.MethodPost, base+"/links", tok, map[string]any{"url": "ftp://example.com"}); r.status != http.StatusBadRequest {
			t.Fatalf("bad url: %d", r.status)
		}
		// The short link redirects through the whole stack and is counted.
		req, _ := http.NewRequest(http.MethodGet, h.url+"/l/"+code, nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 Firefox/128.0")
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), "https://example.com/a?") {
			t.Fatalf("redirect: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if err := h.app.Links.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		r = h.do(http.MethodGet, base+"/links/"+id+"/stats", tok, nil)
		if r.status != http.StatusOK || r.json["human"].(float64) != 1 {
			t.Fatalf("stats: %d %s", r.status, r.body)
		}
		h.do(http.MethodPost, base+"/links", tok, map[string]any{"url": "https://example.com/b"})
		r = h.do(http.MethodGet, base+"/links?limit=1", tok, nil)
		if r.status != http.StatusOK || len(r.json["data"].([]any)) != 1 || r.json["next_cursor"] == nil {
			t.Fatalf("page 1: %d %s", r.status, r.body)
		}
		r = h.do(http.MethodGet, base+"/links?limit=1&cursor="+r.json["next_cursor"].(string), tok, nil)
		if r.status != http.StatusOK || len(r.json["data"].([]any)) != 1 || r.json["next_cursor"] != nil {
			t.Fatalf("page 2: %d %s", r.status, r.body)
		}
		r = h.do(http.MethodPatch, base+"/links/"+id, tok, map[string]any{"url": "https://example.org/"})
		if r.status != http.StatusOK || r.json["url"] != "https://example.org/" {
			t.Fatalf("update: %d %s", r.status, r.body)
		}
		r = h.do(http.MethodPut, base+"/utm-presets", tok, map[string]any{"presets": []any{
			map[string]any{"scope": "workspace", "params": map[string]any{"medium": "herald"}}}})
		if r.status != http.StatusOK || len(r.json["presets"].([]any)) != 1 {
			t.Fatalf("put presets: %d %s", r.status, r.body)
		}
		if r := h.do(http.MethodGet, base+"/utm-presets", tok, nil); r.status != http.StatusOK {
			t.Fatalf("get presets: %d", r.status)
		}
		if r := h.do(http.MethodGet, base+"/link-preview?url=http://127.0.0.1:1/", tok, nil); r.status != http.StatusBadRequest {
			t.Fatalf("preview of a private address: %d %s", r.status, r.body)
		}
		// A read-only token cannot write; a viewer cannot create.
		ro := h.token(owner, model.ScopeLinksRead)
		if r := h.do(http.MethodDelete, base+"/links/"+id, ro, nil); r.status != http.StatusForbidden {
			t.Fatalf("delete with links:read: %d", r.status)
		}
		if r := h.do(http.MethodDelete, base+"/links/"+id, tok, nil); r.status != http.StatusNoContent {
			t.Fatalf("delete: %d", r.status)
		}
		if r := h.do(http.MethodGet, base+"/links/"+id, tok, nil); r.status != http.StatusNotFound {
			t.Fatalf("get after delete: %d", r.status)
		}
	})
}
