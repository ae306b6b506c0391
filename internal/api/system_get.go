package api

import (
	"sort"

	"herald/internal/system"
)

// systemView is the installation's health, for administrators. Raw error
// texts stay in the server log; the API says only whether a part is healthy.
type systemView struct {
	Version       string         `json:"version"`
	GoVersion     string         `json:"go_version"`
	Database      string         `json:"database"`
	DatabaseOK    bool           `json:"database_ok"`
	Schema        schemaView     `json:"schema"`
	Roles         []string       `json:"roles"`
	WorkersActive bool           `json:"workers_active"`
	UptimeSeconds int64          `json:"uptime_seconds"`
	Jobs          jobsView       `json:"jobs"`
	Periodic      []periodicView `json:"periodic"`
}

type schemaView struct {
	Applied int  `json:"applied"`
	Latest  int  `json:"latest"`
	Current bool `json:"current"`
}

type jobsView struct {
	OK bool `json:"ok"`
	// QueueDepth counts jobs waiting to run: available, scheduled or
	// retryable (River lists at most 1,000 per state).
	QueueDepth int            `json:"queue_depth"`
	Running    int            `json:"running"`
	Counts     map[string]int `json:"counts"`
	Failed     []jobView      `json:"failed"`
}

type jobView struct {
	ID          int64   `json:"id"`
	Kind        string  `json:"kind"`
	State       string  `json:"state"`
	Attempt     int     `json:"attempt"`
	MaxAttempts int     `json:"max_attempts"`
	CreatedAt   string  `json:"created_at"`
	FinalizedAt *string `json:"finalized_at"`
	// LastError is the job's own recorded failure (e.g. the SMTP server's
	// answer), which administrators need to act on.
	LastError *string `json:"last_error"`
}

type periodicView struct {
	Kind      string  `json:"kind"`
	LastRunAt *string `json:"last_run_at"`
}

// systemGet reports system status; the domain allows administrators only.
func (s *server) systemGet(c *call) (reply, error) {
	st, err := s.d.System.Status(c.ctx(), c.actor)
	if err != nil {
		return reply{}, err
	}
	if st.DatabaseError != "" || st.JobsError != "" {
		s.log.Warn("api system status degraded", "database_error", st.DatabaseError, "jobs_error", st.JobsError)
	}
	return ok(viewSystem(st)), nil
}

func viewSystem(st system.Status) systemView {
	roles := append([]string{}, st.Roles...)
	v := systemView{Version: st.Version, GoVersion: st.GoVersion, Database: st.Database, DatabaseOK: st.DatabaseOK,
		Schema: schemaView{Applied: st.Schema.Applied, Latest: st.Schema.Latest, Current: st.Schema.Current()},
		Roles:  roles, WorkersActive: st.WorkersActive, UptimeSeconds: int64(st.Uptime.Seconds()),
		Jobs:     jobsView{OK: st.JobsError == "", Counts: map[string]int{}, Failed: []jobView{}},
		Periodic: []periodicView{}}
	for state, n := range st.Jobs.Counts {
		v.Jobs.Counts[state] = n
	}
	c := st.Jobs.Counts
	v.Jobs.QueueDepth = c["available"] + c["scheduled"] + c["retryable"]
	v.Jobs.Running = c["running"]
	for _, j := range st.Jobs.Failed {
		v.Jobs.Failed = append(v.Jobs.Failed, jobView{ID: j.ID, Kind: j.Kind, State: j.State, Attempt: j.Attempt, MaxAttempts: j.MaxAttempts,
			CreatedAt: stamp(j.CreatedAt), FinalizedAt: stampOrNull(j.FinalizedAt), LastError: stringOrNull(j.LastError)})
	}
	for _, kind := range system.PeriodicKinds {
		v.Periodic = append(v.Periodic, periodicView{Kind: kind, LastRunAt: stampOrNull(st.Jobs.PeriodicLast[kind])})
	}
	sort.Slice(v.Periodic, func(i, j int) bool { return v.Periodic[i].Kind < v.Periodic[j].Kind })
	return v
}
