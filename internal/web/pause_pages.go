package web

import (
	"net/http"
	"strings"

	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/publish"
)

// publishingData is the publishing page: the pauses in force, and the
// controls to pause the workspace or a channel.
type publishingData struct {
	Pauses   *pauseBanner
	Channels []model.Channel
	CanPause bool
}

// publishingShow lists the workspace's pauses with the pause controls.
func (h *handler) publishingShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.renderPublishing(w, r, v, http.StatusOK, m, nil)
}

func (h *handler) renderPublishing(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, f *form) {
	b, err := h.pausesOf(r, v, &m)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	chans, err := h.d.Channels.List(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := publishingData{Pauses: b, Channels: chans, CanPause: model.Can(m.Role, model.ActPublishPause)}
	h.render(w, r, v, status, "publishing", &page{Title: "Publishing · " + m.Workspace.Name, Heading: "Publishing", Section: "publishing",
		WS: &m, Form: f, Data: d, Paused: b})
}

// pauseCreate pauses the workspace, or one channel when the form names it.
func (h *handler) pauseCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	channelID := r.PostForm.Get("channel")
	err := h.d.Publish.Pause(r.Context(), v.actor, m.Workspace.ID, channelID, r.PostForm.Get("reason"))
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("reason", "channel")
			h.renderPublishing(w, r, v, status, m, f)
		})
		return
	}
	h.setFlash(w, r, "success", "Publishing is paused. Nothing goes out there until someone resumes it.")
	back := localPath(r.PostForm.Get("back"))
	if back == "" || back == "/" {
		back = "/w/" + m.Workspace.ID + "/publishing"
	}
	redirect(w, r, back)
}

// resumeData is the resume page: the posts the pause held back, each with
// its own choice, and the choice for the rest.
type resumeData struct {
	ChannelID string
	Where     string // "the workspace" or the channel's name
	Pause     pauseView
	Targets   []resumeRow
}

// resumeRow is one paused target.
type resumeRow struct {
	TargetID, PostID, Text, Channel string
	Planned                         string
}

// resumeShow lists what a pause held back and asks what to do with it.
func (h *handler) resumeShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.renderResume(w, r, v, http.StatusOK, m, r.URL.Query().Get("channel"), nil)
}

func (h *handler) renderResume(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, channelID string, f *form) {
	ctx := r.Context()
	b, err := h.pausesOf(r, v, &m)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := resumeData{ChannelID: channelID, Where: "the workspace"}
	found := false
	if channelID == "" && b.Workspace != nil {
		d.Pause, found = *b.Workspace, true
	}
	for _, p := range b.Channels {
		if channelID != "" && p.ChannelID == channelID {
			d.Pause, d.Where, found = p, p.Channel, true
		}
	}
	if !found {
		h.errorPage(w, r, v, errorData{Status: http.StatusNotFound, Heading: "Not paused", Message: "Publishing is not paused there.",
			Back: "/w/" + m.Workspace.ID + "/publishing", BackTxt: "Go to Publishing"})
		return
	}
	names := map[string]string{}
	chans, err := h.d.Channels.List(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	zones := map[string]string{}
	for _, c := range chans {
		names[c.ID], zones[c.ID] = c.Name, c.TimeZone
	}
	posts, _, err := h.d.Compose.List(ctx, v.actor, m.Workspace.ID, compose.Filter{Status: model.TargetPaused, ChannelID: channelID, Limit: 200})
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	for _, p := range posts {
		for _, t := range p.Targets {
			if t.Status != model.TargetPaused || (channelID != "" && t.ChannelID != channelID) {
				continue
			}
			d.Targets = append(d.Targets, resumeRow{TargetID: t.ID, PostID: p.ID, Text: clip(p.Base.Text, 80), Channel: names[t.ChannelID],
				Planned: localTime(t.ScheduledAt, zoneName(t.TimeZone, zones[t.ChannelID]))})
		}
	}
	h.render(w, r, v, status, "resume", &page{Title: "Resume publishing · " + m.Workspace.Name, Heading: "Resume publishing",
		Section: "publishing", WS: &m, Form: f, Data: d, Paused: b})
}

// resumeCreate ends a pause with the choices made on the resume page.
func (h *handler) resumeCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := r.PostForm
	def := publish.ResumeChoice(f.Get("choice"))
	if def == "" {
		def = publish.ResumeReview
	}
	choices := map[string]publish.ResumeChoice{}
	for k, vals := range f {
		if id, ok := strings.CutPrefix(k, "choice_"); ok && len(vals) > 0 && vals[0] != "" {
			choices[id] = publish.ResumeChoice(vals[0])
		}
	}
	channelID := f.Get("channel")
	if err := h.d.Publish.Resume(r.Context(), v.actor, m.Workspace.ID, channelID, def, choices); err != nil {
		fm := newForm(r)
		h.formFail(w, r, v, err, fm, func(status int) {
			fm.onlyFields("choice")
			h.renderResume(w, r, v, status, m, channelID, fm)
		})
		return
	}
	h.setFlash(w, r, "success", "Publishing has resumed.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/publishing")
}
