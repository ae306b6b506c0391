package account

import (
	"context"
	"errors"
	"time"

	"golang.org/x/time/rate"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/platform/password"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// SignIn is the result of a password check: a session token for the cookie
// and whether a second factor is still needed.
type SignIn struct {
	Token     string
	Session   model.Session
	User      model.User
	NeedsTOTP bool
}

var errBadCredentials = model.Unauthorized("the e-mail address or password is not correct")

// allowIP applies a per-address budget of sign-in attempts (10 a minute) so a
// single client cannot guess passwords across many accounts quickly.
func (s *Service) allowIP(ip string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limiters == nil {
		s.limiters = map[string]*rate.Limiter{}
	}
	if len(s.limiters) > 10000 {
		s.limiters = map[string]*rate.Limiter{} // bounded memory under address churn
	}
	l, ok := s.limiters[ip]
	if !ok {
		l = rate.NewLimiter(rate.Every(6*time.Second), 10)
		s.limiters[ip] = l
	}
	r := l.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return model.RateLimited(d, "too many sign-in attempts from your address; wait %d seconds and try again", int(d.Seconds())+1)
	}
	return nil
}

// SignIn checks an e-mail and password and opens a session. With two-factor
// on, the session is only a pending one until VerifyTOTP.
func (s *Service) SignIn(ctx context.Context, a model.Actor, email, pw string) (SignIn, error) {
	if err := s.allowIP(a.IP); err != nil {
		return SignIn{}, err
	}
	e, err := NormalizeEmail("email", email)
	if err != nil {
		return SignIn{}, err
	}
	u, err := s.Store.Read().UserByEmail(ctx, e)
	if errors.Is(err, store.ErrNotFound) {
		_ = password.Verify(dummyHash, pw) // same work as a real check: no timing hint
		return SignIn{}, errBadCredentials
	}
	if err != nil {
		return SignIn{}, err
	}
	now := s.now()
	if now.Before(u.LockedUntil) {
		wait := u.LockedUntil.Sub(now).Round(time.Minute)
		return SignIn{}, model.RateLimited(u.LockedUntil.Sub(now), "this account is locked after %d wrong passwords; try again in %s or reset your password", MaxFailures, humanMinutes(wait))
	}
	if password.Verify(u.PasswordHash, pw) != nil {
		return SignIn{}, s.recordFailure(ctx, a, u)
	}
	if u.FailedLogins > 0 {
		if err := s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.SetLoginFailures(ctx, u.ID, 0, time.Time{}) }); err != nil {
			return SignIn{}, err
		}
	}
	stage := model.StageFull
	if u.TOTPEnabled {
		stage = model.StageMFA
	}
	a.UserID, a.Email = u.ID, u.Email
	token, sess, err := s.openSession(ctx, a, u.ID, stage, "")
	if err != nil {
		return SignIn{}, err
	}
	return SignIn{Token: token, Session: sess, User: u, NeedsTOTP: u.TOTPEnabled}, nil
}

func humanMinutes(d time.Duration) string {
	m := int(d.Minutes())
	if m <= 1 {
		return "a minute"
	}
	return time.Duration(m * int(time.Minute)).String()
}

// dummyHash is checked when the e-mail is unknown so both paths cost the same.
var dummyHash, _ = password.Hash("herald-timing-equaliser")

func (s *Service) recordFailure(ctx context.Context, a model.Actor, u model.User) error {
	failures := u.FailedLogins + 1
	var until time.Time
	if failures >= MaxFailures {
		until = s.now().Add(LockoutFor)
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetLoginFailures(ctx, u.ID, failures, until); err != nil {
			return err
		}
		a.Email = u.Email
		return audit.Record(ctx, tx, a, "user.signin_failed", "user", u.ID, "", map[string]any{"failures": failures, "locked": !until.IsZero()})
	})
	if err != nil {
		return err
	}
	if !until.IsZero() {
		return model.RateLimited(LockoutFor, "this account is now locked for %d minutes after %d wrong passwords; try again later or reset your password", int(LockoutFor.Minutes()), MaxFailures)
	}
	return errBadCredentials
}

// openSession creates a session (replacing replaceID if set, which rotates the
// token on privilege change) and returns its cookie token.
func (s *Service) openSession(ctx context.Context, a model.Actor, userID string, stage model.SessionStage, replaceID string) (string, model.Session, error) {
	now := s.now()
	ttl := s.SessionTTL
	if ttl == 0 {
		ttl = 30 * 24 * time.Hour
	}
	if stage == model.StageMFA {
		ttl = 10 * time.Minute
	}
	sess := model.Session{ID: ids.New(), UserID: userID, Stage: stage, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(ttl), IP: a.IP, UserAgent: a.UserAgent}
	token := secret.Token()
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if replaceID != "" {
			if err := tx.DeleteSession(ctx, userID, replaceID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if err := tx.CreateSession(ctx, sess, secret.Hash(token)); err != nil {
			return err
		}
		if stage == model.StageFull {
			return audit.Record(ctx, tx, a, "user.signin", "session", sess.ID, "", map[string]any{"via": a.Via})
		}
		return nil
	})
	return token, sess, err
}

// Session resolves a cookie token to a live session and its user.
func (s *Service) Session(ctx context.Context, token string) (model.Session, model.User, error) {
	if token == "" {
		return model.Session{}, model.User{}, model.Unauthorized("not signed in")
	}
	now := s.now()
	sess, err := s.Store.Read().SessionByTokenHash(ctx, secret.Hash(token), now)
	if errors.Is(err, store.ErrNotFound) {
		return sess, model.User{}, model.Unauthorized("your session has ended; sign in again")
	}
	if err != nil {
		return sess, model.User{}, err
	}
	u, err := s.User(ctx, sess.UserID)
	if err != nil {
		return sess, u, err
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		_ = s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, sess.ID, now) })
	}
	return sess, u, nil
}

// SignOut ends the session behind token.
func (s *Service) SignOut(ctx context.Context, a model.Actor, sess model.Session) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSession(ctx, sess.UserID, sess.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return audit.Record(ctx, tx, a, "user.signout", "session", sess.ID, "", nil)
	})
}

// Sessions lists the actor's live sessions.
func (s *Service) Sessions(ctx context.Context, a model.Actor) ([]model.Session, error) {
	return s.Store.Read().ListSessions(ctx, a.UserID, s.now())
}

// RevokeSession ends one of the actor's sessions.
func (s *Service) RevokeSession(ctx context.Context, a model.Actor, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSession(ctx, a.UserID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no such session")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "user.session_revoke", "session", id, "", nil)
	})
}
