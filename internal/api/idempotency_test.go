package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestIdempotencyKey(t *testing.T) {
	each(t, func(h *harness) {
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		key := []string{"Idempotency-Key", "create-acme-1"}

		first := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}, key...).want(t, 201)
		again := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}, key...).want(t, 201)
		if again.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(first.body, again.body) ||
			again.header.Get("Location") != first.header.Get("Location") {
			t.Fatalf("replay: %v %s, first %s", again.header, again.body, first.body)
		}
		if items, _ := h.do(http.MethodGet, "/api/v1/workspaces", tok, nil).want(t, 200).list(); len(items) != 1 {
			t.Fatalf("a replay created a second workspace: %v", items)
		}
		// Same key, another request: a conflict naming the header.
		h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Other"}, key...).wantProblem(t, 409, "conflict", "Idempotency-Key")
		// Keys belong to one user: another user's identical key is new.
		bobTok := h.token(h.user("bob@example.com"))
		if r := h.do(http.MethodPost, "/api/v1/workspaces", bobTok, map[string]any{"name": "Acme"}, key...).want(t, 201); r.header.Get("Idempotent-Replayed") != "" {
			t.Error("another user's key replayed")
		}
		// A failed create is not remembered: fix the body, keep the key.
		retry := []string{"Idempotency-Key", "retry-after-fix"}
		h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": ""}, retry...).wantProblem(t, 400, "validation", "name")
		h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Fixed"}, retry...).want(t, 201)
		// Bad keys.
		h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "X"}, "Idempotency-Key", "").wantProblem(t, 400, "validation", "Idempotency-Key")
		h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "X"}, "Idempotency-Key", strings.Repeat("k", 256)).wantProblem(t, 400, "validation", "Idempotency-Key")

		// A token create replays its secret, which is sealed at rest.
		tkey := []string{"Idempotency-Key", "token-1"}
		body := map[string]any{"name": "ci", "scopes": []string{"account:read"}}
		t1 := h.do(http.MethodPost, "/api/v1/tokens", tok, body, tkey...).want(t, 201)
		t2 := h.do(http.MethodPost, "/api/v1/tokens", tok, body, tkey...).want(t, 201)
		if t1.str("token") == "" || t1.str("token") != t2.str("token") || t2.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("token replay: %s / %s", t1.body, t2.body)
		}
		rec, err := h.app.Store.Read().IdempotencyRecord(context.Background(), ada.ID, "token-1")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(rec.Body, t1.str("token")) || strings.Contains(rec.Body, "hrld_") {
			t.Error("the remembered answer holds the token secret in clear")
		}

		// Invitations honour the key too.
		ws := first.str("id")
		ikey := []string{"Idempotency-Key", "invite-bob"}
		inv := map[string]any{"email": "carol@example.com", "role": "viewer"}
		i1 := h.do(http.MethodPost, "/api/v1/workspaces/"+ws+"/invitations", tok, inv, ikey...).want(t, 201)
		i2 := h.do(http.MethodPost, "/api/v1/workspaces/"+ws+"/invitations", tok, inv, ikey...).want(t, 201)
		if i1.str("id") != i2.str("id") || i2.header.Get("Location") != i1.header.Get("Location") {
			t.Errorf("invitation replay: %s / %s", i1.body, i2.body)
		}
	})
}
