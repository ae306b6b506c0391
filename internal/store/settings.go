package store

import (
	"context"
	"errors"
	"time"
)

// Setting reads one installation setting; missing keys return "" and no error.
func (q *Queries) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := q.q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if err = wrap("setting", err); errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return v, err
}

// PutSetting writes one installation setting.
func (q *Queries) PutSetting(ctx context.Context, key, value string, now time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1,$2,$3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, ts(now))
	return wrap("put setting", err)
}

// IdempotentResponse is a remembered API response.
type IdempotentResponse struct {
	RequestHash string
	Status      int
	Body        string
}

// IdempotencyRecord loads a remembered response for (user, key).
func (q *Queries) IdempotencyRecord(ctx context.Context, userID, key string) (IdempotentResponse, error) {
	var r IdempotentResponse
	err := q.q.QueryRowContext(ctx, `SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2`, userID, key).
		Scan(&r.RequestHash, &r.Status, &r.Body)
	return r, wrap("idempotency record", err)
}

// SaveIdempotencyRecord remembers a response; a concurrent duplicate returns ErrConflict.
func (q *Queries) SaveIdempotencyRecord(ctx context.Context, userID, key string, r IdempotentResponse, now time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, body, created_at) VALUES ($1,$2,$3,$4,$5,$6)`,
		userID, key, r.RequestHash, r.Status, r.Body, ts(now))
	return wrap("save idempotency record", err)
}

// JobCounts counts the job queue's rows by state. It reads River's table
// directly because River's client has no count call, and listing jobs to
// count them would cap the numbers at a page.
func (q *Queries) JobCounts(ctx context.Context) (map[string]int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT CAST(state AS TEXT), COUNT(*) FROM river_job GROUP BY state`)
	if err != nil {
		return nil, wrap("job counts", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, wrap("job counts", err)
		}
		out[state] = n
	}
	return out, wrap("job counts", rows.Err())
}
