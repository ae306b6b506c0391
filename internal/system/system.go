// Package system reports the health of a running Herald for the admin pages,
// the API and the readiness probe.
package system

import (
	"context"
	"runtime"
	"time"

	"herald/internal/audit"
	"herald/internal/jobs"
	"herald/internal/model"
	"herald/internal/store"
)

// Version is set at build time with -ldflags "-X herald/internal/system.Version=...".
var Version = "dev"

// PeriodicKinds are the periodic jobs whose last run the admin page shows.
var PeriodicKinds = []string{jobs.MaintenanceArgs{}.Kind()}

// Service reports status.
type Service struct {
	Store   *store.Store
	Queue   *jobs.Queue
	Started time.Time
	Roles   []string
}

// Status is the admin view of the system.
type Status struct {
	Version       string
	GoVersion     string
	Database      string
	DatabaseOK    bool
	DatabaseError string
	Schema        store.SchemaStatus
	Roles         []string
	WorkersActive bool
	Uptime        time.Duration
	Jobs          jobs.Stats
	JobsError     string
}

// Ready reports whether the process can serve: the database answers and, in
// the worker role, the job workers are running.
func (s *Service) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return s.Store.Ping(ctx)
}

// Status gathers the admin view; administrators only.
func (s *Service) Status(ctx context.Context, a model.Actor) (Status, error) {
	if !a.IsAdmin {
		return Status{}, model.Forbidden("only administrators can see system status")
	}
	st := Status{Version: Version, GoVersion: runtime.Version(), Database: string(s.Store.Dialect()), Roles: s.Roles,
		WorkersActive: s.Queue.Running(), Uptime: time.Since(s.Started).Round(time.Second)}
	if err := s.Ready(ctx); err != nil {
		st.DatabaseError = err.Error()
	} else {
		st.DatabaseOK = true
	}
	var err error
	if st.Schema, err = s.Store.Status(ctx); err != nil {
		return st, err
	}
	if st.Jobs, err = s.Queue.Stats(ctx, PeriodicKinds); err != nil {
		st.JobsError = err.Error()
	}
	return st, nil
}

// Audit lists the installation-wide audit log (every workspace and the
// entries outside any workspace); administrators only. It lets the web UI
// and the API read it without reaching for the store.
func (s *Service) Audit(ctx context.Context, a model.Actor, f model.AuditFilter) ([]model.AuditEntry, error) {
	return audit.ListAll(ctx, s.Store, a, f)
}
