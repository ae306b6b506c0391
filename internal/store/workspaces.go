package store

import (
	"context"
	"time"

	"herald/internal/model"
)

const wsCols = `w.id, w.name, w.created_by, w.created_at, w.archived_at`

func scanWorkspace(row interface{ Scan(...any) error }, extra ...any) (model.Workspace, error) {
	var w model.Workspace
	dest := append([]any{&w.ID, &w.Name, &w.CreatedBy, tm(&w.CreatedAt), tm(&w.ArchivedAt)}, extra...)
	err := row.Scan(dest...)
	return w, err
}

// CreateWorkspace inserts a workspace.
func (q *Queries) CreateWorkspace(ctx context.Context, w model.Workspace) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO workspaces (id, name, created_by, created_at, archived_at) VALUES ($1,$2,$3,$4,$5)`,
		w.ID, w.Name, w.CreatedBy, ts(w.CreatedAt), ts(w.ArchivedAt))
	return wrap("create workspace", err)
}

// WorkspaceByID loads one workspace.
func (q *Queries) WorkspaceByID(ctx context.Context, id string) (model.Workspace, error) {
	w, err := scanWorkspace(q.q.QueryRowContext(ctx, `SELECT `+wsCols+` FROM workspaces w WHERE w.id = $1`, id))
	return w, wrap("workspace by id", err)
}

// RenameWorkspace changes a workspace's name.
func (q *Queries) RenameWorkspace(ctx context.Context, id, name string) error {
	return q.execOne(ctx, "rename workspace", `UPDATE workspaces SET name = $1 WHERE id = $2`, name, id)
}

// SetWorkspaceArchived archives (non-zero at) or restores (zero at) a workspace.
func (q *Queries) SetWorkspaceArchived(ctx context.Context, id string, at time.Time) error {
	return q.execOne(ctx, "archive workspace", `UPDATE workspaces SET archived_at = $1 WHERE id = $2`, ts(at), id)
}

// Memberships lists the workspaces a user belongs to, by name.
func (q *Queries) Memberships(ctx context.Context, userID string) ([]model.Membership, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+wsCols+`, m.role FROM workspaces w JOIN members m ON m.workspace_id = w.id
		WHERE m.user_id = $1 ORDER BY w.name, w.id`, userID)
	if err != nil {
		return nil, wrap("memberships", err)
	}
	defer rows.Close()
	var out []model.Membership
	for rows.Next() {
		var role model.Role
		w, err := scanWorkspace(rows, &role)
		if err != nil {
			return nil, wrap("memberships", err)
		}
		out = append(out, model.Membership{Workspace: w, Role: role})
	}
	return out, wrap("memberships", rows.Err())
}

// AddMember inserts a membership; an existing one returns ErrConflict.
func (q *Queries) AddMember(ctx context.Context, workspaceID, userID string, role model.Role, now time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO members (workspace_id, user_id, role, created_at) VALUES ($1,$2,$3,$4)`,
		workspaceID, userID, string(role), ts(now))
	return wrap("add member", err)
}

// MemberRole returns a user's role in a workspace, ErrNotFound if none.
func (q *Queries) MemberRole(ctx context.Context, workspaceID, userID string) (model.Role, error) {
	var r model.Role
	err := q.q.QueryRowContext(ctx, `SELECT role FROM members WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID).Scan(&r)
	return r, wrap("member role", err)
}

// ListMembers returns a workspace's members by name.
func (q *Queries) ListMembers(ctx context.Context, workspaceID string) ([]model.Member, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT m.workspace_id, m.user_id, u.email, u.name, m.role, m.created_at
		FROM members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY u.name, u.email`, workspaceID)
	if err != nil {
		return nil, wrap("list members", err)
	}
	defer rows.Close()
	var out []model.Member
	for rows.Next() {
		var m model.Member
		if err := rows.Scan(&m.WorkspaceID, &m.UserID, &m.Email, &m.Name, &m.Role, tm(&m.CreatedAt)); err != nil {
			return nil, wrap("list members", err)
		}
		out = append(out, m)
	}
	return out, wrap("list members", rows.Err())
}

// CountRole counts members of a workspace holding role.
func (q *Queries) CountRole(ctx context.Context, workspaceID string, role model.Role) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM members WHERE workspace_id = $1 AND role = $2`, workspaceID, string(role)).Scan(&n)
	return n, wrap("count role", err)
}

// SetMemberRole changes a member's role.
func (q *Queries) SetMemberRole(ctx context.Context, workspaceID, userID string, role model.Role) error {
	return q.execOne(ctx, "set member role", `UPDATE members SET role = $1 WHERE workspace_id = $2 AND user_id = $3`, string(role), workspaceID, userID)
}

// RemoveMember deletes a membership.
func (q *Queries) RemoveMember(ctx context.Context, workspaceID, userID string) error {
	return q.execOne(ctx, "remove member", `DELETE FROM members WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID)
}
