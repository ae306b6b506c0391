package schedule

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
)

// ErrorKind says what is wrong with a requested time, so the UI and the API
// can offer the matching fix (a zone picker, a format hint, a choice of two
// instants).
type ErrorKind int

// Kinds of TimeError.
const (
	KindZone      ErrorKind = iota + 1 // not a usable IANA time zone name
	KindDate                           // not YYYY-MM-DD, or not on the calendar
	KindClock                          // not a 24-hour HH:MM[:SS] time of day
	KindGap                            // skipped when clocks spring forward
	KindAmbiguous                      // happens twice when clocks fall back
	KindOffset                         // the offset given does not fit the zone then
	KindPast                           // already passed
)

// String returns a stable lower-case name for the kind, for API payloads.
func (k ErrorKind) String() string {
	switch k {
	case KindZone:
		return "zone"
	case KindDate:
		return "date"
	case KindClock:
		return "clock"
	case KindGap:
		return "gap"
	case KindAmbiguous:
		return "ambiguous"
	case KindOffset:
		return "offset"
	case KindPast:
		return "past"
	}
	return "unknown"
}

// TimeError is a refused date, time or zone. It wraps a *model.Error of kind
// invalid (so model.KindOf and model.AsError work on it) and adds the
// instants a form can offer instead: for KindGap the last minute before and
// the first instant after the skipped hour, for KindAmbiguous both
// occurrences, earliest first.
type TimeError struct {
	Kind    ErrorKind
	Options []time.Time
	Err     *model.Error
}

func (e *TimeError) Error() string { return e.Err.Error() }

// Unwrap exposes the model error so every surface maps it like any other
// invalid input.
func (e *TimeError) Unwrap() error { return e.Err }

func timeErr(kind ErrorKind, field string, options []time.Time, format string, args ...any) *TimeError {
	var me *model.Error
	errors.As(model.Invalid(field, format, args...), &me)
	return &TimeError{Kind: kind, Options: options, Err: me}
}

// LoadZone returns the location for an IANA zone name such as
// "Europe/Berlin". It refuses "" and "Local" (the server's own zone, which
// would silently change when the server moves) and legacy names without a
// slash such as "EST", which are fixed offsets that ignore daylight saving
// time; "UTC" is accepted.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return nil, timeErr(KindZone, "zone", nil, "choose a time zone, for example Europe/Berlin or America/New_York")
	case strings.EqualFold(name, "local"):
		return nil, timeErr(KindZone, "zone", nil, `"Local" is the server's own time zone, not an IANA time zone name; choose one such as Europe/Berlin`)
	case name != "UTC" && !strings.Contains(name, "/"):
		return nil, timeErr(KindZone, "zone", nil, "%s is not an IANA Area/City time zone name and may ignore daylight saving time; use a name such as America/New_York or Europe/Berlin", quote(name))
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, timeErr(KindZone, "zone", nil, "%s is not an IANA time zone name; use a name such as Europe/Berlin or America/New_York", quote(name))
	}
	return loc, nil
}

// civil is a wall-clock date and time with no zone attached.
type civil struct {
	y           int
	mo          time.Month
	d, h, mi, s int
}

// naive returns the wall clock as if it were UTC, which makes wall clocks
// comparable and lets offsets be added as plain durations.
func (c civil) naive() time.Time {
	return time.Date(c.y, c.mo, c.d, c.h, c.mi, c.s, 0, time.UTC)
}

func wallOf(t time.Time) civil {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return civil{y, mo, d, h, mi, s}
}

// parseDate reads a strict YYYY-MM-DD date.
func parseDate(s string) (civil, error) {
	s = strings.TrimSpace(s)
	bad := func() error {
		return timeErr(KindDate, "date", nil, "%s is not a date; use YYYY-MM-DD, for example 2026-03-08", quote(s))
	}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return civil{}, bad()
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return civil{}, bad()
	}
	if y < 1 {
		return civil{}, timeErr(KindDate, "date", nil, "%s has year 0000; use a year from 0001 on", quote(s))
	}
	if mo < 1 || mo > 12 {
		return civil{}, timeErr(KindDate, "date", nil, "%s has no month %d; months run from 01 to 12", quote(s), mo)
	}
	if n := daysIn(y, time.Month(mo)); d < 1 || d > n {
		return civil{}, timeErr(KindDate, "date", nil, "%s is not on the calendar: %s %d has %d days", quote(s), time.Month(mo), y, n)
	}
	return civil{y: y, mo: time.Month(mo), d: d}, nil
}

// parseClock reads a 24-hour H:MM, HH:MM or HH:MM:SS time of day.
func parseClock(s string) (h, m, sec int, err error) {
	s = strings.TrimSpace(s)
	bad := func() error {
		if l := strings.ToLower(s); strings.HasSuffix(l, "am") || strings.HasSuffix(l, "pm") {
			return timeErr(KindClock, "time", nil, "%s uses AM/PM; use the 24-hour clock, for example 14:30 for 2:30 PM", quote(s))
		}
		return timeErr(KindClock, "time", nil, "%s is not a time of day; use the 24-hour clock as HH:MM, for example 09:30 or 14:05", quote(s))
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || len(parts[0]) < 1 || len(parts[0]) > 2 {
		return 0, 0, 0, bad()
	}
	h, ok := digits(parts[0])
	if !ok {
		return 0, 0, 0, bad()
	}
	vals := []int{0, 0}
	for i, p := range parts[1:] {
		v, ok := digits(p)
		if !ok || len(p) != 2 {
			return 0, 0, 0, bad()
		}
		vals[i] = v
	}
	m, sec = vals[0], vals[1]
	switch {
	case h > 23:
		return 0, 0, 0, timeErr(KindClock, "time", nil, "%s has hour %d; hours run from 00 to 23", quote(s), h)
	case m > 59:
		return 0, 0, 0, timeErr(KindClock, "time", nil, "%s has minute %d; minutes run from 00 to 59", quote(s), m)
	case sec > 59:
		return 0, 0, 0, timeErr(KindClock, "time", nil, "%s has second %d; seconds run from 00 to 59", quote(s), sec)
	}
	return h, m, sec, nil
}

// Resolve turns a local date ("2026-03-08") and 24-hour time ("09:30" or
// "09:30:15") in an IANA zone into an instant. A time that the zone skips
// (spring forward) or repeats (fall back) is refused with a *TimeError of
// kind KindGap or KindAmbiguous whose Options hold the instants to choose
// from; pass the chosen offset to ResolveWithOffset.
func Resolve(date, clock, zone string) (time.Time, error) {
	return resolve(date, clock, zone, nil)
}

// ResolveWithOffset is Resolve with the UTC offset (in seconds east of UTC)
// the user chose, which settles a time that happens twice. For any other time
// the offset must match the zone's offset at that moment, so a stale choice is
// refused (KindOffset) rather than silently moved by an hour.
func ResolveWithOffset(date, clock, zone string, offsetSeconds int) (time.Time, error) {
	return resolve(date, clock, zone, &offsetSeconds)
}

func resolve(date, clock, zone string, offset *int) (time.Time, error) {
	loc, err := LoadZone(zone)
	if err != nil {
		return time.Time{}, err
	}
	c, err := parseDate(date)
	if err != nil {
		return time.Time{}, err
	}
	if c.h, c.mi, c.s, err = parseClock(clock); err != nil {
		return time.Time{}, err
	}
	cands := candidates(c, loc)
	switch {
	case len(cands) == 0:
		return time.Time{}, gapError(c, loc)
	case offset != nil:
		for _, t := range cands {
			if offsetOf(t) == *offset {
				return t, nil
			}
		}
		if len(cands) == 1 {
			return time.Time{}, timeErr(KindOffset, "time", cands, "%s on %s in %s is at %s, not %s",
				fmtClock(c.h, c.mi, c.s), fmtDate(c), loc, fmtOffset(offsetOf(cands[0])), fmtOffset(*offset))
		}
		return time.Time{}, ambiguousError(c, loc, cands)
	case len(cands) > 1:
		return time.Time{}, ambiguousError(c, loc, cands)
	}
	return cands[0], nil
}

// NotInPast refuses a time before now, naming it in its own zone.
func NotInPast(t, now time.Time) error {
	if !t.Before(now) {
		return nil
	}
	c := wallOf(t)
	return timeErr(KindPast, "time", nil, "%s on %s (%s) has already passed; choose a later time",
		fmtClock(c.h, c.mi, c.s), fmtDate(c), t.Location())
}

func gapError(c civil, loc *time.Location) *TimeError {
	tr, before, after, ok := gapAround(c, loc)
	if !ok { // no transition found: cannot happen with real zone data, but never panic
		return timeErr(KindGap, "time", nil, "%s does not exist on %s in %s; choose another time", fmtClock(c.h, c.mi, c.s), fmtDate(c), loc)
	}
	earlier, later := tr.Add(-time.Minute), tr
	return timeErr(KindGap, "time", []time.Time{earlier, later},
		"%s does not exist on %s in %s (clocks jump from %s to %s); choose %s or %s",
		fmtClock(c.h, c.mi, c.s), fmtDate(c), loc, fmt24(before), fmt24(after),
		fmtChoice(earlier, c, false), fmtChoice(later, c, false))
}

func ambiguousError(c civil, loc *time.Location, cands []time.Time) *TimeError {
	first, second := cands[0], cands[len(cands)-1]
	// The wall clock just before the second occurrence's zone began shows
	// where the clocks were turned back from.
	tr, _ := second.ZoneBounds()
	from := tr.Add(time.Duration(offsetOf(first)) * time.Second).UTC()
	to := tr.Add(time.Duration(offsetOf(second)) * time.Second).UTC()
	return timeErr(KindAmbiguous, "time", []time.Time{first, second},
		"%s happens twice on %s in %s (clocks go back from %s to %s); choose %s or %s",
		fmtClock(c.h, c.mi, c.s), fmtDate(c), loc, fmt24(from), fmt24(to),
		fmtChoice(first, c, true), fmtChoice(second, c, true))
}

// digits parses a non-empty run of ASCII digits (no sign, no spaces).
func digits(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// quote shows user input in a message, shortened so a pasted paragraph does
// not flood the form.
func quote(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}

// fmtClock writes a time of day the way people say it: "2:30 AM".
func fmtClock(h, m, s int) string {
	ampm := "AM"
	if h >= 12 {
		ampm = "PM"
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	if s != 0 {
		return fmt.Sprintf("%d:%02d:%02d %s", h12, m, s, ampm)
	}
	return fmt.Sprintf("%d:%02d %s", h12, m, ampm)
}

// fmtDate writes "8 March 2026", which no reader can misread as day/month.
func fmtDate(c civil) string {
	return fmt.Sprintf("%d %s %d", c.d, c.mo, c.y)
}

// fmt24 writes a naive wall clock as "2:00", for "clocks jump from 2:00 to 3:00".
func fmt24(naive time.Time) string {
	return fmt.Sprintf("%d:%02d", naive.Hour(), naive.Minute())
}

// fmtOffset writes "UTC−4" or "UTC+5:30" with a true minus sign.
func fmtOffset(sec int) string {
	if sec == 0 {
		return "UTC"
	}
	sign := "+"
	if sec < 0 {
		sign, sec = "−", -sec
	}
	if m := sec % 3600 / 60; m != 0 {
		return fmt.Sprintf("UTC%s%d:%02d", sign, sec/3600, m)
	}
	return fmt.Sprintf("UTC%s%d", sign, sec/3600)
}

// fmtChoice writes an option: its clock, the date when it differs from the
// requested one, and with zone the abbreviation and offset that tell two
// occurrences apart ("1:30 AM EDT (UTC−4)"). Numeric abbreviations such as
// Lord Howe's "+1030" are left out because the offset already says it.
func fmtChoice(t time.Time, req civil, zone bool) string {
	w := wallOf(t)
	out := fmtClock(w.h, w.mi, w.s)
	if w.y != req.y || w.mo != req.mo || w.d != req.d {
		out += " on " + fmtDate(w)
	}
	if !zone {
		return out
	}
	if name, _ := t.Zone(); name != "" && name[0] != '+' && name[0] != '-' {
		out += " " + name
	}
	return out + " (" + fmtOffset(offsetOf(t)) + ")"
}
