// Package benchenv gives the measurement commands under bench/ a fresh
// database each run.
package benchenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"

	"github.com/jackc/pgx/v5"

	"herald/internal/config"
)

// FreshConfig returns the configuration of a fresh database (a temporary
// SQLite directory, or a new schema on the PostgreSQL URL pg) and a
// cleanup that removes it.
func FreshConfig(ctx context.Context, pg string) (config.Config, func(), error) {
	dir, err := os.MkdirTemp("", "herald-bench-")
	if err != nil {
		return config.Config{}, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	env := map[string]string{"HERALD_DATA_DIR": dir, "HERALD_ADDR": "127.0.0.1:0", "HERALD_LOG_LEVEL": "error",
		"HERALD_SECRET_KEY": "bench-secret-key-bench-secret-key-0123"}
	if pg != "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		schema := "bench_" + hex.EncodeToString(b)
		conn, err := pgx.Connect(ctx, pg)
		if err != nil {
			return config.Config{}, cleanup, err
		}
		if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
			return config.Config{}, cleanup, err
		}
		cleanup = func() {
			_, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			conn.Close(context.Background())
			os.RemoveAll(dir)
		}
		u, err := url.Parse(pg)
		if err != nil {
			return config.Config{}, cleanup, err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		env["HERALD_DATABASE_URL"] = u.String()
	}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	return cfg, cleanup, err
}
