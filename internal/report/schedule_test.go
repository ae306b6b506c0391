package report

import (
	"testing"
	"time"

	"herald/internal/model"
)

func at(t *testing.T, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A schedule is due at its hour in its own zone, across daylight saving
// changes, skipped and repeated hours included, and covers the last full
// week (Monday to Sunday) or month in that zone.
func TestNextAndPeriodAcrossZones(t *testing.T) {
	weekly := func(zone string, d time.Weekday, hour int) model.ReportSchedule {
		return model.ReportSchedule{Frequency: model.ReportWeekly, Weekday: d, Hour: hour, Zone: zone}
	}
	monthly := func(zone string, day, hour int) model.ReportSchedule {
		return model.ReportSchedule{Frequency: model.ReportMonthly, MonthDay: day, Hour: hour, Zone: zone}
	}
	for _, c := range []struct {
		name   string
		s      model.ReportSchedule
		after  time.Time
		want   time.Time
		period string
	}{
		{"Monday 9:00 Berlin, in winter", weekly("Europe/Berlin", time.Monday, 9), at(t, "UTC", "2026-12-02 10:00"),
			at(t, "Europe/Berlin", "2026-12-07 09:00"), "2026-11-30/2026-12-07"},
		{"just before the hour", weekly("Europe/Berlin", time.Monday, 9), at(t, "Europe/Berlin", "2026-12-07 08:59"),
			at(t, "Europe/Berlin", "2026-12-07 09:00"), "2026-11-30/2026-12-07"},
		{"at the hour: the next week", weekly("Europe/Berlin", time.Monday, 9), at(t, "Europe/Berlin", "2026-12-07 09:00"),
			at(t, "Europe/Berlin", "2026-12-14 09:00"), "2026-12-07/2026-12-14"},
		{"Monday after spring forward is UTC+2", weekly("Europe/Berlin", time.Monday, 9), at(t, "UTC", "2026-03-27 12:00"),
			at(t, "UTC", "2026-03-30 07:00"), "2026-03-23/2026-03-30"},
		{"a skipped hour goes out an hour later", weekly("Europe/Berlin", time.Sunday, 2), at(t, "UTC", "2026-03-27 12:00"),
			at(t, "UTC", "2026-03-29 01:00"), "2026-03-16/2026-03-23"},
		{"a repeated hour goes out once", weekly("Europe/Berlin", time.Sunday, 2), at(t, "UTC", "2026-10-24 12:00"),
			time.Time{}, "2026-10-12/2026-10-19"},
		{"New York, Friday 17:00", weekly("America/New_York", time.Friday, 17), at(t, "UTC", "2026-11-06 23:00"),
			at(t, "UTC", "2026-11-13 22:00"), "2026-11-02/2026-11-09"},
		{"Auckland is a day ahead", weekly("Pacific/Auckland", time.Monday, 8), at(t, "UTC", "2026-12-06 18:00"),
			at(t, "UTC", "2026-12-06 19:00"), "2026-11-30/2026-12-07"},
		{"monthly, day 1", monthly("Europe/Paris", 1, 8), at(t, "UTC", "2026-11-15 00:00"),
			at(t, "Europe/Paris", "2026-12-01 08:00"), "2026-11-01/2026-12-01"},
		{"monthly, day 28 in February", monthly("UTC", 28, 6), at(t, "UTC", "2027-02-01 00:00"),
			at(t, "UTC", "2027-02-28 06:00"), "2027-01-01/2027-02-01"},
		{"monthly across the year", monthly("Asia/Tokyo", 3, 9), at(t, "UTC", "2026-12-31 00:00"),
			at(t, "Asia/Tokyo", "2027-01-03 09:00"), "2026-12-01/2027-01-01"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Next(c.s, c.after)
			if !c.want.IsZero() && !got.Equal(c.want) {
				t.Errorf("Next = %s, want %s", got, c.want.UTC())
			}
			if !got.After(c.after) {
				t.Errorf("Next = %s is not after %s", got, c.after)
			}
			if again := Next(c.s, got); !again.After(got) || again.Sub(got) < 24*time.Hour {
				t.Errorf("the time after %s is %s: twice within a day", got, again)
			}
			if p := PeriodAt(c.s, got).Key(); p != c.period {
				t.Errorf("period at %s = %s, want %s", got, p, c.period)
			}
		})
	}
}

// Each field that is wrong is named, with what is allowed.
func TestScheduleValidation(t *testing.T) {
	ok := ScheduleInput{Name: "Weekly", Frequency: "weekly", Weekday: "monday", Hour: 9, Zone: "Europe/Berlin", Recipients: []string{"a@example.com"}}
	many := make([]string, 21)
	for i := range many {
		many[i] = "r" + string(rune('a'+i)) + "@example.com"
	}
	for field, in := range map[string]func(ScheduleInput) ScheduleInput{
		"name":       func(i ScheduleInput) ScheduleInput { i.Name = " "; return i },
		"frequency":  func(i ScheduleInput) ScheduleInput { i.Frequency = "daily"; return i },
		"weekday":    func(i ScheduleInput) ScheduleInput { i.Weekday = "funday"; return i },
		"month_day":  func(i ScheduleInput) ScheduleInput { i.Frequency, i.MonthDay = "monthly", 31; return i },
		"hour":       func(i ScheduleInput) ScheduleInput { i.Hour = 24; return i },
		"zone":       func(i ScheduleInput) ScheduleInput { i.Zone = "Mars/Olympus"; return i },
		"recipients": func(i ScheduleInput) ScheduleInput { i.Recipients = []string{"not an address"}; return i },
	} {
		_, err := validate(in(ok))
		if e := model.AsError(err); e == nil || e.Kind != model.KindInvalid || e.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
	for name, list := range map[string][]string{"none": {" ", ""}, "21": many, "display name": {"Ada <ada@example.com>"},
		"header injection": {"a@example.com\r\nBcc: x@example.com"}} {
		in := ok
		in.Recipients = list
		if _, err := validate(in); model.AsError(err) == nil || model.AsError(err).Field != "recipients" {
			t.Errorf("recipients %s: got %v", name, err)
		}
	}
	in := ok
	in.Recipients = []string{"a@example.com", "A@example.com", " b@example.com "}
	s, err := validate(in)
	if err != nil || len(s.Recipients) != 2 || s.Recipients[1] != "b@example.com" {
		t.Errorf("repeats and spaces: %v %v", s.Recipients, err)
	}
}
