package report

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/audit"
	"herald/internal/mail"
	"herald/internal/model"
	"herald/internal/store"
)

// DueArgs is the periodic job that starts the reports that are due.
type DueArgs struct{}

// Kind implements river.JobArgs.
func (DueArgs) Kind() string { return "report.due" }

// InsertOpts keeps one round at a time.
func (DueArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

// DueWorker runs DueArgs jobs.
type DueWorker struct {
	river.WorkerDefaults[DueArgs]
	Service *Service
}

// Work claims the due schedules.
func (w *DueWorker) Work(ctx context.Context, _ *river.Job[DueArgs]) error {
	_, err := w.Service.RunDue(ctx)
	return err
}

// DuePeriodic looks for due reports every minute: schedules are by the
// hour, so a report goes out within a minute of its time.
func DuePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return DueArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
}

// SendArgs is the job that e-mails one schedule's report for one period.
type SendArgs struct {
	ScheduleID string `json:"schedule_id"`
	Period     string `json:"period"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "report.send" }

// InsertOpts retries for about half a day (a mail server that is down, a
// mail server not set up yet), and never queues one period twice.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendWorker runs SendArgs jobs.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	Service *Service
}

// Work e-mails the report to the recipients who do not have it yet.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	return w.Service.Deliver(ctx, job.Args.ScheduleID, job.Args.Period)
}

// Timeout bounds one attempt: building the report and up to 20 e-mails.
func (w *SendWorker) Timeout(*river.Job[SendArgs]) time.Duration { return 10 * time.Minute }

// RunDue claims every due schedule and queues the sending of its last full
// period, returning how many it queued. A schedule is claimed by moving its
// next time on in the transaction that queues the job; a second run that
// read the same row claims nothing, so each period is queued once. After
// downtime only the latest period is sent, not every one missed.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	now := s.now()
	due, err := s.Store.Read().DueReportSchedules(ctx, now, 200)
	if err != nil {
		return 0, err
	}
	queued := 0
	var errs []error
	for _, sc := range due {
		p := PeriodAt(sc, now)
		fresh := p.Key() != sc.LastPeriod
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			period := sc.LastPeriod
			if fresh {
				period = p.Key()
			}
			if err := tx.ClaimReportSchedule(ctx, sc.ID, sc.NextAt, Next(sc, now), period); err != nil {
				return err
			}
			if !fresh { // already sent (the schedule was edited to go out again the same period)
				return nil
			}
			return s.Queue.InsertTx(ctx, tx, SendArgs{ScheduleID: sc.ID, Period: period}, nil)
		})
		switch {
		case errors.Is(err, store.ErrNotFound): // another run claimed it
		case err != nil: // the others still go out; this one is due again next round
			s.log().Warn("report schedule not claimed", "schedule", sc.ID, "err", err)
			errs = append(errs, err)
		case fresh:
			queued++
		}
	}
	return queued, errors.Join(errs...)
}

// Deliver e-mails a schedule's report for period to each recipient who
// does not have it yet, recording each delivery, so a retry after a failure
// sends only to the rest. A schedule deleted, paused or moved on to another
// period meanwhile, or of an archived workspace, sends nothing. Failures
// are kept on the schedule.
func (s *Service) Deliver(ctx context.Context, scheduleID, period string) error {
	sc, err := s.Store.Read().ReportSchedule(ctx, "", scheduleID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if sc.LastPeriod != period || sc.Paused {
		return nil
	}
	if w, err := s.Store.Read().WorkspaceByID(ctx, sc.WorkspaceID); err != nil {
		return err
	} else if w.Archived() { // an archived workspace reports nothing
		return nil
	}
	p, err := parsePeriod(period, sc.Zone)
	if err != nil {
		return river.JobCancel(err)
	}
	sent := append([]string(nil), sc.SentTo...)
	var todo []string
	for _, r := range sc.Recipients {
		if !containsFold(sent, r) {
			todo = append(todo, r)
		}
	}
	if len(todo) == 0 {
		return s.Store.InTx(ctx, func(tx *store.Tx) error {
			return ignoreGone(tx.ReportDelivered(ctx, sc.ID, period, sent, true, s.now()))
		})
	}
	msg, err := s.message(ctx, sc, p)
	if err != nil {
		return s.failed(ctx, sc, "the report could not be made: "+safeText(err), err)
	}
	for _, to := range todo {
		msg.To = to
		if err := s.Mail.Send(ctx, msg); err != nil {
			return s.failed(ctx, sc, deliveryText(to, err), err)
		}
		sent = append(sent, to)
		done := len(sent) >= len(sc.Recipients)
		err := s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.ReportDelivered(ctx, sc.ID, period, sent, done, s.now()) })
		if errors.Is(err, store.ErrNotFound) {
			return nil // the schedule moved on or went away meanwhile
		} else if err != nil {
			return err
		}
	}
	return nil
}

func ignoreGone(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// failed records msg on the schedule and returns err for the job to retry.
func (s *Service) failed(ctx context.Context, sc model.ReportSchedule, msg string, err error) error {
	s.log().Warn("report not sent", "schedule", sc.ID, "workspace", sc.WorkspaceID, "err", err)
	if rerr := s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.ReportFailed(ctx, sc.ID, msg, s.now()) }); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// deliveryText says why an e-mail did not go out, for the schedule's page.
func deliveryText(to string, err error) string {
	if errors.Is(err, mail.ErrNotConfigured) {
		return "No mail server is set up: an administrator sets one up under Admin, Mail. Herald tries again later."
	}
	return "Could not deliver to " + to + ": " + safeText(err) + ". Herald tries again later."
}

// safeText is an error's text, bounded for display.
func safeText(err error) string {
	t := err.Error()
	if r := []rune(t); len(r) > 300 {
		t = string(r[:300]) + "…"
	}
	return t
}

// message builds the e-mail with the PDF attached.
func (s *Service) message(ctx context.Context, sc model.ReportSchedule, p Period) (mail.Message, error) {
	r, err := s.build(ctx, sc.WorkspaceID, p.From, p.To, p.Zone)
	if err != nil {
		return mail.Message{}, err
	}
	doc, err := Render(r)
	if err != nil {
		return mail.Message{}, err
	}
	if len(doc) > mail.MaxAttachments {
		return mail.Message{}, fmt.Errorf("the PDF is %d bytes, over the %d bytes an e-mail may carry", len(doc), mail.MaxAttachments)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nattached is the analytics report of %s for %s (%s).\n\n", r.Workspace, r.Label(), sc.Zone)
	if !r.HasData {
		b.WriteString("There is no data yet for this period: nothing was published and no account was read.\n\n")
	} else {
		for _, k := range r.KPIs[:min(3, len(r.KPIs))] {
			fmt.Fprintf(&b, "%s: %s (before: %s)\n", k.Label, k.Value, k.Previous)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "This e-mail comes from the report schedule %q of Herald. To stop it, ask the workspace's managers", sc.Name)
	if base := strings.TrimRight(s.BaseURL, "/"); base != "" {
		fmt.Fprintf(&b, " (%s/w/%s/reports)", base, sc.WorkspaceID)
	}
	b.WriteString(".\n")
	return mail.Message{Subject: "Analytics report: " + r.Workspace + ", " + r.Label(), Text: b.String(),
		Attachments: []mail.Attachment{{Name: r.FileName(), ContentType: "application/pdf", Data: doc}}}, nil
}

// SendNow e-mails a schedule's report for its last full period to every
// recipient right away, to try it out; the schedule's own periods are not
// touched. A delivery failure is returned (and kept on the schedule).
func (s *Service) SendNow(ctx context.Context, a model.Actor, workspaceID, id string) (model.ReportSchedule, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportManage); err != nil {
		return model.ReportSchedule{}, err
	}
	sc, err := s.schedule(ctx, workspaceID, id)
	if err != nil {
		return sc, err
	}
	msg, err := s.message(ctx, sc, PeriodAt(sc, s.now()))
	if err != nil {
		return sc, err
	}
	for _, to := range sc.Recipients {
		msg.To = to
		if err := s.Mail.Send(ctx, msg); err != nil {
			text := deliveryText(to, err)
			_ = s.failed(ctx, sc, text, err)
			return sc, model.Conflict("", "%s", strings.TrimSuffix(text, " Herald tries again later."))
		}
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ReportSentNow(ctx, sc.ID, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "report.schedule.send", "report_schedule", sc.ID, workspaceID, map[string]any{"recipients": len(sc.Recipients)})
	})
	return sc, err
}
