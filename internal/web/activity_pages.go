package web

import (
	"html/template"
	"net/http"

	"herald/internal/chart"
	"herald/internal/discussion"
	"herald/internal/model"
)

// activityRoutes are a post's comments and history.
func (h *handler) activityRoutes(route routeFunc) {
	route("GET /w/{ws}/posts/{id}/activity", signedIn, h.postActivity)
	route("POST /w/{ws}/posts/{id}/comments", signedIn, h.commentCreate)
}

// activityData is a post's conversation page.
type activityData struct {
	Post       model.Post
	Metrics    []metricRow // every read of the post's counters, newest first
	Timeline   template.HTML
	Comments   []model.Comment
	Events     []discussion.Event
	Members    []model.Member
	CanComment bool
}

// postActivity shows a post's comments and its history.
func (h *handler) postActivity(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderActivity(w, r, v, http.StatusOK, &form{})
}

func (h *handler) renderActivity(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	p, err := h.d.Compose.Get(ctx, v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &activityData{Post: p, CanComment: model.Can(m.Role, model.ActPostComment)}
	if d.Comments, err = h.d.Discussion.Comments(ctx, v.actor, m.Workspace.ID, id); err == nil {
		d.Events, err = h.d.Discussion.Activity(ctx, v.actor, m.Workspace.ID, id)
	}
	if err == nil {
		d.Members, err = h.d.Workspaces.Members(ctx, v.actor, m.Workspace.ID)
	}
	if err == nil {
		d.Metrics, err = h.metricRows(r, v, m, id)
		d.Timeline = timelineChart(d.Metrics)
	}
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.render(w, r, v, status, "post_activity", &page{Title: "Comments and activity · " + m.Workspace.Name, Heading: "Comments and activity",
		Section: "posts", WS: &m, Form: f, Data: d})
}

// commentCreate adds a comment; @mentions of members notify them.
func (h *handler) commentCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	c, err := h.d.Discussion.Comment(r.Context(), v.actor, ws, id, r.PostForm.Get("body"))
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderActivity(w, r, v, status, f) })
		return
	}
	redirect(w, r, "/w/"+ws+"/posts/"+id+"/activity#comment-"+c.ID)
}

// metricRow is one read of a post's counters on one channel, as shown.
type metricRow struct {
	model.PostMetricSnapshot
	Channel string
}

// metricRows reads the post's metric timeline with channel names.
func (h *handler) metricRows(r *http.Request, v *visit, m model.Membership, postID string) ([]metricRow, error) {
	if h.d.Metrics == nil {
		return nil, nil
	}
	snaps, err := h.d.Metrics.PostTimeline(r.Context(), v.actor, m.Workspace.ID, postID)
	if err != nil {
		return nil, err
	}
	chans, err := h.d.Channels.List(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, c := range chans {
		names[c.ID] = c.Name
	}
	out := make([]metricRow, 0, len(snaps))
	for i := len(snaps) - 1; i >= 0; i-- {
		out = append(out, metricRow{PostMetricSnapshot: snaps[i], Channel: names[snaps[i].ChannelID]})
	}
	return out, nil
}

// timelineChart draws the post's engagements at each read, a line per
// channel (reads are listed newest first; the chart runs oldest first).
func timelineChart(rows []metricRow) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	var order []string
	byCh := map[string][]metricRow{}
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		if _, ok := byCh[r.ChannelID]; !ok {
			order = append(order, r.ChannelID)
		}
		byCh[r.ChannelID] = append(byCh[r.ChannelID], r)
	}
	var series []chart.Series
	for _, id := range order {
		s := chart.Series{Name: byCh[id][0].Channel}
		for _, r := range byCh[id] {
			n, ok := r.Engagements()
			s.Points = append(s.Points, chart.Point{Label: r.TakenAt.UTC().Format("2 Jan 15:04"), Value: float64(n), Missing: !ok})
		}
		series = append(series, s)
	}
	return chart.Line(chart.Chart{Title: "Engagements at each read", XLabel: "Read (UTC)", Unit: "engagements", ID: "timeline"}, series...)
}
