package store

import (
	"context"
	"time"

	"herald/internal/model"
)

const sessionCols = `id, user_id, stage, created_at, last_seen_at, expires_at, ip, user_agent`

func scanSession(row interface{ Scan(...any) error }) (model.Session, error) {
	var s model.Session
	err := row.Scan(&s.ID, &s.UserID, &s.Stage, tm(&s.CreatedAt), tm(&s.LastSeenAt), tm(&s.ExpiresAt), &s.IP, &s.UserAgent)
	return s, err
}

// CreateSession stores a session under the hash of its cookie token.
func (q *Queries) CreateSession(ctx context.Context, s model.Session, tokenHash string) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO sessions (id, token_hash, user_id, stage, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		s.ID, tokenHash, s.UserID, string(s.Stage), ts(s.CreatedAt), ts(s.LastSeenAt), ts(s.ExpiresAt), s.IP, s.UserAgent)
	return wrap("create session", err)
}

// SessionByTokenHash loads a session that has not expired at now.
func (q *Queries) SessionByTokenHash(ctx context.Context, hash string, now time.Time) (model.Session, error) {
	s, err := scanSession(q.q.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE token_hash = $1 AND expires_at > $2`, hash, ts(now)))
	return s, wrap("session by token", err)
}

// TouchSession records activity.
func (q *Queries) TouchSession(ctx context.Context, id string, now time.Time) error {
	_, err := q.exec(ctx, "touch session", `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, ts(now), id)
	return err
}

// ListSessions returns a user's live sessions, newest first.
func (q *Queries) ListSessions(ctx context.Context, userID string, now time.Time) ([]model.Session, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE user_id = $1 AND expires_at > $2 AND stage = 'full' ORDER BY last_seen_at DESC`, userID, ts(now))
	if err != nil {
		return nil, wrap("list sessions", err)
	}
	defer rows.Close()
	var out []model.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, wrap("list sessions", err)
		}
		out = append(out, s)
	}
	return out, wrap("list sessions", rows.Err())
}

// DeleteSession removes one of a user's sessions.
func (q *Queries) DeleteSession(ctx context.Context, userID, id string) error {
	return q.execOne(ctx, "delete session", `DELETE FROM sessions WHERE id = $1 AND user_id = $2`, id, userID)
}

// DeleteUserSessions removes all of a user's sessions except keepID.
func (q *Queries) DeleteUserSessions(ctx context.Context, userID, keepID string) (int64, error) {
	return q.exec(ctx, "delete user sessions", `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keepID)
}

// PruneExpired deletes expired sessions, password resets and old idempotency
// records, returning how many rows went.
func (q *Queries) PruneExpired(ctx context.Context, now time.Time, idemBefore time.Time) (int64, error) {
	var total int64
	for _, st := range []struct {
		op, sql string
		arg     time.Time
	}{
		{"prune sessions", `DELETE FROM sessions WHERE expires_at <= $1`, now},
		{"prune resets", `DELETE FROM password_resets WHERE expires_at <= $1`, now},
		{"prune idempotency", `DELETE FROM idempotency_keys WHERE created_at <= $1`, idemBefore},
		{"prune oauth states", `DELETE FROM oauth_states WHERE expires_at <= $1`, now},
		// Notifications: read ones after 90 days, any after a year.
		{"prune read notifications", `DELETE FROM notifications WHERE read_at IS NOT NULL AND created_at <= $1`, now.AddDate(0, 0, -90)},
		{"prune old notifications", `DELETE FROM notifications WHERE created_at <= $1`, now.AddDate(-1, 0, 0)},
	} {
		n, err := q.exec(ctx, st.op, st.sql, ts(st.arg))
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// CreatePasswordReset stores a reset token hash.
func (q *Queries) CreatePasswordReset(ctx context.Context, id, userID, tokenHash string, now, expires time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO password_resets (id, token_hash, user_id, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)`,
		id, tokenHash, userID, ts(now), ts(expires))
	return wrap("create password reset", err)
}

// UsePasswordReset marks a live reset token used and returns its user.
func (q *Queries) UsePasswordReset(ctx context.Context, tokenHash string, now time.Time) (string, error) {
	var userID string
	err := q.q.QueryRowContext(ctx, `SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, tokenHash, ts(now)).Scan(&userID)
	if err != nil {
		return "", wrap("find password reset", err)
	}
	if err := q.execOne(ctx, "use password reset", `UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL`, ts(now), tokenHash); err != nil {
		return "", err
	}
	return userID, nil
}

// PasswordResetValid reports whether a reset token can still be used.
func (q *Queries) PasswordResetValid(ctx context.Context, tokenHash string, now time.Time) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, tokenHash, ts(now)).Scan(&n)
	return n > 0, wrap("check password reset", err)
}
