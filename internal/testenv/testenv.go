// Package testenv gives tests a Herald configuration on a fresh database, so
// the same suite runs on SQLite and on PostgreSQL (ARCHITECTURE.md §2). Only
// tests import it.
//
// SQLite is always available: a new database in a temporary directory.
// PostgreSQL is available when HERALD_TEST_POSTGRES_URL names a database, or
// when the test binary runs with -postgres (then the variable, or the local
// default postgres://postgres@127.0.0.1:5432/test?sslmode=disable). Each
// PostgreSQL configuration gets its own schema, selected with search_path and
// dropped when the test ends, so tests never see each other's rows.
//
// Each runs a test on every available engine, and is what most suites want.
// Config runs a test once: on SQLite, the default engine, unless the binary
// runs with -postgres. The variable alone does not move Config to
// PostgreSQL, because CI sets it for every package and single-engine tests
// would then lose their SQLite run.
//
// Example:
//
//	func TestSomething(t *testing.T) {
//		testenv.Each(t, func(t *testing.T, cfg config.Config) {
//			a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
//			...
//		})
//	}
//
// Run one package on PostgreSQL only with
// `go test ./internal/api/ -args -postgres`; the variable works for many
// packages at once (a flag would be rejected by packages without testenv).
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"herald/internal/config"
)

// PostgresEnv names the variable holding the PostgreSQL URL for tests.
const PostgresEnv = "HERALD_TEST_POSTGRES_URL"

// DefaultPostgresURL is used with -postgres when PostgresEnv is not set: the
// PostgreSQL that CI and the development machines run (trust auth).
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

var postgresFlag = flag.Bool("postgres", false, "run testenv.Config tests on PostgreSQL and enable the PostgreSQL variant of testenv.Each ("+PostgresEnv+" or "+DefaultPostgresURL+")")

// postgresURL reports the PostgreSQL to test against, if any.
func postgresURL() (string, bool) {
	if u := os.Getenv(PostgresEnv); u != "" {
		return u, true
	}
	if *postgresFlag {
		return DefaultPostgresURL, true
	}
	return "", false
}

// Config returns a configuration on a fresh database: SQLite, or PostgreSQL
// when the test binary runs with -postgres. Tests that must run on one
// engine use SQLite or Postgres instead.
func Config(t testing.TB) config.Config {
	t.Helper()
	if *postgresFlag {
		return Postgres(t)
	}
	return SQLite(t)
}

// SQLite returns a configuration on a fresh SQLite database in a temporary
// directory, with the defaults of `herald serve` except: a random loopback
// port, warn-level logs and a fixed secret key (no key file to create).
func SQLite(t testing.TB) config.Config {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Load(nil, func(k string) string {
		switch k {
		case "HERALD_DATA_DIR":
			return dir
		case "HERALD_ADDR":
			return "127.0.0.1:0"
		case "HERALD_LOG_LEVEL":
			return "warn"
		case "HERALD_SECRET_KEY":
			return "test-secret-key-test-secret-key-0123"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Postgres returns a configuration on a fresh PostgreSQL schema that is
// dropped when the test ends, or skips the test when PostgreSQL is not
// configured. The data directory (secret key file, media) is a temporary
// directory as with SQLite.
func Postgres(t testing.TB) config.Config {
	t.Helper()
	base, ok := postgresURL()
	if !ok {
		t.Skip(PostgresEnv + " is not set; PostgreSQL variant skipped")
	}
	ctx := context.Background()
	b := make([]byte, 8)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("testenv: connect to %s: %v", PostgresEnv, err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		t.Fatalf("testenv: create schema: %v", err)
	}
	// Registered before the test builds anything, so it runs last: after the
	// test's own cleanups have closed their connections to the schema.
	t.Cleanup(func() {
		ctx := context.Background()
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("testenv: drop schema %s: %v", schema, err)
		}
		conn.Close(ctx)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testenv: %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	cfg := SQLite(t)
	cfg.DatabaseURL = u.String()
	return cfg
}

// Each runs fn as a subtest "sqlite" and a subtest "postgres"; the second
// is skipped when PostgreSQL is not configured.
func Each(t *testing.T, fn func(t *testing.T, cfg config.Config)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}
