package store

import (
	"context"
	"strings"
	"time"

	"herald/internal/model"
)

const tokenCols = `id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (model.APIToken, error) {
	var t model.APIToken
	var scopes string
	err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &scopes, tm(&t.CreatedAt), tm(&t.ExpiresAt), tm(&t.LastUsedAt), tm(&t.RevokedAt))
	for _, s := range strings.Fields(scopes) {
		t.Scopes = append(t.Scopes, model.Scope(s))
	}
	return t, err
}

// CreateAPIToken stores a token under the hash of its secret.
func (q *Queries) CreateAPIToken(ctx context.Context, t model.APIToken, hash string) error {
	scopes := make([]string, len(t.Scopes))
	for i, s := range t.Scopes {
		scopes[i] = string(s)
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, prefix, token_hash, scopes, created_at, expires_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, t.ID, t.UserID, t.Name, t.Prefix, hash, strings.Join(scopes, " "), ts(t.CreatedAt), ts(t.ExpiresAt))
	return wrap("create api token", err)
}

// APITokenByHash loads a token by its secret's hash.
func (q *Queries) APITokenByHash(ctx context.Context, hash string) (model.APIToken, error) {
	t, err := scanToken(q.q.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE token_hash = $1`, hash))
	return t, wrap("api token by hash", err)
}

// APITokenByID loads one of a user's tokens.
func (q *Queries) APITokenByID(ctx context.Context, userID, id string) (model.APIToken, error) {
	t, err := scanToken(q.q.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = $1 AND id = $2`, userID, id))
	return t, wrap("api token by id", err)
}

// ListAPITokens returns a user's tokens that are not revoked, newest first.
func (q *Queries) ListAPITokens(ctx context.Context, userID string) ([]model.APIToken, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id DESC`, userID)
	if err != nil {
		return nil, wrap("list api tokens", err)
	}
	defer rows.Close()
	var out []model.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, wrap("list api tokens", err)
		}
		out = append(out, t)
	}
	return out, wrap("list api tokens", rows.Err())
}

// RevokeAPIToken revokes one of a user's live tokens.
func (q *Queries) RevokeAPIToken(ctx context.Context, userID, id string, now time.Time) error {
	return q.execOne(ctx, "revoke api token", `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND id = $3 AND revoked_at IS NULL`, ts(now), userID, id)
}

// TouchAPIToken records use, at most once a minute to spare the writer.
func (q *Queries) TouchAPIToken(ctx context.Context, id string, now time.Time) error {
	_, err := q.exec(ctx, "touch api token", `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
		ts(now), id, ts(now.Add(-time.Minute)))
	return err
}
