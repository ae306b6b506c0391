package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"herald/internal/besttime"
	"herald/internal/chart"
	"herald/internal/metrics"
	"herald/internal/model"
	"herald/internal/platform/csvsafe"
	"herald/internal/schedule"
)

// analyticsRoutes are the workspace's KPIs and each channel's best times.
func (h *handler) analyticsRoutes(route routeFunc) {
	route("GET /w/{ws}/analytics", signedIn, h.analyticsShow)
	route("GET /w/{ws}/analytics.csv", signedIn, h.analyticsCSV)
	route("GET /w/{ws}/analytics/best-times/{id}", signedIn, h.bestTimesShow)
	route("GET /w/{ws}/analytics/best-times/{id}/heatmap.csv", signedIn, h.bestTimesCSV)
	route("POST /w/{ws}/analytics/best-times/{id}/slots", signedIn, h.bestTimesUse)
}

// kpiCard is one KPI as the overview shows it.
type kpiCard struct {
	Key, Label, Formula, Value, Previous, Change string
	Up                                           bool
}

// analyticsData is the overview page.
type analyticsData struct {
	From, To     string
	Overview     metrics.Overview
	Cards        []kpiCard
	Channels     []channelKPIs
	Formulas     map[string]string // KPI key → its formula, for column tooltips
	Engagements  template.HTML
	FollowerBars template.HTML
	Names        map[string]string
	Groups       []groupTable // by content pillar, by label and by campaign
}

// groupTable is the period's posts summed by pillar, label or campaign.
type groupTable struct {
	Key, Title, Noun string        // Key names the table for tests and scripts; Noun heads its first column
	Rows             []channelKPIs // ID is the pillar ID, the label or the campaign; Name as shown
}

// channelKPIs is one channel's row of the overview.
type channelKPIs struct {
	ID, Name string
	K        metrics.KPIs
}

// analyticsShow shows a period's KPIs against the period before.
func (h *handler) analyticsShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, from, to, ok := h.workspacePeriod(w, r, v)
	if !ok {
		return
	}
	o, err := h.d.Metrics.Overview(r.Context(), v.actor, m.Workspace.ID, from, to)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	chans, err := h.d.Channels.List(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &analyticsData{From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly), Overview: o,
		Names: map[string]string{}, Formulas: metrics.KPIFormulas}
	for _, c := range chans {
		d.Names[c.ID] = c.Name
		if k, ok := o.ByChannel[c.ID]; ok {
			d.Channels = append(d.Channels, channelKPIs{ID: c.ID, Name: c.Name, K: k})
		}
	}
	sort.Slice(d.Channels, func(i, j int) bool { return d.Channels[i].Name < d.Channels[j].Name })
	d.Cards = cards(o.Current, o.Previous)
	pillars, err := h.d.Compose.Pillars(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d.Groups = groupTables(o, pillars)
	d.Engagements, d.FollowerBars = channelCharts(d.Channels)
	h.render(w, r, v, http.StatusOK, "analytics", &page{Title: "Analytics · " + m.Workspace.Name, Heading: "Analytics",
		Section: "analytics", WS: &m, Data: d})
}

// cards lays out the KPIs with their formulas and the change from the
// period before.
func cards(cur, prev metrics.KPIs) []kpiCard {
	list := metrics.Compare(cur, prev)
	out := make([]kpiCard, 0, len(list))
	for _, k := range list {
		c := kpiCard{Key: k.Key, Label: k.Label, Formula: k.Formula, Value: show(k.Current, k.Percent), Previous: show(k.Previous, k.Percent)}
		c.Change, c.Up = k.Change()
		out = append(out, c)
	}
	return out
}

// kpiCell formats a KPI for a table cell, where "not available" in full
// would wrap in every narrow column: an unknown one is a muted "n/a"
// that says why on hover, as a post's reads show it.
func kpiCell(v metrics.Value, pct bool) template.HTML {
	if !v.Known {
		return `<span class="muted" title="not available">n/a</span>`
	}
	return template.HTML(template.HTMLEscapeString(show(v, pct)))
}

// show formats a KPI; an unknown one says so.
func show(v metrics.Value, pct bool) string { return metrics.Format(v, pct, "not available") }

// channelCharts draws engagements and followers per channel.
func channelCharts(rows []channelKPIs) (template.HTML, template.HTML) {
	eng := chart.Series{Name: "Engagements"}
	fol := chart.Series{Name: "Followers"}
	for _, r := range rows {
		eng.Points = append(eng.Points, chart.Point{Label: r.Name, Value: r.K.Engagements.V, Missing: !r.K.Engagements.Known})
		fol.Points = append(fol.Points, chart.Point{Label: r.Name, Value: r.K.Followers.V, Missing: !r.K.Followers.Known})
	}
	return chart.Bar(chart.Chart{Title: "Engagements per channel", XLabel: "Channel", Unit: "engagements", ID: "eng"}, eng),
		chart.Bar(chart.Chart{Title: "Followers at the end of the period", XLabel: "Channel", Unit: "followers", ID: "fol"}, fol)
}

// bestTimesData is a channel's best-times page.
type bestTimesData struct {
	Channel model.Channel
	Result  besttime.Result
	Heatmap template.HTML
	Zone    string
	CanUse  bool
	PerWeek int
}

var weekdayNames = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// channelBestTimes reads the best times of the channel in the path, for
// the page and its CSV.
func (h *handler) channelBestTimes(w http.ResponseWriter, r *http.Request, v *visit) (model.Membership, besttime.Result, model.Channel, bool) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return m, besttime.Result{}, model.Channel{}, false
	}
	res, ch, err := h.d.Metrics.BestTimes(r.Context(), v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return m, res, ch, false
	}
	return m, res, ch, true
}

// bestTimesShow shows a channel's weekday × hour heatmap and best slots.
func (h *handler) bestTimesShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, res, ch, ok := h.channelBestTimes(w, r, v)
	if !ok {
		return
	}
	hours := make([]string, 24)
	for i := range hours {
		hours[i] = fmt.Sprintf("%02d", i)
	}
	values := make([][]float64, 7)
	for d := range values {
		values[d] = make([]float64, 24)
		for hr := 0; hr < 24; hr++ {
			values[d][hr] = res.Cells[d][hr].Score * 100
		}
	}
	data := &bestTimesData{Channel: ch, Result: res, Zone: ch.TimeZone, CanUse: model.Can(m.Role, model.ActSlotsManage), PerWeek: 7,
		Heatmap: chart.Heatmap(chart.Chart{Title: "When posts on " + ch.Name + " do best", XLabel: "Hour (" + zoneLabel(ch.TimeZone) + ")",
			YLabel: "Weekday", Unit: "%", ID: "best"}, weekdayNames, hours, values, nil)}
	h.render(w, r, v, http.StatusOK, "best_times", &page{Title: "Best times · " + ch.Name, Heading: "Best times to post on " + ch.Name,
		Section: "analytics", WS: &m, Data: data})
}

// bestTimesCSV downloads a channel's heatmap as CSV: one row per weekday
// and hour (in the channel's time zone, Sunday first as on the page),
// with the slot's score (1 for the best slot), confidence (both 0 to 1)
// and the channel's posts in it.
func (h *handler) bestTimesCSV(w http.ResponseWriter, r *http.Request, v *visit) {
	_, res, ch, ok := h.channelBestTimes(w, r, v)
	if !ok {
		return
	}
	out := newCSVDownload(w, "best-times-"+ch.ID+".csv")
	out.row("channel", "weekday", "hour", "time_zone", "score", "confidence", "posts", "source")
	zone := zoneLabel(ch.TimeZone)
	for d, name := range weekdayNames {
		for hr := range 24 {
			c := res.Cells[d][hr]
			out.row(ch.Name, name, strconv.Itoa(hr), zone, fraction(c.Score), fraction(c.Confidence), strconv.Itoa(c.Posts), c.Source)
		}
	}
	out.flush()
}

// fraction is a 0–1 figure in a CSV cell, to four decimals.
func fraction(f float64) string {
	return strconv.FormatFloat(math.Round(f*1e4)/1e4, 'f', -1, 64)
}

func zoneLabel(z string) string {
	if z == "" {
		return "UTC"
	}
	return z
}

// bestTimesUse fills the channel's weekly posting slots with its best
// times.
func (h *handler) bestTimesUse(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	per, err := strconv.Atoi(r.PostForm.Get("per_week"))
	if err != nil || per < 1 || per > 56 {
		h.fail(w, r, v, model.Invalid("per_week", "choose 1 to 56 posts a week"))
		return
	}
	res, _, err := h.d.Metrics.BestTimes(r.Context(), v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	var slots []schedule.Slot
	for _, s := range besttime.SlotsFor(res, per) {
		slots = append(slots, schedule.Slot{Weekday: s.Weekday, Minute: s.Minute()})
	}
	if _, err := h.d.Publish.SetSlots(r.Context(), v.actor, m.Workspace.ID, id, slots, false); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", fmt.Sprintf("The channel's posting slots are now its %d best times a week; queued posts moved to them.", len(slots)))
	redirect(w, r, "/w/"+m.Workspace.ID+"/channels/"+id+"/queue")
}

// analyticsCSV downloads a table of the overview as CSV: per channel
// (table=channels) or every post of the period ranked (table=posts).
func (h *handler) analyticsCSV(w http.ResponseWriter, r *http.Request, v *visit) {
	m, from, to, ok := h.workspacePeriod(w, r, v)
	if !ok {
		return
	}
	table := r.URL.Query().Get("table")
	if !slices.Contains(csvTables, table) {
		h.fail(w, r, v, model.Invalid("table", "%q is not a table; one of %s", table, strings.Join(csvTables, ", ")))
		return
	}
	o, err := h.d.Metrics.Overview(r.Context(), v.actor, m.Workspace.ID, from, to)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	chans, err := h.d.Channels.List(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	pillars, err := h.d.Compose.Pillars(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	out := newCSVDownload(w, "analytics-"+table+"-"+from.Format(time.DateOnly)+".csv")
	for _, row := range analyticsTable(table, o, chans, pillars) {
		out.row(row...)
	}
	out.flush()
}

// csvDownload writes a table as a CSV attachment, each cell guarded
// against formula injection (csvsafe.Cell).
type csvDownload struct{ cw *csv.Writer }

// newCSVDownload sets the headers of a CSV download; filename is made by
// Herald (ASCII without quotes), never taken from the request.
func newCSVDownload(w http.ResponseWriter, filename string) *csvDownload {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	return &csvDownload{cw: csv.NewWriter(w)}
}

// row writes one line; an error means the client went away, and there
// is nobody left to tell.
func (d *csvDownload) row(cells ...string) {
	for i := range cells {
		cells[i] = csvsafe.Cell(cells[i])
	}
	_ = d.cw.Write(cells)
}

func (d *csvDownload) flush() { d.cw.Flush() }

// csvTables are the analytics page's tables that download as CSV.
var csvTables = []string{"kpis", "channels", "posts", "pillars", "labels", "campaigns"}

// analyticsTable is one of the page's tables as CSV rows, its header
// first, in the order the page shows it.
func analyticsTable(table string, o metrics.Overview, chans []model.Channel, pillars []model.Pillar) [][]string {
	names := map[string]string{}
	for _, c := range chans {
		names[c.ID] = c.Name
	}
	switch table {
	case "kpis":
		return kpiRows(o)
	case "channels":
		rows := [][]string{{"channel", "posts", "engagements", "impressions", "reach", "engagement_rate_impressions", "engagement_rate_followers",
			"followers", "follower_growth", "follower_growth_pct", "daily_account_reach", "daily_account_impressions", "conversions", "conversion_rate"}}
		for _, c := range chans {
			if k, ok := o.ByChannel[c.ID]; ok {
				rows = append(rows, []string{c.Name, strconv.Itoa(k.Posts), csvValue(k.Engagements), csvValue(k.Impressions), csvValue(k.Reach),
					csvValue(k.RateByImp), csvValue(k.RateByFol), csvValue(k.Followers), csvValue(k.FollowerNet), csvValue(k.FollowerPct),
					csvValue(k.AccountReach), csvValue(k.AccountImpr), csvValue(k.Conversions), csvValue(k.ConversionRate)})
			}
		}
		return rows
	case "posts":
		rows := [][]string{{"post_id", "channel", "published_at", "text", "engagements", "impressions", "reach"}}
		for _, p := range append(append([]metrics.PostResult{}, o.Top...), o.Bottom...) {
			rows = append(rows, []string{p.PostID, names[p.ChannelID], p.PublishedAt.UTC().Format(time.RFC3339), p.Text, csvValue(p.Engagements),
				csvValue(p.Impressions), csvValue(p.Reach)})
		}
		return rows
	}
	g := groupTables(o, pillars)[slices.Index(csvTables, table)-3] // pillars, labels, campaigns
	rows := [][]string{{g.Key, "posts", "engagements", "engagements_per_post", "impressions", "reach", "engagement_rate_impressions", "clicks_ctr"}}
	for _, r := range g.Rows {
		rows = append(rows, []string{r.Name, strconv.Itoa(r.K.Posts), csvValue(r.K.Engagements), csvValue(engagementsPerPost(r.K)), csvValue(r.K.Impressions),
			csvValue(r.K.Reach), csvValue(r.K.RateByImp), csvValue(r.K.CTR)})
	}
	return rows
}

// engagementsPerPost is a group's mean engagements per post, unknown
// when no post in it has engagement figures.
func engagementsPerPost(k metrics.KPIs) metrics.Value {
	if !k.Engagements.Known || k.Posts == 0 {
		return metrics.Value{}
	}
	return metrics.Value{V: k.Engagements.V / float64(k.Posts), Known: true}
}

// kpiRows are the overview's cards as CSV: each KPI this period and the
// period before, with its formula.
func kpiRows(o metrics.Overview) [][]string {
	rows := [][]string{{"kpi", "label", "value", "previous", "formula"}}
	for _, c := range cards(o.Current, o.Previous) {
		rows = append(rows, []string{c.Key, c.Label, c.Value, c.Previous, c.Formula})
	}
	return rows
}

// csvValue is a KPI in a CSV cell: empty when not available.
func csvValue(v metrics.Value) string {
	if !v.Known {
		return ""
	}
	return strconv.FormatFloat(v.V, 'f', -1, 64)
}

// workspacePeriod opens the workspace of an analytics page and reads its
// period; when either fails it has answered and returns ok false.
func (h *handler) workspacePeriod(w http.ResponseWriter, r *http.Request, v *visit) (model.Membership, time.Time, time.Time, bool) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return m, time.Time{}, time.Time{}, false
	}
	from, to, err := analyticsPeriod(r)
	if err != nil {
		h.fail(w, r, v, err)
		return m, from, to, false
	}
	return m, from, to, true
}

// analyticsPeriod reads from and to (YYYY-MM-DD, to inclusive), by
// default the last 28 days.
func analyticsPeriod(r *http.Request) (time.Time, time.Time, error) {
	to := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	from := to.AddDate(0, 0, -28)
	if s := r.URL.Query().Get("from"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return from, to, model.Invalid("from", `"from" must be a date as YYYY-MM-DD, not %q`, s)
		}
		from = t
	}
	if s := r.URL.Query().Get("to"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return from, to, model.Invalid("to", `"to" must be a date as YYYY-MM-DD, not %q`, s)
		}
		to = t.AddDate(0, 0, 1)
	}
	return from, to, nil
}

// groupTables lays out the by-pillar, by-label and by-campaign sums.
func groupTables(o metrics.Overview, pillars []model.Pillar) []groupTable {
	names := map[string]string{"": "No pillar"}
	for _, p := range pillars {
		names[p.ID] = p.Name
	}
	byPillar := groupTable{Key: "pillar", Title: "By content pillar", Noun: "Pillar"}
	for id, k := range o.ByPillar {
		n := names[id]
		if n == "" {
			n = "A removed pillar"
		}
		byPillar.Rows = append(byPillar.Rows, channelKPIs{ID: id, Name: n, K: k})
	}
	byLabel := groupTable{Key: "label", Title: "By label", Noun: "Label"}
	for l, k := range o.ByLabel {
		byLabel.Rows = append(byLabel.Rows, channelKPIs{ID: l, Name: l, K: k})
	}
	byCampaign := groupTable{Key: "campaign", Title: "By campaign", Noun: "Campaign"}
	for c, k := range o.ByCampaign {
		byCampaign.Rows = append(byCampaign.Rows, channelKPIs{ID: c, Name: campaignName(c), K: k})
	}
	for _, g := range []*groupTable{&byPillar, &byLabel, &byCampaign} {
		sort.Slice(g.Rows, func(i, j int) bool { return g.Rows[i].Name < g.Rows[j].Name })
	}
	return []groupTable{byPillar, byLabel, byCampaign}
}

// campaignName is how a campaign is shown: posts in none are grouped
// under "".
func campaignName(c string) string {
	if c == "" {
		return "No campaign"
	}
	return c
}
