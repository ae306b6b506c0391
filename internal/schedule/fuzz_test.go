package schedule

import (
	"errors"
	"testing"
	"time"
)

// FuzzResolve checks Resolve never panics and that every success round-trips
// to the wall clock asked for, and every refusal is a *TimeError.
func FuzzResolve(f *testing.F) {
	for _, s := range [][3]string{
		{"2026-03-08", "02:30", "America/New_York"}, {"2026-11-01", "01:30", "America/New_York"},
		{"2026-10-04", "02:15", "Australia/Lord_Howe"}, {"9999-12-31", "23:59:59", "Pacific/Kiritimati"},
		{"0001-01-01", "00:00", "Asia/Kolkata"}, {"2026-02-29", "24:00", "Local"}, {"", "", ""},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, date, clock, zone string) {
		got, err := Resolve(date, clock, zone)
		if err != nil {
			var te *TimeError
			if !errors.As(err, &te) || te.Err == nil || te.Err.Msg == "" {
				t.Fatalf("Resolve(%q, %q, %q): %v is not a TimeError with a message", date, clock, zone, err)
			}
			return
		}
		c, _ := parseDate(date)
		c.h, c.mi, c.s, _ = parseClock(clock)
		if wallOf(got) != c {
			t.Fatalf("Resolve(%q, %q, %q) = %v, which shows another wall clock", date, clock, zone, got)
		}
	})
}

// FuzzParseSlot checks ParseSlot never panics and that accepted slots are
// valid and round-trip through String.
func FuzzParseSlot(f *testing.F) {
	for _, s := range []string{"mon 09:30", "Friday 17:05", "sun 0:00", "x", "", "mon 24:00", "mon 9:30 pm"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		slot, err := ParseSlot(s)
		if err != nil {
			return
		}
		if err := slot.Validate(); err != nil {
			t.Fatalf("ParseSlot(%q) = %+v, invalid: %v", s, slot, err)
		}
		if back, err := ParseSlot(slot.String()); err != nil || back != slot {
			t.Fatalf("round trip of %q: %+v, %v", slot.String(), back, err)
		}
	})
}

// FuzzParseRule checks ParseRule (and the library under it) never panics and
// that an accepted rule answers Next without hanging.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"FREQ=DAILY", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
		"FREQ=WEEKLY;BYSETPOS=-366;BYDAY=MO", "FREQ=DAILY;UNTIL=20260101T000000Z", "FREQ=HOURLY;BYHOUR=2;BYMINUTE=30"} {
		f.Add(s)
	}
	zone, err := LoadZone("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	start := time.Date(2026, 3, 1, 2, 30, 0, 0, zone)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s, start, zone)
		if err != nil {
			return
		}
		r.Next(start)
		r.NextAfterDowntime(start.AddDate(1, 0, 0))
	})
}
