package report

import (
	"context"
	"errors"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/schedule"
	"herald/internal/store"
)

// MaxRecipients bounds a schedule's recipients.
const MaxRecipients = 20

// ScheduleInput is a schedule as a person writes it.
type ScheduleInput struct {
	Name       string
	Frequency  string // weekly or monthly
	Weekday    string // weekly: monday … sunday (or mon … sun)
	MonthDay   int    // monthly: 1 to 28
	Hour       int    // 0 to 23
	Zone       string // IANA time zone
	Recipients []string
	Paused     bool
}

// validate checks in and returns the schedule it describes, naming the
// first field at fault.
func validate(in ScheduleInput) (model.ReportSchedule, error) {
	var s model.ReportSchedule
	s.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(s.Name); n == 0 || n > 80 {
		return s, model.Invalid("name", "name the schedule (1 to 80 characters), e.g. Weekly client report")
	}
	s.Frequency = strings.ToLower(strings.TrimSpace(in.Frequency))
	switch s.Frequency {
	case model.ReportWeekly:
		d, ok := schedule.ParseWeekday(in.Weekday)
		if !ok {
			return s, model.Invalid("weekday", "choose the weekday it goes out: monday to sunday")
		}
		s.Weekday, s.MonthDay = d, 1
	case model.ReportMonthly:
		if in.MonthDay < 1 || in.MonthDay > 28 {
			return s, model.Invalid("month_day", "choose a day of the month from 1 to 28 (every month has it)")
		}
		s.MonthDay, s.Weekday = in.MonthDay, time.Monday
	default:
		return s, model.Invalid("frequency", "choose weekly or monthly")
	}
	if in.Hour < 0 || in.Hour > 23 {
		return s, model.Invalid("hour", "choose an hour from 0 to 23")
	}
	s.Hour = in.Hour
	loc, err := schedule.LoadZone(in.Zone)
	if err != nil {
		return s, model.Invalid("zone", "%s", zoneMessage(err))
	}
	s.Zone = loc.String()
	if s.Recipients, err = recipients(in.Recipients); err != nil {
		return s, err
	}
	s.Paused = in.Paused
	return s, nil
}

func zoneMessage(err error) string {
	var te *schedule.TimeError
	if errors.As(err, &te) {
		return te.Error()
	}
	return "choose a time zone such as Europe/Berlin"
}

// recipients checks the addresses (bare, such as ada@example.com), drops
// repeats and blank entries, and keeps at most MaxRecipients.
func recipients(in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, raw := range in {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		a, err := mail.ParseAddress(raw)
		if err != nil || a.Name != "" || a.Address != raw || strings.ContainsAny(raw, "\r\n") || len(raw) > 254 {
			return nil, model.Invalid("recipients", "%q is not an e-mail address; write one address such as ada@example.com per line", raw)
		}
		if key := strings.ToLower(raw); !seen[key] {
			seen[key] = true
			out = append(out, raw)
		}
	}
	switch {
	case len(out) == 0:
		return nil, model.Invalid("recipients", "add at least one e-mail address to send the report to")
	case len(out) > MaxRecipients:
		return nil, model.Invalid("recipients", "a schedule sends to at most %d addresses; this has %d", MaxRecipients, len(out))
	}
	return out, nil
}

// Next is the first time after after that s is due: its hour on its
// weekday or day of the month, in its zone. An hour that the zone skips
// on a day (spring forward) becomes the hour after; an hour it repeats
// (fall back) happens once.
func Next(s model.ReportSchedule, after time.Time) time.Time {
	loc, err := time.LoadLocation(s.Zone)
	if err != nil {
		loc = time.UTC
	}
	local := after.In(loc)
	y, m, d := local.Date()
	for i := 0; i < 62; i++ {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, loc)
		if !onDay(s, day) {
			continue
		}
		at := time.Date(day.Year(), day.Month(), day.Day(), s.Hour, 0, 0, 0, loc)
		if at.After(after) {
			return at.UTC()
		}
	}
	return after.Add(24 * time.Hour).UTC() // unreachable: every 62 days hold each weekday and day 1 to 28
}

// onDay reports whether s goes out on day.
func onDay(s model.ReportSchedule, day time.Time) bool {
	if s.Frequency == model.ReportMonthly {
		return day.Day() == s.MonthDay
	}
	return day.Weekday() == s.Weekday
}

// Period is the span a schedule's report covers: the last full week
// (Monday to Sunday) or calendar month before at, in the schedule's zone.
type Period struct {
	From, To time.Time // [From, To)
	Zone     *time.Location
}

// Key names the period, e.g. "2026-11-30/2026-12-07" (end exclusive).
func (p Period) Key() string {
	return p.From.In(p.Zone).Format(time.DateOnly) + "/" + p.To.In(p.Zone).Format(time.DateOnly)
}

// Label is the period as people read it, e.g. "30 Nov 2026 – 6 Dec 2026"
// (the end inclusive).
func (p Period) Label() string { return span(p.From, p.To, p.Zone) }

// span shows [from, to) by its first and last days in zone.
func span(from, to time.Time, zone *time.Location) string {
	return from.In(zone).Format("2 Jan 2006") + " – " + to.Add(-time.Nanosecond).In(zone).Format("2 Jan 2006")
}

// PeriodAt is the last full period before at.
func PeriodAt(s model.ReportSchedule, at time.Time) Period {
	loc, err := time.LoadLocation(s.Zone)
	if err != nil {
		loc = time.UTC
	}
	local := at.In(loc)
	y, m, d := local.Date()
	if s.Frequency == model.ReportMonthly {
		end := time.Date(y, m, 1, 0, 0, 0, 0, loc)
		return Period{From: time.Date(y, m-1, 1, 0, 0, 0, 0, loc), To: end, Zone: loc}
	}
	back := (int(local.Weekday()) + 6) % 7 // days since Monday
	end := time.Date(y, m, d-back, 0, 0, 0, 0, loc)
	return Period{From: time.Date(y, m, d-back-7, 0, 0, 0, 0, loc), To: end, Zone: loc}
}

// parsePeriod reads a Key back in zone.
func parsePeriod(key, zone string) (Period, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return Period{}, err
	}
	a, b, ok := strings.Cut(key, "/")
	from, err1 := time.ParseInLocation(time.DateOnly, a, loc)
	to, err2 := time.ParseInLocation(time.DateOnly, b, loc)
	if !ok || err1 != nil || err2 != nil || !from.Before(to) {
		return Period{}, errors.New("report: bad period " + key)
	}
	return Period{From: from, To: to, Zone: loc}, nil
}

// Schedules lists the workspace's report schedules.
func (s *Service) Schedules(ctx context.Context, a model.Actor, workspaceID string) ([]model.ReportSchedule, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportManage); err != nil {
		return nil, err
	}
	return s.Store.Read().ReportSchedules(ctx, workspaceID)
}

// Schedule returns one of the workspace's schedules.
func (s *Service) Schedule(ctx context.Context, a model.Actor, workspaceID, id string) (model.ReportSchedule, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportManage); err != nil {
		return model.ReportSchedule{}, err
	}
	return s.schedule(ctx, workspaceID, id)
}

func (s *Service) schedule(ctx context.Context, workspaceID, id string) (model.ReportSchedule, error) {
	sc, err := s.Store.Read().ReportSchedule(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return sc, model.NotFound("no report schedule with that ID in this workspace")
	}
	return sc, err
}

// CreateSchedule adds a schedule, due next at its first time from now.
func (s *Service) CreateSchedule(ctx context.Context, a model.Actor, workspaceID string, in ScheduleInput) (model.ReportSchedule, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportManage); err != nil {
		return model.ReportSchedule{}, err
	}
	sc, err := validate(in)
	if err != nil {
		return sc, err
	}
	now := s.now()
	sc.ID, sc.WorkspaceID, sc.CreatedBy, sc.CreatedAt, sc.UpdatedAt = ids.New(), workspaceID, a.UserID, now, now
	sc.NextAt = Next(sc, now)
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateReportSchedule(ctx, sc); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "report.schedule.create", "report_schedule", sc.ID, workspaceID, scheduleDetails(sc))
	})
	return sc, err
}

// UpdateSchedule changes a schedule; its next time is worked out again
// from now, and what was sent stays recorded (so a period already sent is
// not sent again).
func (s *Service) UpdateSchedule(ctx context.Context, a model.Actor, workspaceID, id string, in ScheduleInput) (model.ReportSchedule, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportManage); err != nil {
		return model.ReportSchedule{}, err
	}
	old, err := s.schedule(ctx, workspaceID, id)
	if err != nil {
		return old, err
	}
	sc, err := validate(in)
	if err != nil {
		return sc, err
	}
	sc.ID, sc.WorkspaceID, sc.CreatedBy, sc.CreatedAt, sc.UpdatedAt = old.ID, workspaceID, old.CreatedBy, old.CreatedAt, s.now()
	sc.LastPeriod, sc.SentTo, sc.LastSentAt, sc.LastError, sc.LastErrorAt = old.LastPeriod, old.SentTo, old.LastSentAt, old.LastError, old.LastErrorAt
	sc.NextAt = Next(sc, sc.UpdatedAt)
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateReportSchedule(ctx, sc); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "report.schedule.update", "report_schedule", sc.ID, workspaceID, scheduleDetails(sc))
	})
	return sc, err
}

// SetPaused pauses or resumes a schedule; resuming plans its next time
// from now (periods missed while paused are not sent).
func (s *Service) SetPaused(ctx context.Context, a model.Actor, workspaceID, id string, paused bool) (model.ReportSchedule, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportManage); err != nil {
		return model.ReportSchedule{}, err
	}
	sc, err := s.schedule(ctx, workspaceID, id)
	if err != nil {
		return sc, err
	}
	sc.Paused, sc.UpdatedAt = paused, s.now()
	sc.NextAt = Next(sc, sc.UpdatedAt)
	action := "report.schedule.resume"
	if paused {
		action = "report.schedule.pause"
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateReportSchedule(ctx, sc); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, action, "report_schedule", sc.ID, workspaceID, nil)
	})
	return sc, err
}

// DeleteSchedule removes a schedule; a send under way stops.
func (s *Service) DeleteSchedule(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportManage); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteReportSchedule(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no report schedule with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "report.schedule.delete", "report_schedule", id, workspaceID, nil)
	})
}

func scheduleDetails(sc model.ReportSchedule) map[string]any {
	return map[string]any{"name": sc.Name, "frequency": sc.Frequency, "weekday": strings.ToLower(sc.Weekday.String()), "month_day": sc.MonthDay,
		"hour": sc.Hour, "zone": sc.Zone, "recipients": len(sc.Recipients), "paused": sc.Paused}
}

// Describe says when a schedule goes out, e.g. "Mondays at 09:00
// (Europe/Berlin), about the week before".
func Describe(sc model.ReportSchedule) string {
	hour := time.Date(2000, 1, 1, sc.Hour, 0, 0, 0, time.UTC).Format("15:04")
	if sc.Frequency == model.ReportMonthly {
		return "Monthly on day " + strconv.Itoa(sc.MonthDay) + " at " + hour + " (" + sc.Zone + "), about the month before"
	}
	return sc.Weekday.String() + "s at " + hour + " (" + sc.Zone + "), about the week before (Monday to Sunday)"
}
