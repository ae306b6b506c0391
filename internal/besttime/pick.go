package besttime

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// spreadPenalty multiplies a candidate's score once for each chosen slot
// close to it on the same day, so a neighbouring hour is only picked when it
// beats the best slot elsewhere by more than 15%. Smoothing makes the hours
// around a peak look good too; without this the picks would bunch up.
const spreadPenalty = 0.85

// SlotsFor picks perWeek weekly posting slots from a result, best first,
// for "use best times": at most two a day (more only when perWeek > 14
// needs them) and, unless clearly better, at least three hours apart on the
// same day. perWeek is capped at 168; zero or less gives none.
func SlotsFor(result Result, perWeek int) []Slot {
	if perWeek <= 0 {
		return nil
	}
	perWeek = min(perWeek, slots)
	perDay := 2
	if perWeek > 14 {
		perDay = (perWeek + 6) / 7
	}
	return pick(&result.Cells, perWeek, perDay, 2)
}

// pick chooses n distinct slots greedily by score, at most perDay on one
// weekday, penalising candidates within gap hours of a chosen slot on the
// same day, and returns them best first.
func pick(cells *[7][24]Cell, n, perDay, gap int) []Slot {
	chosen := make([]Slot, 0, n)
	var taken [slots]bool
	var onDay [7]int
	for len(chosen) < n {
		best, bestEff := -1, math.Inf(-1)
		for i := range slots {
			d, hr := i/24, i%24
			if taken[i] || onDay[d] >= perDay {
				continue
			}
			eff := cells[d][hr].Score * math.Pow(spreadPenalty, float64(near(chosen, d, hr, gap)))
			if eff > bestEff {
				best, bestEff = i, eff
			}
		}
		if best < 0 {
			break
		}
		d, hr := best/24, best%24
		c := cells[d][hr]
		taken[best], onDay[d] = true, onDay[d]+1
		chosen = append(chosen, Slot{Weekday: time.Weekday(d), Hour: hr, Score: c.Score, Confidence: c.Confidence})
	}
	slices.SortStableFunc(chosen, func(a, b Slot) int { return cmp.Compare(b.Score, a.Score) })
	return chosen
}

// near counts chosen slots on weekday d within gap hours of hr.
func near(chosen []Slot, d, hr, gap int) int {
	k := 0
	for _, s := range chosen {
		if int(s.Weekday) == d && abs(s.Hour-hr) <= gap {
			k++
		}
	}
	return k
}

// abs is |x|.
func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
