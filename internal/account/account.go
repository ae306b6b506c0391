// Package account holds everything about people signing in: first-run setup,
// users, sessions, password policy and resets, two-factor sign-in, login
// throttling and personal API tokens. The web UI, the API and the CLI all
// call it, so a rule lives here once.
package account

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"
	"golang.org/x/time/rate"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/platform/password"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// Enqueuer puts a job in the queue inside a transaction.
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Mailer prepares e-mail jobs and tells whether mail is set up.
type Mailer interface {
	Configured(ctx context.Context) bool
	Job(to, subject, text string) (river.JobArgs, error)
}

// Lockout policy: after MaxFailures wrong passwords in a row the account is
// locked for LockoutFor, whatever the source address.
const (
	MaxFailures = 5
	LockoutFor  = 15 * time.Minute
	resetTTL    = time.Hour
)

// Service is the account domain service.
type Service struct {
	Store      *store.Store
	Box        *secret.Box
	Queue      Enqueuer
	Mail       Mailer
	BaseURL    string
	SessionTTL time.Duration
	Now        func() time.Time

	mu       sync.Mutex
	limiters map[string]*rate.Limiter // per client IP: sign-in attempts
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// NormalizeEmail validates and lower-cases an e-mail address.
func NormalizeEmail(field, email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || !strings.Contains(e, "@") || len(e) > 254 {
		return "", model.Invalid(field, "enter an e-mail address such as name@example.com")
	}
	return e, nil
}

func validName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", model.Invalid("name", "enter a name")
	}
	if utf8.RuneCountInString(n) > 100 {
		return "", model.Invalid("name", "name must be at most 100 characters")
	}
	return n, nil
}

// NewUser holds what is needed to create a user.
type NewUser struct {
	Email    string
	Name     string
	Password string
	Admin    bool
}

func (s *Service) buildUser(nu NewUser) (model.User, error) {
	email, err := NormalizeEmail("email", nu.Email)
	if err != nil {
		return model.User{}, err
	}
	name, err := validName(nu.Name)
	if err != nil {
		return model.User{}, err
	}
	if err := password.Check(nu.Password); err != nil {
		return model.User{}, model.Invalid("password", "%s", err.Error())
	}
	hash, err := password.Hash(nu.Password)
	if err != nil {
		return model.User{}, err
	}
	now := s.now()
	return model.User{ID: ids.New(), Email: email, Name: name, PasswordHash: hash, IsAdmin: nu.Admin, CreatedAt: now, UpdatedAt: now}, nil
}

// SetupNeeded reports whether no user exists yet, so the first-run page is open.
func (s *Service) SetupNeeded(ctx context.Context) (bool, error) {
	n, err := s.Store.Read().CountUsers(ctx)
	return n == 0, err
}

// ErrSetupDone is returned when first-run setup is attempted a second time.
var ErrSetupDone = &model.Error{Kind: model.KindConflict, Msg: "Herald is already set up; sign in instead"}

// Setup creates the first user, the installation owner (an administrator).
// It works only while there are no users.
func (s *Service) Setup(ctx context.Context, a model.Actor, nu NewUser) (model.User, error) {
	nu.Admin = true
	u, err := s.buildUser(nu)
	if err != nil {
		return u, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		n, err := tx.CountUsers(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrSetupDone
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		a.UserID, a.Email = u.ID, u.Email
		return audit.Record(ctx, tx, a, "user.setup", "user", u.ID, "", nil)
	})
	return u, err
}

// CreateUser adds a user (command line or administrators).
func (s *Service) CreateUser(ctx context.Context, a model.Actor, nu NewUser) (model.User, error) {
	if a.Via != "cli" && !a.IsAdmin {
		return model.User{}, model.Forbidden("only administrators can create users")
	}
	var u model.User
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		u, err = s.InsertUser(ctx, tx, a, nu)
		return err
	})
	return u, err
}

// InsertUser validates and inserts a user inside tx without permission
// checks; callers decide who may create accounts (CreateUser, invitations).
func (s *Service) InsertUser(ctx context.Context, tx *store.Tx, a model.Actor, nu NewUser) (model.User, error) {
	u, err := s.buildUser(nu)
	if err != nil {
		return u, err
	}
	if err := tx.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return u, model.Conflict("email", "a user with the e-mail %s already exists", u.Email)
		}
		return u, err
	}
	return u, audit.Record(ctx, tx, a, "user.create", "user", u.ID, "", map[string]any{"email": u.Email, "admin": u.IsAdmin})
}

// User loads a user by ID.
func (s *Service) User(ctx context.Context, id string) (model.User, error) {
	u, err := s.Store.Read().UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return u, model.NotFound("user not found")
	}
	return u, err
}

// UserByEmail loads a user by e-mail address.
func (s *Service) UserByEmail(ctx context.Context, email string) (model.User, error) {
	e, err := NormalizeEmail("email", email)
	if err != nil {
		return model.User{}, err
	}
	u, err := s.Store.Read().UserByEmail(ctx, e)
	if errors.Is(err, store.ErrNotFound) {
		return u, model.NotFound("no user with the e-mail %s", e)
	}
	return u, err
}

// Users lists every user; administrators only.
func (s *Service) Users(ctx context.Context, a model.Actor) ([]model.User, error) {
	if !a.IsAdmin {
		return nil, model.Forbidden("only administrators can list users")
	}
	return s.Store.Read().ListUsers(ctx)
}

// UpdateProfile changes the actor's display name.
func (s *Service) UpdateProfile(ctx context.Context, a model.Actor, name string) error {
	n, err := validName(name)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateUserProfile(ctx, a.UserID, n, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "user.profile", "user", a.UserID, "", nil)
	})
}

// ChangePassword checks the current password, sets a new one and signs out
// every other session of the user.
func (s *Service) ChangePassword(ctx context.Context, a model.Actor, keepSessionID, current, next string) error {
	u, err := s.User(ctx, a.UserID)
	if err != nil {
		return err
	}
	if password.Verify(u.PasswordHash, current) != nil {
		return model.Invalid("current_password", "the current password is not correct")
	}
	if err := password.Check(next); err != nil {
		return model.Invalid("new_password", "%s", err.Error())
	}
	hash, err := password.Hash(next)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetPasswordHash(ctx, u.ID, hash, s.now()); err != nil {
			return err
		}
		if _, err := tx.DeleteUserSessions(ctx, u.ID, keepSessionID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "user.password_change", "user", u.ID, "", nil)
	})
}

func (s *Service) link(path string) string { return strings.TrimRight(s.BaseURL, "/") + path }

// ResetRequest is the outcome of asking for a password reset.
type ResetRequest struct {
	Emailed bool // a message was queued
}

// RequestPasswordReset e-mails a reset link when the address belongs to a
// user and mail is configured. The answer is the same whether or not the
// address exists, so the form cannot be used to probe for accounts.
func (s *Service) RequestPasswordReset(ctx context.Context, a model.Actor, email string) (ResetRequest, error) {
	e, err := NormalizeEmail("email", email)
	if err != nil {
		return ResetRequest{}, err
	}
	if !s.Mail.Configured(ctx) {
		return ResetRequest{}, nil
	}
	u, err := s.Store.Read().UserByEmail(ctx, e)
	if errors.Is(err, store.ErrNotFound) {
		return ResetRequest{Emailed: true}, nil
	}
	if err != nil {
		return ResetRequest{}, err
	}
	_, err = s.createReset(ctx, a, u, true)
	return ResetRequest{Emailed: err == nil}, err
}

// AdminResetLink makes a reset link for a user that an administrator hands over
// (the way to recover an account when e-mail is not set up).
func (s *Service) AdminResetLink(ctx context.Context, a model.Actor, userID string) (string, error) {
	if !a.IsAdmin {
		return "", model.Forbidden("only administrators can make reset links")
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return "", err
	}
	return s.createReset(ctx, a, u, false)
}

func (s *Service) createReset(ctx context.Context, a model.Actor, u model.User, send bool) (string, error) {
	token := secret.Token()
	link := s.link("/password/reset/" + token)
	now := s.now()
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreatePasswordReset(ctx, ids.New(), u.ID, secret.Hash(token), now, now.Add(resetTTL)); err != nil {
			return err
		}
		if send {
			job, err := s.Mail.Job(u.Email, "Reset your Herald password",
				fmt.Sprintf("Hello %s,\n\nSomeone asked to reset the password of your Herald account. To choose a new password, open this link within an hour:\n\n%s\n\nIf it was not you, ignore this message; your password stays as it is.\n", u.Name, link))
			if err != nil {
				return err
			}
			if err := s.Queue.InsertTx(ctx, tx, job, nil); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, a, "user.password_reset_request", "user", u.ID, "", map[string]any{"emailed": send})
	})
	return link, err
}

// ResetTokenValid reports whether a reset link can still be used.
func (s *Service) ResetTokenValid(ctx context.Context, token string) (bool, error) {
	return s.Store.Read().PasswordResetValid(ctx, secret.Hash(token), s.now())
}

// ResetPassword sets a new password with a reset token and signs out every session.
func (s *Service) ResetPassword(ctx context.Context, a model.Actor, token, next string) error {
	if err := password.Check(next); err != nil {
		return model.Invalid("password", "%s", err.Error())
	}
	hash, err := password.Hash(next)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		userID, err := tx.UsePasswordReset(ctx, secret.Hash(token), s.now())
		if errors.Is(err, store.ErrNotFound) {
			return model.NotFound("this reset link is invalid, used or expired; ask for a new one")
		}
		if err != nil {
			return err
		}
		if err := tx.SetPasswordHash(ctx, userID, hash, s.now()); err != nil {
			return err
		}
		if _, err := tx.DeleteUserSessions(ctx, userID, ""); err != nil {
			return err
		}
		a.UserID = userID
		return audit.Record(ctx, tx, a, "user.password_reset", "user", userID, "", nil)
	})
}
