package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/internal/model"
)

func TestTokens(t *testing.T) {
	each(t, func(h *harness) {
		ada := h.admin("ada@example.com")
		tok := h.token(ada, model.ScopeTokensWrite, model.ScopeAccountRead, model.ScopeWorkspacesRead)

		r := h.do(http.MethodPost, "/api/v1/tokens", tok, map[string]any{"name": "reporting", "scopes": []string{"workspaces:read", "account:read"}}).want(t, 201)
		id, secret := r.str("id"), r.str("token")
		if !strings.HasPrefix(secret, "hrld_") || r.header.Get("Location") != "/api/v1/tokens/"+id || !strings.HasPrefix(secret, r.str("prefix")) {
			t.Fatalf("create: %v %s", r.header, r.body)
		}
		if scopes := r.json["scopes"].([]any); len(scopes) != 2 || scopes[0] != "account:read" || scopes[1] != "workspaces:read" {
			t.Errorf("scopes %v, want sorted", scopes)
		}
		exp, err := time.Parse(time.RFC3339, r.str("expires_at"))
		if err != nil || exp.Sub(time.Now()) < 89*24*time.Hour || exp.Sub(time.Now()) > 91*24*time.Hour {
			t.Errorf("default expiry %s, want 90 days", r.str("expires_at"))
		}
		// The new token works, with its own scopes.
		if me := h.do(http.MethodGet, "/api/v1/me", secret, nil).want(t, 200); me.json["token"].(map[string]any)["id"] != id {
			t.Errorf("me with new token: %s", me.body)
		}
		h.do(http.MethodGet, "/api/v1/tokens", secret, nil).wantProblem(t, 403, "insufficient-scope", "")

		r = h.do(http.MethodPost, "/api/v1/tokens", tok, map[string]any{"name": "forever", "scopes": []string{"account:read"}, "expires_in_days": 0}).want(t, 201)
		if r.json["expires_at"] != nil {
			t.Errorf("expires_in_days 0: %s", r.body)
		}
		items, _ := h.do(http.MethodGet, "/api/v1/tokens", tok, nil).want(t, 200).list()
		if len(items) != 3 {
			t.Fatalf("list: %v", items)
		}
		for _, it := range items {
			if _, leaked := it["token"]; leaked {
				t.Error("the list shows a secret")
			}
		}

		// No minting of broader tokens, and validation names the field.
		r = h.do(http.MethodPost, "/api/v1/tokens", tok, map[string]any{"name": "x", "scopes": []string{"members:write"}}).wantProblem(t, 403, "insufficient-scope", "")
		if r.str("scope") != "members:write" {
			t.Errorf("403 names %q", r.str("scope"))
		}
		h.do(http.MethodPost, "/api/v1/tokens", tok, map[string]any{"name": "x", "scopes": []string{"everything"}}).wantProblem(t, 400, "validation", "scopes")
		h.do(http.MethodPost, "/api/v1/tokens", tok, map[string]any{"name": "x", "scopes": []string{}}).wantProblem(t, 400, "validation", "scopes")
		h.do(http.MethodPost, "/api/v1/tokens", tok, map[string]any{"name": "", "scopes": []string{"account:read"}}).wantProblem(t, 400, "validation", "name")
		h.do(http.MethodPost, "/api/v1/tokens", tok, map[string]any{"name": "x", "scopes": []string{"account:read"}, "expires_in_days": -1}).wantProblem(t, 400, "validation", "expires_in_days")
		h.do(http.MethodPost, "/api/v1/tokens", tok, map[string]any{"name": "x", "scopes": []string{"account:read"}, "expires_in_days": 5000}).wantProblem(t, 400, "validation", "expires_in_days")

		h.do(http.MethodDelete, "/api/v1/tokens/"+id, tok, nil).want(t, 204)
		h.do(http.MethodGet, "/api/v1/me", secret, nil).wantProblem(t, 401, "unauthorized", "")
		h.do(http.MethodDelete, "/api/v1/tokens/"+id, tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodDelete, "/api/v1/tokens/xyz", tok, nil).wantProblem(t, 404, "not-found", "")
		// Someone else's token is not found either.
		bobTok := h.token(h.user("bob@example.com"))
		h.do(http.MethodDelete, "/api/v1/tokens/"+items[0]["id"].(string), bobTok, nil).wantProblem(t, 404, "not-found", "")
		if items, _ := h.do(http.MethodGet, "/api/v1/tokens", tok, nil).want(t, 200).list(); len(items) != 2 {
			t.Errorf("after revoke: %v", items)
		}
	})
}
