package inbox

import (
	"log/slog"
	"sort"
	"sync"
	"time"

	"herald/internal/model"
)

// Service levels count business time: with opening hours set, a message
// that arrives on Friday evening is not late on Saturday morning. Without
// opening hours every minute counts.

// businessHours are a workspace's opening hours; none set means always
// open.
type businessHours struct {
	loc   *time.Location
	spans []model.BusinessHours
}

var zones sync.Map // name → *time.Location, loaded once per process

func openingHours(st model.InboxSettings, log *slog.Logger) businessHours {
	h := businessHours{loc: time.UTC, spans: st.Hours}
	if z, ok := zones.Load(st.Zone); ok {
		h.loc = z.(*time.Location)
	} else if loc, err := time.LoadLocation(st.Zone); err == nil {
		zones.Store(st.Zone, loc)
		h.loc = loc
	} else {
		log.Warn("inbox business hours: unknown zone, using UTC", "zone", st.Zone)
	}
	return h
}

func (h businessHours) inside(t time.Time) bool {
	if len(h.spans) == 0 {
		return true
	}
	lt := t.In(h.loc)
	wd, mins := int(lt.Weekday()), lt.Hour()*60+lt.Minute()
	for _, s := range h.spans {
		if s.Weekday == wd && mins >= s.From && mins < s.To {
			return true
		}
	}
	return false
}

// maxDaysAhead bounds the walk through opening hours (a year and a bit:
// a workspace open one hour a week still reaches any sensible target).
const maxDaysAhead = 400

// open lists the spans of one local day as instants, in order.
func (h businessHours) open(day time.Time) [][2]time.Time {
	y, m, d := day.Date()
	wd := int(day.Weekday())
	var out [][2]time.Time
	for _, s := range h.spans {
		if s.Weekday != wd || s.To <= s.From {
			continue
		}
		// time.Date normalises minutes past 60 and resolves DST gaps.
		out = append(out, [2]time.Time{time.Date(y, m, d, 0, s.From, 0, 0, h.loc), time.Date(y, m, d, 0, s.To, 0, 0, h.loc)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0].Before(out[j][0]) })
	return out
}

// due is when d of business time has passed since start.
func (h businessHours) due(start time.Time, d time.Duration) time.Time {
	if len(h.spans) == 0 || d <= 0 {
		return start.Add(d)
	}
	left, at := d, start
	lt := start.In(h.loc)
	day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, h.loc)
	for i := 0; i < maxDaysAhead; i++ {
		for _, sp := range h.open(day.AddDate(0, 0, i)) {
			if !sp[1].After(at) {
				continue
			}
			from := sp[0]
			if at.After(from) {
				from = at
			}
			if avail := sp[1].Sub(from); left <= avail {
				return from.Add(left)
			} else {
				left -= avail
			}
		}
	}
	return start.Add(d) // opening hours that never open: count every minute
}

// elapsed is the business time between a and b.
func (h businessHours) elapsed(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if len(h.spans) == 0 {
		return b.Sub(a)
	}
	var sum time.Duration
	lt := a.In(h.loc)
	day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, h.loc)
	for i := 0; i < maxDaysAhead*2; i++ {
		d := day.AddDate(0, 0, i)
		if d.After(b) {
			return sum
		}
		for _, sp := range h.open(d) {
			from, to := sp[0], sp[1]
			if from.Before(a) {
				from = a
			}
			if to.After(b) {
				to = b
			}
			if to.After(from) {
				sum += to.Sub(from)
			}
		}
	}
	return sum
}
