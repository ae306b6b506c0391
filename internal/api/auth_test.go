package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/internal/model"
)

func TestAuthentication(t *testing.T) {
	each(t, func(h *harness) {
		u := h.admin("ada@example.com")
		good := h.token(u, model.ScopeAccountRead)

		r := h.do(http.MethodGet, "/api/v1/me", "", nil).wantProblem(t, 401, "unauthorized", "")
		if got := r.header.Get("WWW-Authenticate"); got != `Bearer realm="herald"` {
			t.Errorf("WWW-Authenticate %q", got)
		}
		for name, header := range map[string]string{
			"basic":        "Basic YWRhOnB3",
			"empty bearer": "Bearer ",
			"not herald":   "Bearer abcdef",
			"unknown":      "Bearer hrld_doesnotexist",
		} {
			r := h.do(http.MethodGet, "/api/v1/me", "", nil, "Authorization", header).wantProblem(t, 401, "unauthorized", "")
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s: WWW-Authenticate %q", name, r.header.Get("WWW-Authenticate"))
			}
		}

		expired := h.tokenFor(u, time.Millisecond, model.ScopeAccountRead)
		time.Sleep(5 * time.Millisecond)
		r = h.do(http.MethodGet, "/api/v1/me", expired, nil).wantProblem(t, 401, "unauthorized", "")
		if !strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) || !strings.Contains(r.str("detail"), "expired") {
			t.Errorf("expired token: %s %s", r.header.Get("WWW-Authenticate"), r.body)
		}

		me := h.do(http.MethodGet, "/api/v1/me", good, nil).want(t, 200)
		tok := me.json["token"].(map[string]any)
		if me.str("id") != u.ID || me.str("email") != "ada@example.com" || me.json["is_admin"] != true ||
			len(tok["scopes"].([]any)) != 1 || tok["scopes"].([]any)[0] != "account:read" {
			t.Errorf("me: %s", me.body)
		}
		if strings.Contains(string(me.body), good) {
			t.Error("me echoes the token secret")
		}
		// Lower-case scheme works too (RFC 9110: schemes are case-insensitive).
		h.do(http.MethodGet, "/api/v1/me", "", nil, "Authorization", "bearer "+good).want(t, 200)

		// A revoked token stops working at once.
		tokens, err := h.app.Accounts.Tokens(context.Background(), actorOf(u))
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range tokens {
			if err := h.app.Accounts.RevokeToken(context.Background(), actorOf(u), tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		h.do(http.MethodGet, "/api/v1/me", good, nil).wantProblem(t, 401, "unauthorized", "")
	})
}

func TestScopes(t *testing.T) {
	each(t, func(h *harness) {
		admin := h.admin("ada@example.com")
		narrow := h.token(admin, model.ScopeAccountRead)

		r := h.do(http.MethodGet, "/api/v1/workspaces", narrow, nil).wantProblem(t, 403, "insufficient-scope", "")
		if r.str("scope") != "workspaces:read" || !strings.Contains(r.str("detail"), "workspaces:read") {
			t.Errorf("403 does not name the scope: %s", r.body)
		}
		if got := r.header.Get("WWW-Authenticate"); !strings.Contains(got, `error="insufficient_scope"`) || !strings.Contains(got, `scope="workspaces:read"`) {
			t.Errorf("WWW-Authenticate %q", got)
		}
		// The scope is checked before the body is read: no 415 for a scopeless token.
		h.do(http.MethodPost, "/api/v1/workspaces", narrow, raw("x"), "Content-Type", "text/plain").wantProblem(t, 403, "insufficient-scope", "")
		h.do(http.MethodGet, "/api/v1/tokens", narrow, nil).wantProblem(t, 403, "insufficient-scope", "")
		h.do(http.MethodGet, "/api/v1/audit", narrow, nil).wantProblem(t, 403, "insufficient-scope", "")

		// Scope granted, but the installation-admin check is the domain's.
		bob := h.user("bob@example.com")
		bobAll := h.token(bob)
		h.do(http.MethodGet, "/api/v1/system", bobAll, nil).wantProblem(t, 403, "forbidden", "")
		h.do(http.MethodGet, "/api/v1/audit", bobAll, nil).wantProblem(t, 403, "forbidden", "")
		h.do(http.MethodGet, "/api/v1/system", narrow, nil).want(t, 200)
	})
}
