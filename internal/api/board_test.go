package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The production board through the API: every answer fits the schema;
// bad input is a validation problem naming the body's member; cards move,
// checklists tick, "my work" lists the caller's cards; columns with cards
// stay; viewers and read-only tokens change nothing.
func TestBoardAPI(t *testing.T) {
	each(t, func(h *harness) {
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws + "/board"
		cols := h.do(http.MethodGet, base, tok, nil).want(t, 200).json["columns"].([]any)
		if len(cols) != 5 || cols[4].(map[string]any)["done"] != true || cols[0].(map[string]any)["name"] != "idea" {
			t.Fatalf("default columns %v", cols)
		}
		col := func(i int) string { return cols[i].(map[string]any)["id"].(string) }

		h.do(http.MethodPost, base+"/cards", tok, map[string]any{"title": " "}).wantProblem(t, 400, "validation", "title")
		h.do(http.MethodPost, base+"/cards", tok, map[string]any{"title": "x", "due": "soon"}).wantProblem(t, 400, "validation", "due")
		r := h.do(http.MethodPost, base+"/cards", tok, map[string]any{"title": "x", "due": "2020-01-01"}).wantProblem(t, 400, "validation", "due")
		if !strings.Contains(string(r.body), "before the card was created") {
			t.Fatalf("due before creation: %s", r.body)
		}
		bob := h.user("bob@example.com")
		r = h.do(http.MethodPost, base+"/cards", tok, map[string]any{"title": "x", "assignee_id": bob.ID}).wantProblem(t, 400, "validation", "assignee_id")
		if !strings.Contains(string(r.body), "is not a member of this workspace") {
			t.Fatalf("non-member: %s", r.body)
		}
		h.do(http.MethodPost, base+"/cards", tok, map[string]any{"title": "x", "post_id": "01arz3ndektsv4rrffq69g5fav"}).wantProblem(t, 400, "validation", "post_id")
		h.do(http.MethodPost, base+"/cards", tok, map[string]any{"title": "x", "colour": "red"}).want(t, 400)

		due := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Second).Format(time.RFC3339)
		r = h.do(http.MethodPost, base+"/cards", tok, map[string]any{"title": "Write the thread", "due": due, "assignee_id": ada.ID}).want(t, 201)
		card := r.str("id")
		if r.header.Get("Location") != base+"/cards/"+card || r.str("due_at") != due || r.json["overdue"] != false || r.str("column_id") != col(0) {
			t.Fatalf("created: %s", r.body)
		}
		h.do(http.MethodPost, base+"/cards/"+card+"/move", tok, map[string]any{"column_id": col(2), "position": -1}).wantProblem(t, 400, "validation", "position")
		h.do(http.MethodPost, base+"/cards/"+card+"/move", tok, map[string]any{"column_id": ws}).wantProblem(t, 400, "validation", "column_id")
		if r = h.do(http.MethodPost, base+"/cards/"+card+"/move", tok, map[string]any{"column_id": col(2)}).want(t, 200); r.str("column") != "design" {
			t.Fatalf("moved: %s", r.body)
		}
		item := h.do(http.MethodPost, base+"/cards/"+card+"/checklist", tok, map[string]any{"text": "Alt text"}).want(t, 201).str("id")
		h.do(http.MethodPatch, base+"/cards/"+card+"/checklist/"+item, tok, map[string]any{}).wantProblem(t, 400, "validation", "done")
		r = h.do(http.MethodPatch, base+"/cards/"+card+"/checklist/"+item, tok, map[string]any{"done": true}).want(t, 200)
		if it := r.json["checklist"].([]any)[0].(map[string]any); it["done"] != true {
			t.Fatalf("ticked: %s", r.body)
		}
		r = h.do(http.MethodPut, base+"/cards/"+card, tok, map[string]any{"title": "Write the launch thread", "notes": "Three posts"}).want(t, 200)
		if r.str("title") != "Write the launch thread" || r.json["due_at"] != nil || r.json["assignee_id"] != nil {
			t.Fatalf("replaced: %s", r.body)
		}
		h.do(http.MethodPut, base+"/cards/"+card, tok, map[string]any{"title": "Mine", "assignee_id": ada.ID}).want(t, 200)
		items, _ := h.do(http.MethodGet, "/api/v1/my-work", tok, nil).want(t, 200).list()
		if len(items) != 1 || items[0]["id"] != card || items[0]["workspace_name"] != "Acme" {
			t.Fatalf("my work: %v", items)
		}

		legal := h.do(http.MethodPost, base+"/columns", tok, map[string]any{"name": "Legal"}).want(t, 201).str("id")
		h.do(http.MethodPost, base+"/columns", tok, map[string]any{"name": "legal"}).wantProblem(t, 409, "conflict", "name")
		if r = h.do(http.MethodPatch, base+"/columns/"+legal, tok, map[string]any{"position": 0, "name": "Legal review"}).want(t, 200); r.json["position"] != float64(0) || r.str("name") != "Legal review" {
			t.Fatalf("column: %s", r.body)
		}
		h.do(http.MethodDelete, base+"/columns/"+col(2), tok, nil).want(t, 409)
		h.do(http.MethodDelete, base+"/columns/"+legal, tok, nil).want(t, 204)
		if list, _ := h.do(http.MethodGet, base+"/columns", tok, nil).want(t, 200).list(); len(list) != 5 {
			t.Fatalf("columns %v", list)
		}

		h.join(tok, ws, bob, "viewer")
		bobTok := h.token(bob)
		h.do(http.MethodGet, base+"/cards/"+card, bobTok, nil).want(t, 200)
		h.do(http.MethodPost, base+"/cards", bobTok, map[string]any{"title": "Sneaky"}).want(t, 403)
		h.do(http.MethodPost, base+"/cards", h.token(ada, "posts:read"), map[string]any{"title": "Sneaky"}).want(t, 403)
		h.do(http.MethodDelete, base+"/cards/"+card+"/checklist/"+item, tok, nil).want(t, 204)
		h.do(http.MethodDelete, base+"/cards/"+card, tok, nil).want(t, 204)
		h.do(http.MethodGet, base+"/cards/"+card, tok, nil).want(t, 404)
	})
}
