package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"
)

// walk follows next_cursor from the first page and returns every item id,
// and how many pages it took.
func (h *harness) walk(path, token string, limit int) ([]string, int) {
	h.t.Helper()
	var ids []string
	cursor, pages := "", 0
	for {
		q := url.Values{"limit": {fmt.Sprint(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		sep := "?"
		if u, _ := url.Parse(path); u.RawQuery != "" {
			sep = "&"
		}
		items, next := h.do(http.MethodGet, path+sep+q.Encode(), token, nil).want(h.t, 200).list()
		pages++
		for _, it := range items {
			ids = append(ids, it["id"].(string))
		}
		if next == "" || pages > 20 {
			return ids, pages
		}
		cursor = next
	}
}

func TestPagination(t *testing.T) {
	each(t, func(h *harness) {
		tok := h.token(h.admin("ada@example.com"))
		var created []string
		for i := range 5 {
			created = append(created, h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": fmt.Sprintf("W%d", i)}).want(t, 201).str("id"))
		}
		sort.Strings(created)
		ids, pages := h.walk("/api/v1/workspaces", tok, 2)
		if fmt.Sprint(ids) != fmt.Sprint(created) || pages != 3 {
			t.Errorf("walked %v in %d pages, want %v in 3", ids, pages, created)
		}
		if ids, pages := h.walk("/api/v1/workspaces", tok, 5); len(ids) != 5 || pages != 1 {
			t.Errorf("limit 5: %d items in %d pages", len(ids), pages)
		}
		if items, next := h.do(http.MethodGet, "/api/v1/workspaces", tok, nil).want(t, 200).list(); len(items) != 5 || next != "" {
			t.Errorf("default limit: %d items, next %q", len(items), next)
		}
		for _, bad := range []string{"limit=0", "limit=101", "limit=ten", "limit=2.5"} {
			h.do(http.MethodGet, "/api/v1/workspaces?"+bad, tok, nil).wantProblem(t, 400, "validation", "limit")
		}
		h.do(http.MethodGet, "/api/v1/workspaces?cursor=bogus", tok, nil).wantProblem(t, 400, "validation", "cursor")
		h.do(http.MethodGet, "/api/v1/tokens?limit=0", tok, nil).wantProblem(t, 400, "validation", "limit")
	})
}

func TestAuditLog(t *testing.T) {
	each(t, func(h *harness) {
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		start := time.Now().UTC().Add(-time.Second).Format(time.RFC3339)
		for i := range 4 {
			h.do(http.MethodPatch, "/api/v1/workspaces/"+ws, tok, map[string]any{"name": fmt.Sprintf("Acme %d", i)}).want(t, 200)
		}
		base := "/api/v1/workspaces/" + ws + "/audit"
		ids, pages := h.walk(base, tok, 2)
		if len(ids) != 5 || pages != 3 || !sort.SliceIsSorted(ids, func(i, j int) bool { return ids[i] > ids[j] }) {
			t.Errorf("audit walk: %v in %d pages, want 5 newest first in 3", ids, pages)
		}
		if ids, _ := h.walk(base+"?action=workspace.rename", tok, 3); len(ids) != 4 {
			t.Errorf("action filter: %d entries", len(ids))
		}
		items, _ := h.do(http.MethodGet, base+"?action=workspace.create&actor="+ada.ID, tok, nil).want(t, 200).list()
		if len(items) != 1 || items[0]["actor_id"] != ada.ID || items[0]["workspace_id"] != ws || items[0]["details"].(map[string]any)["name"] != "Acme" {
			t.Errorf("create entry: %v", items)
		}
		if ids, _ := h.walk(base+"?since="+url.QueryEscape(start), tok, 50); len(ids) != 5 {
			t.Errorf("since: %d entries", len(ids))
		}
		if ids, _ := h.walk(base+"?until="+url.QueryEscape(start), tok, 50); len(ids) != 0 {
			t.Errorf("until: %d entries", len(ids))
		}
		for param, value := range map[string]string{"since": "yesterday", "until": "2026-13-01T00:00:00Z", "actor": "someone", "limit": "0", "cursor": "x"} {
			h.do(http.MethodGet, base+"?"+param+"="+value, tok, nil).wantProblem(t, 400, "validation", param)
		}
		h.do(http.MethodGet, base+"?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", tok, nil).wantProblem(t, 400, "validation", "until")

		// The installation log: administrators only, every workspace and none.
		bob := h.user("bob@example.com")
		bobTok := h.token(bob)
		h.do(http.MethodGet, base, bobTok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodGet, "/api/v1/audit", bobTok, nil).wantProblem(t, 403, "forbidden", "")
		all, _ := h.walk("/api/v1/audit", tok, 100)
		if len(all) < 8 { // setup, bob's account, 2 token creates, the workspace's 5
			t.Errorf("installation log has %d entries", len(all))
		}
		if ids, _ := h.walk("/api/v1/audit?workspace="+ws, tok, 100); len(ids) != 5 {
			t.Errorf("workspace filter: %d entries", len(ids))
		}
		h.do(http.MethodGet, "/api/v1/audit?workspace=x", tok, nil).wantProblem(t, 400, "validation", "workspace")

		// Action names hold "_", which must match itself, not any character.
		if err := h.app.Accounts.ChangePassword(context.Background(), actorOf(ada), "", "correct horse battery", "another long password"); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"user.password_change": 1, "user.password_": 1, "user.password%25": 0, "user.passwordXchange": 0} {
			if ids, _ := h.walk("/api/v1/audit?action="+q, tok, 100); len(ids) != want {
				t.Errorf("action=%s: %d entries, want %d", q, len(ids), want)
			}
		}
	})
}

func TestSystemStatus(t *testing.T) {
	each(t, func(h *harness) {
		tok := h.token(h.admin("ada@example.com"))
		r := h.do(http.MethodGet, "/api/v1/system", tok, nil).want(t, 200)
		jobs := r.json["jobs"].(map[string]any)
		schema := r.json["schema"].(map[string]any)
		if r.json["database_ok"] != true || schema["current"] != true || jobs["ok"] != true || jobs["queue_depth"] == nil {
			t.Errorf("status: %s", r.body)
		}
		periodic := r.json["periodic"].([]any)
		if len(periodic) == 0 || periodic[0].(map[string]any)["kind"] != "maintenance" {
			t.Errorf("periodic: %v", periodic)
		}
		h.do(http.MethodGet, "/api/v1/system", h.token(h.user("bob@example.com")), nil).wantProblem(t, 403, "forbidden", "")
	})
}
