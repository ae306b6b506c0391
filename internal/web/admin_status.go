package web

import (
	"net/http"
	"sort"
	"time"

	"herald/internal/media"
	"herald/internal/system"
)

// jobState is one row of the queue-depth table.
type jobState struct {
	State string
	Count int
	Help  string
}

// periodicRun is the last completion of one periodic job kind.
type periodicRun struct {
	Kind string
	Last time.Time
}

// adminData is the system and jobs pages.
type adminData struct {
	Status   system.Status
	States   []jobState
	Periodic []periodicRun
	Media    media.PublicCheck // can networks fetch media from the base URL?
}

// jobStates orders River's states the way an operator reads them, with a
// plain-words explanation of each.
var jobStates = []jobState{
	{State: "available", Help: "waiting for a worker"},
	{State: "scheduled", Help: "due later"},
	{State: "running", Help: "being worked now"},
	{State: "retryable", Help: "failed, will be retried"},
	{State: "discarded", Help: "failed for good"},
	{State: "cancelled", Help: "cancelled"},
	{State: "completed", Help: "done (kept 3 days)"},
}

func (h *handler) adminData(w http.ResponseWriter, r *http.Request, v *visit) (adminData, bool) {
	st, err := h.d.System.Status(r.Context(), v.actor)
	if err != nil {
		h.fail(w, r, v, err)
		return adminData{}, false
	}
	d := adminData{Status: st}
	if h.d.Media != nil {
		d.Media = h.d.Media.CheckPublicURL()
	}
	for _, s := range jobStates {
		s.Count = st.Jobs.Counts[s.State]
		d.States = append(d.States, s)
	}
	for _, kind := range system.PeriodicKinds {
		d.Periodic = append(d.Periodic, periodicRun{Kind: kind, Last: st.Jobs.PeriodicLast[kind]})
	}
	sort.Slice(d.Periodic, func(i, j int) bool { return d.Periodic[i].Kind < d.Periodic[j].Kind })
	return d, true
}

// adminStatusShow is the system health page: version, database, schema,
// roles, uptime and queue counts.
func (h *handler) adminStatusShow(w http.ResponseWriter, r *http.Request, v *visit) {
	d, ok := h.adminData(w, r, v)
	if !ok {
		return
	}
	h.render(w, r, v, http.StatusOK, "admin_status", &page{Title: "System", Section: "admin", Data: d})
}
