package store

import (
	"context"
	"strings"
	"time"

	"herald/internal/model"
)

const userCols = `id, email, name, password_hash, is_admin, totp_secret, totp_enabled, failed_logins, locked_until, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.IsAdmin, &u.TOTPSecret, &u.TOTPEnabled,
		&u.FailedLogins, tm(&u.LockedUntil), tm(&u.CreatedAt), tm(&u.UpdatedAt))
	return u, err
}

// CountUsers returns how many users exist; zero means first-run setup is open.
func (q *Queries) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, wrap("count users", err)
}

// CreateUser inserts u; a taken e-mail returns ErrConflict.
func (q *Queries) CreateUser(ctx context.Context, u model.User) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO users (`+userCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		u.ID, strings.ToLower(u.Email), u.Name, u.PasswordHash, b2i(u.IsAdmin), u.TOTPSecret, b2i(u.TOTPEnabled),
		u.FailedLogins, ts(u.LockedUntil), ts(u.CreatedAt), ts(u.UpdatedAt))
	return wrap("create user", err)
}

// UserByID loads one user.
func (q *Queries) UserByID(ctx context.Context, id string) (model.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	return u, wrap("user by id", err)
}

// UserByEmail loads one user by e-mail, case-insensitively.
func (q *Queries) UserByEmail(ctx context.Context, email string) (model.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))))
	return u, wrap("user by email", err)
}

// ListUsers returns every user ordered by e-mail.
func (q *Queries) ListUsers(ctx context.Context) ([]model.User, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY email`)
	if err != nil {
		return nil, wrap("list users", err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrap("list users", err)
		}
		out = append(out, u)
	}
	return out, wrap("list users", rows.Err())
}

// UpdateUserProfile changes name.
func (q *Queries) UpdateUserProfile(ctx context.Context, id, name string, now time.Time) error {
	return q.execOne(ctx, "update profile", `UPDATE users SET name = $1, updated_at = $2 WHERE id = $3`, name, ts(now), id)
}

// SetPasswordHash replaces a user's password hash and clears any lockout.
func (q *Queries) SetPasswordHash(ctx context.Context, id, hash string, now time.Time) error {
	return q.execOne(ctx, "set password", `UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, updated_at = $2 WHERE id = $3`, hash, ts(now), id)
}

// SetLoginFailures records failed sign-ins and an optional lockout end.
func (q *Queries) SetLoginFailures(ctx context.Context, id string, failures int, lockedUntil time.Time) error {
	return q.execOne(ctx, "set login failures", `UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3`, failures, ts(lockedUntil), id)
}

// SetTOTP stores the sealed TOTP secret and whether it is enabled.
func (q *Queries) SetTOTP(ctx context.Context, id, sealedSecret string, enabled bool, now time.Time) error {
	return q.execOne(ctx, "set totp", `UPDATE users SET totp_secret = $1, totp_enabled = $2, updated_at = $3 WHERE id = $4`, sealedSecret, b2i(enabled), ts(now), id)
}

// ReplaceRecoveryCodes deletes a user's recovery codes and stores new hashes.
func (q *Queries) ReplaceRecoveryCodes(ctx context.Context, userID string, ids, hashes []string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return wrap("delete recovery codes", err)
	}
	for i := range hashes {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO recovery_codes (id, user_id, code_hash) VALUES ($1,$2,$3)`, ids[i], userID, hashes[i]); err != nil {
			return wrap("insert recovery code", err)
		}
	}
	return nil
}

// UseRecoveryCode marks an unused code as used; ErrNotFound when there is none.
func (q *Queries) UseRecoveryCode(ctx context.Context, userID, hash string, now time.Time) error {
	return q.execOne(ctx, "use recovery code", `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`, ts(now), userID, hash)
}

// CountRecoveryCodes returns how many unused codes a user has left.
func (q *Queries) CountRecoveryCodes(ctx context.Context, userID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, wrap("count recovery codes", err)
}

// execOne runs a statement that must touch exactly one row.
func (q *Queries) execOne(ctx context.Context, op, query string, args ...any) error {
	res, err := q.q.ExecContext(ctx, query, args...)
	if err != nil {
		return wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(op, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// exec runs a statement whose row count does not matter.
func (q *Queries) exec(ctx context.Context, op, query string, args ...any) (int64, error) {
	res, err := q.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, wrap(op, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
