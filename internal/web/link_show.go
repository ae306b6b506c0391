package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
)

// linkStatsData is one link's page: what it points at, its clicks over the
// last 90 days and, for those who may manage links, the edit and delete
// forms.
type linkStatsData struct {
	Link      linkRow
	Stats     model.LinkStats
	Chart     dayChart
	Referrers []referrerRow
	CanManage bool
	// Conversions credited to the link (conversion tracking), all time.
	Conversions int
}

// referrerRow is one line of the referrer table.
type referrerRow struct {
	Label  string
	Clicks int
	Share  int // percent of human clicks
}

// linkShow is a link's statistics page.
func (h *handler) linkShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	h.renderLink(w, r, v, http.StatusOK, m, id, nil)
}

// renderLink draws a link's page; f is the submitted edit form, or nil to
// fill it from the link.
func (h *handler) renderLink(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, id string, f *form) {
	ctx, ws := r.Context(), m.Workspace.ID
	l, err := h.d.Links.Get(ctx, v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	st, err := h.d.Links.Stats(ctx, v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	names := map[string]string{}
	if l.ChannelID != "" {
		if c, err := h.d.Channels.Get(ctx, v.actor, ws, l.ChannelID); err == nil {
			names[c.ID] = c.Name
		} else if !kindNotFound(err) {
			h.fail(w, r, v, err)
			return
		}
	}
	d := linkStatsData{Link: h.linkRowOf(l, names, st), Stats: st, Chart: newDayChart(st.ByDay, time.Now()),
		Referrers: h.referrerRows(st), CanManage: model.Can(m.Role, model.ActLinkManage)}
	if d.Conversions, err = h.d.Conversions.LinkCount(ctx, v.actor, ws, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	if f == nil {
		f = &form{Values: url.Values{"url": {l.URL}}, Errors: map[string]string{}}
	}
	h.render(w, r, v, status, "links_stats", &page{Title: l.Code + " · Links · " + m.Workspace.Name, Heading: d.Link.Short,
		Section: "links", WS: &m, Form: f, Data: d})
}

// linkCSVTables are the link page's tables that download as CSV.
var linkCSVTables = []string{"days", "referrers"}

// linkCSV downloads a table of a link's page as CSV, over the same last
// 90 days: human clicks per day (table=days, days with clicks only, as
// the page lists them) or where they came from (table=referrers).
func (h *handler) linkCSV(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	l, err := h.d.Links.Get(ctx, v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	table := r.URL.Query().Get("table")
	if !slices.Contains(linkCSVTables, table) {
		h.fail(w, r, v, model.Invalid("table", "%q is not a table; one of %s", table, strings.Join(linkCSVTables, ", ")))
		return
	}
	st, err := h.d.Links.Stats(ctx, v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	out := newCSVDownload(w, "link-"+l.Code+"-"+table+".csv")
	if table == "days" {
		out.row("day", "human_clicks")
		for _, d := range st.ByDay {
			out.row(d.Day, strconv.Itoa(d.Clicks))
		}
	} else {
		out.row("referrer", "human_clicks", "share_pct")
		for _, rr := range h.referrerRows(st) {
			out.row(rr.Label, strconv.Itoa(rr.Clicks), strconv.Itoa(rr.Share))
		}
	}
	out.flush()
}

// referrerRows names the referrer classes for people, with their share.
func (h *handler) referrerRows(st model.LinkStats) []referrerRow {
	names := map[string]string{model.ReferrerDirect: "Direct or unknown", model.ReferrerSearch: "Search engines",
		model.ReferrerOther: "Other websites"}
	for _, n := range h.networks() {
		names[n.Network] = n.Name
	}
	out := make([]referrerRow, 0, len(st.ByReferrer))
	for _, rc := range st.ByReferrer {
		label := names[rc.Referrer]
		if label == "" {
			label = sentence(strings.ReplaceAll(rc.Referrer, "_", " "))
		}
		row := referrerRow{Label: label, Clicks: rc.Clicks}
		if st.Human > 0 {
			row.Share = (rc.Clicks*100 + st.Human/2) / st.Human
		}
		out = append(out, row)
	}
	return out
}

// linkUpdate points a link at a new target; the short URL stays.
func (h *handler) linkUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	f := newForm(r)
	if _, err := h.d.Links.Update(r.Context(), v.actor, m.Workspace.ID, id, r.PostForm.Get("url")); err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("url")
			h.renderLink(w, r, v, status, m, id, f)
		})
		return
	}
	h.setFlash(w, r, "success", "The link now points at the new address; its short URL is unchanged.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/links/"+id)
}

// linkDelete removes a link and its clicks after the confirmation panel.
func (h *handler) linkDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	if err := h.d.Links.Delete(r.Context(), v.actor, m.Workspace.ID, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The link and its clicks are deleted; its short URL no longer works.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/links")
}
