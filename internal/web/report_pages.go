package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
	"herald/internal/report"
)

// reportRoutes are the PDF download, the reports page (branding, e-mail
// schedules, read-only links) and the links themselves.
func (h *handler) reportRoutes(route routeFunc) {
	route("GET /w/{ws}/analytics.pdf", signedIn, h.reportPDF)
	route("GET /w/{ws}/reports", signedIn, h.reportsShow)
	route("POST /w/{ws}/reports/settings", signedIn, h.reportSettingsSave)
	route("POST /w/{ws}/reports/schedules", signedIn, h.reportScheduleCreate)
	route("GET /w/{ws}/reports/schedules/{id}", signedIn, h.reportScheduleShow)
	route("POST /w/{ws}/reports/schedules/{id}", signedIn, h.reportScheduleUpdate)
	route("POST /w/{ws}/reports/schedules/{id}/pause", signedIn, h.reportSchedulePause)
	route("POST /w/{ws}/reports/schedules/{id}/resume", signedIn, h.reportScheduleResume)
	route("POST /w/{ws}/reports/schedules/{id}/send", signedIn, h.reportScheduleSend)
	route("POST /w/{ws}/reports/schedules/{id}/delete", signedIn, h.reportScheduleDelete)
	route("POST /w/{ws}/reports/shares", signedIn, h.reportShareCreate)
	route("POST /w/{ws}/reports/shares/{id}/revoke", signedIn, h.reportShareRevoke)
	route("GET /share/report/{token}", public, h.reportShared)
	route("GET /share/report/{token}/pdf", public, h.reportSharedPDF)
}

// reportPDF downloads the analytics of a period as a PDF report.
func (h *handler) reportPDF(w http.ResponseWriter, r *http.Request, v *visit) {
	m, from, to, ok := h.workspacePeriod(w, r, v)
	if !ok {
		return
	}
	doc, rep, err := h.d.Reports.PDF(r.Context(), v.actor, m.Workspace.ID, from, to)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	sendPDF(w, rep, doc)
}

// sendPDF answers a report's PDF as a download.
func sendPDF(w http.ResponseWriter, rep report.Report, doc []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+rep.FileName()+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(doc)
}

// reportsData is the reports page.
type reportsData struct {
	Settings  model.ReportSettings
	Images    []model.Media
	Schedules []model.ReportSchedule
	Shares    []model.ReportShare
	ShareURL  string // a link just made, shown once
	Now       time.Time
	Zones     []string
	From, To  string // the analytics period a new link starts from
}

func (h *handler) reportsShow(w http.ResponseWriter, r *http.Request, v *visit) {
	f := newForm(r)
	q := r.URL.Query()
	for _, k := range []string{"from", "to"} {
		if s := q.Get(k); s != "" {
			f.Values.Set(k, s)
		}
	}
	h.renderReports(w, r, v, http.StatusOK, f, "")
}

// renderReports renders the reports page with f's values and errors and a
// link just made.
func (h *handler) renderReports(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, shareURL string) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	d := &reportsData{ShareURL: shareURL, Now: time.Now(), Zones: timeZones}
	var err error
	if d.Schedules, err = h.d.Reports.Schedules(ctx, v.actor, ws); err != nil {
		h.fail(w, r, v, err)
		return
	}
	if d.Shares, err = h.d.Reports.Shares(ctx, v.actor, ws); err != nil {
		h.fail(w, r, v, err)
		return
	}
	if d.Settings, err = h.d.Reports.Settings(ctx, v.actor, ws); err != nil {
		h.fail(w, r, v, err)
		return
	}
	if d.Images, err = h.d.Media.List(ctx, v.actor, ws, model.MediaFilter{Kind: model.MediaImage, Limit: 200, Newest: true}); err != nil {
		h.fail(w, r, v, err)
		return
	}
	to := time.Now().UTC().Truncate(24 * time.Hour)
	d.From, d.To = to.AddDate(0, 0, -28).Format(time.DateOnly), to.Format(time.DateOnly)
	for k, dflt := range map[string]string{"brand_color": d.Settings.BrandColor, "logo_id": d.Settings.LogoID, "frequency": model.ReportWeekly,
		"weekday": "monday", "month_day": "1", "hour": "9", "zone": h.defaultZone(r, v, ws), "from": d.From, "to": d.To, "period": "fixed",
		"rolling_days": "28", "days": "30", "recipients": v.actor.Email} {
		if !f.Values.Has(k) {
			f.Values.Set(k, dflt)
		}
	}
	h.render(w, r, v, status, "reports", &page{Title: "Reports · " + m.Workspace.Name, Heading: "Reports", Section: "analytics", WS: &m, Form: f, Data: d})
}

// defaultZone suggests a new schedule's time zone: the inbox's business
// hours zone when the workspace set one, else UTC.
func (h *handler) defaultZone(r *http.Request, v *visit, ws string) string {
	if st, err := h.d.Inbox.Settings(r.Context(), v.actor, ws); err == nil && st.Zone != "" {
		return st.Zone
	}
	return "UTC"
}

func (h *handler) reportSettingsSave(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if _, err := h.d.Reports.SaveSettings(r.Context(), v.actor, m.Workspace.ID, r.PostForm.Get("brand_color"), r.PostForm.Get("logo_id")); err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderReports(w, r, v, status, f, "") })
		return
	}
	h.setFlash(w, r, "success", "The report branding is saved; the next PDF uses it.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/reports")
}

// scheduleInput reads the schedule form.
func scheduleInput(r *http.Request) report.ScheduleInput {
	num := func(k string) int {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get(k)))
		if err != nil {
			return -1
		}
		return n
	}
	return report.ScheduleInput{Name: r.PostForm.Get("name"), Frequency: r.PostForm.Get("frequency"), Weekday: r.PostForm.Get("weekday"),
		MonthDay: num("month_day"), Hour: num("hour"), Zone: r.PostForm.Get("zone"), Paused: r.PostForm.Get("paused") == "1",
		Recipients: strings.FieldsFunc(r.PostForm.Get("recipients"), func(c rune) bool { return c == '\n' || c == ',' || c == ';' || c == '\r' })}
}

func (h *handler) reportScheduleCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	sc, err := h.d.Reports.CreateSchedule(r.Context(), v.actor, m.Workspace.ID, scheduleInput(r))
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderReports(w, r, v, status, f, "") })
		return
	}
	h.setFlash(w, r, "success", "“"+sc.Name+"” goes out first on "+sc.NextAt.In(zoneOf(sc.Zone)).Format("Monday 2 January 2006 at 15:04")+" ("+sc.Zone+").")
	redirect(w, r, "/w/"+m.Workspace.ID+"/reports")
}

func zoneOf(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// reportScheduleData is a report schedule's edit page.
type reportScheduleData struct {
	Schedule model.ReportSchedule
	Zones    []string
}

func (h *handler) reportScheduleShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderSchedule(w, r, v, http.StatusOK, nil)
}

// renderSchedule renders a schedule's page; f nil shows its saved values.
func (h *handler) renderSchedule(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	sc, err := h.d.Reports.Schedule(r.Context(), v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if f == nil {
		f = &form{Values: map[string][]string{"name": {sc.Name}, "frequency": {sc.Frequency}, "weekday": {strings.ToLower(sc.Weekday.String())},
			"month_day": {strconv.Itoa(sc.MonthDay)}, "hour": {strconv.Itoa(sc.Hour)}, "zone": {sc.Zone},
			"recipients": {strings.Join(sc.Recipients, "\n")}}, Errors: map[string]string{}}
		if sc.Paused {
			f.Values.Set("paused", "1")
		}
	}
	h.render(w, r, v, status, "report_schedule", &page{Title: sc.Name + " · Reports", Heading: "Report schedule: " + sc.Name, Section: "analytics",
		WS: &m, Form: f, Data: &reportScheduleData{Schedule: sc, Zones: timeZones}})
}

func (h *handler) reportScheduleUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	if _, err := h.d.Reports.UpdateSchedule(r.Context(), v.actor, ws, id, scheduleInput(r)); err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderSchedule(w, r, v, status, f) })
		return
	}
	h.setFlash(w, r, "success", "The schedule is saved.")
	redirect(w, r, "/w/"+ws+"/reports")
}

func (h *handler) reportSchedulePause(w http.ResponseWriter, r *http.Request, v *visit) {
	h.reportSchedulePaused(w, r, v, true, "The schedule is paused; nothing goes out until it is resumed.")
}

func (h *handler) reportScheduleResume(w http.ResponseWriter, r *http.Request, v *visit) {
	h.reportSchedulePaused(w, r, v, false, "The schedule is running again from its next time.")
}

func (h *handler) reportSchedulePaused(w http.ResponseWriter, r *http.Request, v *visit, paused bool, done string) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	if _, err := h.d.Reports.SetPaused(r.Context(), v.actor, ws, id, paused); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", done)
	redirect(w, r, "/w/"+ws+"/reports")
}

// reportScheduleSend e-mails a schedule's report now, to try it; a
// delivery failure shows as an error message.
func (h *handler) reportScheduleSend(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	sc, err := h.d.Reports.SendNow(r.Context(), v.actor, ws, id)
	if e := model.AsError(err); e != nil && e.Kind == model.KindConflict {
		h.setFlash(w, r, "error", e.Msg)
		redirect(w, r, "/w/"+ws+"/reports")
		return
	} else if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The report for "+report.PeriodAt(sc, time.Now()).Label()+" went to "+strconv.Itoa(len(sc.Recipients))+" recipient(s).")
	redirect(w, r, "/w/"+ws+"/reports")
}

func (h *handler) reportScheduleDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Reports.DeleteSchedule(r.Context(), v.actor, ws, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The schedule is deleted.")
	redirect(w, r, "/w/"+ws+"/reports")
}

func (h *handler) reportShareCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	in := report.ShareInput{Name: r.PostForm.Get("share_name"), From: r.PostForm.Get("from"), To: r.PostForm.Get("to")}
	if r.PostForm.Get("period") == "rolling" {
		in.From, in.To, in.RollingDays = "", "", atoiOr(r.PostForm.Get("rolling_days"), -1)
	}
	in.Days = atoiOr(r.PostForm.Get("days"), -1)
	_, token, err := h.d.Reports.CreateShare(r.Context(), v.actor, m.Workspace.ID, in)
	if err != nil {
		if e := model.AsError(err); e != nil && e.Field == "name" {
			e.Field = "share_name"
		}
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderReports(w, r, v, status, f, "") })
		return
	}
	h.renderReports(w, r, v, http.StatusOK, newForm(&http.Request{}), strings.TrimRight(h.d.BaseURL, "/")+"/share/report/"+token)
}

func atoiOr(s string, or int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return or
	}
	return n
}

func (h *handler) reportShareRevoke(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Reports.RevokeShare(r.Context(), v.actor, ws, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The link is revoked; it shows nothing any more.")
	redirect(w, r, "/w/"+ws+"/reports")
}
