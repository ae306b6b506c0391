package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"herald/internal/approval"
	"herald/internal/calendar"
	"herald/internal/model"
)

// calendarRoutes registers the content calendar.
func (h *handler) calendarRoutes(_ *http.ServeMux, route routeFunc) {
	route("GET /w/{ws}/calendar", signedIn, h.calendarShow)
	route("POST /w/{ws}/calendar/move", signedIn, h.calendarMove)
	route("POST /w/{ws}/calendar/entries", signedIn, h.calendarEntrySave)
	route("POST /w/{ws}/calendar/entries/{id}", signedIn, h.calendarEntrySave)
	route("POST /w/{ws}/calendar/entries/{id}/delete", signedIn, h.calendarEntryDelete)
}

// calendarData is the calendar page.
type calendarData struct {
	calendar.View
	Query    url.Values // the current view's parameters, for links that keep them
	Statuses []model.TargetStatus
	CanMove  bool
	CanEdit  bool // calendar entries
	CanWrite bool // posts: the "write a post for this day" links
	Kinds    []string
	// Items is each day's list, rendered once here: a month holds
	// thousands of posts, and a template action per field costs more than
	// the page may (docs/BENCHMARKS.md).
	Items map[string]template.HTML
}

// calendarQuery reads the view's parameters.
func calendarQuery(q url.Values) calendar.Query {
	return calendar.Query{Mode: q.Get("view"), Date: q.Get("date"), Zone: q.Get("zone"), Colour: q.Get("colour"), Filter: calendar.Filter{
		ChannelID: q.Get("channel"), Network: q.Get("network"), Status: model.TargetStatus(q.Get("status")), PillarID: q.Get("pillar"),
		Label: q.Get("label"), AuthorID: q.Get("author")}}
}

// calendarShow renders a month, week, day or list view.
func (h *handler) calendarShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderCalendar(w, r, v, http.StatusOK, &form{Values: url.Values{}, Errors: map[string]string{}}, r.URL.Query())
}

func (h *handler) renderCalendar(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, q url.Values) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	view, err := h.d.Calendar.View(r.Context(), v.actor, m.Workspace.ID, calendarQuery(q))
	if err != nil {
		if model.KindOf(err) == model.KindInvalid {
			// A bad parameter: show this month instead, with the reason.
			f.Notice = sentence(model.AsError(err).Msg)
			status, q = http.StatusBadRequest, url.Values{}
			view, err = h.d.Calendar.View(r.Context(), v.actor, m.Workspace.ID, calendar.Query{})
		}
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
	}
	d := &calendarData{View: view, Query: q, CanMove: model.Can(m.Role, model.ActPostSchedule), Items: map[string]template.HTML{},
		CanEdit: model.Can(m.Role, model.ActCalendarEdit), CanWrite: model.Can(m.Role, model.ActPostEdit), Kinds: calendar.EntryKinds,
		Statuses: []model.TargetStatus{model.TargetScheduled, model.TargetPublishing, model.TargetPublished, model.TargetFailed,
			model.TargetPaused, model.TargetMissed, model.TargetExpired, model.TargetUnconfirmed, model.TargetDraft}}
	for _, week := range view.Weeks {
		for _, day := range week {
			d.Items[day.Date] = calendarItems(m.Workspace.ID, d.CanMove, "", day.Items)
		}
	}
	for _, day := range view.Days {
		d.Items[day.Date] = calendarItems(m.Workspace.ID, d.CanMove, "", day.Items)
	}
	h.render(w, r, v, status, "calendar", &page{Title: "Calendar", Section: "calendar", WS: &m, Form: f, Data: d})
}

// calendarMove moves a target to another day (the drag and drop, or the
// keyboard's date field), keeping its time of day in its channel's zone.
func (h *handler) calendarMove(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	back, _ := url.ParseQuery(r.PostForm.Get("back"))
	t, err := h.d.Calendar.Move(r.Context(), v.actor, m.Workspace.ID, r.PostForm.Get("target"), r.PostForm.Get("date"))
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderCalendar(w, r, v, status, f, back) })
		return
	}
	h.setFlash(w, r, "success", "Moved to "+t.ScheduledAt.Format("Mon 2 Jan 2006 15:04 MST")+" (UTC); its time of day in the channel's zone is kept.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/calendar?"+back.Encode())
}

// Link is the calendar's address for view and date, keeping the filters
// and the zone.
func (d *calendarData) Link(view, date string) string {
	q := url.Values{}
	for k, v := range d.Query {
		q[k] = v
	}
	q.Set("view", view)
	q.Set("date", date)
	return "?" + q.Encode()
}

// Back is the current view's parameters, for a form to return to it.
func (d *calendarData) Back() string { return d.Query.Encode() }

// calendarItems renders a day's items as a list (empty for none), linking
// each to its post unless workspaceID is "" (a client's shared view).
// Every value is escaped here, as html/template would.
func calendarItems(workspaceID string, canMove bool, reviewBase string, items []calendar.Item) template.HTML {
	if len(items) == 0 {
		return ""
	}
	esc := html.EscapeString
	var b strings.Builder
	b.WriteString(`<ul class="cal-items">`)
	for _, it := range items {
		move := canMove && it.Movable
		fmt.Fprintf(&b, `<li class="cal-item status-%s"`, esc(string(it.Status)))
		if move {
			fmt.Fprintf(&b, ` draggable="true" data-target="%s" data-day="%s"`, esc(it.TargetID), esc(it.Day))
		}
		fmt.Fprintf(&b, `><svg class="cal-dot" width="8" height="8" aria-hidden="true"><circle cx="4" cy="4" r="4" fill="%s"/></svg>`, esc(it.Color))
		label := fmt.Sprintf(`<time datetime="%s">%s</time> <span class="cal-channel">%s</span> <span class="cal-text">%s</span>`,
			esc(it.ISO), esc(it.Clock), esc(it.ChannelName), esc(it.Text))
		if workspaceID != "" { // a shared, read-only calendar links nowhere
			label = fmt.Sprintf(`<a href="/w/%s/posts/%s/edit">%s</a>`, esc(workspaceID), esc(it.PostID), label)
		}
		fmt.Fprintf(&b, `%s <span class="badge cal-status">%s</span>`, label, esc(string(it.Status)))
		if waitsForApproval(it) {
			fmt.Fprintf(&b, ` <span class="badge badge-warning cal-approval" data-approval="%s">%s</span>`, esc(string(it.Approval)), esc(approval.StateLabel(it.Approval)))
		}
		if it.Clicks >= 0 {
			fmt.Fprintf(&b, ` <span class="cal-metrics" data-clicks="%d">%s</span>`, it.Clicks, plural(it.Clicks, "click"))
		}
		if reviewBase != "" && it.Approval == model.ApprovalPending {
			fmt.Fprintf(&b, ` <a class="btn btn-primary btn-sm" href="%s/%s" data-review-post="%s">Review<span class="sr-only"> “%s”</span></a>`,
				esc(reviewBase), esc(it.PostID), esc(it.PostID), esc(it.Text))
		}
		if move {
			fmt.Fprintf(&b, ` <button type="button" class="btn btn-secondary btn-sm cal-move-btn" data-move hidden>Move<span class="sr-only"> “%s”</span></button>`,
				esc(it.Text))
		}
		b.WriteString(`</li>`)
	}
	b.WriteString(`</ul>`)
	return template.HTML(b.String())
}

// mixBar draws a period's content mix as one stacked SVG bar in the
// pillars' colours; the page's table next to it carries the numbers.
func mixBar(m calendar.Mix) template.HTML {
	if m.Total == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<svg class="cal-mixbar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">`)
	x := 0.0
	for _, r := range m.Rows {
		w := float64(r.Count) * 100 / float64(m.Total)
		if w > 0 {
			fmt.Fprintf(&b, `<rect x="%.2f" y="0" width="%.2f" height="4" fill="%s"/>`, x, w, html.EscapeString(r.Color))
		}
		x += w
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// calendarEntrySave adds a note, event, holiday or launch date, or changes
// one (with {id}).
func (h *handler) calendarEntrySave(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	back, _ := url.ParseQuery(r.PostForm.Get("back"))
	f := r.PostForm
	e := model.CalendarEntry{ID: r.PathValue("id"), Kind: f.Get("kind"), Title: f.Get("title"), Starts: f.Get("starts"), Ends: f.Get("ends"),
		Note: f.Get("note")}
	if _, err := h.d.Calendar.SaveEntry(r.Context(), v.actor, m.Workspace.ID, e); err != nil {
		form := newForm(r)
		h.formFail(w, r, v, err, form, func(status int) { h.renderCalendar(w, r, v, status, form, back) })
		return
	}
	h.setFlash(w, r, "success", "“"+strings.TrimSpace(e.Title)+"” is on the calendar.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/calendar?"+back.Encode())
}

// calendarEntryDelete removes a calendar entry.
func (h *handler) calendarEntryDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	back, _ := url.ParseQuery(r.PostForm.Get("back"))
	if err := h.d.Calendar.DeleteEntry(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id")); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The calendar entry is removed.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/calendar?"+back.Encode())
}

// waitsForApproval says a planned item will not go out unless approved:
// its post is in approval and not approved.
func waitsForApproval(it calendar.Item) bool {
	if it.Approval == model.ApprovalNone || it.Approval == model.ApprovalApproved {
		return false
	}
	switch it.Status {
	case model.TargetScheduled, model.TargetDraft, model.TargetPaused:
		return true
	}
	return false
}
