package web

import (
	"net/http"

	"herald/internal/model"
)

// workspaceSettingsShow is the settings page: rename for Owners and
// Admins, archive and restore for Owners. Other roles get 403.
func (h *handler) workspaceSettingsShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if _, err := h.d.Workspaces.Authorize(r.Context(), v.actor, m.Workspace.ID, model.ActWorkspaceRename); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.renderSettings(w, r, v, http.StatusOK, m, &form{})
}

func (h *handler) renderSettings(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, f *form) {
	h.renderSettingsWith(w, r, v, status, m, f, "")
}

// renderSettingsWith renders the settings page, showing a notification
// webhook secret that was just made (secret != "") this one time.
func (h *handler) renderSettingsWith(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, f *form, secret string) {
	h.render(w, r, v, status, "workspace_settings", &page{Title: "Settings · " + m.Workspace.Name, Heading: "Settings", Section: "settings", WS: &m, Form: f,
		Data: h.settingsData(r, v, m, secret)})
}

// workspaceRename changes the workspace's name.
func (h *handler) workspaceRename(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := newForm(r)
	if err := h.d.Workspaces.Rename(r.Context(), v.actor, m.Workspace.ID, r.PostForm.Get("name")); err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderSettings(w, r, v, status, m, f) })
		return
	}
	h.setFlash(w, r, "success", "The workspace is renamed.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/settings")
}
