package inbox

import (
	"slices"
	"sort"
	"time"

	"herald/internal/model"
	"herald/internal/store"
)

// buildReport sums the report rows overall, per person and per channel.
func buildReport(rows []store.ReportRow, st model.InboxSettings, hours businessHours, from, to, now time.Time) Report {
	r := Report{From: from, To: to}
	var first, res []time.Duration
	people, chans := map[string]*lineAcc{}, map[string]*lineAcc{}
	for _, row := range rows {
		r.Conversations++
		r.Messages += row.Inbound
		fr, rs := span(row.FirstInboundAt, row.FirstResponseAt), span(row.FirstInboundAt, row.ResolvedAt)
		if fr >= 0 {
			r.Answered++
			first = append(first, fr)
		}
		if rs >= 0 {
			r.Resolved++
			res = append(res, rs)
		}
		if breached(row, st, hours, now) {
			r.Breached++
		}
		for _, m := range []struct {
			acc map[string]*lineAcc
			key string
		}{{people, row.AssigneeID}, {chans, row.ChannelID}} {
			a := m.acc[m.key]
			if a == nil {
				a = &lineAcc{}
				m.acc[m.key] = a
			}
			a.add(row, fr, rs)
		}
	}
	r.MedianFirstResponse, r.MedianRes = median(first), median(res)
	r.ByPerson, r.ByChannel = lines(people), lines(chans)
	return r
}

// span is the time from a to b, or -1 when b has not happened.
func span(a, b time.Time) time.Duration {
	if a.IsZero() || b.IsZero() || b.Before(a) {
		return -1
	}
	return b.Sub(a)
}

// breached reports whether a conversation missed its first-response
// target (answered late, or still waiting past it) in business time.
func breached(row store.ReportRow, st model.InboxSettings, hours businessHours, now time.Time) bool {
	if st.FirstResponseMins == 0 || row.FirstInboundAt.IsZero() {
		return false
	}
	target := time.Duration(st.FirstResponseMins) * time.Minute
	end := now
	if !row.FirstResponseAt.IsZero() {
		end = row.FirstResponseAt
	}
	return hours.elapsed(row.FirstInboundAt, end) > target
}

type lineAcc struct {
	ReportLine
	first, res []time.Duration
}

func (a *lineAcc) add(row store.ReportRow, fr, rs time.Duration) {
	a.Conversations++
	a.Messages += row.Inbound
	if fr >= 0 {
		a.Answered++
		a.first = append(a.first, fr)
	}
	if rs >= 0 {
		a.Resolved++
		a.res = append(a.res, rs)
	}
}

func lines(m map[string]*lineAcc) []ReportLine {
	out := make([]ReportLine, 0, len(m))
	for k, a := range m {
		l := a.ReportLine
		l.Key, l.MedianFirstResponse, l.Median = k, median(a.first), median(a.res)
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Conversations != out[j].Conversations {
			return out[i].Conversations > out[j].Conversations
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// median of durations; -1 when there are none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return -1
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
