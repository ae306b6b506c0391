package inbox

import (
	"log/slog"
	"testing"
	"time"

	"herald/internal/model"
	"herald/internal/store"
)

// weekdays9to5 is Monday to Friday, 9:00 to 17:00.
func weekdays9to5(zone string) businessHours {
	st := model.InboxSettings{Zone: zone}
	for d := 1; d <= 5; d++ {
		st.Hours = append(st.Hours, model.BusinessHours{Weekday: d, From: 9 * 60, To: 17 * 60})
	}
	return openingHours(st, slog.New(slog.DiscardHandler))
}

func TestBusinessTime(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	h := weekdays9to5("Europe/Berlin")
	for _, c := range []struct {
		start string
		d     time.Duration
		want  string
	}{
		{"2026-12-04 16:30", time.Hour, "2026-12-07 09:30"},        // Friday evening → Monday morning
		{"2026-12-05 10:00", time.Hour, "2026-12-07 10:00"},        // Saturday: the clock starts Monday
		{"2026-12-07 08:00", 30 * time.Minute, "2026-12-07 09:30"}, // before opening
		{"2026-12-07 10:00", 9 * time.Hour, "2026-12-08 11:00"},    // over a night
		{"2026-12-07 17:00", 0, "2026-12-07 17:00"},
	} {
		if got := h.due(at(c.start), c.d); !got.Equal(at(c.want)) {
			t.Errorf("due(%s, %s) = %s, want %s", c.start, c.d, got.In(berlin), c.want)
		}
		if c.d > 0 {
			if got := h.elapsed(at(c.start), at(c.want)); got != c.d {
				t.Errorf("elapsed(%s, %s) = %s, want %s", c.start, c.want, got, c.d)
			}
		}
	}
	// Across the spring-forward night a Sunday span 1:00–4:00 lasts two
	// real hours.
	sunday := openingHours(model.InboxSettings{Zone: "Europe/Berlin", Hours: []model.BusinessHours{{Weekday: 0, From: 60, To: 240}}}, slog.New(slog.DiscardHandler))
	if got := sunday.elapsed(at("2026-03-29 00:00"), at("2026-03-29 12:00")); got != 2*time.Hour {
		t.Errorf("DST day: %s of business time, want 2h", got)
	}
	// No opening hours: every minute counts.
	always := openingHours(model.InboxSettings{Zone: "UTC"}, slog.New(slog.DiscardHandler))
	if got := always.due(at("2026-12-05 10:00"), time.Hour); !got.Equal(at("2026-12-05 11:00")) {
		t.Errorf("always open: %s", got)
	}
}

// A message on Friday evening answered first thing Monday is within a
// one-hour target when business hours are set, and late without them.
func TestBreachCountsBusinessTime(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	in := time.Date(2026, 12, 4, 16, 45, 0, 0, berlin)
	row := store.ReportRow{FirstInboundAt: in, FirstResponseAt: time.Date(2026, 12, 7, 9, 10, 0, 0, berlin)}
	st := model.InboxSettings{Zone: "Europe/Berlin", FirstResponseMins: 60}
	now := in.Add(72 * time.Hour)
	if breached(row, st, weekdays9to5("Europe/Berlin"), now) {
		t.Error("25 business minutes counted as a breach")
	}
	if !breached(row, st, openingHours(model.InboxSettings{Zone: "Europe/Berlin"}, slog.New(slog.DiscardHandler)), now) {
		t.Error("without business hours, 2.5 days is a breach")
	}
	waiting := store.ReportRow{FirstInboundAt: in}
	if breached(waiting, st, weekdays9to5("Europe/Berlin"), time.Date(2026, 12, 7, 9, 0, 0, 0, berlin)) {
		t.Error("still waiting at Monday's opening: 15 business minutes, not a breach")
	}
	if !breached(waiting, st, weekdays9to5("Europe/Berlin"), time.Date(2026, 12, 7, 9, 50, 0, 0, berlin)) {
		t.Error("still waiting at 9:50 on Monday: 65 business minutes, a breach")
	}
}
