package web

import (
	"net/http"
)

// memberRoleUpdate changes a member's role to the posted "role". The domain
// refuses unknown roles (400), roles above the visitor's own (403) and
// leaving a workspace without an Owner (409); each is shown on the page.
func (h *handler) memberRoleUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, userID, ok := h.workspaceItem(w, r, v, "user")
	if !ok {
		return
	}
	f := newForm(r)
	if err := h.d.Workspaces.ChangeRole(r.Context(), v.actor, m.Workspace.ID, userID, r.PostForm.Get("role")); err != nil {
		// The message goes above the list: the role selects are per row.
		h.formFail(w, r, v, err, f, func(status int) {
			f.Errors, f.order = map[string]string{}, nil
			f.add("", messageOf(err))
			h.renderMembers(w, r, v, status, m, f, nil)
		})
		return
	}
	h.setFlash(w, r, "success", "The role is changed.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/members")
}
