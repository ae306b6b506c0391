package store

import (
	"context"
	"strings"
	"time"

	"herald/internal/model"
)

const invCols = `id, workspace_id, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at`

func scanInvitation(row interface{ Scan(...any) error }) (model.Invitation, error) {
	var i model.Invitation
	err := row.Scan(&i.ID, &i.WorkspaceID, &i.Email, &i.Role, &i.InvitedBy, tm(&i.CreatedAt), tm(&i.ExpiresAt), tm(&i.AcceptedAt), tm(&i.RevokedAt))
	return i, err
}

// CreateInvitation stores an invitation under the hash of its link token.
func (q *Queries) CreateInvitation(ctx context.Context, inv model.Invitation, tokenHash string) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO invitations (id, workspace_id, email, role, token_hash, invited_by, created_at, expires_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		inv.ID, inv.WorkspaceID, strings.ToLower(inv.Email), string(inv.Role), tokenHash, inv.InvitedBy, ts(inv.CreatedAt), ts(inv.ExpiresAt))
	return wrap("create invitation", err)
}

// InvitationByTokenHash loads an invitation by its link token hash.
func (q *Queries) InvitationByTokenHash(ctx context.Context, hash string) (model.Invitation, error) {
	i, err := scanInvitation(q.q.QueryRowContext(ctx, `SELECT `+invCols+` FROM invitations WHERE token_hash = $1`, hash))
	return i, wrap("invitation by token", err)
}

// InvitationByID loads an invitation of a workspace.
func (q *Queries) InvitationByID(ctx context.Context, workspaceID, id string) (model.Invitation, error) {
	i, err := scanInvitation(q.q.QueryRowContext(ctx, `SELECT `+invCols+` FROM invitations WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return i, wrap("invitation by id", err)
}

// PendingInvitations lists a workspace's invitations that can still be accepted.
func (q *Queries) PendingInvitations(ctx context.Context, workspaceID string, now time.Time) ([]model.Invitation, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+invCols+` FROM invitations
		WHERE workspace_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC`, workspaceID, ts(now))
	if err != nil {
		return nil, wrap("pending invitations", err)
	}
	defer rows.Close()
	var out []model.Invitation
	for rows.Next() {
		i, err := scanInvitation(rows)
		if err != nil {
			return nil, wrap("pending invitations", err)
		}
		out = append(out, i)
	}
	return out, wrap("pending invitations", rows.Err())
}

// MarkInvitationAccepted closes a pending invitation; ErrNotFound if it was not pending.
func (q *Queries) MarkInvitationAccepted(ctx context.Context, id string, now time.Time) error {
	return q.execOne(ctx, "accept invitation", `UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL`, ts(now), id)
}

// RevokeInvitation revokes a pending invitation; ErrNotFound if it was not pending.
func (q *Queries) RevokeInvitation(ctx context.Context, workspaceID, id string, now time.Time) error {
	return q.execOne(ctx, "revoke invitation", `UPDATE invitations SET revoked_at = $1 WHERE workspace_id = $2 AND id = $3 AND accepted_at IS NULL AND revoked_at IS NULL`, ts(now), workspaceID, id)
}
