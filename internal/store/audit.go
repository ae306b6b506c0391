package store

import (
	"context"
	"strconv"
	"strings"

	"herald/internal/model"
)

// AppendAudit adds one entry to the append-only audit log.
func (q *Queries) AppendAudit(ctx context.Context, e model.AuditEntry) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_id, actor_label, action, object_type, object_id, workspace_id, ip, user_agent, details)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		e.ID, ts(e.At), e.ActorID, e.ActorLabel, e.Action, e.ObjectType, e.ObjectID, e.WorkspaceID, e.IP, e.UserAgent, e.Details)
	return wrap("append audit", err)
}

// likeEscaper makes user input literal inside a LIKE pattern with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// ListAudit returns entries matching f, newest first. f.Before is a cursor (an
// entry ID); f.WorkspaceID "*" means every workspace and none.
func (q *Queries) ListAudit(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.WorkspaceID != "*" {
		add("workspace_id = ?", f.WorkspaceID)
	}
	if f.ActorID != "" {
		add("actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		// A prefix match: LIKE's wildcards in the input are escaped, not
		// dropped, because action names contain "_" (user.signin_failed).
		add(`action LIKE ? ESCAPE '\'`, likeEscaper.Replace(f.Action)+"%")
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if !f.Since.IsZero() {
		add("at >= ?", ts(f.Since))
	}
	if !f.Until.IsZero() {
		add("at < ?", ts(f.Until))
	}
	if f.Before != "" {
		add("id < ?", f.Before)
	}
	query := `SELECT id, at, actor_id, actor_label, action, object_type, object_id, workspace_id, ip, user_agent, details FROM audit_log`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	query += " ORDER BY id DESC LIMIT " + strconv.Itoa(limit)
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap("list audit", err)
	}
	defer rows.Close()
	var out []model.AuditEntry
	for rows.Next() {
		var e model.AuditEntry
		if err := rows.Scan(&e.ID, tm(&e.At), &e.ActorID, &e.ActorLabel, &e.Action, &e.ObjectType, &e.ObjectID, &e.WorkspaceID, &e.IP, &e.UserAgent, &e.Details); err != nil {
			return nil, wrap("list audit", err)
		}
		out = append(out, e)
	}
	return out, wrap("list audit", rows.Err())
}
