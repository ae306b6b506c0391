package web

import (
	"net/http"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// workspace loads the workspace named in the path for the visitor, who
// must be a member. Malformed IDs and other people's workspaces are 404.
func (h *handler) workspace(w http.ResponseWriter, r *http.Request, v *visit) (model.Membership, bool) {
	id := r.PathValue("ws")
	if !ids.Valid(id) {
		h.notFound(w, r, v)
		return model.Membership{}, false
	}
	m, err := h.d.Workspaces.Get(r.Context(), v.actor, id)
	if err != nil {
		h.fail(w, r, v, err)
		return m, false
	}
	h.rememberWorkspace(w, r, id)
	return m, true
}

// workspaceItem opens the workspace of a /w/{ws}/…/{name} path, as
// workspace does, and reads the ID of the object in it; a malformed one
// answers 404.
func (h *handler) workspaceItem(w http.ResponseWriter, r *http.Request, v *visit, name string) (model.Membership, string, bool) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return m, "", false
	}
	id, ok := h.pathID(w, r, v, name)
	return m, id, ok
}

// pathIDs reads the workspace and object IDs of a /w/{ws}/…/{id} path;
// a malformed one answers 404.
func (h *handler) pathIDs(w http.ResponseWriter, r *http.Request, v *visit) (ws, id string, ok bool) {
	if ws, ok = h.pathID(w, r, v, "ws"); !ok {
		return "", "", false
	}
	id, ok = h.pathID(w, r, v, "id")
	return ws, id, ok
}

// pathID reads an ID path parameter; a malformed one answers 404.
func (h *handler) pathID(w http.ResponseWriter, r *http.Request, v *visit, name string) (string, bool) {
	id := r.PathValue(name)
	if !ids.Valid(id) {
		h.notFound(w, r, v)
		return "", false
	}
	return id, true
}

// overviewData is the workspace home page.
type overviewData struct {
	Members     int
	Invitations int
	Activity    []model.AuditEntry
	CanAudit    bool
	Permissions []model.ActionInfo
	Allowed     map[model.Action]bool
}

// workspaceShow is the workspace overview: facts about the workspace, what
// the visitor's role allows, and recent activity for those who may read
// the audit log.
func (h *handler) workspaceShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	ctx := r.Context()
	members, err := h.d.Workspaces.Members(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	invs, err := h.d.Workspaces.Invitations(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := overviewData{Members: len(members), Invitations: len(invs), Permissions: model.Permissions, Allowed: map[model.Action]bool{}}
	for _, p := range model.Permissions {
		d.Allowed[p.Action] = model.Can(m.Role, p.Action)
	}
	if model.Can(m.Role, model.ActAuditView) {
		d.CanAudit = true
		if d.Activity, err = h.d.Workspaces.Audit(ctx, v.actor, m.Workspace.ID, model.AuditFilter{Limit: 8}); err != nil {
			h.fail(w, r, v, err)
			return
		}
	}
	h.render(w, r, v, http.StatusOK, "workspace", &page{Title: m.Workspace.Name, Section: "overview", WS: &m, Data: d})
}
