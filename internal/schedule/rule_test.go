package schedule

import (
	"strings"
	"testing"
	"time"

	"herald/internal/model"
)

func TestRuleKeepsLocalTimeAcrossDST(t *testing.T) {
	for _, c := range []struct {
		zone  string
		start time.Time
		clock string
		days  int
	}{
		{"America/New_York", time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC), "09:00", 8},
		{"America/New_York", time.Date(2026, 10, 29, 9, 0, 0, 0, time.UTC), "09:00", 8},
		{"Europe/London", time.Date(2026, 3, 26, 9, 0, 0, 0, time.UTC), "09:00", 8},
		{"Europe/London", time.Date(2026, 10, 22, 9, 0, 0, 0, time.UTC), "09:00", 8},
		{"Australia/Lord_Howe", time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC), "09:00", 8},
		{"Australia/Lord_Howe", time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC), "09:00", 8},
		{"Asia/Kolkata", time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC), "09:00", 8},
	} {
		zone := mustZone(t, c.zone)
		// The start is given as a wall clock in the zone, as the composer does.
		start := time.Date(c.start.Year(), c.start.Month(), c.start.Day(), 9, 0, 0, 0, zone)
		r, err := ParseRule("FREQ=DAILY", start, zone)
		if err != nil {
			t.Fatal(err)
		}
		got := r.Upcoming(start.Add(-time.Second), c.days)
		if len(got) != c.days {
			t.Fatalf("%s: %d occurrences, want %d", c.zone, len(got), c.days)
		}
		for i, o := range got {
			if o.In(zone).Format("15:04") != c.clock || o.In(zone).Day() != start.AddDate(0, 0, i).Day() {
				t.Errorf("%s: occurrence %d at %v, want %s local on day %d", c.zone, i, o.In(zone), c.clock, start.AddDate(0, 0, i).Day())
			}
		}
	}
}

func TestRuleOccurrencesInGapAndOverlap(t *testing.T) {
	for _, c := range []struct {
		zone, rule string
		start      time.Time // wall clock in zone
		want       []string  // UTC
	}{
		// Daily 02:30 in New York: 8 March's occurrence posts when the gap ends.
		{"America/New_York", "FREQ=DAILY;COUNT=3", time.Date(2026, 3, 7, 2, 30, 0, 0, time.UTC),
			[]string{"2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"}},
		// Daily 01:30: 1 November's occurrence is the first (EDT) one.
		{"America/New_York", "FREQ=DAILY;COUNT=3", time.Date(2026, 10, 31, 1, 30, 0, 0, time.UTC),
			[]string{"2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}},
		// London picks the second occurrence in time.Date; the rule must not.
		{"Europe/London", "FREQ=WEEKLY;BYDAY=SU;COUNT=2", time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC),
			[]string{"2026-10-25T00:30:00Z", "2026-11-01T01:30:00Z"}},
		{"Europe/London", "FREQ=WEEKLY;BYDAY=SU;COUNT=2", time.Date(2026, 3, 22, 1, 30, 0, 0, time.UTC),
			[]string{"2026-03-22T01:30:00Z", "2026-03-29T01:00:00Z"}},
		{"Australia/Lord_Howe", "FREQ=DAILY;COUNT=2", time.Date(2026, 10, 3, 2, 15, 0, 0, time.UTC),
			[]string{"2026-10-02T15:45:00Z", "2026-10-03T15:30:00Z"}},
		// Hourly rules count wall-clock hours: the skipped hour is skipped.
		{"America/New_York", "FREQ=HOURLY;COUNT=4", time.Date(2026, 3, 8, 0, 30, 0, 0, time.UTC),
			[]string{"2026-03-08T05:30:00Z", "2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z"}},
	} {
		zone := mustZone(t, c.zone)
		s := c.start
		r, err := ParseRule(c.rule, firstInstant(civil{s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute(), 0}, zone), zone)
		if err != nil {
			t.Fatal(err)
		}
		got := r.Upcoming(time.Time{}, 10)
		var gs []string
		for _, g := range got {
			gs = append(gs, g.UTC().Format(time.RFC3339))
		}
		if strings.Join(gs, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s %s from %v:\n got %v\nwant %v", c.zone, c.rule, s, gs, c.want)
		}
	}
}

func TestRuleNextAndDowntime(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, ny) // a Monday
	r, err := ParseRule("RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR", start, ny)
	if err != nil {
		t.Fatal(err)
	}
	if r.String() != "FREQ=WEEKLY;BYDAY=MO,WE,FR" || !r.Start().Equal(start) || r.Bounded() {
		t.Errorf("String %q Start %v Bounded %v", r.String(), r.Start(), r.Bounded())
	}
	next, ok := r.Next(start)
	if !ok || !next.Equal(time.Date(2026, 3, 4, 9, 0, 0, 0, ny)) {
		t.Errorf("Next(start) = %v, %v", next, ok)
	}
	// Down from Tuesday to Monday 8 days later at 09:00 exactly: the missed
	// Wednesday and Friday are skipped and Monday 09:00 (now) is due.
	now := time.Date(2026, 3, 9, 9, 0, 0, 0, ny)
	got, ok := r.NextAfterDowntime(now)
	if !ok || !got.Equal(now) {
		t.Errorf("NextAfterDowntime(at an occurrence) = %v, %v; want %v", got, ok, now)
	}
	got, _ = r.NextAfterDowntime(now.Add(time.Second))
	if want := time.Date(2026, 3, 11, 9, 0, 0, 0, ny); !got.Equal(want) {
		t.Errorf("NextAfterDowntime(just after) = %v, want %v", got, want)
	}
	// Before the start, the start itself is the next occurrence.
	if got, _ := r.NextAfterDowntime(start.AddDate(0, 0, -10)); !got.Equal(start) {
		t.Errorf("before start: %v", got)
	}

	bounded, err := ParseRule("FREQ=DAILY;COUNT=3", start, ny)
	if err != nil || !bounded.Bounded() {
		t.Fatalf("COUNT rule: %v", err)
	}
	if _, ok := bounded.Next(start.AddDate(0, 0, 2)); ok {
		t.Error("Next after the last of COUNT=3 found an occurrence")
	}
	if _, ok := bounded.NextAfterDowntime(start.AddDate(1, 0, 0)); ok {
		t.Error("ended rule re-anchored")
	}
}

func TestRuleUntil(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	start := time.Date(2026, 12, 29, 18, 0, 0, 0, ny)
	for _, rule := range []string{"FREQ=DAILY;UNTIL=20261231", "FREQ=DAILY;UNTIL=20261231T180000", "FREQ=DAILY;UNTIL=20261231T230000Z"} {
		r, err := ParseRule(rule, start, ny)
		if err != nil {
			t.Fatalf("%s: %v", rule, err)
		}
		// A bare date includes that whole day (the 18:00 post on 31 December).
		if got := r.Upcoming(time.Time{}, 10); len(got) != 3 {
			t.Errorf("%s: %d occurrences %v, want 3", rule, len(got), got)
		}
	}
}

func TestParseRuleErrors(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, ny)
	for _, c := range []struct{ rule, msg string }{
		{"", "enter a repeat rule, for example FREQ=WEEKLY;BYDAY=MO,WE,FR"},
		{"RRULE:", "enter a repeat rule"},
		{"BYDAY=MO", "the repeat rule needs FREQ, for example FREQ=WEEKLY"},
		{"FREQ=FORTNIGHTLY", `FREQ must be HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY, not "FORTNIGHTLY"`},
		{"FREQ=MINUTELY", "repeating more often than every hour is not supported"},
		{"FREQ=DAILY;COUNT=0", "COUNT must be a whole number from 1 to 10000"},
		{"FREQ=DAILY;COUNT=abc", "COUNT must be a whole number"},
		{"FREQ=DAILY;INTERVAL=-2", "INTERVAL must be a whole number"},
		{"FREQ=DAILY;COUNT=3;UNTIL=20261231", "use COUNT or UNTIL to end the repeat, not both"},
		{"FREQ=DAILY;UNTIL=2026-12-31", "UNTIL must be a date such as 20261231"},
		{"FREQ=DAILY;UNTIL=20261331", "UNTIL must be a date"},
		{"FREQ=DAILY;UNTIL=20200101", "the repeat ends (UNTIL 1 January 2020 23:59) before it starts (2 March 2026 09:00)"},
		{"FREQ=WEEKLY;BYDAY=XX", `BYDAY takes weekdays MO, TU, WE, TH, FR, SA, SU`},
		{"FREQ=WEEKLY;BYDAY=1MO", "numbered weekdays such as 1MO or -1FR only work with FREQ=MONTHLY"},
		{"FREQ=MONTHLY;BYDAY=0MO", "the number before the weekday must be from 1 to 53"},
		{"FREQ=MONTHLY;BYDAY=10FR", "a month has at most five of each weekday"},
		{"FREQ=MONTHLY;BYDAY=MO,-6FR", "a month has at most five of each weekday"},
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=6MO", "a month has at most five of each weekday"},
		{"FREQ=YEARLY;BYDAY=54MO", "the number before the weekday must be from 1 to 53"},
		{"FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY values must be from 1 to 31 or -1 to -31; 32 is out of range"},
		{"FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY values must be from 1 to 31"},
		{"FREQ=DAILY;BYHOUR=-1", "BYHOUR values must be from 0 to 23; -1 is out of range"},
		{"FREQ=DAILY;BYMINUTE=x", `BYMINUTE takes numbers separated by commas; "X" is not a number`},
		{"FREQ=DAILY;FREQ=WEEKLY", "FREQ appears twice in the repeat rule"},
		{"FREQ=DAILY;COLOR=RED", `"COLOR" is not a repeat rule part Herald understands`},
		{"FREQ=DAILY;BYEASTER=0", `"BYEASTER" is not a repeat rule part`},
		{"FREQ=DAILY;COUNT", `"COUNT" is not a KEY=VALUE part`},
		{"FREQ=DAILY;WKST=1MO", "WKST must be a weekday"},
		{"DTSTART:20260101T090000Z\nRRULE:FREQ=DAILY", "enter only the RRULE line"},
		{"FREQ=DAILY;DTSTART=20260101T090000Z", "remove DTSTART"},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never produces a date in the 10 years after it starts"},
	} {
		_, err := ParseRule(c.rule, start, ny)
		e := model.AsError(err)
		if e == nil || e.Kind != model.KindInvalid || e.Field != "recurrence" || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("ParseRule(%q) = %v, want recurrence error %q", c.rule, err, c.msg)
		}
	}
	if _, err := ParseRule("FREQ=DAILY", time.Time{}, ny); model.AsError(err) == nil || model.AsError(err).Field != "start" {
		t.Errorf("zero start: %v", err)
	}
	if _, err := ParseRule("FREQ=DAILY", start, nil); err == nil {
		t.Error("nil zone accepted")
	}
}

func TestParseRuleLenient(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, ny)
	for rule, want := range map[string]string{
		" rrule:freq=monthly;byday=-1fr; ":      "FREQ=MONTHLY;BYDAY=-1FR",
		"COUNT=5;FREQ=DAILY":                    "FREQ=DAILY;COUNT=5",
		"FREQ=DAILY;;INTERVAL=2":                "FREQ=DAILY;INTERVAL=2",
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29":   "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
		"FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1":  "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1",
		"FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30":  "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30",
		"FREQ=YEARLY;BYDAY=-53MO,20TU":          "FREQ=YEARLY;BYDAY=-53MO,20TU",
		"FREQ=MONTHLY;BYDAY=5FR,-5MO":           "FREQ=MONTHLY;BYDAY=5FR,-5MO",
		"FREQ=WEEKLY;INTERVAL=2;UNTIL=20270101": "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270101T235959",
	} {
		r, err := ParseRule(rule, start, ny)
		if err != nil || r.String() != want {
			t.Errorf("ParseRule(%q) = %v, %v; want %q", rule, r, err, want)
		}
	}
	// Leap-day rule: the first occurrence is in 2028.
	r, _ := ParseRule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", start, ny)
	if got, ok := r.Next(start); !ok || got.Year() != 2028 {
		t.Errorf("leap day next = %v, %v", got, ok)
	}
	// Last Friday of the month.
	r, _ = ParseRule("FREQ=MONTHLY;BYDAY=-1FR", start, ny)
	if got := r.Upcoming(start, 2); len(got) != 2 || got[0].Day() != 27 || got[1].Day() != 24 {
		t.Errorf("last Friday = %v", got)
	}
}

func TestPresets(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	for _, c := range []struct {
		p    Preset
		want string
	}{
		{Preset{Repeat: Daily}, "FREQ=DAILY"},
		{Preset{Repeat: Daily, Interval: 2, Count: 10}, "FREQ=DAILY;INTERVAL=2;COUNT=10"},
		{Preset{Repeat: Weekly, Weekdays: []time.Weekday{time.Sunday, time.Wednesday, time.Monday, time.Monday}}, "FREQ=WEEKLY;BYDAY=MO,WE,SU"},
		// The last second of 31 December in New York is 04:59:59 UTC next day.
		{Preset{Repeat: Weekly, Weekdays: []time.Weekday{time.Friday}, Until: "2026-12-31"}, "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270101T045959Z"},
		// In summer the offset is an hour less.
		{Preset{Repeat: Monthly, MonthDay: 15, Until: "2026-07-15"}, "FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20260716T035959Z"},
		{Preset{Repeat: Monthly, MonthDay: -1, Count: 12}, "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12"},
	} {
		got, err := c.p.RRule(ny)
		if err != nil || got != c.want {
			t.Errorf("%+v.RRule = %q, %v; want %q", c.p, got, err, c.want)
			continue
		}
		// Every preset must parse back.
		if _, err := ParseRule(got, time.Date(2026, 3, 2, 9, 0, 0, 0, ny), ny); err != nil {
			t.Errorf("preset rule %q does not parse: %v", got, err)
		}
	}
	for _, c := range []struct {
		p     Preset
		field string
	}{
		{Preset{}, "recurrence"},
		{Preset{Repeat: Daily, Interval: -1}, "interval"},
		{Preset{Repeat: Daily, Weekdays: []time.Weekday{time.Monday}}, "weekdays"},
		{Preset{Repeat: Weekly, Weekdays: []time.Weekday{9}}, "weekdays"},
		{Preset{Repeat: Weekly, MonthDay: 3}, "month_day"},
		{Preset{Repeat: Monthly, MonthDay: 32}, "month_day"},
		{Preset{Repeat: Daily, Count: -1}, "count"},
		{Preset{Repeat: Daily, Count: 3, Until: "2026-12-31"}, "until"},
		{Preset{Repeat: Daily, Until: "31/12/2026"}, "until"},
	} {
		_, err := c.p.RRule(ny)
		if e := model.AsError(err); e == nil || e.Field != c.field {
			t.Errorf("%+v.RRule error %v, want field %q", c.p, err, c.field)
		}
	}
	if _, err := (Preset{Repeat: Daily}).RRule(nil); err == nil {
		t.Error("nil zone accepted")
	}
}
