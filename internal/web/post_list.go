package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/platform/ids"
)

// postsData is the posts list.
type postsData struct {
	Posts     []postRow
	Filter    postFilterView
	Statuses  []model.TargetStatus
	Channels  []model.Channel
	Pillars   []model.Pillar
	Next      string // the next page's URL, "" on the last page
	First     string // the first page's URL when this is a later page
	ExportCSV string
	ExportJS  string
	CanEdit   bool
	CanDelete bool
}

// postFilterView is the filter form as submitted, for redisplay.
type postFilterView struct {
	Status, Channel, Pillar, Label, Query string
	Active                                bool
}

// postRow is one post in the list.
type postRow struct {
	ID        string
	Line      string // the first line of the text
	Labels    []string
	Pillar    *model.Pillar
	Chips     []statusChip
	UpdatedAt time.Time
	Version   int
}

// statusChip is one channel's status on a post.
type statusChip struct {
	Channel string
	Status  model.TargetStatus
}

// postStatuses are the statuses the filter offers, in the order of a
// post's life.
var postStatuses = []model.TargetStatus{model.TargetDraft, model.TargetScheduled,
	model.TargetPublishing, model.TargetPublished, model.TargetFailed, model.TargetUnconfirmed, model.TargetCancelled,
	model.TargetPaused, model.TargetMissed, model.TargetExpired}

// postList shows the workspace's posts, newest first, with the filters of
// a GET form so a filtered list can be bookmarked and paged.
func (h *handler) postList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	f, fv := postFilter(r.URL.Query())
	posts, next, err := h.d.Compose.List(ctx, v.actor, ws, f)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	chans, err := h.d.Channels.List(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	pillars, err := h.d.Compose.Pillars(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	base := "/w/" + ws + "/posts"
	d := postsData{Filter: fv, Statuses: postStatuses, Channels: chans, Pillars: pillars,
		CanEdit: model.Can(m.Role, model.ActPostEdit), CanDelete: model.Can(m.Role, model.ActPostDelete)}
	q := filterQuery(fv)
	if next != "" {
		d.Next = base + "?" + withParam(q, "after", next)
	}
	if f.After != "" {
		d.First = base + "?" + q.Encode()
	}
	d.ExportCSV = base + "/export?" + withParam(q, "format", compose.ExportCSV)
	d.ExportJS = base + "/export?" + withParam(q, "format", compose.ExportJSON)
	d.Posts = postRows(posts, chans, pillars)
	h.render(w, r, v, http.StatusOK, "posts", &page{Title: "Posts · " + m.Workspace.Name, Heading: "Posts", Section: "posts", WS: &m, Data: d})
}

// postFilter reads the list's filters from a query string. Malformed IDs
// are dropped rather than refused: a stale bookmark still shows a list.
func postFilter(q url.Values) (compose.Filter, postFilterView) {
	fv := postFilterView{Status: q.Get("status"), Channel: q.Get("channel"), Pillar: q.Get("pillar"),
		Label: strings.TrimSpace(q.Get("label")), Query: strings.TrimSpace(q.Get("q"))}
	if !validStatus(fv.Status) {
		fv.Status = ""
	}
	if !ids.Valid(fv.Channel) {
		fv.Channel = ""
	}
	if !ids.Valid(fv.Pillar) {
		fv.Pillar = ""
	}
	fv.Active = fv.Status != "" || fv.Channel != "" || fv.Pillar != "" || fv.Label != "" || fv.Query != ""
	f := compose.Filter{Status: model.TargetStatus(fv.Status), ChannelID: fv.Channel, PillarID: fv.Pillar, Label: fv.Label, Query: fv.Query}
	if after := q.Get("after"); ids.Valid(after) {
		f.After = after
	}
	return f, fv
}

func validStatus(s string) bool {
	for _, st := range postStatuses {
		if string(st) == s {
			return true
		}
	}
	return false
}

// filterQuery is the query string of the active filters, without paging.
func filterQuery(fv postFilterView) url.Values {
	q := url.Values{}
	for k, val := range map[string]string{"status": fv.Status, "channel": fv.Channel, "pillar": fv.Pillar, "label": fv.Label, "q": fv.Query} {
		if val != "" {
			q.Set(k, val)
		}
	}
	return q
}

func withParam(q url.Values, k, val string) string {
	out := url.Values{}
	for key, vals := range q {
		out[key] = vals
	}
	out.Set(k, val)
	return out.Encode()
}

func postRows(posts []model.Post, chans []model.Channel, pillars []model.Pillar) []postRow {
	names := make(map[string]string, len(chans))
	for _, c := range chans {
		names[c.ID] = c.Name
	}
	byID := make(map[string]*model.Pillar, len(pillars))
	for i := range pillars {
		byID[pillars[i].ID] = &pillars[i]
	}
	rows := make([]postRow, 0, len(posts))
	for _, p := range posts {
		row := postRow{ID: p.ID, Line: firstLine(p.Base.Text), Labels: p.Labels, Pillar: byID[p.PillarID], UpdatedAt: p.UpdatedAt, Version: p.Version}
		for _, t := range p.Targets {
			name := names[t.ChannelID]
			if name == "" {
				name = "Removed channel" // its channel was disconnected since
			}
			row.Chips = append(row.Chips, statusChip{Channel: name, Status: t.Status})
		}
		rows = append(rows, row)
	}
	return rows
}

// firstLine is what the list shows of a post's text: its first non-empty
// line, clipped, so every row stays one line high.
func firstLine(text string) string {
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if r := []rune(l); len(r) > 120 {
				return string(r[:119]) + "…"
			}
			return l
		}
	}
	return ""
}

// postDelete removes a post after the list's confirmation panel.
func (h *handler) postDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	if err := h.d.Compose.Delete(r.Context(), v.actor, m.Workspace.ID, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The post is deleted.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/posts")
}

// postExport downloads the filtered posts as CSV (the import format) or
// JSON. It streams, so the headers go out with the first bytes; a failure
// before then still gets the error page.
func (h *handler) postExport(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	format := r.URL.Query().Get("format")
	f, _ := postFilter(r.URL.Query())
	f.After = ""
	lw := &lazyDownload{w: w, name: "posts-" + time.Now().UTC().Format("2006-01-02") + "." + format, format: format}
	err := h.d.Compose.Export(r.Context(), v.actor, m.Workspace.ID, lw, format, f)
	if err == nil && !lw.started {
		_, _ = lw.Write(nil) // an empty export is still a download
	}
	if err != nil && !lw.started {
		h.fail(w, r, v, err)
	} else if err != nil {
		// Too late for an error page: the download is cut short instead.
		h.log.Error("export posts", "workspace_id", m.Workspace.ID, "user_id", v.user.ID, "err", err)
	}
}

// lazyDownload sets a download's headers at its first write.
type lazyDownload struct {
	w       http.ResponseWriter
	name    string
	format  string
	started bool
}

func (d *lazyDownload) Write(b []byte) (int, error) {
	if !d.started {
		d.started = true
		ct := "text/csv; charset=utf-8"
		if d.format == compose.ExportJSON {
			ct = "application/json; charset=utf-8"
		}
		hd := d.w.Header()
		hd.Set("Content-Type", ct)
		hd.Set("Content-Disposition", `attachment; filename="`+d.name+`"`)
		hd.Set("Cache-Control", "no-store")
		hd.Set("X-Content-Type-Options", "nosniff")
	}
	return d.w.Write(b)
}
