package web

import (
	"net/http"
	"strconv"
	"strings"

	"herald/internal/model"
)

// pillarsData is the content pillars page.
type pillarsData struct {
	Pillars   []model.Pillar
	Total     int // the sum of target shares, percent
	Left      int // 100 - Total: what no pillar aims for yet
	CanManage bool
	Open      string // the pillar whose edit failed, shown open
}

// pillarList shows the pillars; managers and up also get the forms.
func (h *handler) pillarList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.renderPillars(w, r, v, http.StatusOK, m, &form{}, "")
}

func (h *handler) renderPillars(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, f *form, open string) {
	pillars, err := h.d.Compose.Pillars(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := pillarsData{Pillars: pillars, CanManage: model.Can(m.Role, model.ActComposeSettings), Open: open}
	for _, p := range pillars {
		d.Total += p.TargetShare
	}
	d.Left = max(0, 100-d.Total)
	h.render(w, r, v, status, "pillars", &page{Title: "Content pillars · " + m.Workspace.Name, Heading: "Content pillars", Section: "pillars", WS: &m, Form: f, Data: d})
}

// pillarFromForm reads a pillar form. A share that is not a number is
// refused here; the domain checks the range and the total.
func pillarFromForm(r *http.Request) (model.Pillar, error) {
	p := model.Pillar{Name: r.PostForm.Get("name"), Color: strings.ToLower(strings.TrimSpace(r.PostForm.Get("color"))),
		Description: r.PostForm.Get("description")}
	share := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(r.PostForm.Get("target_share")), "%"))
	if share != "" {
		n, err := strconv.Atoi(share)
		if err != nil {
			return p, model.Invalid("target_share", "the target share is a whole number of percent, such as 25")
		}
		p.TargetShare = n
	}
	return p, nil
}

// pillarCreate adds a pillar.
func (h *handler) pillarCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	h.pillarSave(w, r, v, "")
}

// pillarUpdate changes a pillar from its row's edit form.
func (h *handler) pillarUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	id, ok := h.pathID(w, r, v, "id")
	if !ok {
		return
	}
	h.pillarSave(w, r, v, id)
}

func (h *handler) pillarSave(w http.ResponseWriter, r *http.Request, v *visit, id string) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := newForm(r)
	p, err := pillarFromForm(r)
	if err == nil {
		p.ID = id
		p, err = h.d.Compose.SavePillar(r.Context(), v.actor, m.Workspace.ID, p)
	}
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			if id != "" {
				f.onlyFields() // the row forms share the create form's field names
			} else {
				f.onlyFields("name", "color", "target_share", "description")
			}
			h.renderPillars(w, r, v, status, m, f, id)
		})
		return
	}
	h.setFlash(w, r, "success", "The pillar "+p.Name+" is saved.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/settings/pillars")
}

// pillarDelete removes a pillar after its confirmation panel.
func (h *handler) pillarDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	if err := h.d.Compose.DeletePillar(r.Context(), v.actor, m.Workspace.ID, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The pillar is deleted; its posts keep their content.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/settings/pillars")
}
