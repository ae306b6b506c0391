package schedule

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/teambition/rrule-go"

	"herald/internal/model"
)

// maxScan caps how many occurrences one question to a Rule walks through, so
// an open-ended rule can never keep the publisher busy: 200,000 is 547 years
// of a daily rule or 22 years of an hourly one.
const maxScan = 200_000

// horizonYears is how far ParseRule looks for a first occurrence before it
// calls a rule impossible (such as the 30th of February).
const horizonYears = 10

// Rule is a parsed RFC 5545 recurrence rule anchored at a start instant and
// evaluated in a zone: the wall-clock time of the start is kept across
// daylight saving changes, so a daily 09:00 rule posts at 09:00 local time in
// summer and in winter. An occurrence the zone skips posts at the first valid
// instant after the gap and one the zone repeats posts at its first
// occurrence, as slots do. Open-ended rules (no COUNT or UNTIL) are accepted;
// every question walks at most maxScan occurrences. HOURLY rules count
// wall-clock hours, as the library does, so on a fall-back day the repeated
// hour posts once.
type Rule struct {
	text    string
	start   time.Time
	zone    *time.Location
	rr      *rrule.RRule
	freq    rrule.Frequency
	bounded bool
	// The wall-clock hours, minutes and seconds the rule produces; an
	// occurrence showing another time is one Go moved out of a DST gap.
	hours, minutes, seconds []int
}

var ruleRange = map[string][2]int{ // allowed magnitude; negative allowed when [0] > 0
	"BYMONTH": {1, 12}, "BYMONTHDAY": {1, 31}, "BYYEARDAY": {1, 366}, "BYWEEKNO": {1, 53},
	"BYSETPOS": {1, 366}, "BYHOUR": {0, 23}, "BYMINUTE": {0, 59}, "BYSECOND": {0, 59},
}

var (
	bydayRe = regexp.MustCompile(`^([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)$`)
	intRe   = regexp.MustCompile(`^[+-]?[0-9]{1,4}$`)
)

func ruleErr(format string, args ...any) error {
	return model.Invalid("recurrence", format, args...)
}

// ParseRule parses an RRULE such as "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10" (an
// "RRULE:" prefix is allowed, DTSTART is not: the start is given) and anchors
// it at start in zone. UNTIL may be a date (the whole day counts, in zone), a
// UTC date-time ending in Z, or a local date-time read in zone. FREQ must be
// HOURLY or slower: posting more often is not a social media schedule.
func ParseRule(rule string, start time.Time, zone *time.Location) (*Rule, error) {
	if zone == nil {
		return nil, errors.New("schedule: nil zone")
	}
	if start.IsZero() {
		return nil, model.Invalid("start", "choose when the repeat starts")
	}
	text, err := normaliseRule(rule)
	if err != nil {
		return nil, err
	}
	opt, err := rrule.StrToROptionInLocation(text, zone)
	if err != nil { // normaliseRule checked the syntax; this is a safety net
		return nil, ruleErr("the repeat rule is not valid: %s", err)
	}
	opt.Dtstart = start.In(zone).Truncate(time.Second)
	if !opt.Until.IsZero() && opt.Until.Before(opt.Dtstart) {
		return nil, ruleErr("the repeat ends (UNTIL %s) before it starts (%s); choose a later end",
			opt.Until.In(zone).Format("2 January 2006 15:04"), opt.Dtstart.Format("2 January 2006 15:04"))
	}
	rr, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, ruleErr("the repeat rule is not valid: %s", err)
	}
	r := &Rule{text: text, start: opt.Dtstart, zone: zone, rr: rr, freq: opt.Freq,
		bounded: opt.Count > 0 || !opt.Until.IsZero()}
	r.minutes = orDefault(opt.Byminute, opt.Dtstart.Minute())
	r.seconds = orDefault(opt.Bysecond, opt.Dtstart.Second())
	if opt.Freq < rrule.HOURLY {
		r.hours = orDefault(opt.Byhour, opt.Dtstart.Hour())
	} else {
		r.hours = opt.Byhour // nil: any hour
	}
	// A rule that matches nothing (BYMONTH=2;BYMONTHDAY=30) would make the
	// library search to the year 9999 on every question; refuse it here.
	probe := *opt
	if limit := opt.Dtstart.AddDate(horizonYears, 0, 0); probe.Until.IsZero() || probe.Until.After(limit) {
		probe.Until = limit
	}
	if prr, err := rrule.NewRRule(probe); err != nil || !hasAny(prr) {
		return nil, ruleErr("this repeat rule never produces a date in the %d years after it starts; check BYMONTH, BYMONTHDAY and BYDAY (there is no 30 February, for example)", horizonYears)
	}
	return r, nil
}

func hasAny(rr *rrule.RRule) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false // a library panic: refuse the rule rather than crash
		}
	}()
	_, ok = rr.Iterator()()
	return ok
}

func orDefault(v []int, def int) []int {
	if len(v) == 0 {
		return []int{def}
	}
	return v
}

// normaliseRule checks an RRULE part by part, so the message names the part
// at fault in words rather than passing on the library's terse errors, and
// returns it upper-cased with FREQ first and a date-only UNTIL widened to the
// end of that day.
func normaliseRule(rule string) (string, error) {
	s := strings.TrimSpace(rule)
	if strings.ContainsAny(s, "\r\n") {
		return "", ruleErr("enter only the RRULE line; the start is set separately")
	}
	s = strings.ToUpper(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "RRULE:"), ";")
	if s == "" {
		return "", ruleErr("enter a repeat rule, for example FREQ=WEEKLY;BYDAY=MO,WE,FR")
	}
	seen := map[string]string{}
	var order []string
	for _, part := range strings.Split(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue // a stray ";;" is a typo, not a mistake worth refusing
		}
		key, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if !ok || key == "" || val == "" || strings.Contains(val, "=") {
			return "", ruleErr("%s is not a KEY=VALUE part; separate parts with semicolons, as in FREQ=DAILY;COUNT=10", quote(part))
		}
		if _, dup := seen[key]; dup {
			return "", ruleErr("%s appears twice in the repeat rule; keep one", key)
		}
		v, err := checkPart(key, val)
		if err != nil {
			return "", err
		}
		seen[key] = v
		order = append(order, key)
	}
	if _, ok := seen["FREQ"]; !ok {
		return "", ruleErr("the repeat rule needs FREQ, for example FREQ=WEEKLY")
	}
	if _, c := seen["COUNT"]; c {
		if _, u := seen["UNTIL"]; u {
			return "", ruleErr("use COUNT or UNTIL to end the repeat, not both")
		}
	}
	if err := checkNumberedDays(seen); err != nil {
		return "", err
	}
	out := []string{"FREQ=" + seen["FREQ"]}
	for _, k := range order {
		if k != "FREQ" {
			out = append(out, k+"="+seen[k])
		}
	}
	return strings.Join(out, ";"), nil
}

// checkNumberedDays checks BYDAY positions against the period they count in.
// Beyond the rule's sense, this guards rrule-go v1.8.2, which indexes out of
// range (and panics) for a position past the fifth weekday of a month.
func checkNumberedDays(seen map[string]string) error {
	days, ok := seen["BYDAY"]
	if !ok || !strings.ContainsAny(days, "0123456789") {
		return nil
	}
	_, byMonth := seen["BYMONTH"]
	switch f := seen["FREQ"]; {
	case f != "MONTHLY" && f != "YEARLY":
		return ruleErr("numbered weekdays such as 1MO or -1FR only work with FREQ=MONTHLY or FREQ=YEARLY")
	case f == "YEARLY" && !byMonth:
		return nil // counted through the year: 1 to 53, checked in checkPart
	}
	for _, d := range strings.Split(days, ",") {
		m := bydayRe.FindStringSubmatch(d)
		if n, _ := digits(strings.TrimLeft(m[1], "+-")); n > 5 {
			return ruleErr("BYDAY %s: a month has at most five of each weekday, so the number must be from 1 to 5 or -1 to -5", quote(d))
		}
	}
	return nil
}

// checkPart validates one KEY=VALUE and returns the value to keep.
func checkPart(key, val string) (string, error) {
	switch key {
	case "FREQ":
		switch val {
		case "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY":
			return val, nil
		case "MINUTELY", "SECONDLY":
			return "", ruleErr("repeating more often than every hour is not supported; use FREQ=HOURLY or slower")
		}
		return "", ruleErr("FREQ must be HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY, not %s", quote(val))
	case "INTERVAL", "COUNT":
		n, ok := digits(val)
		if !ok || n < 1 || n > 10000 {
			return "", ruleErr("%s must be a whole number from 1 to 10000, not %s", key, quote(val))
		}
		return val, nil
	case "UNTIL":
		return checkUntil(val)
	case "WKST":
		if m := bydayRe.FindStringSubmatch(val); m == nil || m[1] != "" {
			return "", ruleErr("WKST must be a weekday such as MO or SU, not %s", quote(val))
		}
		return val, nil
	case "BYDAY":
		for _, d := range strings.Split(val, ",") {
			m := bydayRe.FindStringSubmatch(d)
			if m == nil {
				return "", ruleErr("BYDAY takes weekdays MO, TU, WE, TH, FR, SA, SU, optionally numbered as in 1MO (first Monday) or -1FR (last Friday); %s is not one", quote(d))
			}
			if n, _ := digits(strings.TrimLeft(m[1], "+-")); m[1] != "" && (n < 1 || n > 53) {
				return "", ruleErr("BYDAY %s: the number before the weekday must be from 1 to 53 or -1 to -53", quote(d))
			}
		}
		return val, nil
	case "DTSTART":
		return "", ruleErr("remove DTSTART from the repeat rule; the repeat starts at the post's scheduled time")
	}
	bounds, ok := ruleRange[key]
	if !ok {
		return "", ruleErr("%s is not a repeat rule part Herald understands; use FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, BYHOUR or BYMINUTE", quote(key))
	}
	for _, item := range strings.Split(val, ",") {
		if !intRe.MatchString(item) {
			return "", ruleErr("%s takes numbers separated by commas; %s is not a number", key, quote(item))
		}
		n, _ := digits(strings.TrimLeft(item, "+-"))
		neg := strings.HasPrefix(item, "-")
		if n < bounds[0] || n > bounds[1] || (neg && bounds[0] == 0) {
			if bounds[0] > 0 {
				return "", ruleErr("%s values must be from %d to %d or -%d to -%d; %s is out of range", key, bounds[0], bounds[1], bounds[0], bounds[1], item)
			}
			return "", ruleErr("%s values must be from %d to %d; %s is out of range", key, bounds[0], bounds[1], item)
		}
	}
	return val, nil
}

// checkUntil accepts the three RFC 5545 forms. A bare date becomes the last
// second of that day, because a manager who writes "until 31 December" means
// the posts on 31 December too; the library would read midnight.
func checkUntil(val string) (string, error) {
	layouts := map[int]string{8: "20060102", 15: "20060102T150405", 16: "20060102T150405Z"}
	layout, ok := layouts[len(val)]
	if ok {
		_, err := time.Parse(layout, val)
		ok = err == nil
	}
	if !ok {
		return "", ruleErr("UNTIL must be a date such as 20261231 or a UTC date-time such as 20261231T235959Z, not %s", quote(val))
	}
	if len(val) == 8 {
		return val + "T235959", nil
	}
	return val, nil
}

// String returns the normalised RRULE (without the "RRULE:" prefix), the
// form to store.
func (r *Rule) String() string { return r.text }

// Start returns the rule's anchor in its zone.
func (r *Rule) Start() time.Time { return r.start }

// Bounded reports whether the rule ends by itself (COUNT or UNTIL).
func (r *Rule) Bounded() bool { return r.bounded }

// Next returns the first occurrence strictly after after, or false when the
// rule has ended (or none was found within maxScan occurrences).
func (r *Rule) Next(after time.Time) (time.Time, bool) {
	return r.first(func(t time.Time) bool { return t.After(after) })
}

// NextAfterDowntime re-anchors a rule after the publisher was down: it
// returns the first occurrence at or after now, so occurrences missed while
// down are skipped rather than fired in a burst.
func (r *Rule) NextAfterDowntime(now time.Time) (time.Time, bool) {
	return r.first(func(t time.Time) bool { return !t.Before(now) })
}

// Upcoming returns up to n occurrences strictly after after, for previews
// such as "next 5 posts".
func (r *Rule) Upcoming(after time.Time, n int) []time.Time {
	var out []time.Time
	if n <= 0 {
		return nil
	}
	r.each(func(t time.Time) bool {
		if t.After(after) {
			out = append(out, t)
		}
		return len(out) < n
	})
	return out
}

func (r *Rule) first(ok func(time.Time) bool) (time.Time, bool) {
	var found time.Time
	r.each(func(t time.Time) bool {
		if ok(t) {
			found = t
			return false
		}
		return true
	})
	return found, !found.IsZero()
}

// each yields the occurrences in order, placed by DST rules and without
// repeats (an hourly rule meets the same instant twice around a change).
//
// A panic inside rrule-go (ParseRule refuses the inputs known to cause one)
// ends the walk as if the rule had ended, so one odd stored rule cannot take
// the publisher down.
func (r *Rule) each(yield func(time.Time) bool) {
	defer func() { _ = recover() }()
	next := r.rr.Iterator()
	var last time.Time
	for range maxScan {
		t, ok := next()
		if !ok {
			return
		}
		t = r.place(t)
		if !last.IsZero() && !t.After(last) {
			continue
		}
		last = t
		if !yield(t) {
			return
		}
	}
}

// place fixes what time.Date did to an occurrence: one moved out of a gap
// goes to the end of the gap, one in a repeated hour to its first occurrence.
func (r *Rule) place(t time.Time) time.Time {
	t = t.In(r.zone)
	h, m, s := t.Clock()
	if (r.hours != nil && !slices.Contains(r.hours, h)) || !slices.Contains(r.minutes, m) || !slices.Contains(r.seconds, s) {
		if edge, ok := gapEdge(t); ok {
			return edge
		}
		return t
	}
	return firstInstant(wallOf(t), r.zone)
}

// Repeat is how often a preset repeats.
type Repeat int

// Repeat values for presets.
const (
	Daily Repeat = iota + 1
	Weekly
	Monthly
)

// Preset is a repeat chosen from a simple form, turned into an RRULE by
// Preset.RRule.
type Preset struct {
	Repeat   Repeat
	Interval int            // every Interval days, weeks or months; 0 means 1
	Weekdays []time.Weekday // Weekly: the days to post; empty means the start's weekday
	MonthDay int            // Monthly: 1–31 (months without that day are skipped), or -1 for the last day; 0 means the start's day
	Count    int            // end after this many posts; 0 for no count
	Until    string         // end after this date, YYYY-MM-DD in the rule's zone, inclusive; "" for no end date
}

var rruleDays = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// RRule builds the preset's RRULE. zone is the rule's zone, which gives the
// end date's last second as a UTC UNTIL, as RFC 5545 asks.
func (p Preset) RRule(zone *time.Location) (string, error) {
	if zone == nil {
		return "", errors.New("schedule: nil zone")
	}
	parts := make([]string, 0, 4)
	switch p.Repeat {
	case Daily:
		parts = append(parts, "FREQ=DAILY")
	case Weekly:
		parts = append(parts, "FREQ=WEEKLY")
	case Monthly:
		parts = append(parts, "FREQ=MONTHLY")
	default:
		return "", ruleErr("choose how often to repeat: daily, weekly or monthly")
	}
	if p.Interval < 0 || p.Interval > 10000 {
		return "", model.Invalid("interval", "repeat every 1 to 10000, not %d", p.Interval)
	}
	if p.Interval > 1 {
		parts = append(parts, fmt.Sprintf("INTERVAL=%d", p.Interval))
	}
	days, err := presetDays(p)
	if err != nil {
		return "", err
	}
	if days != "" {
		parts = append(parts, "BYDAY="+days)
	}
	if p.MonthDay != 0 {
		if p.Repeat != Monthly || p.MonthDay < -1 || p.MonthDay > 31 {
			return "", model.Invalid("month_day", "the day of the month must be from 1 to 31, or the last day, and only for monthly repeats")
		}
		parts = append(parts, fmt.Sprintf("BYMONTHDAY=%d", p.MonthDay))
	}
	switch {
	case p.Count < 0 || p.Count > 10000:
		return "", model.Invalid("count", "the number of posts must be from 1 to 10000")
	case p.Count > 0 && p.Until != "":
		return "", model.Invalid("until", "end the repeat after a number of posts or on a date, not both")
	case p.Count > 0:
		parts = append(parts, fmt.Sprintf("COUNT=%d", p.Count))
	case p.Until != "":
		c, err := parseDate(p.Until)
		if err != nil {
			return "", model.Invalid("until", "%s", model.AsError(err).Msg)
		}
		// The day ends one second before the next day starts (which a DST
		// change at midnight can move).
		next := civil{y: c.y, mo: c.mo, d: c.d + 1}
		next = wallOf(next.naive())
		end := firstInstant(next, zone).Add(-time.Second)
		parts = append(parts, "UNTIL="+end.UTC().Format("20060102T150405Z"))
	}
	return strings.Join(parts, ";"), nil
}

func presetDays(p Preset) (string, error) {
	if len(p.Weekdays) == 0 {
		return "", nil
	}
	if p.Repeat != Weekly {
		return "", model.Invalid("weekdays", "weekdays can be chosen only for weekly repeats")
	}
	var seen [7]bool
	for _, d := range p.Weekdays {
		if d < time.Sunday || d > time.Saturday {
			return "", model.Invalid("weekdays", "weekday %d does not exist; weekdays run from 0 (Sunday) to 6 (Saturday)", int(d))
		}
		seen[d] = true
	}
	var out []string
	// Monday first, the order people read a week in.
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		if seen[d] {
			out = append(out, rruleDays[d])
		}
	}
	return strings.Join(out, ","), nil
}
