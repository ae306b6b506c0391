package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// Approvals through the API: a workflow, a Contributor's post sent for
// approval, refusals (own post, stale version, missing reason), an
// Editor's approval, the external reviewer's link, comments with mentions
// and the post's history, every answer checked against the OpenAPI
// document.
func TestApprovalsAPI(t *testing.T) {
	each(t, func(h *harness) {
		ada, tok, base, ch := h.newYorkChannel(t)
		ws := strings.TrimPrefix(base, "/api/v1/workspaces/")
		cora, ed := h.user("cora@example.com"), h.user("eddie@example.com")
		h.join(tok, ws, cora, "contributor")
		h.join(tok, ws, ed, "editor")
		coraTok, edTok := h.token(cora), h.token(ed)

		h.do(http.MethodPut, base+"/approval-workflows", tok, map[string]any{"applies_roles": []string{"contributor"},
			"steps": []any{map[string]any{"name": "Team", "mode": "most", "roles": []string{"editor"}}}}).wantProblem(t, 400, "validation", "steps.0.mode")
		h.do(http.MethodPut, base+"/approval-workflows", tok, map[string]any{"applies_roles": []string{"contributor"},
			"steps": []any{map[string]any{"name": "Team", "roles": []string{"editor"}}, map[string]any{"name": "Client", "external": true}}}).want(t, 200)
		r := h.do(http.MethodGet, base+"/approval-workflows", coraTok, nil).want(t, 200)
		if !strings.Contains(string(r.body), `"channel_id":null`) {
			t.Fatalf("workflows: %s", r.body)
		}

		id := h.do(http.MethodPost, base+"/posts", coraTok, map[string]any{"base": map[string]any{"text": "Hello spring"}, "channels": []string{ch}}).want(t, 201).str("id")
		post := base + "/posts/" + id
		if r = h.do(http.MethodGet, post+"/approval", coraTok, nil).want(t, 200); r.json["state"] != "none" || r.json["required"] != true {
			t.Fatalf("before submitting: %s", r.body)
		}
		h.do(http.MethodPost, post+"/approval/submit", coraTok, nil).want(t, 200)
		h.do(http.MethodPost, post+"/approval/submit", coraTok, nil).wantProblem(t, 409, "conflict", "approval")
		h.do(http.MethodPost, post+"/approval/decisions", coraTok, map[string]any{"decision": "approve", "version": 1}).want(t, 403)
		h.do(http.MethodPost, post+"/approval/decisions", edTok, map[string]any{"decision": "reject", "version": 1}).wantProblem(t, 400, "validation", "reason")
		h.do(http.MethodPost, post+"/approval/decisions", edTok, map[string]any{"decision": "approve", "version": 7}).wantProblem(t, 409, "conflict", "version")
		if r = h.do(http.MethodGet, base+"/approvals", edTok, nil).want(t, 200); !strings.Contains(string(r.body), `"mine":true`) {
			t.Fatalf("editor's queue: %s", r.body)
		}
		if r = h.do(http.MethodPost, post+"/approval/decisions", edTok, map[string]any{"decision": "approve", "version": 1}).want(t, 200); r.json["step"] != float64(2) {
			t.Fatalf("after step 1: %s", r.body)
		}
		h.do(http.MethodPost, post+"/reviewers", coraTok, map[string]any{"name": "Clara", "email": "clara", "days": 7}).wantProblem(t, 400, "validation", "email")
		r = h.do(http.MethodPost, post+"/reviewers", coraTok, map[string]any{"name": "Clara", "email": "clara@client.example", "days": 7}).want(t, 201)
		if !strings.HasPrefix(r.str("link"), "http://herald.test/review/") {
			t.Fatalf("review link: %s", r.body)
		}

		h.user("stranger@example.com")
		h.do(http.MethodPost, post+"/comments", coraTok, map[string]any{"body": "@stranger look"}).wantProblem(t, 400, "validation", "body")
		r = h.do(http.MethodPost, post+"/comments", coraTok, map[string]any{"body": "Thanks @eddie"}).want(t, 201)
		if m := r.json["mentions"].([]any); len(m) != 1 || m[0] != ed.ID {
			t.Fatalf("mentions: %s", r.body)
		}
		if r = h.do(http.MethodGet, post+"/comments", tok, nil).want(t, 200); len(r.json["comments"].([]any)) != 1 {
			t.Fatalf("comments: %s", r.body)
		}
		r = h.do(http.MethodGet, post+"/activity", tok, nil).want(t, 200)
		kinds := map[string]bool{}
		for _, a := range r.json["activity"].([]any) {
			kinds[a.(map[string]any)["kind"].(string)] = true
		}
		for _, k := range []string{"created", "submitted", "approved", "commented"} {
			if !kinds[k] {
				t.Fatalf("activity lacks %q: %s", k, r.body)
			}
		}
		reader := h.token(ada, "posts:read")
		h.do(http.MethodPost, post+"/comments", reader, map[string]any{"body": "hi"}).want(t, 403)
		h.do(http.MethodDelete, base+"/approval-workflows", tok, nil).want(t, 204)
		h.do(http.MethodDelete, base+"/approval-workflows", tok, nil).want(t, 404)
	})
}
