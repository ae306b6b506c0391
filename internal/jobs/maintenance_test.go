package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/jobs"
	"herald/internal/media"
	"herald/internal/model"
	"herald/internal/testenv"
)

// TestMaintenancePrunesAbandonedUploads runs one maintenance pass over a
// real database and bucket: an upload untouched for longer than
// media.UploadLifetime goes with its chunks, a fresh one stays.
func TestMaintenancePrunesAbandonedUploads(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		cfg.Roles = []string{"web"} // no job workers: the test runs the pass itself
		a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		ctx := context.Background()
		u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		owner := model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "cli"}
		w, err := a.Workspaces.Create(ctx, owner, "Acme")
		if err != nil {
			t.Fatal(err)
		}

		// One upload started now, and one that got a chunk two days ago
		// (made second: starting an upload prunes stale ones itself).
		fresh, err := a.Media.CreateUpload(ctx, owner, w.ID, "fresh.mp4", 100)
		if err != nil {
			t.Fatal(err)
		}
		a.Media.Now = func() time.Time { return time.Now().Add(-2 * media.UploadLifetime) }
		old, err := a.Media.CreateUpload(ctx, owner, w.ID, "old.mp4", 100)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Media.Append(ctx, owner, w.ID, old.ID, 0, strings.NewReader("0123456789")); err != nil {
			t.Fatal(err)
		}
		a.Media.Now = nil
		if n := chunks(t, a, old.ID); n != 1 {
			t.Fatalf("%d chunks stored before the pass, want 1", n)
		}

		job := &jobs.MaintenanceWorker{Store: a.Store, Logger: slog.New(slog.DiscardHandler), Uploads: a.Media}
		if err := job.Work(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Media.UploadState(ctx, owner, w.ID, old.ID); model.KindOf(err) != model.KindNotFound {
			t.Errorf("abandoned upload after the pass: %v, want not found", err)
		}
		if n := chunks(t, a, old.ID); n != 0 {
			t.Errorf("%d chunks of the abandoned upload left", n)
		}
		if _, err := a.Media.UploadState(ctx, owner, w.ID, fresh.ID); err != nil {
			t.Errorf("fresh upload after the pass: %v", err)
		}
	})
}

// chunks counts the stored chunks of an upload.
func chunks(t *testing.T, a *app.App, uploadID string) int {
	t.Helper()
	it := a.Media.Bucket.List(&blob.ListOptions{Prefix: "uploads/" + uploadID + "/"})
	n := 0
	for {
		_, err := it.Next(context.Background())
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
}

// fakePruner counts the passes that asked it to prune.
type fakePruner struct{ calls int }

func (p *fakePruner) Prune(context.Context) { p.calls++ }

// TestMaintenanceCallsPruner checks the pass works with no pruner set
// and calls one when it is.
func TestMaintenanceCallsPruner(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		cfg.Roles = []string{"web"}
		a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		job := &jobs.MaintenanceWorker{Store: a.Store, Logger: slog.New(slog.DiscardHandler)}
		if err := job.Work(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		p := &fakePruner{}
		job.Uploads = p
		if err := job.Work(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		if p.calls != 1 {
			t.Errorf("pruner called %d times, want 1", p.calls)
		}
	})
}
