package schedule

import (
	"testing"
	"time"

	"herald/internal/model"
)

func TestEvergreen(t *testing.T) {
	day := 24 * time.Hour
	p := Evergreen{MinGap: 30 * day, MaxCount: 3}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name      string
		published []time.Time
		now       time.Time
		at        time.Time
		ok, can   bool
	}{
		{"never published", nil, t0, time.Time{}, true, true},
		{"too soon", []time.Time{t0}, t0.Add(29 * day), t0.Add(30 * day), true, false},
		{"exactly the gap", []time.Time{t0}, t0.Add(30 * day), t0.Add(30 * day), true, true},
		{"latest counts, any order", []time.Time{t0.Add(40 * day), t0}, t0.Add(60 * day), t0.Add(70 * day), true, false},
		{"max reached", []time.Time{t0, t0.Add(40 * day), t0.Add(80 * day)}, t0.Add(400 * day), time.Time{}, false, false},
	} {
		at, ok := p.NextRequeue(c.published)
		if !at.Equal(c.at) || ok != c.ok {
			t.Errorf("%s: NextRequeue = %v, %v; want %v, %v", c.name, at, ok, c.at, c.ok)
		}
		if can := p.CanRequeue(c.published, c.now); can != c.can {
			t.Errorf("%s: CanRequeue = %v, want %v", c.name, can, c.can)
		}
	}
	unlimited := Evergreen{MinGap: day}
	if _, ok := unlimited.NextRequeue(make([]time.Time, 1000)); !ok {
		t.Error("MaxCount 0 should mean no limit")
	}
	for _, c := range []struct {
		p     Evergreen
		field string
	}{
		{Evergreen{MinGap: time.Minute}, "min_gap"},
		{Evergreen{MinGap: day, MaxCount: -1}, "max_count"},
	} {
		if e := model.AsError(c.p.Validate()); e == nil || e.Field != c.field {
			t.Errorf("Validate(%+v) = %v, want field %s", c.p, e, c.field)
		}
	}
}

func TestMissed(t *testing.T) {
	due := time.Date(2026, 3, 8, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		now    time.Time
		window time.Duration
		want   bool
	}{
		{due.Add(-time.Minute), time.Hour, false}, // early
		{due, time.Hour, false},
		{due.Add(time.Hour), time.Hour, false}, // the window's edge still posts
		{due.Add(time.Hour + time.Second), time.Hour, true},
		{due.Add(time.Second), 0, true},
		{due.Add(24 * time.Hour), 48 * time.Hour, false},
	} {
		if got := Missed(due, c.now, c.window); got != c.want {
			t.Errorf("Missed(due, due%+v, %v) = %v, want %v", c.now.Sub(due), c.window, got, c.want)
		}
	}
}
