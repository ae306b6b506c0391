package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"herald/internal/model"
)

func TestWorkspaces(t *testing.T) {
	each(t, func(h *harness) {
		ada := h.admin("ada@example.com")
		tok := h.token(ada)

		r := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": " Acme "}).want(t, 201)
		ws := r.str("id")
		if r.header.Get("Location") != "/api/v1/workspaces/"+ws || r.str("name") != "Acme" || r.str("role") != "owner" ||
			r.json["archived"] != false || r.json["archived_at"] != nil || r.str("created_by") != ada.ID {
			t.Fatalf("create: %v %s", r.header, r.body)
		}
		if r.header.Get("Idempotent-Replayed") != "" {
			t.Error("first answer marked as replayed")
		}
		h.do(http.MethodGet, "/api/v1/workspaces/"+ws, tok, nil).want(t, 200)

		r = h.do(http.MethodPatch, "/api/v1/workspaces/"+ws, tok, map[string]any{"name": "Acme Inc"}).want(t, 200)
		if r.str("name") != "Acme Inc" || r.json["archived"] != false {
			t.Errorf("rename: %s", r.body)
		}
		r = h.do(http.MethodPatch, "/api/v1/workspaces/"+ws, tok, map[string]any{"archived": true}).want(t, 200)
		if r.json["archived"] != true || r.json["archived_at"] == nil {
			t.Errorf("archive: %s", r.body)
		}
		r = h.do(http.MethodPatch, "/api/v1/workspaces/"+ws, tok, map[string]any{"archived": false, "name": "Acme"}).want(t, 200)
		if r.json["archived"] != false || r.str("name") != "Acme" {
			t.Errorf("restore and rename: %s", r.body)
		}

		// An Admin of the workspace may rename but not archive; a request
		// asking for both changes nothing.
		bob := h.user("bob@example.com")
		h.join(tok, ws, bob, "admin")
		bobTok := h.token(bob)
		h.do(http.MethodPatch, "/api/v1/workspaces/"+ws, bobTok, map[string]any{"name": "Bob's", "archived": true}).wantProblem(t, 403, "forbidden", "")
		if got := h.do(http.MethodGet, "/api/v1/workspaces/"+ws, tok, nil).str("name"); got != "Acme" {
			t.Errorf("a refused PATCH renamed the workspace to %q", got)
		}
		if r := h.do(http.MethodGet, "/api/v1/workspaces/"+ws, bobTok, nil).want(t, 200); r.str("role") != "admin" {
			t.Errorf("bob's role: %s", r.body)
		}

		// Not a member, malformed and upper-case IDs: all 404.
		carol := h.token(h.user("carol@example.com"))
		h.do(http.MethodGet, "/api/v1/workspaces/"+ws, carol, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodPatch, "/api/v1/workspaces/"+ws, carol, map[string]any{"name": "Mine"}).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodGet, "/api/v1/workspaces/not-an-id", tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodGet, "/api/v1/workspaces/"+strings.ToUpper(ws), tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodPatch, "/api/v1/workspaces/x", tok, map[string]any{"name": "Mine"}).wantProblem(t, 404, "not-found", "")
	})
}

// join invites u to the workspace with role through the API and accepts
// the invitation through the domain, as the invitation page would.
func (h *harness) join(ownerToken, ws string, u model.User, role string) {
	h.t.Helper()
	r := h.do(http.MethodPost, "/api/v1/workspaces/"+ws+"/invitations", ownerToken, map[string]any{"email": u.Email, "role": role}).want(h.t, 201)
	link := r.str("link")
	_, token, ok := strings.Cut(link, "/invite/")
	if !ok {
		h.t.Fatalf("invitation link %q", link)
	}
	if _, err := h.app.Workspaces.AcceptAsUser(context.Background(), actorOf(u), token); err != nil {
		h.t.Fatal(err)
	}
}

func TestMembers(t *testing.T) {
	each(t, func(h *harness) {
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		bob := h.user("bob@example.com")
		h.join(tok, ws, bob, "editor")

		items, next := h.do(http.MethodGet, "/api/v1/workspaces/"+ws+"/members", tok, nil).want(t, 200).list()
		if len(items) != 2 || next != "" {
			t.Fatalf("members: %v %q", items, next)
		}
		r := h.do(http.MethodPatch, "/api/v1/workspaces/"+ws+"/members/"+bob.ID, tok, map[string]any{"role": "manager"}).want(t, 200)
		if r.str("role") != "manager" || r.str("user_id") != bob.ID || r.str("email") != bob.Email {
			t.Errorf("role change: %s", r.body)
		}
		h.do(http.MethodPatch, "/api/v1/workspaces/"+ws+"/members/"+bob.ID, tok, map[string]any{"role": "emperor"}).wantProblem(t, 400, "validation", "role")
		h.do(http.MethodPatch, "/api/v1/workspaces/"+ws+"/members/"+bob.ID, tok, map[string]any{}).wantProblem(t, 400, "validation", "role")
		// The last Owner stays.
		h.do(http.MethodPatch, "/api/v1/workspaces/"+ws+"/members/"+ada.ID, tok, map[string]any{"role": "viewer"}).wantProblem(t, 409, "conflict", "role")
		h.do(http.MethodDelete, "/api/v1/workspaces/"+ws+"/members/"+ada.ID, tok, nil).wantProblem(t, 409, "conflict", "role")
		// A Manager may not change roles.
		bobTok := h.token(bob)
		h.do(http.MethodPatch, "/api/v1/workspaces/"+ws+"/members/"+ada.ID, bobTok, map[string]any{"role": "viewer"}).wantProblem(t, 403, "forbidden", "")

		h.do(http.MethodDelete, "/api/v1/workspaces/"+ws+"/members/"+bob.ID, tok, nil).want(t, 204)
		h.do(http.MethodDelete, "/api/v1/workspaces/"+ws+"/members/"+bob.ID, tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodDelete, "/api/v1/workspaces/"+ws+"/members/nobody", tok, nil).wantProblem(t, 404, "not-found", "")
		if items, _ := h.do(http.MethodGet, "/api/v1/workspaces/"+ws+"/members", tok, nil).want(t, 200).list(); len(items) != 1 {
			t.Errorf("after remove: %v", items)
		}
		h.do(http.MethodGet, "/api/v1/workspaces/"+ws+"/members", bobTok, nil).wantProblem(t, 404, "not-found", "")
	})
}

func TestInvitations(t *testing.T) {
	each(t, func(h *harness) {
		tok := h.token(h.admin("ada@example.com"))
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws + "/invitations"

		// Mail is not configured: the link comes back to hand over.
		r := h.do(http.MethodPost, base, tok, map[string]any{"email": "Bob@Example.com", "role": "editor"}).want(t, 201)
		id := r.str("id")
		if r.json["emailed"] != false || !strings.HasPrefix(r.str("link"), "http://herald.test/invite/") ||
			r.str("email") != "bob@example.com" || r.str("role") != "editor" || r.str("workspace_id") != ws ||
			r.header.Get("Location") != base+"/"+id {
			t.Fatalf("invite: %v %s", r.header, r.body)
		}
		items, _ := h.do(http.MethodGet, base, tok, nil).want(t, 200).list()
		if len(items) != 1 || items[0]["id"] != id {
			t.Fatalf("list: %v", items)
		}
		if _, leaked := items[0]["link"]; leaked {
			t.Error("the list shows the invitation link")
		}
		h.do(http.MethodPost, base, tok, map[string]any{"email": "not an address", "role": "editor"}).wantProblem(t, 400, "validation", "email")
		h.do(http.MethodPost, base, tok, map[string]any{"email": "c@example.com", "role": "emperor"}).wantProblem(t, 400, "validation", "role")
		h.do(http.MethodPost, base, tok, map[string]any{"email": "c@example.com"}).wantProblem(t, 400, "validation", "role")

		h.do(http.MethodDelete, base+"/"+id, tok, nil).want(t, 204)
		h.do(http.MethodDelete, base+"/"+id, tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodDelete, base+"/123", tok, nil).wantProblem(t, 404, "not-found", "")
		if items, next := h.do(http.MethodGet, base, tok, nil).want(t, 200).list(); len(items) != 0 || next != "" {
			t.Errorf("after revoke: %v", items)
		}
		// Unknown workspace, for members:write and members:read alike.
		other := "/api/v1/workspaces/01jq3v6m2k8x9c0d4e5f6g7h8j/invitations"
		h.do(http.MethodPost, other, tok, map[string]any{"email": "c@example.com", "role": "editor"}).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodGet, other, tok, nil).wantProblem(t, 404, "not-found", "")

		// With e-mail configured the link goes by mail only.
		err := h.app.Mail.SaveSettings(context.Background(), cli, model.MailSettings{Host: "127.0.0.1", Port: 1025, From: "herald@example.com", TLS: "none"})
		if err != nil {
			t.Fatal(err)
		}
		r = h.do(http.MethodPost, base, tok, map[string]any{"email": "dave@example.com", "role": "viewer"}).want(t, 201)
		if r.json["emailed"] != true || r.json["link"] != nil {
			t.Errorf("mailed invitation: %s", r.body)
		}
	})
}
