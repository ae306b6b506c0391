package workspace

import (
	"context"
	"errors"
	"strings"

	"herald/internal/account"
	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// InvitationView is what the invitation page shows before accepting.
type InvitationView struct {
	Invitation    model.Invitation
	WorkspaceName string
	UserExists    bool // the invited address already has an account: sign in to accept
}

// LookupInvitation resolves an invitation link token.
func (s *Service) LookupInvitation(ctx context.Context, token string) (InvitationView, error) {
	q := s.Store.Read()
	inv, err := q.InvitationByTokenHash(ctx, secret.Hash(token))
	if errors.Is(err, store.ErrNotFound) {
		return InvitationView{}, model.NotFound("this invitation link is not valid")
	}
	if err != nil {
		return InvitationView{}, err
	}
	if !inv.Pending(s.now()) {
		return InvitationView{Invitation: inv}, model.NotFound("this invitation was already used, revoked or has expired; ask for a new one")
	}
	w, err := q.WorkspaceByID(ctx, inv.WorkspaceID)
	if err != nil {
		return InvitationView{}, err
	}
	_, uerr := q.UserByEmail(ctx, inv.Email)
	return InvitationView{Invitation: inv, WorkspaceName: w.Name, UserExists: uerr == nil}, nil
}

// AcceptAsUser accepts an invitation for a signed-in user.
func (s *Service) AcceptAsUser(ctx context.Context, a model.Actor, token string) (model.Invitation, error) {
	view, err := s.LookupInvitation(ctx, token)
	if err != nil {
		return model.Invitation{}, err
	}
	return view.Invitation, s.Store.InTx(ctx, func(tx *store.Tx) error {
		return s.join(ctx, tx, a, view.Invitation)
	})
}

// AcceptWithNewAccount creates the invited person's account and accepts.
// The account's e-mail is the invited one: owning the link proves it.
func (s *Service) AcceptWithNewAccount(ctx context.Context, accounts *account.Service, a model.Actor, token, name, password string) (model.User, error) {
	view, err := s.LookupInvitation(ctx, token)
	if err != nil {
		return model.User{}, err
	}
	if view.UserExists {
		return model.User{}, model.Conflict("email", "an account for %s exists already; sign in to accept", view.Invitation.Email)
	}
	var u model.User
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = accounts.InsertUser(ctx, tx, a, account.NewUser{Email: view.Invitation.Email, Name: name, Password: password}); err != nil {
			return err
		}
		a.UserID, a.Email = u.ID, u.Email
		return s.join(ctx, tx, a, view.Invitation)
	})
	return u, err
}

func (s *Service) join(ctx context.Context, tx *store.Tx, a model.Actor, inv model.Invitation) error {
	if !strings.EqualFold(a.Email, inv.Email) {
		return model.Forbidden("this invitation is for %s; you are signed in as %s", inv.Email, a.Email)
	}
	if err := tx.MarkInvitationAccepted(ctx, inv.ID, s.now()); errors.Is(err, store.ErrNotFound) {
		return model.NotFound("this invitation was already used or revoked")
	} else if err != nil {
		return err
	}
	if err := tx.AddMember(ctx, inv.WorkspaceID, a.UserID, inv.Role, s.now()); errors.Is(err, store.ErrConflict) {
		return model.Conflict("", "you are already a member of this workspace")
	} else if err != nil {
		return err
	}
	return audit.Record(ctx, tx, a, "member.join", "invitation", inv.ID, inv.WorkspaceID, map[string]any{"role": inv.Role})
}
