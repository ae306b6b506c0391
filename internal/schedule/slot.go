package schedule

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"herald/internal/model"
)

// DefaultScanLimit is how many slot instants NextFree and Plan look at, past
// the ones they need, before giving up on a full queue: with 3 slots a day it
// covers about nine months.
const DefaultScanLimit = 800

// errNoSlots is what a channel without a posting schedule reports.
var errNoSlots = model.Invalid("slots", "this channel has no posting slots; add some under the channel's Queue settings")

// Slot is a weekly posting time: a weekday and a minute of the day, both in
// the channel's own time zone (not the viewer's), so "mon 09:30" in
// Asia/Kolkata is 09:30 in Kolkata whoever looks at it.
type Slot struct {
	Weekday time.Weekday
	Minute  int // minutes after local midnight, 0–1439
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday,
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
}

// ParseSlot reads a slot written as a weekday and a 24-hour time, such as
// "mon 09:30" or "Friday 17:05"; it is the inverse of Slot.String.
func ParseSlot(s string) (Slot, error) {
	fields := strings.Fields(s)
	bad := func() error {
		return model.Invalid("slot", "%s is not a posting slot; write a weekday and a 24-hour time, for example \"mon 09:30\"", quote(s))
	}
	if len(fields) != 2 {
		return Slot{}, bad()
	}
	wd, ok := weekdayNames[strings.ToLower(fields[0])]
	if !ok {
		return Slot{}, model.Invalid("slot", "%s is not a weekday; use mon, tue, wed, thu, fri, sat or sun", quote(fields[0]))
	}
	h, m, sec, err := parseClock(fields[1])
	if err != nil {
		// Keep the clock message (it names the problem) but file it under the slot.
		return Slot{}, model.Invalid("slot", "%s", model.AsError(err).Msg)
	}
	if sec != 0 || strings.Count(fields[1], ":") > 1 {
		return Slot{}, model.Invalid("slot", "posting slots are set to the minute; write %s as HH:MM", quote(fields[1]))
	}
	return Slot{Weekday: wd, Minute: h*60 + m}, nil
}

// String writes the slot as "mon 09:30", the form ParseSlot reads and the
// form stored in channel settings.
func (s Slot) String() string {
	day := strings.ToLower(s.Weekday.String())
	if len(day) > 3 {
		day = day[:3]
	}
	return fmt.Sprintf("%s %02d:%02d", day, s.Minute/60, s.Minute%60)
}

// Label writes the slot for people: "Monday 09:30".
func (s Slot) Label() string {
	return fmt.Sprintf("%s %02d:%02d", s.Weekday, s.Minute/60, s.Minute%60)
}

// Validate checks the weekday and minute are in range.
func (s Slot) Validate() error {
	if s.Weekday < time.Sunday || s.Weekday > time.Saturday {
		return model.Invalid("slots", "a posting slot has weekday %d; weekdays run from 0 (Sunday) to 6 (Saturday)", int(s.Weekday))
	}
	if s.Minute < 0 || s.Minute >= 24*60 {
		return model.Invalid("slots", "a posting slot on %s has minute %d; slots run from 00:00 to 23:59", s.Weekday, s.Minute)
	}
	return nil
}

// ValidateSlots checks every slot and refuses duplicates, which would
// otherwise look like two places in the queue but post only once.
func ValidateSlots(slots []Slot) error {
	seen := make(map[Slot]bool, len(slots))
	for _, s := range slots {
		if err := s.Validate(); err != nil {
			return err
		}
		if seen[s] {
			return model.Invalid("slots", "%s is listed twice; remove one of them", s.Label())
		}
		seen[s] = true
	}
	return nil
}

// SortSlots orders slots through the week, Sunday first, for display.
func SortSlots(slots []Slot) {
	sort.Slice(slots, func(i, j int) bool {
		if slots[i].Weekday != slots[j].Weekday {
			return slots[i].Weekday < slots[j].Weekday
		}
		return slots[i].Minute < slots[j].Minute
	})
}

// NextFree returns the first slot instant strictly after after for which
// taken returns false (a nil taken means nothing is taken). Slots are read in
// zone, the channel's zone. A slot that falls in a spring-forward gap on a
// given day posts at the first valid instant after the gap (Sunday 02:30 in
// New York on 8 March 2026 posts at 3:00 AM EDT); a slot in a fall-back hour
// posts at its first occurrence. Two slots that land on the same instant
// count once. After limit slot instants (DefaultScanLimit when limit <= 0)
// it gives up with a conflict error: the queue is full that far ahead.
func NextFree(slots []Slot, zone *time.Location, after time.Time, taken func(time.Time) bool, limit int) (time.Time, error) {
	got, err := plan(slots, zone, after, 1, taken, limit)
	if err != nil {
		return time.Time{}, err
	}
	return got[0], nil
}

// Plan returns the next n free slot instants after after, in order, with the
// rules of NextFree. To re-plan a queue, pass the queued posts' count as n and
// a taken that reports the instants held by posts outside the queue (pinned
// or custom-timed ones); post i then goes to Plan's i-th instant, and Moves
// lists which posts change.
func Plan(slots []Slot, zone *time.Location, after time.Time, n int, taken func(time.Time) bool) ([]time.Time, error) {
	if n <= 0 {
		return nil, nil
	}
	return plan(slots, zone, after, n, taken, 0)
}

func plan(slots []Slot, zone *time.Location, after time.Time, n int, taken func(time.Time) bool, limit int) ([]time.Time, error) {
	if zone == nil {
		return nil, errors.New("schedule: nil zone")
	}
	if len(slots) == 0 {
		return nil, errNoSlots
	}
	if err := ValidateSlots(slots); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultScanLimit
	}
	limit += n
	out := make([]time.Time, 0, n)
	seen := 0
	for t := range upcoming(slots, zone, after) {
		if seen++; seen > limit {
			break
		}
		if taken == nil || !taken(t) {
			if out = append(out, t); len(out) == n {
				return out, nil
			}
		}
	}
	return nil, model.Conflict("slots", "every posting slot in the next %d is taken; add more slots or remove posts from the queue", limit)
}

// upcoming yields the slot instants strictly after after, in order, without
// end; the caller stops.
func upcoming(slots []Slot, zone *time.Location, after time.Time) func(yield func(time.Time) bool) {
	var byDay [7][]int
	for _, s := range slots {
		byDay[s.Weekday] = append(byDay[s.Weekday], s.Minute)
	}
	for i := range byDay {
		sort.Ints(byDay[i])
	}
	return func(yield func(time.Time) bool) {
		y, m, d := after.In(zone).Date()
		// Start a day early: a slot late on the previous local day can map
		// past midnight when a gap ends there. Noon UTC is a safe civil-date
		// carrier; AddDate on it never meets a DST change.
		day := time.Date(y, m, d-1, 12, 0, 0, 0, time.UTC)
		var last time.Time
		for day.Year() < 10000 {
			for _, minute := range byDay[day.Weekday()] {
				c := civil{y: day.Year(), mo: day.Month(), d: day.Day(), h: minute / 60, mi: minute % 60}
				t := firstInstant(c, zone)
				if !t.After(after) || !t.After(last) {
					continue // in the past, or a gap slot already yielded
				}
				last = t
				if !yield(t) {
					return
				}
			}
			day = day.AddDate(0, 0, 1)
		}
	}
}

// Move is one queued post whose planned instant changes: Index is its place
// in the queue, From the old instant (zero if it had none) and To the new one
// (zero if it no longer gets one).
type Move struct {
	Index    int
	From, To time.Time
}

// Moves compares old and new assignments of a queue, position by position,
// and lists the posts that move, so the UI can say "3 posts move" and show
// where before saving.
func Moves(old, next []time.Time) []Move {
	var out []Move
	for i := 0; i < max(len(old), len(next)); i++ {
		var from, to time.Time
		if i < len(old) {
			from = old[i]
		}
		if i < len(next) {
			to = next[i]
		}
		if !from.Equal(to) {
			out = append(out, Move{Index: i, From: from, To: to})
		}
	}
	return out
}
