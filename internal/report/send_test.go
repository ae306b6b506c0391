package report_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/mail"
	"herald/internal/model"
	"herald/internal/report"
	"herald/internal/store"
	"herald/internal/testenv"
)

// outbox records the messages sent and fails for the addresses in fail.
type outbox struct {
	mu   sync.Mutex
	sent []mail.Message
	fail map[string]bool
}

func (o *outbox) Send(_ context.Context, m mail.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail[m.To] {
		return errors.New("550 mailbox unavailable")
	}
	o.sent = append(o.sent, m)
	return nil
}

func (o *outbox) to(addr string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, m := range o.sent {
		if m.To == addr {
			n++
		}
	}
	return n
}

// queue records the send jobs inserted by transactions that committed.
type queue struct {
	mu   sync.Mutex
	jobs []report.SendArgs
}

func (q *queue) InsertTx(_ context.Context, tx *store.Tx, args river.JobArgs, _ *river.InsertOpts) error {
	tx.AfterCommit(func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		q.jobs = append(q.jobs, args.(report.SendArgs))
	})
	return nil
}

type fixture struct {
	a     *app.App
	svc   *report.Service
	owner model.Actor
	ws    string
	box   *outbox
	q     *queue
	now   time.Time
}

func setup(t *testing.T, cfg config.Config) *fixture {
	ctx := context.Background()
	cfg.Roles = []string{"web"}
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "o@example.com", Name: "O", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{a: a, owner: model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}, box: &outbox{fail: map[string]bool{}}, q: &queue{}}
	w, err := a.Workspaces.Create(ctx, f.owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	f.ws = w.ID
	f.svc = &report.Service{Store: a.Store, Workspaces: a.Workspaces, Metrics: a.Metrics, Mail: f.box, Queue: f.q, Now: func() time.Time {
		if f.now.IsZero() {
			return time.Now()
		}
		return f.now
	}}
	return f
}

// A due schedule is claimed once even by two runs at the same moment; its
// report goes to each recipient once, a retry after a failed delivery
// sends only to the rest, and the failure shows on the schedule.
func TestScheduledReportSentOnce(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		f := setup(t, cfg)
		f.now = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) // a Tuesday
		sc, err := f.svc.CreateSchedule(ctx, f.owner, f.ws, report.ScheduleInput{Name: "Weekly", Frequency: "weekly", Weekday: "mon",
			Hour: 9, Zone: "Europe/Berlin", Recipients: []string{"ada@example.com", "bob@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC); !sc.NextAt.Equal(want) {
			t.Fatalf("next at %s, want %s", sc.NextAt, want)
		}
		if n, err := f.svc.RunDue(ctx); err != nil || n != 0 {
			t.Fatalf("before its time: %d queued, %v", n, err)
		}
		f.now = sc.NextAt.Add(30 * time.Second)
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.svc.RunDue(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if _, err := f.svc.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if len(f.q.jobs) != 1 || f.q.jobs[0].Period != "2026-11-30/2026-12-07" {
			t.Fatalf("queued %+v, want one job for the week of 30 November", f.q.jobs)
		}
		job := f.q.jobs[0]

		f.box.fail["bob@example.com"] = true
		if err := f.svc.Deliver(ctx, job.ScheduleID, job.Period); err == nil {
			t.Fatal("a failed delivery is not an error for the job to retry")
		}
		got, err := f.svc.Schedule(ctx, f.owner, f.ws, sc.ID)
		if err != nil || !strings.Contains(got.LastError, "bob@example.com") || !got.LastSentAt.IsZero() || len(got.SentTo) != 1 {
			t.Fatalf("after a failure: %+v %v", got, err)
		}
		delete(f.box.fail, "bob@example.com")
		for range 2 { // the retry, then a duplicate run of the job
			if err := f.svc.Deliver(ctx, job.ScheduleID, job.Period); err != nil {
				t.Fatal(err)
			}
		}
		if f.box.to("ada@example.com") != 1 || f.box.to("bob@example.com") != 1 {
			t.Fatalf("sent to ada %d, bob %d times; want once each", f.box.to("ada@example.com"), f.box.to("bob@example.com"))
		}
		got, _ = f.svc.Schedule(ctx, f.owner, f.ws, sc.ID)
		if got.LastError != "" || got.LastSentAt.IsZero() || got.LastPeriod != job.Period || !got.NextAt.Equal(time.Date(2026, 12, 14, 8, 0, 0, 0, time.UTC)) {
			t.Fatalf("after delivery: %+v", got)
		}
		m := f.box.sent[0]
		if len(m.Attachments) != 1 || m.Attachments[0].ContentType != "application/pdf" || !strings.HasPrefix(string(m.Attachments[0].Data), "%PDF-") ||
			!strings.Contains(m.Subject, "Acme") || !strings.Contains(m.Text, "no data yet") {
			t.Fatalf("message %q / %q with %d attachments", m.Subject, m.Text, len(m.Attachments))
		}

		// Edited to go out again later the same week: the period was sent,
		// so nothing goes out twice.
		if _, err := f.svc.UpdateSchedule(ctx, f.owner, f.ws, sc.ID, report.ScheduleInput{Name: "Weekly", Frequency: "weekly", Weekday: "mon",
			Hour: 23, Zone: "Europe/Berlin", Recipients: []string{"ada@example.com", "bob@example.com"}}); err != nil {
			t.Fatal(err)
		}
		f.now = time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC)
		if n, err := f.svc.RunDue(ctx); err != nil || n != 0 || len(f.q.jobs) != 1 {
			t.Fatalf("the same period again: %d queued, %v", n, err)
		}
		// Paused, it is not due; deleted, a queued job sends nothing.
		if _, err := f.svc.SetPaused(ctx, f.owner, f.ws, sc.ID, true); err != nil {
			t.Fatal(err)
		}
		f.now = f.now.AddDate(0, 0, 30)
		if n, err := f.svc.RunDue(ctx); err != nil || n != 0 {
			t.Fatalf("paused: %d queued, %v", n, err)
		}
		if err := f.svc.DeleteSchedule(ctx, f.owner, f.ws, sc.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Deliver(ctx, job.ScheduleID, "2026-12-07/2026-12-14"); err != nil || len(f.box.sent) != 2 {
			t.Fatalf("a deleted schedule's job: %v, %d sent", err, len(f.box.sent))
		}
	})
}
