package api_test

import (
	"net/http"
	"strings"
	"testing"

	"herald/internal/config"
)

// TestRequestBodies runs the strict decoder's failures through a real route.
func TestRequestBodies(t *testing.T) {
	eachWith(t, func(c *config.Config) { c.MaxBodyBytes = 2048 }, func(h *harness) {
		tok := h.token(h.admin("ada@example.com"))
		post := func(body any, headers ...string) response {
			return h.do(http.MethodPost, "/api/v1/workspaces", tok, body, headers...)
		}
		post(raw(`{"name":"x"}`), "Content-Type", "text/plain").wantProblem(t, 415, "unsupported-media-type", "")
		r := post(raw(`{"name":"x"}`), "Content-Type", "")
		r.wantProblem(t, 415, "unsupported-media-type", "")
		if r.header.Get("Accept-Post") != "application/json" {
			t.Errorf("415 without Accept-Post: %v", r.header)
		}
		r = post(raw(`{"name":"`+strings.Repeat("x", 4000)+`"}`)).wantProblem(t, 413, "payload-too-large", "")
		if !strings.Contains(r.str("detail"), "2048") {
			t.Errorf("413 does not say the limit: %s", r.body)
		}
		post(raw("")).wantProblem(t, 400, "malformed-body", "")
		r = post(raw(`{"name":"x","colour":"red"}`)).wantProblem(t, 400, "validation", "colour")
		if !strings.Contains(r.str("detail"), "accepts: name") {
			t.Errorf("unknown field detail: %s", r.body)
		}
		r = post(raw(`{"name":["x"]}`)).wantProblem(t, 400, "validation", "name")
		if !strings.Contains(r.str("detail"), "must be a string, not array") {
			t.Errorf("wrong type detail: %s", r.body)
		}
		r = post(raw(`{"name":"x",}`)).wantProblem(t, 400, "malformed-body", "")
		if r.json["offset"] != float64(12) || !strings.Contains(r.str("detail"), "offset 12") {
			t.Errorf("syntax error offset: %s", r.body)
		}
		post(raw(`{"name":"x"}{"name":"y"}`)).wantProblem(t, 400, "malformed-body", "")
		post(raw(`["x"]`)).wantProblem(t, 400, "malformed-body", "")
		// Domain validation: the field the domain names.
		post(map[string]any{"name": "  "}).wantProblem(t, 400, "validation", "name")
		// PATCH: the same decoder, and Accept-Patch on 415.
		ws := post(map[string]any{"name": "Acme"}).want(t, 201).str("id")
		r = h.do(http.MethodPatch, "/api/v1/workspaces/"+ws, tok, raw(`{"archived":"yes"}`)).wantProblem(t, 400, "validation", "archived")
		if !strings.Contains(r.str("detail"), "boolean") {
			t.Errorf("PATCH wrong type: %s", r.body)
		}
		r = h.do(http.MethodPatch, "/api/v1/workspaces/"+ws, tok, raw(`name=x`), "Content-Type", "application/x-www-form-urlencoded")
		if r.wantProblem(t, 415, "unsupported-media-type", ""); r.header.Get("Accept-Patch") != "application/json" {
			t.Errorf("415 on PATCH without Accept-Patch")
		}
		h.do(http.MethodPatch, "/api/v1/workspaces/"+ws, tok, map[string]any{}).wantProblem(t, 400, "validation", "")
	})
}
