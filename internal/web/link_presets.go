package web

import (
	"net/http"
	"strings"

	"herald/internal/links"
	"herald/internal/model"
)

// blankCampaignRows is how many empty campaign rows the editor offers.
const blankCampaignRows = 2

// presetsData is the UTM presets page.
type presetsData struct {
	Rows    []presetRow // the editor: the workspace, each channel, campaigns
	Saved   []presetRow // the stored presets, for those who may only look
	Params  []string
	CanEdit bool
}

// presetRow is one preset in the editor or the read-only table.
type presetRow struct {
	Scope  string
	Key    string
	Label  string // what the row is for, as people read it
	Params map[string]string
}

// linkPresetsShow shows the presets; members who may change compose
// settings get the editor.
func (h *handler) linkPresetsShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.renderPresets(w, r, v, http.StatusOK, m, nil)
}

// renderPresets draws the page; f is the submitted editor, whose rows are
// shown back as typed, or nil to fill the editor from the stored presets.
func (h *handler) renderPresets(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, f *form) {
	ctx, ws := r.Context(), m.Workspace.ID
	saved, err := h.d.Links.Presets(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	chans, err := h.d.Channels.List(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	names := make(map[string]string, len(chans))
	for _, c := range chans {
		names[c.ID] = c.Name
	}
	d := presetsData{Params: links.UTMParams, CanEdit: model.Can(m.Role, model.ActComposeSettings)}
	for _, p := range saved {
		d.Saved = append(d.Saved, presetRow{Scope: p.Scope, Key: p.Key, Label: presetLabel(p.Scope, p.Key, names), Params: p.Params})
	}
	current := saved
	if f != nil {
		current = presetsFromForm(f.Values)
	}
	d.Rows = editorRows(current, chans, names)
	h.render(w, r, v, status, "links_presets", &page{Title: "UTM presets · Links · " + m.Workspace.Name, Heading: "UTM presets",
		Section: "links", WS: &m, Form: f, Data: d})
}

// editorRows lays out the editor: one row for the workspace, one per
// channel, then each campaign preset and a few blank campaign rows.
// Presets of channels that no longer exist are left out, so saving drops
// them.
func editorRows(list []model.UTMPreset, chans []model.Channel, names map[string]string) []presetRow {
	find := func(scope, key string) map[string]string {
		for _, p := range list {
			if p.Scope == scope && p.Key == key {
				return p.Params
			}
		}
		return nil
	}
	rows := []presetRow{{Scope: model.UTMScopeWorkspace, Label: "Every link", Params: find(model.UTMScopeWorkspace, "")}}
	for _, c := range chans {
		rows = append(rows, presetRow{Scope: model.UTMScopeChannel, Key: c.ID, Label: names[c.ID], Params: find(model.UTMScopeChannel, c.ID)})
	}
	for _, p := range list {
		if p.Scope == model.UTMScopeCampaign {
			rows = append(rows, presetRow{Scope: p.Scope, Key: p.Key, Params: p.Params})
		}
	}
	for range blankCampaignRows {
		rows = append(rows, presetRow{Scope: model.UTMScopeCampaign})
	}
	return rows
}

// presetLabel names a stored preset's target.
func presetLabel(scope, key string, names map[string]string) string {
	switch scope {
	case model.UTMScopeWorkspace:
		return "Every link"
	case model.UTMScopeChannel:
		if n := names[key]; n != "" {
			return "Channel " + n
		}
		return "A removed channel"
	}
	return "Campaign " + key
}

// presetsFromForm reads the editor. Each row sends one scope, one key and
// one value per parameter, so the lists line up by position. Rows with
// nothing typed are skipped; the domain drops rows whose values are all
// empty and checks the rest.
func presetsFromForm(vals map[string][]string) []model.UTMPreset {
	at := func(name string, i int) string {
		if list := vals[name]; i < len(list) {
			return strings.TrimSpace(list[i])
		}
		return ""
	}
	var out []model.UTMPreset
	for i, scope := range vals["scope"] {
		p := model.UTMPreset{Scope: scope, Key: at("key", i), Params: map[string]string{}}
		for _, name := range links.UTMParams {
			if val := at("utm_"+name, i); val != "" {
				p.Params[name] = val
			}
		}
		// A campaign named without values is kept, so it is shown back.
		if len(p.Params) == 0 && (scope != model.UTMScopeCampaign || p.Key == "") {
			continue
		}
		out = append(out, p)
	}
	return out
}

// linkPresetsSave replaces the workspace's presets with the editor's rows.
func (h *handler) linkPresetsSave(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := newForm(r)
	if _, err := h.d.Links.PutPresets(r.Context(), v.actor, m.Workspace.ID, presetsFromForm(r.PostForm)); err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields() // the rows share field names, so messages go above the editor
			h.renderPresets(w, r, v, status, m, f)
		})
		return
	}
	h.setFlash(w, r, "success", "The UTM presets are saved. They apply to links made from now on.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/links/presets")
}
