// Package workspace manages workspaces (one per brand or client), their
// members and invitations, and is the one place where role permissions are
// enforced (Authorize).
package workspace

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/account"
	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// InvitationTTL is how long an invitation link stays valid.
const InvitationTTL = 7 * 24 * time.Hour

// Service is the workspace domain service.
type Service struct {
	Store   *store.Store
	Queue   account.Enqueuer
	Mail    account.Mailer
	BaseURL string
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Authorize returns the actor's role in the workspace when the role allows
// action. Non-members get NotFound so workspace IDs cannot be probed.
func (s *Service) Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error) {
	return authorize(ctx, s.Store.Read(), a, workspaceID, action)
}

func authorize(ctx context.Context, q *store.Queries, a model.Actor, workspaceID string, action model.Action) (model.Role, error) {
	if !ids.Valid(workspaceID) {
		return "", model.NotFound("workspace %q not found", workspaceID)
	}
	role, err := q.MemberRole(ctx, workspaceID, a.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return "", model.NotFound("workspace not found, or you are not a member of it")
	}
	if err != nil {
		return "", err
	}
	if !model.Can(role, action) {
		return role, model.Forbidden("your role (%s) does not allow %s in this workspace", role.Label(), action)
	}
	return role, nil
}

func validName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", model.Invalid("name", "enter a workspace name")
	}
	if utf8.RuneCountInString(n) > 80 {
		return "", model.Invalid("name", "workspace name must be at most 80 characters")
	}
	return n, nil
}

// Create makes a workspace with the actor as its Owner.
func (s *Service) Create(ctx context.Context, a model.Actor, name string) (model.Workspace, error) {
	n, err := validName(name)
	if err != nil {
		return model.Workspace{}, err
	}
	w := model.Workspace{ID: ids.New(), Name: n, CreatedBy: a.UserID, CreatedAt: s.now()}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateWorkspace(ctx, w); err != nil {
			return err
		}
		if err := tx.AddMember(ctx, w.ID, a.UserID, model.RoleOwner, w.CreatedAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "workspace.create", "workspace", w.ID, w.ID, map[string]any{"name": n})
	})
	return w, err
}

// List returns the actor's workspaces with the actor's role in each.
func (s *Service) List(ctx context.Context, a model.Actor) ([]model.Membership, error) {
	return s.Store.Read().Memberships(ctx, a.UserID)
}

// Get returns a workspace the actor may see, with the actor's role.
func (s *Service) Get(ctx context.Context, a model.Actor, id string) (model.Membership, error) {
	role, err := s.Authorize(ctx, a, id, model.ActWorkspaceView)
	if err != nil {
		return model.Membership{}, err
	}
	w, err := s.Store.Read().WorkspaceByID(ctx, id)
	return model.Membership{Workspace: w, Role: role}, err
}

// Rename changes a workspace's name.
func (s *Service) Rename(ctx context.Context, a model.Actor, id, name string) error {
	n, err := validName(name)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := authorize(ctx, &tx.Queries, a, id, model.ActWorkspaceRename); err != nil {
			return err
		}
		if err := tx.RenameWorkspace(ctx, id, n); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "workspace.rename", "workspace", id, id, map[string]any{"name": n})
	})
}

// SetArchived archives or restores a workspace.
func (s *Service) SetArchived(ctx context.Context, a model.Actor, id string, archived bool) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := authorize(ctx, &tx.Queries, a, id, model.ActWorkspaceArchive); err != nil {
			return err
		}
		at, action := s.now(), "workspace.archive"
		if !archived {
			at, action = time.Time{}, "workspace.restore"
		}
		if err := tx.SetWorkspaceArchived(ctx, id, at); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, action, "workspace", id, id, nil)
	})
}

// Members lists a workspace's members.
func (s *Service) Members(ctx context.Context, a model.Actor, id string) ([]model.Member, error) {
	if _, err := s.Authorize(ctx, a, id, model.ActMemberView); err != nil {
		return nil, err
	}
	return s.Store.Read().ListMembers(ctx, id)
}

// Invitations lists a workspace's pending invitations.
func (s *Service) Invitations(ctx context.Context, a model.Actor, id string) ([]model.Invitation, error) {
	if _, err := s.Authorize(ctx, a, id, model.ActMemberView); err != nil {
		return nil, err
	}
	return s.Store.Read().PendingInvitations(ctx, id, s.now())
}

// Audit lists a workspace's audit log.
func (s *Service) Audit(ctx context.Context, a model.Actor, id string, f model.AuditFilter) ([]model.AuditEntry, error) {
	if _, err := s.Authorize(ctx, a, id, model.ActAuditView); err != nil {
		return nil, err
	}
	f.WorkspaceID = id
	return s.Store.Read().ListAudit(ctx, f)
}

// checkGrant refuses to hand out a role above what the actor may grant.
func checkGrant(actorRole, target model.Role) error {
	if max := model.MaxGrantable(actorRole); !max.AtLeast(target) {
		return model.Forbidden("as %s you can give roles up to %s, not %s", actorRole.Label(), max.Label(), target.Label())
	}
	return nil
}
