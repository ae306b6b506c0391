package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// eachDB runs fn against a fresh migrated SQLite database and, when
// HERALD_TEST_POSTGRES_URL is set, against a fresh PostgreSQL schema.
func eachDB(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		migrate(t, s)
		fn(t, s)
	})
	url := os.Getenv("HERALD_TEST_POSTGRES_URL")
	t.Run("postgres", func(t *testing.T) {
		if url == "" {
			t.Skip("HERALD_TEST_POSTGRES_URL not set; PostgreSQL suite skipped")
		}
		s := openPGSchema(t, url)
		migrate(t, s)
		fn(t, s)
	})
}

func openPGSchema(t *testing.T, url string) *Store {
	t.Helper()
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_store_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(context.Background())
	})
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	s, err := Open(ctx, Options{DatabaseURL: url + sep + "search_path=" + schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func migrate(t testing.TB, s *Store) {
	t.Helper()
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
}

func tx(t testing.TB, s *Store, fn func(tx *Tx) error) {
	t.Helper()
	if err := s.InTx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func newUser(email string) model.User {
	now := time.Now()
	return model.User{ID: ids.New(), Email: email, Name: "N", PasswordHash: "h", CreatedAt: now, UpdatedAt: now}
}

func TestMigrateIsIdempotent(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		applied, err := s.Migrate(context.Background())
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, %v", applied, err)
		}
		st, err := s.Status(context.Background())
		if err != nil || !st.Current() || st.Latest < 1 {
			t.Fatalf("status %+v %v", st, err)
		}
	})
}

func TestUsersAndSentinels(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		u := newUser("Ann@Example.com")
		u.IsAdmin = true
		u.LockedUntil = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)
		tx(t, s, func(tx *Tx) error { return tx.CreateUser(ctx, u) })
		err := s.InTx(ctx, func(tx *Tx) error { return tx.CreateUser(ctx, newUser("ann@example.com")) })
		if !errors.Is(err, ErrConflict) {
			t.Fatalf("duplicate e-mail: got %v, want ErrConflict", err)
		}
		got, err := s.Read().UserByEmail(ctx, "ANN@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if !got.IsAdmin || got.Email != "ann@example.com" || !got.LockedUntil.Equal(u.LockedUntil) || got.CreatedAt.IsZero() {
			t.Fatalf("round trip: %+v", got)
		}
		if _, err := s.Read().UserByID(ctx, ids.New()); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing user: %v", err)
		}
		if err := s.InTx(ctx, func(tx *Tx) error { return tx.SetLoginFailures(ctx, ids.New(), 1, time.Time{}) }); !errors.Is(err, ErrNotFound) {
			t.Fatalf("update of missing row: %v", err)
		}
	})
}

func TestRollbackLeavesNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := s.InTx(ctx, func(tx *Tx) error {
			if err := tx.CreateUser(ctx, newUser("x@example.com")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if n, _ := s.Read().CountUsers(ctx); n != 0 {
			t.Fatalf("rolled back user still there: %d", n)
		}
	})
}

func TestSessionsExpireAndPrune(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		u := newUser("s@example.com")
		now := time.Now()
		live := model.Session{ID: ids.New(), UserID: u.ID, Stage: model.StageFull, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		dead := live
		dead.ID, dead.ExpiresAt = ids.New(), now.Add(-time.Second)
		tx(t, s, func(tx *Tx) error {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := tx.CreateSession(ctx, live, "h1"); err != nil {
				return err
			}
			return tx.CreateSession(ctx, dead, "h2")
		})
		if _, err := s.Read().SessionByTokenHash(ctx, "h2", now); !errors.Is(err, ErrNotFound) {
			t.Fatalf("expired session found: %v", err)
		}
		if got, err := s.Read().SessionByTokenHash(ctx, "h1", now); err != nil || got.ID != live.ID {
			t.Fatalf("live session: %v", err)
		}
		// Notifications: read ones go after 90 days, unread ones after a year.
		notes := []model.Notification{
			{CreatedAt: now.AddDate(0, 0, -10), ReadAt: now},                     // kept: recent
			{CreatedAt: now.AddDate(0, 0, -100), ReadAt: now.AddDate(0, 0, -99)}, // pruned: read, old
			{CreatedAt: now.AddDate(0, 0, -200)},                                 // kept: unread, under a year
			{CreatedAt: now.AddDate(-1, 0, -1)},                                  // pruned: over a year
		}
		w := model.Workspace{ID: ids.New(), Name: "Acme", CreatedBy: u.ID, CreatedAt: now}
		tx(t, s, func(tx *Tx) error {
			if err := tx.CreateWorkspace(ctx, w); err != nil {
				return err
			}
			for _, n := range notes {
				n.ID, n.UserID, n.WorkspaceID, n.Kind, n.Text = ids.New(), u.ID, w.ID, model.NotifyPublishFailed, "x"
				if err := tx.AddNotification(ctx, n); err != nil {
					return err
				}
			}
			return nil
		})
		var pruned int64
		tx(t, s, func(tx *Tx) error {
			var err error
			pruned, err = tx.PruneExpired(ctx, now, now.Add(-24*time.Hour))
			return err
		})
		if pruned != 3 {
			t.Fatalf("pruned %d, want 3 (a session, two notifications)", pruned)
		}
		if left, _ := s.Read().Notifications(ctx, u.ID, false, "", 10); len(left) != 2 {
			t.Fatalf("%d notifications left, want 2", len(left))
		}
	})
}

func TestWorkspaceMembersAndAuditCursor(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		u := newUser("w@example.com")
		w := model.Workspace{ID: ids.New(), Name: "Acme", CreatedBy: u.ID, CreatedAt: time.Now()}
		tx(t, s, func(tx *Tx) error {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := tx.CreateWorkspace(ctx, w); err != nil {
				return err
			}
			if err := tx.AddMember(ctx, w.ID, u.ID, model.RoleOwner, time.Now()); err != nil {
				return err
			}
			for i := 0; i < 5; i++ {
				if err := tx.AppendAudit(ctx, model.AuditEntry{ID: ids.New(), At: time.Now(), Action: "member.invite", WorkspaceID: w.ID}); err != nil {
					return err
				}
			}
			return tx.AppendAudit(ctx, model.AuditEntry{ID: ids.New(), At: time.Now(), Action: "workspace.rename", WorkspaceID: w.ID})
		})
		ms, err := s.Read().Memberships(ctx, u.ID)
		if err != nil || len(ms) != 1 || ms[0].Role != model.RoleOwner || ms[0].Workspace.Name != "Acme" {
			t.Fatalf("memberships %+v %v", ms, err)
		}
		page1, err := s.Read().ListAudit(ctx, model.AuditFilter{WorkspaceID: w.ID, Action: "member.", Limit: 3})
		if err != nil || len(page1) != 3 {
			t.Fatalf("page1 %d %v", len(page1), err)
		}
		page2, err := s.Read().ListAudit(ctx, model.AuditFilter{WorkspaceID: w.ID, Action: "member.", Limit: 3, Before: page1[2].ID})
		if err != nil || len(page2) != 2 || page2[0].ID >= page1[2].ID {
			t.Fatalf("page2 %d %v", len(page2), err)
		}
		if err := s.InTx(ctx, func(tx *Tx) error { return tx.AddMember(ctx, w.ID, u.ID, model.RoleViewer, time.Now()) }); !errors.Is(err, ErrConflict) {
			t.Fatalf("duplicate member: %v", err)
		}
	})
}

func TestSettingsUpsert(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if v, err := s.Read().Setting(ctx, "mail"); v != "" || err != nil {
			t.Fatalf("unset: %q %v", v, err)
		}
		tx(t, s, func(tx *Tx) error { return tx.PutSetting(ctx, "mail", "a", time.Now()) })
		tx(t, s, func(tx *Tx) error { return tx.PutSetting(ctx, "mail", "b", time.Now()) })
		if v, _ := s.Read().Setting(ctx, "mail"); v != "b" {
			t.Fatalf("got %q", v)
		}
	})
}

func TestSQLiteReadPoolIsReadOnly(t *testing.T) {
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	migrate(t, s)
	if err := s.Read().CreateUser(context.Background(), newUser("r@example.com")); err == nil {
		t.Fatal("write through the read pool succeeded")
	}
}

func TestBackupIsAConsistentCopy(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSQLite(context.Background(), filepath.Join(dir, "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	migrate(t, s)
	tx(t, s, func(tx *Tx) error { return tx.CreateUser(context.Background(), newUser("b@example.com")) })
	dest := filepath.Join(dir, "copy.db")
	if err := s.Backup(context.Background(), dest); err != nil {
		t.Fatal(err)
	}
	c, err := OpenSQLite(context.Background(), dest)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if n, err := c.Read().CountUsers(context.Background()); err != nil || n != 1 {
		t.Fatalf("backup has %d users, %v", n, err)
	}
}

func TestStaleSchemaDetected(t *testing.T) {
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Status(context.Background())
	if err != nil || st.Current() {
		t.Fatalf("fresh database reported current: %+v %v", st, err)
	}
}
