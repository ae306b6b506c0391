package workspace

import (
	"context"
	"errors"
	"fmt"

	"herald/internal/account"
	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// Invited is the outcome of an invitation: the link to hand over when e-mail
// is not set up, and whether a message was queued.
type Invited struct {
	Invitation model.Invitation
	Link       string
	Emailed    bool
}

// Invite asks someone to join the workspace with a role.
func (s *Service) Invite(ctx context.Context, a model.Actor, workspaceID, email, roleName string) (Invited, error) {
	e, err := account.NormalizeEmail("email", email)
	if err != nil {
		return Invited{}, err
	}
	role, err := model.ParseRole(roleName)
	if err != nil {
		return Invited{}, model.Invalid("role", "%s", err.Error())
	}
	token := secret.Token()
	now := s.now()
	inv := model.Invitation{ID: ids.New(), WorkspaceID: workspaceID, Email: e, Role: role, InvitedBy: a.UserID, CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	out := Invited{Invitation: inv, Link: s.BaseURL + "/invite/" + token}
	out.Emailed = s.Mail.Configured(ctx)
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		actorRole, err := authorize(ctx, &tx.Queries, a, workspaceID, model.ActMemberInvite)
		if err != nil {
			return err
		}
		if err := checkGrant(actorRole, role); err != nil {
			return err
		}
		if u, err := tx.UserByEmail(ctx, e); err == nil {
			if _, err := tx.MemberRole(ctx, workspaceID, u.ID); err == nil {
				return model.Conflict("email", "%s is already a member of this workspace", e)
			}
		}
		w, err := tx.WorkspaceByID(ctx, workspaceID)
		if err != nil {
			return err
		}
		if w.Archived() {
			return model.Conflict("", "this workspace is archived; restore it before inviting people")
		}
		if err := tx.CreateInvitation(ctx, inv, secret.Hash(token)); err != nil {
			return err
		}
		if out.Emailed {
			job, err := s.Mail.Job(e, fmt.Sprintf("You are invited to %s on Herald", w.Name),
				fmt.Sprintf("Hello,\n\n%s invited you to join the workspace \"%s\" on Herald as %s.\n\nAccept the invitation within 7 days:\n\n%s\n", a.Email, w.Name, role.Label(), out.Link))
			if err != nil {
				return err
			}
			if err := s.Queue.InsertTx(ctx, tx, job, nil); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, a, "member.invite", "invitation", inv.ID, workspaceID, map[string]any{"email": e, "role": role, "emailed": out.Emailed})
	})
	return out, err
}

// RevokeInvitation cancels a pending invitation.
func (s *Service) RevokeInvitation(ctx context.Context, a model.Actor, workspaceID, invitationID string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := authorize(ctx, &tx.Queries, a, workspaceID, model.ActInvitationRevoke); err != nil {
			return err
		}
		if err := tx.RevokeInvitation(ctx, workspaceID, invitationID, s.now()); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no pending invitation with that ID")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "invitation.revoke", "invitation", invitationID, workspaceID, nil)
	})
}

// ChangeRole sets a member's role, keeping at least one Owner.
func (s *Service) ChangeRole(ctx context.Context, a model.Actor, workspaceID, userID, roleName string) error {
	role, err := model.ParseRole(roleName)
	if err != nil {
		return model.Invalid("role", "%s", err.Error())
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		actorRole, err := authorize(ctx, &tx.Queries, a, workspaceID, model.ActMemberRole)
		if err != nil {
			return err
		}
		current, err := s.targetRole(ctx, tx, actorRole, workspaceID, userID)
		if err != nil {
			return err
		}
		if err := checkGrant(actorRole, role); err != nil {
			return err
		}
		if current == model.RoleOwner && role != model.RoleOwner {
			if err := keepOneOwner(ctx, tx, workspaceID); err != nil {
				return err
			}
		}
		if err := tx.SetMemberRole(ctx, workspaceID, userID, role); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "member.role", "user", userID, workspaceID, map[string]any{"from": current, "to": role})
	})
}

// RemoveMember takes someone out of the workspace (or lets a member leave).
func (s *Service) RemoveMember(ctx context.Context, a model.Actor, workspaceID, userID string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		var actorRole model.Role
		var err error
		if userID == a.UserID { // leaving needs only membership
			actorRole, err = authorize(ctx, &tx.Queries, a, workspaceID, model.ActWorkspaceView)
		} else {
			actorRole, err = authorize(ctx, &tx.Queries, a, workspaceID, model.ActMemberRemove)
		}
		if err != nil {
			return err
		}
		current, err := s.targetRole(ctx, tx, actorRole, workspaceID, userID)
		if err != nil && userID != a.UserID {
			return err
		}
		if userID == a.UserID {
			current = actorRole
		}
		if current == model.RoleOwner {
			if err := keepOneOwner(ctx, tx, workspaceID); err != nil {
				return err
			}
		}
		if err := tx.RemoveMember(ctx, workspaceID, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "member.remove", "user", userID, workspaceID, map[string]any{"role": current})
	})
}

// targetRole loads the role of the member being changed and refuses when an
// Admin tries to change an Owner.
func (s *Service) targetRole(ctx context.Context, tx *store.Tx, actorRole model.Role, workspaceID, userID string) (model.Role, error) {
	current, err := tx.MemberRole(ctx, workspaceID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return "", model.NotFound("that person is not a member of this workspace")
	}
	if err != nil {
		return "", err
	}
	if !actorRole.AtLeast(current) {
		return "", model.Forbidden("as %s you cannot change a member whose role is %s", actorRole.Label(), current.Label())
	}
	return current, nil
}

func keepOneOwner(ctx context.Context, tx *store.Tx, workspaceID string) error {
	n, err := tx.CountRole(ctx, workspaceID, model.RoleOwner)
	if err != nil {
		return err
	}
	if n <= 1 {
		return model.Conflict("role", "a workspace needs at least one Owner; make someone else Owner first")
	}
	return nil
}
