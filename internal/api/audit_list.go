package api

import (
	"time"
	"unicode/utf8"

	"herald/internal/model"
)

// workspaceAuditList reads a workspace's audit log, newest first.
func (s *server) workspaceAuditList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	f, limit, err := c.auditFilter()
	if err != nil {
		return reply{}, err
	}
	entries, err := s.d.Workspaces.Audit(c.ctx(), c.actor, ws, f)
	if err != nil {
		return reply{}, err
	}
	return ok(auditPage(entries, limit)), nil
}

// auditList reads the installation-wide audit log (administrators only),
// optionally narrowed to one workspace with ?workspace=.
func (s *server) auditList(c *call) (reply, error) {
	f, limit, err := c.auditFilter()
	if err != nil {
		return reply{}, err
	}
	if v := c.r.URL.Query().Get("workspace"); v != "" {
		if !validID(v) {
			return reply{}, invalidField("workspace", "must be a workspace ID (a 26-character lower-case ULID)")
		}
		f.WorkspaceID = v
	}
	entries, err := s.d.System.Audit(c.ctx(), c.actor, f)
	if err != nil {
		return reply{}, err
	}
	return ok(auditPage(entries, limit)), nil
}

// auditFilter parses the audit query parameters. The store pages by ID
// (newest first), so the cursor becomes Before and one extra entry is
// fetched to learn whether another page follows.
func (c *call) auditFilter() (model.AuditFilter, int, error) {
	p, err := c.pageParams()
	if err != nil {
		return model.AuditFilter{}, 0, err
	}
	q := c.r.URL.Query()
	f := model.AuditFilter{Action: q.Get("action"), Before: p.after, Limit: p.limit + 1}
	if utf8.RuneCountInString(f.Action) > 100 {
		return f, 0, invalidField("action", "must be at most 100 characters")
	}
	if v := q.Get("actor"); v != "" {
		if !validID(v) {
			return f, 0, invalidField("actor", "must be a user ID (a 26-character lower-case ULID)")
		}
		f.ActorID = v
	}
	if f.Since, err = timeParam(q.Get("since"), "since"); err != nil {
		return f, 0, err
	}
	if f.Until, err = timeParam(q.Get("until"), "until"); err != nil {
		return f, 0, err
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return f, 0, invalidField("until", "must be later than since")
	}
	return f, p.limit, nil
}

// timeParam parses an optional RFC 3339 instant.
func timeParam(v, name string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, invalidField(name, "must be an RFC 3339 instant such as 2026-01-31T09:00:00Z")
	}
	return t.UTC(), nil
}

func auditPage(entries []model.AuditEntry, limit int) page[auditView] {
	out := page[auditView]{Data: make([]auditView, 0, len(entries))}
	if len(entries) > limit {
		entries = entries[:limit]
		out.NextCursor = encodeCursor(entries[limit-1].ID)
	}
	for _, e := range entries {
		out.Data = append(out.Data, viewAudit(e))
	}
	return out
}
