package api_test

import (
	"net/http"
	"strings"
	"testing"

	"herald/internal/model"
	"herald/internal/store"
)

// Competitors through the API: every answer fits the schema; a handle
// that names no account, an unknown network and a second follow are
// problems naming the field; the first read fills the comparison, with
// numbers a network does not give as null; read-only tokens and viewers
// change nothing; removal forgets the account.
func TestCompetitorsAPI(t *testing.T) {
	each(t, func(h *harness) {
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws + "/competitors"

		h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "handle": "nobody"}).wantProblem(t, 400, "validation", "handle")
		h.do(http.MethodPost, base, tok, map[string]any{"network": "myspace", "handle": "x"}).wantProblem(t, 400, "validation", "network")
		h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "handle": "x", "colour": "red"}).want(t, 400)
		r := h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "handle": "@rival", "label": "direct"}).want(t, 201)
		id := r.str("id")
		if r.header.Get("Location") != base+"/"+id || r.str("handle") != "@rival" || r.json["refreshed_at"] != nil || r.json["last_error"] != nil {
			t.Fatalf("created: %s", r.body)
		}
		r = h.do(http.MethodPost, base, tok, map[string]any{"network": "fake", "handle": "rival"}).want(t, 409)
		if !strings.Contains(string(r.body), "already follows @rival") {
			t.Fatalf("duplicate: %s", r.body)
		}
		if list, _ := h.do(http.MethodGet, base, tok, nil).want(t, 200).list(); len(list) != 1 {
			t.Fatalf("list %v", list)
		}
		r = h.do(http.MethodPost, base+"/"+id+"/refresh", tok, nil).want(t, 200)
		if r.json["refreshed_at"] == nil {
			t.Fatalf("after refresh: %s", r.body)
		}
		r = h.do(http.MethodGet, base+"/comparison", tok, nil).want(t, 200)
		rows := r.json["data"].([]any)
		if len(rows) != 1 {
			t.Fatalf("comparison: %s", r.body)
		}
		row := rows[0].(map[string]any)
		if row["kind"] != "competitor" || row["followers"] == nil || row["engagements_per_post"] == nil || row["follower_growth"] != float64(0) {
			t.Fatalf("row: %v", row)
		}
		h.do(http.MethodGet, base+"/comparison?from=yesterday", tok, nil).wantProblem(t, 400, "validation", "from")
		h.do(http.MethodGet, base+"/comparison?from=2026-03-01&to=2026-02-01", tok, nil).wantProblem(t, 400, "validation", "from")

		readOnly := h.token(ada, model.ScopePostsRead)
		h.do(http.MethodGet, base+"/"+id, readOnly, nil).want(t, 200)
		h.do(http.MethodDelete, base+"/"+id, readOnly, nil).want(t, 403)
		bob := h.user("bob@example.com")
		if err := h.app.Store.InTx(t.Context(), func(tx *store.Tx) error {
			return tx.AddMember(t.Context(), ws, bob.ID, model.RoleViewer, ada.CreatedAt)
		}); err != nil {
			t.Fatal(err)
		}
		bobTok := h.token(bob)
		h.do(http.MethodGet, base+"/comparison", bobTok, nil).want(t, 200)
		h.do(http.MethodPost, base+"/"+id+"/refresh", bobTok, nil).want(t, 403)

		h.do(http.MethodDelete, base+"/"+id, tok, nil).want(t, 204)
		h.do(http.MethodGet, base+"/"+id, tok, nil).want(t, 404)
		h.do(http.MethodGet, base+"/not-an-id", tok, nil).want(t, 404)
	})
}
