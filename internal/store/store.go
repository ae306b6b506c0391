// Package store is Herald's database plumbing: it opens SQLite or PostgreSQL,
// runs the embedded migrations and holds every SQL query. Dialect and driver
// details stay inside this package; callers see sentinels and model types.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinel errors every query returns instead of driver errors.
var (
	ErrNotFound = errors.New("store: not found")
	ErrConflict = errors.New("store: conflicts with an existing row")
	ErrStale    = errors.New("store: database schema is older than this binary")
)

// Dialect names the database engine.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is a connection to Herald's database.
type Store struct {
	dialect Dialect
	writer  *sql.DB // SQLite: exactly one connection, so writers queue instead of failing busy
	reader  *sql.DB // SQLite: a read-only pool; PostgreSQL: the same pool as writer
	pgPool  *pgxpool.Pool
	path    string // SQLite file
}

// Options for Open.
type Options struct {
	// DatabaseURL is empty for SQLite in DataDir, or a postgres:// URL.
	DatabaseURL string
	DataDir     string
}

// Open connects to the database described by opts.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if strings.HasPrefix(opts.DatabaseURL, "postgres://") || strings.HasPrefix(opts.DatabaseURL, "postgresql://") {
		return openPostgres(ctx, opts.DatabaseURL)
	}
	if opts.DatabaseURL != "" {
		return nil, fmt.Errorf("store: database URL must be empty (SQLite) or start with postgres://")
	}
	return OpenSQLite(ctx, filepath.Join(opts.DataDir, "herald.db"))
}

// sqliteDSN carries the settings River and Herald rely on: WAL so readers do
// not block the writer, a busy timeout instead of instant SQLITE_BUSY,
// immediate transactions so a read-then-write transaction never fails to
// upgrade its lock, and enforced foreign keys. Reads go through a memory
// map of up to 1 GiB of the file instead of a system call per page (the
// analytics overview of a year reads thousands of scattered rows; see
// docs/BENCHMARKS.md). The writer's page cache is larger than the default.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "mmap_size(1073741824)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
		// The one writer keeps up to 64 MiB of pages: an inbox batch dirties
		// thousands of index pages, and with the default 2 MiB SQLite spills
		// them to the WAL before the commit. For the same reason the WAL is
		// copied back into the database after 64 MiB instead of 4 MiB: with
		// the default, nearly every inbox batch's commit ran a checkpoint,
		// and a page dirtied by several batches was copied once for each.
		// After a larger transaction the WAL file shrinks back to 64 MiB.
		q.Add("_pragma", "cache_size(-65536)")
		q.Add("_pragma", "wal_autocheckpoint(16384)")
		q.Add("_pragma", "journal_size_limit(67108864)")
	}
	return "file:" + path + "?" + q.Encode()
}

// OpenSQLite opens (creating if needed) the SQLite database at path.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	w, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite reader: %w", err)
	}
	r.SetMaxOpenConns(8)
	return &Store{dialect: SQLite, writer: w, reader: r, path: path}, nil
}

// defaultPoolSize is how many PostgreSQL connections one Herald process
// opens at most, unless the database URL says otherwise: enough for the
// job workers, small enough that a few processes fit PostgreSQL's default
// of 100 connections.
const defaultPoolSize = 25

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: parse postgres URL: %w", err)
	}
	// pgx defaults to max(4, CPUs) connections, which starves the job
	// workers and the web requests sharing the pool; a URL that sets
	// pool_max_conns keeps its own value.
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = defaultPoolSize
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect postgres: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	return &Store{dialect: Postgres, writer: db, reader: db, pgPool: pool}, nil
}

// Dialect reports the database engine.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB returns the writer pool, for the job queue driver.
func (s *Store) DB() *sql.DB { return s.writer }

// PgxPool returns the native PostgreSQL pool, or nil on SQLite.
func (s *Store) PgxPool() *pgxpool.Pool { return s.pgPool }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close closes every connection.
func (s *Store) Close() error {
	err := s.writer.Close()
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.Close())
	}
	if s.pgPool != nil {
		s.pgPool.Close()
	}
	return err
}

// Queries holds every query; it runs on the read pool (Store.Read) or inside
// a write transaction (Tx embeds it).
type Queries struct {
	q       querier
	dialect Dialect
}

// Read returns the queries bound to the read pool. Writing through it fails
// on SQLite, where the read pool is query-only.
func (s *Store) Read() *Queries {
	return &Queries{q: forDialect(s.reader, s.dialect), dialect: s.dialect}
}

// Tx is a write transaction. SQL returns the underlying transaction so the job
// queue can enqueue in the same transaction as the state change.
type Tx struct {
	Queries
	tx          *sql.Tx
	afterCommit []func()
}

// AfterCommit runs f once the transaction has committed (never when it
// rolls back): for telling other parts of the process about work that only
// exists from then on.
func (t *Tx) AfterCommit(f func()) { t.afterCommit = append(t.afterCommit, f) }

// SQL returns the database/sql transaction.
func (t *Tx) SQL() *sql.Tx { return t.tx }

// InTx runs fn in a write transaction, committing when it returns nil.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", normalize(err))
	}
	t := &Tx{Queries: Queries{q: forDialect(tx, s.dialect), dialect: s.dialect}, tx: tx}
	if err := fn(t); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", normalize(err))
	}
	for _, f := range t.afterCommit {
		f()
	}
	return nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// preparer is what both *sql.DB and *sql.Tx offer for statements run
// many times.
type preparer interface {
	PrepareContext(ctx context.Context, q string) (*sql.Stmt, error)
}

// errNoPrepare says a querier cannot prepare statements.
var errNoPrepare = errors.New("store: this querier cannot prepare statements")

// normalize maps driver errors to the package sentinels.
func normalize(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %v", ErrConflict, err)
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return fmt.Errorf("%w: %v", ErrConflict, err)
	}
	return err
}

// wrap prefixes an error with the query name and normalises it.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	n := normalize(err)
	if n == ErrNotFound {
		return ErrNotFound
	}
	return fmt.Errorf("store: %s: %w", op, n)
}

// TimeLayout is how instants are stored: fixed-width UTC text that sorts
// like time on both databases.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

const timeLayout = TimeLayout

// ts formats an instant for storage; the zero time is NULL.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// timeScan scans a stored instant (or NULL) into a time.Time.
type timeScan struct{ t *time.Time }

func (d timeScan) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d.t = time.Time{}
		return nil
	case string:
		return d.parse(x)
	case []byte:
		return d.parse(string(x))
	}
	return fmt.Errorf("store: cannot scan %T into time", v)
}

func (d timeScan) parse(s string) error {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return fmt.Errorf("store: bad stored time %q: %w", s, err)
	}
	*d.t = t
	return nil
}

func tm(t *time.Time) timeScan { return timeScan{t} }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
