// Package audit records who changed what, and lets people with the right
// permission read it. The log is append-only: nothing in Herald edits it.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// Record appends an entry inside tx, so the entry exists exactly when the
// change it describes does. details may be nil or any JSON-encodable value.
func Record(ctx context.Context, tx *store.Tx, a model.Actor, action, objectType, objectID, workspaceID string, details any) error {
	var d string
	if details != nil {
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		d = string(b)
	}
	return tx.AppendAudit(ctx, model.AuditEntry{
		ID: ids.New(), At: time.Now(), ActorID: a.UserID, ActorLabel: label(a), Action: action,
		ObjectType: objectType, ObjectID: objectID, WorkspaceID: workspaceID,
		IP: a.IP, UserAgent: truncate(a.UserAgent, 300), Details: d,
	})
}

func label(a model.Actor) string {
	if a.Email != "" {
		return a.Email
	}
	if a.Via == "cli" {
		return "command line"
	}
	return "system"
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// ListAll returns entries across the installation; only administrators may.
func ListAll(ctx context.Context, st *store.Store, a model.Actor, f model.AuditFilter) ([]model.AuditEntry, error) {
	if !a.IsAdmin {
		return nil, model.Forbidden("only administrators can read the installation audit log")
	}
	if f.WorkspaceID == "" {
		f.WorkspaceID = "*"
	}
	return st.Read().ListAudit(ctx, f)
}
