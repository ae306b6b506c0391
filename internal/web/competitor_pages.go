package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"herald/internal/chart"
	"herald/internal/competitor"
	"herald/internal/model"
	"herald/internal/platform/csvsafe"
)

// competitorRoutes are the comparison with competitors' public accounts.
func (h *handler) competitorRoutes(route routeFunc) {
	route("GET /w/{ws}/analytics/competitors", signedIn, h.competitorsShow)
	route("GET /w/{ws}/analytics/competitors.csv", signedIn, h.competitorsCSV)
	route("POST /w/{ws}/analytics/competitors", signedIn, h.competitorAdd)
	route("POST /w/{ws}/analytics/competitors/{id}/refresh", signedIn, h.competitorRefresh)
	route("POST /w/{ws}/analytics/competitors/{id}/delete", signedIn, h.competitorDelete)
}

// competitorRow is one row of the comparison table, its figures worded.
type competitorRow struct {
	competitor.Row
	Followers, Growth, PostsPerWeek, EngagementPost string
}

// competitorsData is the comparison page.
type competitorsData struct {
	From, To    string
	Rows        []competitorRow
	Competitors []model.Competitor
	Networks    []competitor.Network
	CanManage   bool
	Formulas    map[string]string
	Engagement  template.HTML
	Followers   template.HTML
}

// competitorsShow shows the period's comparison and the followed accounts.
func (h *handler) competitorsShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderCompetitors(w, r, v, http.StatusOK, nil)
}

func (h *handler) renderCompetitors(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	m, from, to, ok := h.workspacePeriod(w, r, v)
	if !ok {
		return
	}
	cmp, err := h.d.Competitors.Compare(r.Context(), v.actor, m.Workspace.ID, from, to)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	list, err := h.d.Competitors.List(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &competitorsData{From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly), Competitors: list,
		Networks: h.d.Competitors.Networks(), CanManage: model.Can(m.Role, model.ActCompetitorManage), Formulas: competitor.Formulas}
	eng := chart.Series{Name: "Engagements per post"}
	fol := chart.Series{Name: "Followers"}
	for _, row := range cmp.Rows {
		d.Rows = append(d.Rows, competitorRow{Row: row, Followers: figure(row.Followers, row.FollowersLower), Growth: figure(row.Growth, false),
			PostsPerWeek: figure(row.PostsPerWeek, false), EngagementPost: figure(row.EngagementPost, false)})
		label := rowLabel(row)
		eng.Points = append(eng.Points, chart.Point{Label: label, Value: row.EngagementPost.V, Missing: !row.EngagementPost.Known})
		fol.Points = append(fol.Points, chart.Point{Label: label, Value: row.Followers.V, Missing: !row.Followers.Known})
	}
	if len(cmp.Rows) > 0 {
		d.Engagement = chart.Bar(chart.Chart{Title: "Average engagements per post", XLabel: "Account", Unit: "engagements", ID: "cmp-eng"}, eng)
		d.Followers = chart.Bar(chart.Chart{Title: "Followers at the end of the period", XLabel: "Account", Unit: "followers", ID: "cmp-fol"}, fol)
	}
	h.render(w, r, v, status, "competitors", &page{Title: "Competitors · " + m.Workspace.Name, Heading: "Competitors",
		Section: "analytics", WS: &m, Form: f, Data: d})
}

// rowLabel names a row in charts: own channels are marked.
func rowLabel(row competitor.Row) string {
	name := row.Handle
	if row.Name != "" {
		name = row.Name
	}
	if row.Own {
		return name + " (you)"
	}
	return name
}

// figure words a compared number; an unknown one says so.
func figure(v competitor.Value, lowerBound bool) string {
	if !v.Known {
		return "not available"
	}
	s := strconv.FormatFloat(v.V, 'f', 1, 64)
	if v.V == float64(int64(v.V)) {
		s = strconv.FormatInt(int64(v.V), 10)
	}
	if lowerBound {
		return "at least " + s
	}
	return s
}

// competitorAdd follows an account.
func (h *handler) competitorAdd(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActCompetitorManage)
	if !ok {
		return
	}
	f := newForm(r)
	c, err := h.d.Competitors.Add(r.Context(), v.actor, m.Workspace.ID, competitor.NewCompetitor{Network: r.PostForm.Get("network"),
		Handle: r.PostForm.Get("handle"), Label: r.PostForm.Get("label")})
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderCompetitors(w, r, v, status, f) })
		return
	}
	h.setFlash(w, r, "success", fmt.Sprintf("Herald now follows %s on %s; its first numbers arrive within a few minutes.", c.Handle, c.Network))
	redirect(w, r, "/w/"+m.Workspace.ID+"/analytics/competitors")
}

// competitorRefresh reads a competitor now.
func (h *handler) competitorRefresh(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActCompetitorManage)
	if !ok {
		return
	}
	id, ok := h.pathID(w, r, v, "id")
	if !ok {
		return
	}
	c, err := h.d.Competitors.Refresh(r.Context(), v.actor, m.Workspace.ID, id)
	switch {
	case model.KindOf(err) == model.KindRateLimited:
		h.setFlash(w, r, "warning", model.AsError(err).Msg)
	case err != nil:
		h.fail(w, r, v, err)
		return
	case c.LastError != "":
		h.setFlash(w, r, "error", "Herald could not read "+c.Handle+": "+c.LastError)
	default:
		h.setFlash(w, r, "success", "Herald read "+c.Handle+" just now.")
	}
	redirect(w, r, "/w/"+m.Workspace.ID+"/analytics/competitors")
}

// competitorDelete stops following a competitor.
func (h *handler) competitorDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActCompetitorManage)
	if !ok {
		return
	}
	id, ok := h.pathID(w, r, v, "id")
	if !ok {
		return
	}
	if err := h.d.Competitors.Remove(r.Context(), v.actor, m.Workspace.ID, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "Herald no longer follows that account; its numbers are gone.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/analytics/competitors")
}

// competitorsCSV downloads the comparison table.
func (h *handler) competitorsCSV(w http.ResponseWriter, r *http.Request, v *visit) {
	m, from, to, ok := h.workspacePeriod(w, r, v)
	if !ok {
		return
	}
	cmp, err := h.d.Competitors.Compare(r.Context(), v.actor, m.Workspace.ID, from, to)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="competitors-`+from.Format(time.DateOnly)+`.csv"`)
	cw := csv.NewWriter(w)
	for _, row := range competitorTable(cmp) {
		for i := range row {
			row[i] = csvsafe.Cell(row[i])
		}
		_ = cw.Write(row) // the client went away: nothing to tell it
	}
	cw.Flush()
}

// competitorTable is the comparison as CSV rows (header first): numbers a
// network does not give are empty cells, never 0.
func competitorTable(cmp competitor.Comparison) [][]string {
	rows := [][]string{{"network", "account", "name", "own_channel", "label", "followers", "followers_lower_bound", "follower_growth", "posts",
		"posts_per_week", "engagements_per_post", "last_read", "last_error"}}
	cell := func(v competitor.Value) string {
		if !v.Known {
			return ""
		}
		return strconv.FormatFloat(v.V, 'f', -1, 64)
	}
	for _, r := range cmp.Rows {
		read := ""
		if !r.RefreshedAt.IsZero() {
			read = r.RefreshedAt.UTC().Format(time.RFC3339)
		}
		rows = append(rows, []string{r.Network, r.Handle, r.Name, strconv.FormatBool(r.Own), r.Label, cell(r.Followers),
			strconv.FormatBool(r.FollowersLower), cell(r.Growth), strconv.Itoa(r.Posts), cell(r.PostsPerWeek), cell(r.EngagementPost), read, r.LastError})
	}
	return rows
}
