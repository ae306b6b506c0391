package account

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// TokenPrefix starts every API token so leaked tokens are easy to recognise.
const TokenPrefix = "hrld_"

// NewToken describes a token to create.
type NewToken struct {
	Name      string
	Scopes    []string
	ExpiresIn time.Duration // 0: never expires
}

// CreateToken makes a personal API token for the actor and returns its secret
// (shown once; only a hash is kept).
func (s *Service) CreateToken(ctx context.Context, a model.Actor, nt NewToken) (string, model.APIToken, error) {
	name := strings.TrimSpace(nt.Name)
	if name == "" || utf8.RuneCountInString(name) > 80 {
		return "", model.APIToken{}, model.Invalid("name", "give the token a name of 1 to 80 characters, e.g. \"reporting script\"")
	}
	scopes, err := model.ParseScopes(nt.Scopes)
	if err != nil {
		return "", model.APIToken{}, model.Invalid("scopes", "%s", err.Error())
	}
	if nt.ExpiresIn < 0 || nt.ExpiresIn > 5*365*24*time.Hour {
		return "", model.APIToken{}, model.Invalid("expires_in_days", "expiry must be between 1 day and 5 years, or none")
	}
	raw := TokenPrefix + secret.Token()
	now := s.now()
	t := model.APIToken{ID: ids.New(), UserID: a.UserID, Name: name, Prefix: raw[:len(TokenPrefix)+6], Scopes: scopes, CreatedAt: now}
	if nt.ExpiresIn > 0 {
		t.ExpiresAt = now.Add(nt.ExpiresIn)
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAPIToken(ctx, t, secret.Hash(raw)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "token.create", "api_token", t.ID, "", map[string]any{"name": name, "scopes": scopes})
	})
	return raw, t, err
}

// Tokens lists the actor's live tokens.
func (s *Service) Tokens(ctx context.Context, a model.Actor) ([]model.APIToken, error) {
	return s.Store.Read().ListAPITokens(ctx, a.UserID)
}

// RevokeToken revokes one of the actor's tokens.
func (s *Service) RevokeToken(ctx context.Context, a model.Actor, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		err := tx.RevokeAPIToken(ctx, a.UserID, id, s.now())
		if errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no such token")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "token.revoke", "api_token", id, "", nil)
	})
}

// Authenticate resolves a bearer token to its user and token record.
func (s *Service) Authenticate(ctx context.Context, raw string) (model.User, model.APIToken, error) {
	if !strings.HasPrefix(raw, TokenPrefix) {
		return model.User{}, model.APIToken{}, model.Unauthorized("the bearer token is not a Herald API token (they start with %s)", TokenPrefix)
	}
	t, err := s.Store.Read().APITokenByHash(ctx, secret.Hash(raw))
	if errors.Is(err, store.ErrNotFound) {
		return model.User{}, t, model.Unauthorized("the API token is not valid")
	}
	if err != nil {
		return model.User{}, t, err
	}
	now := s.now()
	if !t.Active(now) {
		return model.User{}, t, model.Unauthorized("the API token has expired or was revoked")
	}
	u, err := s.User(ctx, t.UserID)
	if err != nil {
		return u, t, err
	}
	if now.Sub(t.LastUsedAt) > time.Minute { // spare the single writer on busy scripts
		_ = s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.TouchAPIToken(ctx, t.ID, now) })
	}
	return u, t, nil
}
