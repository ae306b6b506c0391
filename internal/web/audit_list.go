package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// auditPage is how many entries one audit page shows.
const auditPage = 50

// actorOption is one choice of the actor filter.
type actorOption struct {
	ID, Label string
}

// auditData is an audit log page: entries, the filters and the link to
// older entries.
type auditData struct {
	Action        string
	Entries       []model.AuditEntry
	Actors        []actorOption
	NextURL       string
	Filtered      bool
	ShowWorkspace bool              // installation log: which workspace
	Workspaces    map[string]string // id -> name, for that column
}

// parseAuditFilter reads the filter fields from the query string: action
// prefix, actor, a from–to date range (whole days, UTC) and the cursor.
func parseAuditFilter(q url.Values, f *form) model.AuditFilter {
	var af model.AuditFilter
	af.Action = strings.TrimSpace(q.Get("action"))
	if utf8.RuneCountInString(af.Action) > 64 {
		f.add("action", "an action prefix is at most 64 characters, such as member. or workspace.rename")
	}
	if a := q.Get("actor"); a != "" {
		if !ids.Valid(a) {
			f.add("actor", "choose a person from the list")
		}
		af.ActorID = a
	}
	af.Since = parseDay(q.Get("from"), "from", f)
	if until := parseDay(q.Get("to"), "to", f); !until.IsZero() {
		af.Until = until.AddDate(0, 0, 1) // "to" includes that whole day
	}
	if !af.Since.IsZero() && !af.Until.IsZero() && !af.Until.After(af.Since) {
		f.add("to", "the end date must be on or after the start date")
	}
	if b := q.Get("before"); b != "" {
		if !ids.Valid(b) {
			f.add("", "this page link is broken; start again from the newest entries")
		}
		af.Before = b
	}
	af.Limit = auditPage + 1
	return af
}

func parseDay(s, field string, f *form) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		f.add(field, "enter a date such as 2026-01-31")
		return time.Time{}
	}
	return t
}

// page trims the extra entry fetched to learn whether older ones exist
// and builds the link to them, keeping the filters.
func (d *auditData) page(entries []model.AuditEntry, base string, q url.Values) {
	d.Entries = entries
	if len(entries) > auditPage {
		d.Entries = entries[:auditPage]
		next := url.Values{}
		for _, k := range []string{"action", "actor", "from", "to"} {
			if v := q.Get(k); v != "" {
				next.Set(k, v)
			}
		}
		next.Set("before", d.Entries[auditPage-1].ID)
		d.NextURL = base + "?" + next.Encode()
	}
	for _, k := range []string{"action", "actor", "from", "to", "before"} {
		if q.Get(k) != "" {
			d.Filtered = true
		}
	}
}

func filterForm(r *http.Request) *form {
	f := &form{Values: url.Values{}, Errors: map[string]string{}}
	for _, k := range []string{"action", "actor", "from", "to"} {
		f.Values.Set(k, r.URL.Query().Get(k))
	}
	return f
}

// workspaceAuditList is the workspace audit log (Owners and Admins).
func (h *handler) workspaceAuditList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	ctx := r.Context()
	if _, err := h.d.Workspaces.Authorize(ctx, v.actor, m.Workspace.ID, model.ActAuditView); err != nil {
		h.fail(w, r, v, err)
		return
	}
	f := filterForm(r)
	af := parseAuditFilter(r.URL.Query(), f)
	d := auditData{}
	members, err := h.d.Workspaces.Members(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	for _, mem := range members {
		d.Actors = append(d.Actors, actorOption{ID: mem.UserID, Label: mem.Name + " (" + mem.Email + ")"})
	}
	status := http.StatusOK
	if f.Failed() {
		status = http.StatusBadRequest
	} else {
		entries, err := h.d.Workspaces.Audit(ctx, v.actor, m.Workspace.ID, af)
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		d.page(entries, "/w/"+m.Workspace.ID+"/audit", r.URL.Query())
	}
	d.Action = "/w/" + m.Workspace.ID + "/audit"
	h.render(w, r, v, status, "audit", &page{Title: "Audit log · " + m.Workspace.Name, Heading: "Audit log", Section: "audit", WS: &m, Form: f, Data: d})
}

// adminAuditList is the installation-wide audit log, for administrators.
func (h *handler) adminAuditList(w http.ResponseWriter, r *http.Request, v *visit) {
	ctx := r.Context()
	f := filterForm(r)
	af := parseAuditFilter(r.URL.Query(), f)
	d := auditData{Action: "/admin/audit", ShowWorkspace: true, Workspaces: map[string]string{}}
	users, err := h.d.Accounts.Users(ctx, v.actor)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	for _, u := range users {
		d.Actors = append(d.Actors, actorOption{ID: u.ID, Label: u.Name + " (" + u.Email + ")"})
	}
	ms, err := h.d.Workspaces.List(ctx, v.actor)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	for _, m := range ms {
		d.Workspaces[m.Workspace.ID] = m.Workspace.Name
	}
	status := http.StatusOK
	if f.Failed() {
		status = http.StatusBadRequest
	} else {
		entries, err := h.d.System.Audit(ctx, v.actor, af)
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		d.page(entries, "/admin/audit", r.URL.Query())
	}
	h.render(w, r, v, status, "audit", &page{Title: "Installation audit log", Section: "admin-audit", Form: f, Data: d, Memberships: ms})
}
