package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"

	"herald/internal/model"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := LoadZone(name)
	if err != nil {
		t.Fatalf("LoadZone(%q): %v", name, err)
	}
	return loc
}

func asTimeError(t *testing.T, err error) *TimeError {
	t.Helper()
	var te *TimeError
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T) is not a *TimeError", err, err)
	}
	return te
}

func TestResolveValid(t *testing.T) {
	for _, c := range []struct {
		date, clock, zone string
		wantUTC           string
	}{
		{"2026-03-08", "01:59", "America/New_York", "2026-03-08T06:59:00Z"},
		{"2026-03-08", "03:00", "America/New_York", "2026-03-08T07:00:00Z"},
		{"2026-11-01", "00:59", "America/New_York", "2026-11-01T04:59:00Z"},
		{"2026-11-01", "02:00", "America/New_York", "2026-11-01T07:00:00Z"},
		{"2026-03-29", "02:00", "Europe/London", "2026-03-29T01:00:00Z"},
		{"2026-10-25", "02:00", "Europe/London", "2026-10-25T02:00:00Z"},
		{"2026-10-04", "02:30", "Australia/Lord_Howe", "2026-10-03T15:30:00Z"},
		{"2026-04-05", "02:00", "Australia/Lord_Howe", "2026-04-04T15:30:00Z"},
		{"2026-03-08", "02:30", "Asia/Kolkata", "2026-03-07T21:00:00Z"},
		{"2026-07-01", "9:05", "Asia/Kolkata", "2026-07-01T03:35:00Z"},
		{"2026-07-01", "23:59:59", "UTC", "2026-07-01T23:59:59Z"},
		{" 2028-02-29 ", " 00:00 ", " Europe/Berlin ", "2028-02-28T23:00:00Z"},
	} {
		got, err := Resolve(c.date, c.clock, c.zone)
		if err != nil {
			t.Errorf("Resolve(%q, %q, %q): %v", c.date, c.clock, c.zone, err)
			continue
		}
		if s := got.UTC().Format(time.RFC3339); s != c.wantUTC {
			t.Errorf("Resolve(%q, %q, %q) = %s, want %s", c.date, c.clock, c.zone, s, c.wantUTC)
		}
		if got.Location().String() != strings.TrimSpace(c.zone) {
			t.Errorf("Resolve(%q, %q, %q) is in %s, want the requested zone", c.date, c.clock, c.zone, got.Location())
		}
	}
}

func TestResolveGap(t *testing.T) {
	for _, c := range []struct {
		date, clock, zone string
		msg               string
		options           [2]string // UTC
	}{
		{"2026-03-08", "02:30", "America/New_York",
			"2:30 AM does not exist on 8 March 2026 in America/New_York (clocks jump from 2:00 to 3:00); choose 1:59 AM or 3:00 AM",
			[2]string{"2026-03-08T06:59:00Z", "2026-03-08T07:00:00Z"}},
		{"2026-03-08", "02:00", "America/New_York", "2:00 AM does not exist",
			[2]string{"2026-03-08T06:59:00Z", "2026-03-08T07:00:00Z"}},
		{"2026-03-08", "02:59:59", "America/New_York", "2:59:59 AM does not exist",
			[2]string{"2026-03-08T06:59:00Z", "2026-03-08T07:00:00Z"}},
		{"2026-03-29", "01:30", "Europe/London",
			"1:30 AM does not exist on 29 March 2026 in Europe/London (clocks jump from 1:00 to 2:00); choose 12:59 AM or 2:00 AM",
			[2]string{"2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z"}},
		{"2026-10-04", "02:15", "Australia/Lord_Howe",
			"2:15 AM does not exist on 4 October 2026 in Australia/Lord_Howe (clocks jump from 2:00 to 2:30); choose 1:59 AM or 2:30 AM",
			[2]string{"2026-10-03T15:29:00Z", "2026-10-03T15:30:00Z"}},
	} {
		_, err := Resolve(c.date, c.clock, c.zone)
		te := asTimeError(t, err)
		if te.Kind != KindGap || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Resolve(%q, %q, %q) = %v (kind %v), want gap %q", c.date, c.clock, c.zone, err, te.Kind, c.msg)
		}
		if te.Err.Field != "time" || model.KindOf(err) != model.KindInvalid {
			t.Errorf("gap error field %q kind %v, want time/invalid", te.Err.Field, model.KindOf(err))
		}
		if len(te.Options) != 2 || te.Options[0].UTC().Format(time.RFC3339) != c.options[0] || te.Options[1].UTC().Format(time.RFC3339) != c.options[1] {
			t.Errorf("gap options %v, want %v", te.Options, c.options)
		}
		// Both offered choices must themselves be accepted as they read.
		for _, o := range te.Options {
			w := o.In(mustZone(t, c.zone))
			if _, err := Resolve(w.Format("2006-01-02"), w.Format("15:04"), c.zone); err != nil {
				t.Errorf("offered choice %v is refused: %v", w, err)
			}
		}
	}
}

func TestResolveAmbiguous(t *testing.T) {
	for _, c := range []struct {
		date, clock, zone string
		msg               string
		offsets           [2]int
	}{
		{"2026-11-01", "01:30", "America/New_York",
			"1:30 AM happens twice on 1 November 2026 in America/New_York (clocks go back from 2:00 to 1:00); choose 1:30 AM EDT (UTC−4) or 1:30 AM EST (UTC−5)",
			[2]int{-4 * 3600, -5 * 3600}},
		{"2026-11-01", "01:00", "America/New_York", "1:00 AM happens twice", [2]int{-4 * 3600, -5 * 3600}},
		{"2026-10-25", "01:30", "Europe/London",
			"choose 1:30 AM BST (UTC+1) or 1:30 AM GMT (UTC)", [2]int{3600, 0}},
		{"2026-04-05", "01:45", "Australia/Lord_Howe",
			"1:45 AM happens twice on 5 April 2026 in Australia/Lord_Howe (clocks go back from 2:00 to 1:30); choose 1:45 AM (UTC+11) or 1:45 AM (UTC+10:30)",
			[2]int{11 * 3600, 10*3600 + 1800}},
	} {
		_, err := Resolve(c.date, c.clock, c.zone)
		te := asTimeError(t, err)
		if te.Kind != KindAmbiguous || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Resolve(%q, %q, %q) = %v, want ambiguous %q", c.date, c.clock, c.zone, err, c.msg)
			continue
		}
		if len(te.Options) != 2 || offsetOf(te.Options[0]) != c.offsets[0] || offsetOf(te.Options[1]) != c.offsets[1] {
			t.Fatalf("options %v, want offsets %v", te.Options, c.offsets)
		}
		if !te.Options[0].Before(te.Options[1]) {
			t.Errorf("options not earliest first: %v", te.Options)
		}
		for i, off := range c.offsets {
			got, err := ResolveWithOffset(c.date, c.clock, c.zone, off)
			if err != nil || !got.Equal(te.Options[i]) {
				t.Errorf("ResolveWithOffset(%d) = %v, %v; want %v", off, got, err, te.Options[i])
			}
		}
		_, err = ResolveWithOffset(c.date, c.clock, c.zone, 7*3600)
		if asTimeError(t, err).Kind != KindAmbiguous {
			t.Errorf("a wrong offset for an ambiguous time: %v, want the ambiguous choice again", err)
		}
	}
}

func TestResolveWithOffsetUnambiguous(t *testing.T) {
	got, err := ResolveWithOffset("2026-07-01", "09:00", "America/New_York", -4*3600)
	if err != nil || got.UTC().Hour() != 13 {
		t.Fatalf("matching offset: %v, %v", got, err)
	}
	_, err = ResolveWithOffset("2026-07-01", "09:00", "America/New_York", -5*3600)
	te := asTimeError(t, err)
	if te.Kind != KindOffset || !strings.Contains(err.Error(), "is at UTC−4, not UTC−5") || len(te.Options) != 1 {
		t.Errorf("stale offset: %v (%v)", err, te.Options)
	}
	if _, err := ResolveWithOffset("2026-03-08", "02:30", "America/New_York", -5*3600); asTimeError(t, err).Kind != KindGap {
		t.Errorf("an offset cannot make a gap time exist: %v", err)
	}
	got, err = ResolveWithOffset("2026-03-08", "10:00", "Asia/Kolkata", 5*3600+1800)
	if err != nil || got.UTC().Format("15:04") != "04:30" {
		t.Errorf("Kolkata half-hour offset: %v, %v", got, err)
	}
}

func TestResolveBadInput(t *testing.T) {
	for _, c := range []struct {
		date, clock, zone string
		kind              ErrorKind
		field, msg        string
	}{
		{"2026-03-08", "09:00", "", KindZone, "zone", "choose a time zone, for example Europe/Berlin"},
		{"2026-03-08", "09:00", "Local", KindZone, "zone", `"Local" is the server's own time zone, not an IANA time zone name`},
		{"2026-03-08", "09:00", "Europe/Berlln", KindZone, "zone", `"Europe/Berlln" is not an IANA time zone name; use a name such as Europe/Berlin`},
		{"2026-03-08", "09:00", "EST", KindZone, "zone", `"EST" is not an IANA Area/City time zone name`},
		{"2026-03-08", "09:00", "../../etc/passwd", KindZone, "zone", "is not an IANA time zone name"},
		{"08/03/2026", "09:00", "UTC", KindDate, "date", `"08/03/2026" is not a date; use YYYY-MM-DD, for example 2026-03-08`},
		{"2026-3-8", "09:00", "UTC", KindDate, "date", "use YYYY-MM-DD"},
		{"2026-13-01", "09:00", "UTC", KindDate, "date", "has no month 13"},
		{"2026-02-29", "09:00", "UTC", KindDate, "date", "not on the calendar: February 2026 has 28 days"},
		{"2026-04-31", "09:00", "UTC", KindDate, "date", "April 2026 has 30 days"},
		{"0000-01-01", "09:00", "UTC", KindDate, "date", "year 0000"},
		{"2026-03-08", "9", "UTC", KindClock, "time", "use the 24-hour clock as HH:MM"},
		{"2026-03-08", "2:30 pm", "UTC", KindClock, "time", `"2:30 pm" uses AM/PM; use the 24-hour clock, for example 14:30`},
		{"2026-03-08", "24:00", "UTC", KindClock, "time", "has hour 24; hours run from 00 to 23"},
		{"2026-03-08", "09:60", "UTC", KindClock, "time", "has minute 60"},
		{"2026-03-08", "09:30:61", "UTC", KindClock, "time", "has second 61"},
		{"2026-03-08", "09:3", "UTC", KindClock, "time", "HH:MM"},
		{"2026-03-08", "-1:30", "UTC", KindClock, "time", "HH:MM"},
	} {
		_, err := Resolve(c.date, c.clock, c.zone)
		if err == nil {
			t.Errorf("Resolve(%q, %q, %q) accepted", c.date, c.clock, c.zone)
			continue
		}
		te := asTimeError(t, err)
		if te.Kind != c.kind || te.Err.Field != c.field || !strings.Contains(te.Err.Msg, c.msg) {
			t.Errorf("Resolve(%q, %q, %q) = %v (kind %v field %q), want %v/%s %q", c.date, c.clock, c.zone, err, te.Kind, te.Err.Field, c.kind, c.field, c.msg)
		}
	}
}

func TestLoadZoneLongInputIsShortened(t *testing.T) {
	_, err := LoadZone("Europe/" + strings.Repeat("x", 500))
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("long zone name: %v", err)
	}
}

func TestNotInPast(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	now := time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC)
	if err := NotInPast(now, now); err != nil {
		t.Errorf("now itself: %v", err)
	}
	if err := NotInPast(now.Add(time.Minute), now); err != nil {
		t.Errorf("future: %v", err)
	}
	err := NotInPast(time.Date(2026, 3, 8, 7, 59, 0, 0, ny), now)
	te := asTimeError(t, err)
	want := "7:59 AM on 8 March 2026 (America/New_York) has already passed; choose a later time"
	if te.Kind != KindPast || te.Err.Msg != want {
		t.Errorf("past: %q, want %q", te.Err.Msg, want)
	}
}

func TestErrorKindString(t *testing.T) {
	for k, want := range map[ErrorKind]string{KindZone: "zone", KindDate: "date", KindClock: "clock", KindGap: "gap",
		KindAmbiguous: "ambiguous", KindOffset: "offset", KindPast: "past", 0: "unknown"} {
		if k.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(k), k.String(), want)
		}
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{fmtClock(0, 0, 0), "12:00 AM"},
		{fmtClock(12, 5, 0), "12:05 PM"},
		{fmtClock(23, 59, 59), "11:59:59 PM"},
		{fmtOffset(0), "UTC"},
		{fmtOffset(-4 * 3600), "UTC−4"},
		{fmtOffset(5*3600 + 1800), "UTC+5:30"},
		{fmtOffset(-(9*3600 + 1800)), "UTC−9:30"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
