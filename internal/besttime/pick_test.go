package besttime

import (
	"fmt"
	"testing"
	"time"
)

func TestSlotsForLimits(t *testing.T) {
	loc := newYork(t)
	results := map[string]Result{
		"history": Compute(synth(loc, 1500, 21, peaks), loc, "bluesky", Options{}),
		"empty":   Compute(nil, loc, "discord", Options{}),
		"zero":    {},
	}
	for name, res := range results {
		for _, perWeek := range []int{-1, 0, 1, 5, 14, 15, 21, 100, 168, 500} {
			got := SlotsFor(res, perWeek)
			want := min(max(perWeek, 0), 168)
			if len(got) != want {
				t.Fatalf("%s: SlotsFor(%d) gave %d slots", name, perWeek, len(got))
			}
			perDay := 2
			if perWeek > 14 {
				perDay = (min(perWeek, 168) + 6) / 7
			}
			checkSlots(t, name, got, perDay)
		}
	}
}

// checkSlots asserts distinct, valid slots, at most perDay a day, best first.
func checkSlots(t *testing.T, name string, got []Slot, perDay int) {
	t.Helper()
	seen := map[[2]int]bool{}
	var onDay [7]int
	for i, s := range got {
		key := [2]int{int(s.Weekday), s.Hour}
		if seen[key] || s.Hour < 0 || s.Hour > 23 || s.Weekday < time.Sunday || s.Weekday > time.Saturday {
			t.Fatalf("%s: duplicate or invalid slot %v in %v", name, s, got)
		}
		seen[key] = true
		if onDay[s.Weekday]++; onDay[s.Weekday] > perDay {
			t.Fatalf("%s: more than %d slots on %v: %v", name, perDay, s.Weekday, got)
		}
		if i > 0 && got[i-1].Score < s.Score {
			t.Fatalf("%s: not best first: %v", name, got)
		}
	}
}

func TestSlotsForPicksPeaks(t *testing.T) {
	loc := newYork(t)
	res := Compute(synth(loc, 1500, 22, peaks), loc, "bluesky", Options{})
	got := SlotsFor(res, 4)
	for _, s := range got {
		if !isPeak(s) {
			t.Fatalf("SlotsFor(4) = %v, want the four peaks", got)
		}
	}
	if s := got[0]; s.Minute() != s.Hour*60 || len(s.String()) != len("Tue 09:00") {
		t.Errorf("slot %v: minute %d", s, s.Minute())
	}
}

func TestBestSpreadsAdjacentHours(t *testing.T) {
	// A broad bump on Wednesday morning and two good hours on other days:
	// Wednesday's neighbouring hours must not crowd those out.
	var res Result
	for d := range 7 {
		for h := range 24 {
			res.Cells[d][h].Score = 0.5 + 0.01*float64(h%5)
		}
	}
	set := func(d time.Weekday, h int, s float64) { res.Cells[d][h].Score = s }
	set(time.Wednesday, 8, 0.95)
	set(time.Wednesday, 9, 1)
	set(time.Wednesday, 10, 0.95)
	set(time.Friday, 15, 0.85)
	set(time.Monday, 20, 0.84)
	got := fmt.Sprint(pick(&res.Cells, 3, 24, 1))
	if want := "[Wed 09:00 Fri 15:00 Mon 20:00]"; got != want {
		t.Errorf("best 3 = %s, want %s", got, want)
	}
	// When the neighbour is clearly better than anything elsewhere it is
	// still taken.
	set(time.Friday, 15, 0.7)
	set(time.Monday, 20, 0.6)
	got = fmt.Sprint(pick(&res.Cells, 3, 24, 1))
	if want := "[Wed 09:00 Wed 08:00 Wed 10:00]"; got != want {
		t.Errorf("best 3 = %s, want %s", got, want)
	}
}

func TestSlotString(t *testing.T) {
	if got := (Slot{Weekday: time.Tuesday, Hour: 9}).String(); got != "Tue 09:00" {
		t.Errorf("String = %q", got)
	}
}
