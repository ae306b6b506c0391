package web

import (
	"net/http"

	"herald/internal/compose"
	"herald/internal/model"
)

// snippetsData is the templates and hashtag groups page.
type snippetsData struct {
	Templates []snippetRow
	Hashtags  []snippetRow
	CanManage bool
	Open      string // the snippet whose edit failed, shown open
}

// snippetRow is a snippet with the custom variables a template asks for.
type snippetRow struct {
	model.Snippet
	Vars []string
}

// snippetList shows both kinds; managers and up also get the forms.
func (h *handler) snippetList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.renderSnippets(w, r, v, http.StatusOK, m, &form{}, "")
}

func (h *handler) renderSnippets(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, f *form, open string) {
	list, err := h.d.Compose.Snippets(r.Context(), v.actor, m.Workspace.ID, "")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := snippetsData{CanManage: model.Can(m.Role, model.ActComposeSettings), Open: open}
	for _, s := range list {
		if s.Kind == model.SnippetHashtags {
			d.Hashtags = append(d.Hashtags, snippetRow{Snippet: s})
		} else {
			d.Templates = append(d.Templates, snippetRow{Snippet: s, Vars: compose.TemplateVariables(s.Body)})
		}
	}
	h.render(w, r, v, status, "snippets", &page{Title: "Templates · " + m.Workspace.Name, Heading: "Templates and hashtag groups", Section: "snippets", WS: &m, Form: f, Data: d})
}

// snippetCreate adds a template or hashtag group.
func (h *handler) snippetCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	h.snippetSave(w, r, v, "")
}

// snippetUpdate changes one from its row's edit form.
func (h *handler) snippetUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	id, ok := h.pathID(w, r, v, "id")
	if !ok {
		return
	}
	h.snippetSave(w, r, v, id)
}

func (h *handler) snippetSave(w http.ResponseWriter, r *http.Request, v *visit, id string) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := newForm(r)
	sn := model.Snippet{ID: id, Kind: model.SnippetKind(r.PostForm.Get("kind")), Name: r.PostForm.Get("name"), Body: r.PostForm.Get("body")}
	sn, err := h.d.Compose.SaveSnippet(r.Context(), v.actor, m.Workspace.ID, sn)
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			if id != "" {
				f.onlyFields() // the row forms share the create form's field names
			} else {
				f.onlyFields("kind", "name", "body")
			}
			h.renderSnippets(w, r, v, status, m, f, id)
		})
		return
	}
	what := "template"
	if sn.Kind == model.SnippetHashtags {
		what = "hashtag group"
	}
	h.setFlash(w, r, "success", "The "+what+" "+sn.Name+" is saved.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/settings/snippets")
}

// snippetDelete removes one after its confirmation panel.
func (h *handler) snippetDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	if err := h.d.Compose.DeleteSnippet(r.Context(), v.actor, m.Workspace.ID, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "Deleted.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/settings/snippets")
}
