package web

import (
	"net/http"
	"strconv"
	"time"

	"herald/internal/compose"
	"herald/internal/model"
)

// historyData is a post's version history.
type historyData struct {
	PostID   string
	Line     string
	Current  int
	Versions []versionView
	CanEdit  bool
}

// versionView is one version as the page shows it.
type versionView struct {
	Version   int
	Author    string
	CreatedAt time.Time
	Summary   string // a sentence
	Diff      []compose.DiffPart
}

// postHistory lists a post's versions, newest first, each with the word
// diff of its text against the version before.
func (h *handler) postHistory(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	p, err := h.d.Compose.Get(ctx, v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	versions, err := h.d.Compose.History(ctx, v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := historyData{PostID: id, Line: firstLine(p.Base.Text), Current: p.Version, CanEdit: model.Can(m.Role, model.ActPostEdit)}
	for _, ver := range versions {
		d.Versions = append(d.Versions, versionView{Version: ver.Version, Author: ver.Author, CreatedAt: ver.CreatedAt,
			Summary: sentence(ver.Summary) + ".", Diff: ver.Diff})
	}
	h.render(w, r, v, http.StatusOK, "post_history", &page{Title: "History · " + m.Workspace.Name, Heading: "Version history", Section: "posts", WS: &m, Data: d})
}

// postRestore saves an earlier version as the newest one.
func (h *handler) postRestore(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || version < 1 {
		h.fail(w, r, v, model.Invalid("version", "pick a version to restore"))
		return
	}
	p, err := h.d.Compose.Restore(r.Context(), v.actor, m.Workspace.ID, id, version)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "Version "+strconv.Itoa(version)+" is restored as version "+strconv.Itoa(p.Version)+".")
	redirect(w, r, "/w/"+m.Workspace.ID+"/posts/"+id+"/history")
}
