package web

import (
	"net/http"

	"herald/internal/model"
)

// homeShow sends visitors where they belong: first-run setup, sign-in, the
// last workspace they used, the first one, or the workspace list.
func (h *handler) homeShow(w http.ResponseWriter, r *http.Request, v *visit) {
	if !v.signedIn {
		need, err := h.d.Accounts.SetupNeeded(r.Context())
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		switch {
		case need:
			redirect(w, r, "/setup")
		case v.pending:
			redirect(w, r, "/login/2fa")
		default:
			redirect(w, r, "/login")
		}
		return
	}
	ms, err := h.d.Workspaces.List(r.Context(), v.actor)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	redirect(w, r, homeFor(ms, lastWorkspace(r)))
}

// homeFor picks the landing page: the last used workspace if still a
// member, else the first active one, else the list.
func homeFor(ms []model.Membership, last string) string {
	var first string
	for _, m := range ms {
		if m.Workspace.ID == last {
			return "/w/" + last
		}
		if first == "" && !m.Workspace.Archived() {
			first = m.Workspace.ID
		}
	}
	if first != "" {
		return "/w/" + first
	}
	return "/workspaces"
}
