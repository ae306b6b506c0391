package schedule

import (
	"sort"
	"time"
)

// Go's time.Date never fails: a wall clock that the zone skips is moved by
// the size of the jump, and one that happens twice silently gets one of its
// two offsets, and neither direction is documented (for 2026 it moves New
// York's 2:30 AM gap back to 1:30 AM EST, and picks EDT for New York's
// repeated 1:30 AM but GMT, the second one, for London's). So the helpers
// here find every instant showing a wall clock by trying the offsets of the
// zone around it and keeping those that round-trip.

func offsetOf(t time.Time) int {
	_, off := t.Zone()
	return off
}

// candidates returns every instant whose wall clock in loc is c, earliest
// first: none in a spring-forward gap, two in a fall-back overlap, else one.
func candidates(c civil, loc *time.Location) []time.Time {
	naive := c.naive()
	guess := time.Date(c.y, c.mo, c.d, c.h, c.mi, c.s, 0, loc)
	offsets := []int{offsetOf(guess)}
	// The zone periods on either side of the guess hold the only other
	// offsets a nearby wall clock can have.
	start, end := guess.ZoneBounds()
	if !start.IsZero() {
		offsets = append(offsets, offsetOf(start.Add(-time.Second)))
	}
	if !end.IsZero() {
		offsets = append(offsets, offsetOf(end))
	}
	var out []time.Time
	for _, off := range offsets {
		t := naive.Add(-time.Duration(off) * time.Second).In(loc)
		if wallOf(t) != c || offsetOf(t) != off {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o.Equal(t)
		}
		if !dup {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// gapAround finds the spring-forward transition that skips wall clock c. It
// returns the transition instant (the first valid instant after the gap) and
// the naive wall clocks the jump goes from and to ("2:00" and "3:00").
func gapAround(c civil, loc *time.Location) (tr, from, to time.Time, ok bool) {
	naive := c.naive()
	guess := time.Date(c.y, c.mo, c.d, c.h, c.mi, c.s, 0, loc)
	start, end := guess.ZoneBounds()
	for _, t := range []time.Time{start, end} {
		if t.IsZero() {
			continue
		}
		oldOff, newOff := offsetOf(t.Add(-time.Second)), offsetOf(t)
		if newOff <= oldOff {
			continue
		}
		lo := t.UTC().Add(time.Duration(oldOff) * time.Second)
		hi := t.UTC().Add(time.Duration(newOff) * time.Second)
		if !naive.Before(lo) && naive.Before(hi) {
			return t.In(loc), lo, hi, true
		}
	}
	return time.Time{}, time.Time{}, time.Time{}, false
}

// firstInstant maps a wall clock to one instant without refusing: the first
// occurrence of a repeated time, and the first valid instant after the gap
// for a skipped one. Slots and recurrences use it because a standing rule
// such as "every Sunday 02:30" must still post on the day the clocks change.
func firstInstant(c civil, loc *time.Location) time.Time {
	if cands := candidates(c, loc); len(cands) > 0 {
		return cands[0]
	}
	if tr, _, _, ok := gapAround(c, loc); ok {
		return tr
	}
	return time.Date(c.y, c.mo, c.d, c.h, c.mi, c.s, 0, loc)
}

// gapEdge returns the spring-forward transition nearest to t among the
// bounds of t's zone period. Recurrence uses it to recover the end of the gap
// from a time Go already moved out of it (in either direction).
func gapEdge(t time.Time) (time.Time, bool) {
	start, end := t.ZoneBounds()
	var best time.Time
	for _, b := range []time.Time{start, end} {
		if b.IsZero() || offsetOf(b) <= offsetOf(b.Add(-time.Second)) {
			continue
		}
		if best.IsZero() || absDur(b.Sub(t)) < absDur(best.Sub(t)) {
			best = b
		}
	}
	return best, !best.IsZero()
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
