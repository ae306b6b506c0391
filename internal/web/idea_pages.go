package web

import (
	"net/http"

	"herald/internal/model"
)

// ideasData is the ideas board.
type ideasData struct {
	Ideas     []model.Idea
	All       bool // used ideas are shown too
	Channels  []model.Channel
	CanEdit   bool
	CanDelete bool
	Open      string // the card whose edit or draft form failed, to show it open
	OpenKind  string // "edit" or "draft"
}

// ideaList shows the capture form and the open ideas (all with ?all=1).
func (h *handler) ideaList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.renderIdeas(w, r, v, http.StatusOK, m, &form{}, ideasData{All: r.URL.Query().Get("all") == "1"})
}

func (h *handler) renderIdeas(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, f *form, d ideasData) {
	ctx, ws := r.Context(), m.Workspace.ID
	var err error
	if d.Ideas, err = h.d.Compose.Ideas(ctx, v.actor, ws, d.All); err != nil {
		h.fail(w, r, v, err)
		return
	}
	if d.Channels, err = h.d.Channels.List(ctx, v.actor, ws); err != nil {
		h.fail(w, r, v, err)
		return
	}
	d.CanEdit, d.CanDelete = model.Can(m.Role, model.ActPostEdit), model.Can(m.Role, model.ActPostDelete)
	h.render(w, r, v, status, "ideas", &page{Title: "Ideas · " + m.Workspace.Name, Heading: "Ideas", Section: "ideas", WS: &m, Form: f, Data: d})
}

// ideaCreate captures an idea from the form at the top of the board.
func (h *handler) ideaCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := newForm(r)
	i := model.Idea{Text: r.PostForm.Get("text"), Link: r.PostForm.Get("link")}
	if _, err := h.d.Compose.SaveIdea(r.Context(), v.actor, m.Workspace.ID, i); err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("text", "link")
			h.renderIdeas(w, r, v, status, m, f, ideasData{})
		})
		return
	}
	h.setFlash(w, r, "success", "The idea is saved.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/ideas")
}

// ideaUpdate saves a card's edit form. The card forms share field names
// with the capture form, so their messages go above the board and the
// card is shown open with what was typed.
func (h *handler) ideaUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	f := newForm(r)
	i := model.Idea{ID: id, Text: r.PostForm.Get("text"), Link: r.PostForm.Get("link")}
	if _, err := h.d.Compose.SaveIdea(r.Context(), v.actor, m.Workspace.ID, i); err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields()
			h.renderIdeas(w, r, v, status, m, f, ideasData{All: true, Open: id, OpenKind: "edit"})
		})
		return
	}
	h.setFlash(w, r, "success", "The idea is saved.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/ideas")
}

// ideaDelete removes an idea after its confirmation panel.
func (h *handler) ideaDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	if err := h.d.Compose.DeleteIdea(r.Context(), v.actor, m.Workspace.ID, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The idea is deleted.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/ideas")
}

// ideaDraft turns an idea into a draft for the checked channels and opens
// the draft in the composer.
func (h *handler) ideaDraft(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	f := newForm(r)
	p, err := h.d.Compose.IdeaToDraft(r.Context(), v.actor, m.Workspace.ID, id, r.PostForm["channel"])
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields()
			h.renderIdeas(w, r, v, status, m, f, ideasData{All: true, Open: id, OpenKind: "draft"})
		})
		return
	}
	h.setFlash(w, r, "success", "The idea is now a draft.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/posts/"+p.ID+"/edit")
}
