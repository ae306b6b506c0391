package api_test

import (
	"net/http"
	"testing"
)

// TestProblemShape checks the RFC 9457 members on answers from every layer:
// the router, the authenticator, the decoder and the domain.
func TestProblemShape(t *testing.T) {
	each(t, func(h *harness) {
		tok := h.token(h.admin("ada@example.com"))
		for _, tc := range []struct {
			r      response
			path   string
			status int
			allow  string
		}{
			{h.do(http.MethodGet, "/api/v1/nope", tok, nil), "/api/v1/nope", 404, ""},
			{h.do(http.MethodPut, "/api/v1/workspaces", tok, nil), "/api/v1/workspaces", 405, "GET, HEAD, POST"},
			{h.do(http.MethodGet, "/api/v1/me", "", nil), "/api/v1/me", 401, ""},
			{h.do(http.MethodPost, "/api/v1/workspaces", tok, raw("{")), "/api/v1/workspaces", 400, ""},
			{h.do(http.MethodGet, "/api/v1/workspaces/01jq3v6m2k8x9c0d4e5f6g7h8j", tok, nil), "/api/v1/workspaces/01jq3v6m2k8x9c0d4e5f6g7h8j", 404, ""},
		} {
			r := tc.r.want(t, tc.status)
			if r.header.Get("Content-Type") != "application/problem+json" || r.str("instance") != tc.path ||
				r.json["status"] != float64(tc.status) || r.str("title") == "" || r.str("detail") == "" || r.str("type") == "" {
				t.Errorf("%s: %s", tc.path, r.body)
			}
			if r.header.Get("Allow") != tc.allow {
				t.Errorf("%s: Allow %q", tc.path, r.header.Get("Allow"))
			}
		}
	})
}
