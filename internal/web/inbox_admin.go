package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/platform/csvsafe"
	"herald/internal/platform/ids"
)

// inboxAdminRoutes registers the pages around the inbox: contacts (with
// their export and erasure), rules, settings and the team report. They sit
// under /w/{ws}/contacts and /w/{ws}/inbox/admin so they never overlap the
// conversation pattern /w/{ws}/inbox/{id}.
func (h *handler) inboxAdminRoutes(route routeFunc) {
	route("GET /w/{ws}/contacts", signedIn, h.contactList)
	route("GET /w/{ws}/contacts/{id}", signedIn, h.contactShow)
	route("POST /w/{ws}/contacts/{id}", signedIn, h.contactSave)
	route("POST /w/{ws}/contacts/{id}/merge", signedIn, h.contactMerge)
	route("POST /w/{ws}/contacts/{id}/export", signedIn, h.contactExport)
	route("POST /w/{ws}/contacts/{id}/erase", signedIn, h.contactErase)

	route("GET /w/{ws}/inbox/admin/rules", signedIn, h.ruleList)
	route("POST /w/{ws}/inbox/admin/rules", signedIn, h.ruleCreate)
	route("GET /w/{ws}/inbox/admin/rules/new", signedIn, h.ruleNew)
	route("GET /w/{ws}/inbox/admin/rules/{rid}", signedIn, h.ruleEdit)
	route("POST /w/{ws}/inbox/admin/rules/{rid}", signedIn, h.ruleUpdate)
	route("POST /w/{ws}/inbox/admin/rules/{rid}/move", signedIn, h.ruleMove)
	route("POST /w/{ws}/inbox/admin/rules/{rid}/toggle", signedIn, h.ruleToggle)
	route("POST /w/{ws}/inbox/admin/rules/{rid}/delete", signedIn, h.ruleDelete)
	route("GET /w/{ws}/inbox/admin/actions", signedIn, h.ruleLogShow)
	route("POST /w/{ws}/inbox/admin/actions/{aid}/undo", signedIn, h.ruleActionUndo)

	route("GET /w/{ws}/inbox/admin/settings", signedIn, h.inboxSettingsShow)
	route("POST /w/{ws}/inbox/admin/settings", signedIn, h.inboxSettingsSave)
	route("GET /w/{ws}/inbox/admin/report", signedIn, h.teamReportShow)
	route("GET /w/{ws}/inbox/admin/report.csv", signedIn, h.teamReportCSV)
}

// may loads the workspace of the path and checks that the visitor's role
// allows act, answering 403 otherwise. Handlers that read or check input
// before the domain call use it, so a refusal never depends on the input.
func (h *handler) may(w http.ResponseWriter, r *http.Request, v *visit, act model.Action) (model.Membership, bool) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return m, false
	}
	if !model.Can(m.Role, act) {
		h.fail(w, r, v, model.Forbidden("your role (%s) does not allow %s in this workspace", m.Role.Label(), act))
		return m, false
	}
	return m, true
}

// Contacts.

// contactRow is one contact of the list.
type contactRow struct {
	model.Contact
	Link string
}

// contactsData is the contact list.
type contactsData struct {
	Contacts []contactRow
	Search   string
}

// contactList lists the workspace's contacts, optionally by name.
func (h *handler) contactList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	ws, search := m.Workspace.ID, strings.TrimSpace(r.URL.Query().Get("q"))
	f := &form{Values: url.Values{"q": {search}}, Errors: map[string]string{}}
	status := http.StatusOK
	d := &contactsData{Search: search}
	if len([]rune(search)) > 200 {
		f.add("q", "search with at most 200 characters")
		status = http.StatusBadRequest
	} else {
		cs, err := h.d.Inbox.Contacts(r.Context(), v.actor, ws, search)
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		for _, c := range cs {
			d.Contacts = append(d.Contacts, contactRow{Contact: c, Link: "/w/" + ws + "/contacts/" + c.ID})
		}
	}
	h.render(w, r, v, status, "inbox_contacts", &page{Title: "Contacts · " + m.Workspace.Name, Heading: "Contacts", Section: "inbox",
		WS: &m, Form: f, Data: d})
}

// contactMsg is one message of a contact's history.
type contactMsg struct {
	model.InboxMessage
	Channel, Excerpt, Link string
}

// contactData is a contact's page.
type contactData struct {
	Contact    model.Contact
	Messages   []contactMsg
	Others     []model.Contact // contacts that may be merged into this one
	Find       string
	CanManage  bool
	CanPrivacy bool
}

// contactShow shows a contact: handles, notes, tags, VIP flag and history.
func (h *handler) contactShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderContact(w, r, v, http.StatusOK, &form{Values: url.Values{}, Errors: map[string]string{}})
}

func (h *handler) renderContact(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	hist, err := h.d.Inbox.Contact(ctx, v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	chans, err := h.d.Channels.List(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	names := map[string]string{}
	for _, c := range chans {
		names[c.ID] = c.Name
	}
	c := hist.Contact
	d := &contactData{Contact: c, CanManage: model.Can(m.Role, model.ActInboxManage), CanPrivacy: model.Can(m.Role, model.ActContactPrivacy)}
	for _, msg := range hist.Messages {
		ex := excerpt(msg.Text, 200)
		if ex == "" {
			ex = "(no text)"
		}
		d.Messages = append(d.Messages, contactMsg{InboxMessage: msg, Channel: names[msg.ChannelID], Excerpt: ex,
			Link: "/w/" + ws + "/inbox/" + msg.ConversationID})
	}
	if !f.Values.Has("name") { // the change form was not the one sent: show the contact as it is
		f.Values.Set("name", c.Name)
		f.Values.Set("notes", c.Notes)
		f.Values.Set("tags", strings.Join(c.Tags, ", "))
		if c.VIP {
			f.Values.Set("vip", "1")
		}
	}
	if d.CanManage {
		d.Find = strings.TrimSpace(r.URL.Query().Get("find"))
		if r.Method == http.MethodPost {
			d.Find = strings.TrimSpace(f.Val("find"))
		}
		if len([]rune(d.Find)) > 200 {
			d.Find = ""
		}
		others, err := h.d.Inbox.Contacts(ctx, v.actor, ws, d.Find)
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		d.Others = slices.DeleteFunc(others, func(x model.Contact) bool { return x.ID == c.ID })
	}
	h.render(w, r, v, status, "inbox_contact", &page{Title: c.Name + " · Contacts", Heading: c.Name, Section: "inbox", WS: &m,
		Form: f, Data: d})
}

func contactURL(ws, id string) string { return "/w/" + ws + "/contacts/" + id }

// contactSave changes a contact's name, notes, tags and VIP flag.
func (h *handler) contactSave(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	c := model.Contact{ID: id, Name: r.PostForm.Get("name"), Notes: r.PostForm.Get("notes"), Tags: splitTags(r.PostForm.Get("tags")),
		VIP: r.PostForm.Get("vip") == "1"}
	if _, err := h.d.Inbox.UpdateContact(r.Context(), v.actor, ws, c); err != nil {
		f := newForm(r)
		f.Values.Set("name", r.PostForm.Get("name")) // marks the change form as the one sent
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("name", "notes", "tags")
			h.renderContact(w, r, v, status, f)
		})
		return
	}
	h.setFlash(w, r, "success", "The contact is saved.")
	redirect(w, r, contactURL(ws, id))
}

// contactMerge moves another contact's handles, messages and
// conversations to this one.
func (h *handler) contactMerge(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	from := r.PostForm.Get("from")
	var err error
	if !ids.Valid(from) {
		err = model.Invalid("from", "choose the contact to merge into this one")
	} else {
		err = h.d.Inbox.MergeContacts(r.Context(), v.actor, ws, id, from)
	}
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("from")
			h.renderContact(w, r, v, status, f)
		})
		return
	}
	h.setFlash(w, r, "success", "Merged: the other contact's handles, messages and conversations are now on this contact.")
	redirect(w, r, contactURL(ws, id))
}

// contactExport downloads everything Herald holds about a contact as JSON.
func (h *handler) contactExport(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActContactPrivacy)
	if !ok {
		return
	}
	id, ok := h.pathID(w, r, v, "id")
	if !ok {
		return
	}
	ex, err := h.d.Inbox.ExportContact(r.Context(), v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	body, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="contact-`+id+`.json"`)
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(append(body, '\n'))
}

// contactErase deletes a contact and everything they wrote, once the
// visitor has typed the contact's name to confirm.
func (h *handler) contactErase(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActContactPrivacy)
	if !ok {
		return
	}
	id, ok := h.pathID(w, r, v, "id")
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	hist, err := h.d.Inbox.Contact(ctx, v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if strings.TrimSpace(r.PostForm.Get("confirm_name")) != hist.Contact.Name {
		f := newForm(r)
		f.add("confirm_name", "type the contact's name, “"+hist.Contact.Name+"”, exactly as shown to confirm; nothing was erased")
		h.renderContact(w, r, v, http.StatusBadRequest, f)
		return
	}
	if err := h.d.Inbox.EraseContact(ctx, v.actor, ws, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "“"+hist.Contact.Name+"” and everything they wrote are erased. The audit log keeps that it happened, not what they said.")
	redirect(w, r, "/w/"+ws+"/contacts")
}

// Team report.

// reportLineView is one person's or channel's line of the report.
type reportLineView struct {
	inbox.ReportLine
	Name       string
	First, Res string // the medians, for people
}

// reportBar is one channel's bar in the report's chart.
type reportBar struct {
	Y, W, TextY, CountX int
	Name                string
	Count               int
}

// reportChart is the conversations-per-channel bar chart, drawn by the
// server as SVG whose every position is an attribute (the CSP allows no
// inline style).
type reportChart struct {
	Width, Height, LabelX, BarX, BarH int
	Bars                              []reportBar
	Label                             string
}

// reportData is the team report page.
type reportData struct {
	From, To   string // the period's first and last day, YYYY-MM-DD
	Zone       string
	Report     inbox.Report
	First, Res string
	People     []reportLineView
	Channels   []reportLineView
	Chart      reportChart
	CSV        string
	Failed     bool
}

// teamReportShow shows volume, response and resolution times, per person
// and per channel, over a period of days (the last 7 by default).
func (h *handler) teamReportShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := &form{Values: url.Values{}, Errors: map[string]string{}}
	d, err := h.teamReport(r, v, m.Workspace.ID)
	f.Values.Set("from", d.From)
	f.Values.Set("to", d.To)
	status := http.StatusOK
	if err != nil {
		if model.KindOf(err) != model.KindInvalid {
			h.fail(w, r, v, err)
			return
		}
		e := model.AsError(err)
		f.add(e.Field, e.Msg)
		f.onlyFields("from", "to")
		status, d.Failed = http.StatusBadRequest, true
	}
	h.render(w, r, v, status, "inbox_report", &page{Title: "Team report · " + m.Workspace.Name, Heading: "Team report", Section: "inbox",
		WS: &m, Form: f, Data: d})
}

// teamReportCSV downloads the report's tables as CSV.
func (h *handler) teamReportCSV(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	d, err := h.teamReport(r, v, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"section", "id", "name", "conversations", "messages", "answered", "resolved", "breached",
		"median_first_response_minutes", "median_resolution_minutes", "median_first_response", "median_resolution"})
	rep := d.Report
	_ = cw.Write([]string{"total", "", "All conversations", strconv.Itoa(rep.Conversations), strconv.Itoa(rep.Messages),
		strconv.Itoa(rep.Answered), strconv.Itoa(rep.Resolved), strconv.Itoa(rep.Breached), reportMinutes(rep.MedianFirstResponse),
		reportMinutes(rep.MedianRes), d.First, d.Res})
	for _, part := range []struct {
		name  string
		lines []reportLineView
	}{{"person", d.People}, {"channel", d.Channels}} {
		for _, l := range part.lines {
			_ = cw.Write([]string{part.name, csvsafe.Cell(l.Key), csvsafe.Cell(l.Name), strconv.Itoa(l.Conversations), strconv.Itoa(l.Messages),
				strconv.Itoa(l.Answered), strconv.Itoa(l.Resolved), "", reportMinutes(l.MedianFirstResponse), reportMinutes(l.Median), l.First, l.Res})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		h.fail(w, r, v, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="inbox-report-`+d.From+`-to-`+d.To+`.csv"`)
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}

// teamReport reads the period from the query (days in the inbox's time
// zone) and builds the report with people's and channels' names. The
// period is set on the result even when it is refused.
func (h *handler) teamReport(r *http.Request, v *visit, ws string) (*reportData, error) {
	ctx := r.Context()
	zone := time.UTC
	if st, err := h.d.Inbox.Settings(ctx, v.actor, ws); err != nil {
		return &reportData{}, err
	} else if z, err := time.LoadLocation(st.Zone); err == nil && st.Zone != "" {
		zone = z
	}
	q := r.URL.Query()
	today := time.Now().In(zone)
	d := &reportData{Zone: zone.String(), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	if d.To == "" {
		d.To = today.Format(time.DateOnly)
	}
	if d.From == "" {
		d.From = today.AddDate(0, 0, -6).Format(time.DateOnly)
	}
	from, errF := time.ParseInLocation(time.DateOnly, d.From, zone)
	to, errT := time.ParseInLocation(time.DateOnly, d.To, zone)
	switch {
	case errF != nil:
		return d, model.Invalid("from", "%q is not a date; give the first day as YYYY-MM-DD", excerpt(d.From, 40))
	case errT != nil:
		return d, model.Invalid("to", "%q is not a date; give the last day as YYYY-MM-DD", excerpt(d.To, 40))
	case to.Before(from):
		return d, model.Invalid("to", "the last day is on or after the first day")
	}
	rep, err := h.d.Inbox.TeamReport(ctx, v.actor, ws, from, to.AddDate(0, 0, 1))
	if err != nil {
		return d, err
	}
	d.CSV = "/w/" + ws + "/inbox/admin/report.csv?" + url.Values{"from": {d.From}, "to": {d.To}}.Encode()
	members, err := h.d.Workspaces.Members(ctx, v.actor, ws)
	if err != nil {
		return d, err
	}
	chans, err := h.d.Channels.List(ctx, v.actor, ws)
	if err != nil {
		return d, err
	}
	people, names := map[string]string{}, map[string]string{}
	for _, x := range members {
		people[x.UserID] = x.Name
	}
	for _, c := range chans {
		names[c.ID] = c.Name
	}
	d.Report, d.First, d.Res = rep, medianText(rep.MedianFirstResponse), medianText(rep.MedianRes)
	for _, l := range rep.ByPerson {
		name := people[l.Key]
		switch {
		case l.Key == "":
			name = "Unassigned"
		case name == "":
			name = "A former member"
		}
		d.People = append(d.People, reportLineView{ReportLine: l, Name: name, First: medianText(l.MedianFirstResponse), Res: medianText(l.Median)})
	}
	for _, l := range rep.ByChannel {
		name := names[l.Key]
		if name == "" {
			name = "A removed channel"
		}
		d.Channels = append(d.Channels, reportLineView{ReportLine: l, Name: name, First: medianText(l.MedianFirstResponse), Res: medianText(l.Median)})
	}
	d.Chart = newReportChart(d.Channels)
	return d, nil
}

// newReportChart lays out one horizontal bar per channel: its name on the
// left, the bar scaled to the busiest channel, the count after the bar.
func newReportChart(lines []reportLineView) reportChart {
	const rowH, barH, labelW, barMax = 30, 18, 190, 380
	c := reportChart{Width: labelW + barMax + 60, LabelX: labelW - 8, BarX: labelW, BarH: barH, Height: len(lines)*rowH + 12}
	most := 0
	for _, l := range lines {
		most = max(most, l.Conversations)
	}
	parts := make([]string, 0, len(lines))
	for i, l := range lines {
		w := 0
		if most > 0 && l.Conversations > 0 {
			w = max(2, l.Conversations*barMax/most)
		}
		y := i*rowH + 6
		c.Bars = append(c.Bars, reportBar{Y: y, W: w, TextY: y + barH/2 + 5, CountX: labelW + w + 6, Name: excerpt(l.Name, 26), Count: l.Conversations})
		parts = append(parts, l.Name+" "+strconv.Itoa(l.Conversations))
	}
	c.Label = "Conversations per channel: " + strings.Join(parts, ", ")
	return c
}

// medianText writes a median duration the way people read it ("1 h 5 min"),
// or "—" when there is none (negative).
func medianText(d time.Duration) string {
	switch {
	case d < 0:
		return "—"
	case d < time.Minute:
		return "< 1 min"
	}
	mins := int(d / time.Minute)
	hrs := mins / 60
	switch {
	case hrs == 0:
		return strconv.Itoa(mins) + " min"
	case hrs < 48 && mins%60 == 0:
		return strconv.Itoa(hrs) + " h"
	case hrs < 48:
		return strconv.Itoa(hrs) + " h " + strconv.Itoa(mins%60) + " min"
	case hrs%24 == 0:
		return strconv.Itoa(hrs/24) + " d"
	}
	return strconv.Itoa(hrs/24) + " d " + strconv.Itoa(hrs%24) + " h"
}

// reportMinutes is a duration in minutes for a spreadsheet, empty when none.
func reportMinutes(d time.Duration) string {
	if d < 0 {
		return ""
	}
	return strconv.FormatFloat(d.Minutes(), 'f', 1, 64)
}
