package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/schedule"
)

// composerRoutes registers the composer: the editor page and the endpoints
// its script calls while the writer types.
func (h *handler) composerRoutes(mux *http.ServeMux, route routeFunc) {
	route("GET /w/{ws}/posts/new", signedIn, h.composerNew)
	route("POST /w/{ws}/posts/new", signedIn, h.composerCreate)
	route("GET /w/{ws}/posts/{id}/edit", signedIn, h.composerEdit)
	route("POST /w/{ws}/posts/{id}/edit", signedIn, h.composerUpdate)
	route("POST /w/{ws}/compose/validate", signedIn, h.composerValidate)
	route("POST /w/{ws}/compose/split", signedIn, h.composerSplit)
	route("GET /w/{ws}/compose/snippets", signedIn, h.composerSnippets)
	route("POST /w/{ws}/compose/expand", signedIn, h.composerExpand)
}

// composerChannel is a channel in the picker.
type composerChannel struct {
	ID, Name, Handle, Network, NetworkName, Status string
	Picked                                         bool
}

// composerGroup is the picker's channels of one network.
type composerGroup struct {
	Network, Name string
	Channels      []composerChannel
}

// composerData is the composer page.
type composerData struct {
	PostID   string
	Version  int
	Groups   []composerGroup
	Pillars  []model.Pillar
	PillarID string
	Labels   string
	Notes    string
	Base     model.Content
	Thread   []string
	State    string // JSON for the script: base, channels, variants
	Targets  []model.Target
	Names    map[string]string // channel ID → name, for the status list
	CanEdit  bool
	Action   string
	Schedule *scheduleData  // the scheduling panel of a saved post (schedule_panel.go)
	Approval *approvalPanel // the approval panel of a saved post (approval_pages.go)
}

// composerState is what the page's script starts from and keeps in the
// form's hidden fields; the server reads the same shape back.
type composerState struct {
	Base     model.Content            `json:"base"`
	Channels []string                 `json:"channels"`
	Variants map[string]model.Variant `json:"variants"`
	PostID   string                   `json:"post_id,omitempty"`
}

func (h *handler) composerNew(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	d := compose.Draft{Channels: r.URL.Query()["channel"]}
	h.renderComposer(w, r, v, http.StatusOK, m, model.Post{}, d, nil)
}

func (h *handler) composerEdit(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	p, err := h.d.Compose.Get(r.Context(), v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.renderComposer(w, r, v, http.StatusOK, m, p, draftOf(p), nil)
}

// draftOf turns a saved post back into the composer's input.
// presetQuery carries a time chosen on the calendar (?at=YYYY-MM-DDTHH:MM
// and ?zone=) from the new-post page through saving to the scheduling
// panel; anything malformed is dropped.
func presetQuery(r *http.Request) string {
	at, zone := r.URL.Query().Get("at"), r.URL.Query().Get("zone")
	if _, err := time.Parse("2006-01-02T15:04", at); err != nil {
		return ""
	}
	q := url.Values{"at": {at}}
	if _, err := schedule.LoadZone(zone); zone != "" && err == nil {
		q.Set("zone", zone)
	}
	return "?" + q.Encode()
}

func draftOf(p model.Post) compose.Draft {
	d := compose.Draft{Base: p.Base, PillarID: p.PillarID, Labels: p.Labels, Notes: p.Notes, Variants: map[string]model.Variant{}}
	for _, t := range p.Targets {
		d.Channels = append(d.Channels, t.ChannelID)
		if t.Variant.Customised() {
			d.Variants[t.ChannelID] = t.Variant
		}
	}
	return d
}

func (h *handler) composerCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	d, err := draftFromForm(r)
	if err == nil {
		var p model.Post
		if p, err = h.d.Compose.Create(r.Context(), v.actor, m.Workspace.ID, d); err == nil {
			h.setFlash(w, r, "success", "Draft saved.")
			redirect(w, r, "/w/"+m.Workspace.ID+"/posts/"+p.ID+"/edit"+presetQuery(r))
			return
		}
	}
	f := newForm(r)
	h.formFail(w, r, v, err, f, func(status int) { h.renderComposer(w, r, v, status, m, model.Post{}, d, f) })
}

func (h *handler) composerUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	cur, err := h.d.Compose.Get(ctx, v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d, err := draftFromForm(r)
	if err == nil {
		prev, convErr := strconv.Atoi(r.PostForm.Get("version"))
		if convErr != nil {
			err = model.Invalid("version", "the form lost track of the post's version; reload the page")
		} else if _, err = h.d.Compose.Update(ctx, v.actor, m.Workspace.ID, id, prev, d); err == nil {
			h.setFlash(w, r, "success", "Draft saved.")
			redirect(w, r, "/w/"+m.Workspace.ID+"/posts/"+id+"/edit")
			return
		}
	}
	f := newForm(r)
	h.formFail(w, r, v, err, f, func(status int) { h.renderComposer(w, r, v, status, m, cur, d, f) })
}

// draftFromForm reads the composer form. The visible fields carry the base
// content, so the form works without its script; the script adds media,
// variants and thread media through the hidden "state" field.
func draftFromForm(r *http.Request) (compose.Draft, error) {
	f := r.PostForm
	d := compose.Draft{Channels: f["channel"], PillarID: f.Get("pillar"), Notes: f.Get("notes")}
	for _, l := range strings.Split(f.Get("labels"), ",") {
		if l = strings.TrimSpace(l); l != "" {
			d.Labels = append(d.Labels, l)
		}
	}
	var st composerState
	if raw := f.Get("state"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			return d, model.Invalid("state", "the composer's data could not be read; reload the page and try again")
		}
	}
	d.Variants = st.Variants
	d.Base = st.Base
	d.Base.Text = f.Get("text")
	d.Base.Link = strings.TrimSpace(f.Get("link"))
	d.Base.FirstComment = f.Get("first_comment")
	var thread []model.Segment
	for i, t := range f["thread"] {
		if strings.TrimSpace(t) == "" {
			continue
		}
		seg := model.Segment{Text: t}
		if i < len(st.Base.Thread) {
			seg.Media = st.Base.Thread[i].Media
		}
		thread = append(thread, seg)
	}
	d.Base.Thread = thread
	opts := map[string]string{}
	for _, k := range []string{"visibility", "content_warning", "language", "disclosure", "track_links"} {
		if val := strings.TrimSpace(f.Get("opt_" + k)); val != "" {
			opts[k] = val
		}
	}
	if len(opts) > 0 {
		d.Base.Options = opts
	} else {
		d.Base.Options = nil
	}
	return d, nil
}

func (h *handler) renderComposer(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, p model.Post, d compose.Draft, f *form) {
	ctx := r.Context()
	chans, err := h.d.Channels.List(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	pillars, err := h.d.Compose.Pillars(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	data := composerData{PostID: p.ID, Version: p.Version, Pillars: pillars, PillarID: d.PillarID, Notes: d.Notes,
		Labels: strings.Join(d.Labels, ", "), Base: d.Base, Targets: p.Targets, Names: map[string]string{},
		CanEdit: model.Can(m.Role, model.ActPostEdit)}
	for _, seg := range d.Base.Thread {
		data.Thread = append(data.Thread, seg.Text)
	}
	data.Action = "/w/" + m.Workspace.ID + "/posts/new" + presetQuery(r)
	if p.ID != "" {
		data.Action = "/w/" + m.Workspace.ID + "/posts/" + p.ID + "/edit"
		data.Schedule = h.schedulePanel(r, v, m, p, chans, f)
		data.Approval = h.approvalPanelFor(r, v, m, p)
	}
	picked := map[string]bool{}
	for _, id := range d.Channels {
		picked[id] = true
	}
	nets := map[string]string{}
	for _, n := range h.networks() {
		nets[n.Network] = n.Name
	}
	byNet := map[string]int{}
	for _, c := range chans {
		data.Names[c.ID] = c.Name
		i, ok := byNet[c.Network]
		if !ok {
			i = len(data.Groups)
			byNet[c.Network] = i
			name := nets[c.Network]
			if name == "" {
				name = c.Network
			}
			data.Groups = append(data.Groups, composerGroup{Network: c.Network, Name: name})
		}
		data.Groups[i].Channels = append(data.Groups[i].Channels, composerChannel{ID: c.ID, Name: c.Name, Handle: c.Handle,
			Network: c.Network, NetworkName: data.Groups[i].Name, Status: string(c.Status), Picked: picked[c.ID]})
	}
	sort.SliceStable(data.Groups, func(i, j int) bool { return data.Groups[i].Name < data.Groups[j].Name })
	variants := d.Variants
	if variants == nil {
		variants = map[string]model.Variant{}
	}
	channels := d.Channels
	if channels == nil {
		channels = []string{}
	}
	state, _ := json.Marshal(composerState{Base: d.Base, Channels: channels, Variants: variants, PostID: p.ID})
	data.State = string(state)
	title := "New post"
	if p.ID != "" {
		title = "Edit post"
	}
	h.render(w, r, v, status, "composer", &page{Title: title + " · " + m.Workspace.Name, Heading: title, Section: "posts", WS: &m, Form: f, Data: data})
}

// validateRequest is what the composer's script sends while the writer
// types.
type validateRequest struct {
	composerState
	PillarID string `json:"pillar_id,omitempty"`
}

// composerValidate answers the live validation: the same compose.Validate
// the API and the publisher use, so the browser never counts on its own.
func (h *handler) composerValidate(w http.ResponseWriter, r *http.Request, v *visit) {
	var req validateRequest
	if err := readJSON(r, &req); err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	in := compose.ValidateInput{Draft: compose.Draft{Base: req.Base, Channels: req.Channels, Variants: req.Variants}, PostID: req.PostID}
	rep, err := h.d.Compose.Validate(r.Context(), v.actor, r.PathValue("ws"), in)
	if err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// composerSplit cuts the text into thread parts every picked channel takes.
func (h *handler) composerSplit(w http.ResponseWriter, r *http.Request, v *visit) {
	var req struct {
		Text     string   `json:"text"`
		Channels []string `json:"channels"`
		Numbered bool     `json:"numbered"`
	}
	if err := readJSON(r, &req); err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	parts, err := h.d.Compose.Split(r.Context(), v.actor, r.PathValue("ws"), req.Channels, req.Text, req.Numbered)
	if err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"parts": parts})
}

// snippetView is a template or hashtag group as the composer's menus show it.
type snippetView struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	Body      string   `json:"body"`
	Variables []string `json:"variables"`
}

func (h *handler) composerSnippets(w http.ResponseWriter, r *http.Request, v *visit) {
	list, err := h.d.Compose.Snippets(r.Context(), v.actor, r.PathValue("ws"), "")
	if err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	out := []snippetView{}
	for _, s := range list {
		out = append(out, snippetView{ID: s.ID, Kind: string(s.Kind), Name: s.Name, Body: s.Body, Variables: compose.TemplateVariables(s.Body)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"snippets": out})
}

// composerExpand fills a template's variables for insertion.
func (h *handler) composerExpand(w http.ResponseWriter, r *http.Request, v *visit) {
	var req struct {
		ID       string            `json:"id"`
		Vars     map[string]string `json:"vars"`
		TimeZone string            `json:"time_zone"`
	}
	if err := readJSON(r, &req); err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	zone := zoneOrUTC(req.TimeZone)
	text, err := h.d.Compose.Expand(r.Context(), v.actor, r.PathValue("ws"), req.ID, req.Vars, zone)
	if err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"text": text})
}

// zoneOrUTC loads the browser's reported time zone, falling back to UTC
// for a missing or unknown one (it only dates a template's {{date}}).
func zoneOrUTC(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}
