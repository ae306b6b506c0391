package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one embedded, append-only schema step.
type migration struct {
	Version int
	Name    string
	SQL     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %s must be named NNNN_name.sql", name)
		}
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("store: read %s: %w", name, err)
		}
		out = append(out, migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migrations must be numbered 1..n without gaps; found %d at position %d", m.Version, i+1)
		}
	}
	return out, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`

// SchemaStatus tells how far the database schema is behind this binary.
type SchemaStatus struct {
	Applied int // highest applied version
	Latest  int // highest embedded version
}

// Current reports whether no migration is pending.
func (s SchemaStatus) Current() bool { return s.Applied >= s.Latest }

// Status reads the applied schema version without writing anything (it is
// called from the admin pages and at start).
func (s *Store) Status(ctx context.Context) (SchemaStatus, error) {
	ms, err := migrations()
	if err != nil {
		return SchemaStatus{}, err
	}
	st := SchemaStatus{Latest: len(ms)}
	exists, err := s.tableExists(ctx, "schema_migrations")
	if err != nil || !exists {
		return st, err
	}
	err = s.reader.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&st.Applied)
	return st, wrap("schema status", err)
}

// tableExists asks the catalogue, which differs per dialect.
func (s *Store) tableExists(ctx context.Context, name string) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
	if s.dialect == Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
	}
	var n int
	err := s.reader.QueryRowContext(ctx, q, name).Scan(&n)
	return n > 0, wrap("table exists", err)
}

// Migrate applies every pending migration, each in its own transaction, and
// returns the names applied. On PostgreSQL an advisory lock keeps two nodes
// that start together from migrating at once.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	if _, err := s.writer.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, wrap("create schema_migrations", err)
	}
	var applied []string
	for _, m := range ms {
		done, err := s.applyOne(ctx, m)
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m.Name)
		}
	}
	return applied, nil
}

func (s *Store) applyOne(ctx context.Context, m migration) (bool, error) {
	applied := false
	err := s.InTx(ctx, func(tx *Tx) error {
		if s.dialect == Postgres {
			if _, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7243001)`); err != nil {
				return wrap("migration lock", err)
			}
		}
		var n int
		if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil {
			return wrap("read schema_migrations", err)
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("store: migration %s: %w", m.Name, err)
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.Version, m.Name, ts(time.Now())); err != nil {
			return wrap("record migration", err)
		}
		applied = true
		return nil
	})
	return applied, err
}

// Optimize runs SQLite's PRAGMA optimize; it does nothing on PostgreSQL,
// whose autovacuum keeps statistics current.
func (s *Store) Optimize(ctx context.Context) error {
	if s.dialect != SQLite {
		return nil
	}
	_, err := s.writer.ExecContext(ctx, `PRAGMA optimize`)
	return wrap("optimize", err)
}

// Backup writes a consistent copy of the SQLite database to dest while the
// server keeps running (VACUUM INTO reads one snapshot).
func (s *Store) Backup(ctx context.Context, dest string) error {
	if s.dialect != SQLite {
		return fmt.Errorf("store: backup copies the embedded SQLite database; for PostgreSQL use pg_dump")
	}
	_, err := s.writer.ExecContext(ctx, `VACUUM INTO $1`, dest)
	return wrap("backup", err)
}
