package web

import (
	"strconv"
	"time"

	"herald/internal/model"
)

// Chart geometry in SVG user units: one slot per day, bars drawn up from
// the baseline. The SVG scales to its box through viewBox and CSS, so these
// are proportions, not pixels.
const (
	chartDays   = 90
	chartSlot   = 8
	chartBar    = 6
	chartHeight = 120
)

// dayChart is the clicks-per-day bar chart, drawn by the server as SVG
// markup in the template: the CSP allows inline SVG elements, and every
// position is an attribute, never a style.
type dayChart struct {
	Width, Height int
	Base          int // the y of the baseline
	Bars          []dayBar
	Max           int // the busiest day's clicks
	From, To      string
	Label         string // the chart's text alternative
}

// dayBar is one day's bar; days without clicks get no bar.
type dayBar struct {
	X, Y, W, H int
	Day        string
	Clicks     int
}

// newDayChart lays out the last chartDays days up to today (UTC) from the
// days that had human clicks.
func newDayChart(days []model.DayCount, today time.Time) dayChart {
	today = today.UTC()
	start := today.AddDate(0, 0, -chartDays+1)
	c := dayChart{Width: chartDays * chartSlot, Height: chartHeight + 1, Base: chartHeight,
		From: start.Format("2 Jan 2006"), To: today.Format("2 Jan 2006")}
	byDay := make(map[string]int, len(days))
	total := 0
	for _, d := range days {
		byDay[d.Day] = d.Clicks
		c.Max = max(c.Max, d.Clicks)
		total += d.Clicks
	}
	for i := range chartDays {
		day := start.AddDate(0, 0, i).Format(time.DateOnly)
		n := byDay[day]
		if n == 0 {
			continue
		}
		// Every day with a click stays visible, however busy the peak.
		h := max(2, n*(chartHeight-4)/c.Max)
		c.Bars = append(c.Bars, dayBar{X: i*chartSlot + (chartSlot-chartBar)/2, Y: chartHeight - h, W: chartBar, H: h, Day: day, Clicks: n})
	}
	c.Label = "Human clicks per day from " + c.From + " to " + c.To + ": " + strconv.Itoa(total) + " in all"
	if c.Max > 0 {
		c.Label += ", at most " + strconv.Itoa(c.Max) + " on one day"
	}
	return c
}
