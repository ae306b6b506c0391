package schedule

import (
	"strings"
	"testing"
	"time"

	"herald/internal/model"
)

func TestParseSlot(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Slot
		str  string
	}{
		{"mon 09:30", Slot{time.Monday, 570}, "mon 09:30"},
		{"  Friday   17:05 ", Slot{time.Friday, 17*60 + 5}, "fri 17:05"},
		{"SUN 0:00", Slot{time.Sunday, 0}, "sun 00:00"},
		{"thurs 23:59", Slot{time.Thursday, 1439}, "thu 23:59"},
		{"sat 7:15", Slot{time.Saturday, 435}, "sat 07:15"},
	} {
		got, err := ParseSlot(c.in)
		if err != nil || got != c.want || got.String() != c.str {
			t.Errorf("ParseSlot(%q) = %+v %q, %v; want %+v %q", c.in, got, got.String(), err, c.want, c.str)
		}
		if back, err := ParseSlot(got.String()); err != nil || back != got {
			t.Errorf("round trip of %q: %+v, %v", got.String(), back, err)
		}
	}
	if l := (Slot{time.Monday, 570}).Label(); l != "Monday 09:30" {
		t.Errorf("Label = %q", l)
	}
	for _, c := range []struct{ in, msg string }{
		{"", `"" is not a posting slot; write a weekday and a 24-hour time, for example "mon 09:30"`},
		{"mon", "is not a posting slot"},
		{"mon 09:30 extra", "is not a posting slot"},
		{"funday 09:30", `"funday" is not a weekday; use mon, tue, wed, thu, fri, sat or sun`},
		{"mon 25:00", "has hour 25"},
		{"mon 9:30pm", "uses AM/PM; use the 24-hour clock"},
		{"mon 9h30", "is not a time of day"},
		{"mon 09:30:15", "posting slots are set to the minute"},
		{"mon 09:30:00", "posting slots are set to the minute"},
	} {
		_, err := ParseSlot(c.in)
		if e := model.AsError(err); e == nil || e.Field != "slot" || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("ParseSlot(%q) = %v, want slot error %q", c.in, err, c.msg)
		}
	}
}

func TestValidateSlots(t *testing.T) {
	if err := ValidateSlots([]Slot{{time.Monday, 0}, {time.Tuesday, 0}, {time.Monday, 1439}}); err != nil {
		t.Errorf("valid slots: %v", err)
	}
	for _, c := range []struct {
		slots []Slot
		msg   string
	}{
		{[]Slot{{time.Monday, 570}, {time.Monday, 570}}, "Monday 09:30 is listed twice; remove one of them"},
		{[]Slot{{time.Weekday(7), 0}}, "weekday 7"},
		{[]Slot{{time.Weekday(-1), 0}}, "weekday -1"},
		{[]Slot{{time.Monday, 1440}}, "minute 1440"},
		{[]Slot{{time.Monday, -1}}, "minute -1"},
	} {
		err := ValidateSlots(c.slots)
		if e := model.AsError(err); e == nil || e.Field != "slots" || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("ValidateSlots(%v) = %v, want %q", c.slots, err, c.msg)
		}
	}
	s := []Slot{{time.Friday, 10}, {time.Sunday, 50}, {time.Friday, 5}}
	SortSlots(s)
	if s[0] != (Slot{time.Sunday, 50}) || s[1] != (Slot{time.Friday, 5}) {
		t.Errorf("SortSlots = %v", s)
	}
}

func slots(t *testing.T, specs ...string) []Slot {
	t.Helper()
	var out []Slot
	for _, s := range specs {
		sl, err := ParseSlot(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sl)
	}
	return out
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNextFree(t *testing.T) {
	for _, c := range []struct {
		name  string
		slots []string
		zone  string
		after string
		taken []string
		want  string
	}{
		{"same day later", []string{"mon 09:00", "mon 17:00"}, "UTC", "2026-03-02T10:00:00Z", nil, "2026-03-02T17:00:00Z"},
		{"strictly after", []string{"mon 09:00"}, "UTC", "2026-03-02T09:00:00Z", nil, "2026-03-09T09:00:00Z"},
		{"skip taken", []string{"mon 09:00", "tue 09:00"}, "UTC", "2026-03-01T00:00:00Z", []string{"2026-03-02T09:00:00Z"}, "2026-03-03T09:00:00Z"},
		{"wrap week", []string{"sun 08:00"}, "UTC", "2026-03-02T00:00:00Z", nil, "2026-03-08T08:00:00Z"},
		// A New York slot in the 8 March gap posts when the gap ends.
		{"gap", []string{"sun 02:30"}, "America/New_York", "2026-03-07T00:00:00Z", nil, "2026-03-08T07:00:00Z"},
		{"gap then normal week", []string{"sun 02:30"}, "America/New_York", "2026-03-08T07:00:00Z", nil, "2026-03-15T06:30:00Z"},
		// Two slots in the gap and one at its end land on one instant; the
		// later ones are the next free slots after it.
		{"gap merge", []string{"sun 02:00", "sun 02:30", "sun 03:00", "sun 04:00"}, "America/New_York", "2026-03-08T07:00:00Z", nil, "2026-03-08T08:00:00Z"},
		{"fall-back first occurrence", []string{"sun 01:30"}, "America/New_York", "2026-10-31T00:00:00Z", nil, "2026-11-01T05:30:00Z"},
		{"London gap", []string{"sun 01:15"}, "Europe/London", "2026-03-28T00:00:00Z", nil, "2026-03-29T01:00:00Z"},
		{"London overlap", []string{"sun 01:15"}, "Europe/London", "2026-10-24T00:00:00Z", nil, "2026-10-25T00:15:00Z"},
		{"Lord Howe gap", []string{"sun 02:10"}, "Australia/Lord_Howe", "2026-10-01T00:00:00Z", nil, "2026-10-03T15:30:00Z"},
		{"Lord Howe overlap", []string{"sun 01:45"}, "Australia/Lord_Howe", "2026-04-01T00:00:00Z", nil, "2026-04-04T14:45:00Z"},
		// Slots belong to the channel's zone: Monday 09:30 in Kolkata is
		// Sunday 23:00 in New York (EST) and 04:00 UTC, whoever asks.
		{"channel zone", []string{"mon 09:30"}, "Asia/Kolkata", "2026-03-01T12:00:00-05:00", nil, "2026-03-02T04:00:00Z"},
		// After is Monday 00:30 in Kolkata but still Sunday in New York.
		{"channel day, not viewer day", []string{"mon 00:45"}, "Asia/Kolkata", "2026-03-01T14:00:00-05:00", nil, "2026-03-01T19:15:00Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			taken := map[time.Time]bool{}
			for _, s := range c.taken {
				taken[utc(s)] = true
			}
			got, err := NextFree(slots(t, c.slots...), mustZone(t, c.zone), utc(c.after), func(t time.Time) bool { return taken[t.UTC()] }, 0)
			if err != nil || !got.Equal(utc(c.want)) {
				t.Errorf("NextFree = %v, %v; want %s", got.UTC(), err, c.want)
			}
			if got.Location().String() != c.zone {
				t.Errorf("result in %s, want the channel zone %s", got.Location(), c.zone)
			}
		})
	}
}

func TestNextFreeErrors(t *testing.T) {
	_, err := NextFree(nil, time.UTC, time.Now(), nil, 0)
	if e := model.AsError(err); e == nil || e.Msg != "this channel has no posting slots; add some under the channel's Queue settings" {
		t.Errorf("no slots: %v", err)
	}
	_, err = NextFree(slots(t, "mon 09:00"), time.UTC, time.Now(), func(time.Time) bool { return true }, 10)
	if e := model.AsError(err); e == nil || e.Kind != model.KindConflict || !strings.Contains(e.Msg, "every posting slot in the next 11 is taken") {
		t.Errorf("full queue: %v", err)
	}
	_, err = NextFree([]Slot{{time.Monday, 9000}}, time.UTC, time.Now(), nil, 0)
	if model.KindOf(err) != model.KindInvalid {
		t.Errorf("bad slot: %v", err)
	}
	if _, err = NextFree(slots(t, "mon 09:00"), nil, time.Now(), nil, 0); err == nil {
		t.Error("nil zone accepted")
	}
}

func TestPlanAndMoves(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	s := slots(t, "sat 09:00", "sun 02:30", "sun 12:00")
	pinned := utc("2026-03-08T16:00:00Z") // sun 12:00 EDT, held by a custom-timed post
	got, err := Plan(s, ny, utc("2026-03-06T00:00:00Z"), 4, func(t time.Time) bool { return t.Equal(pinned) })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-03-07T14:00:00Z", "2026-03-08T07:00:00Z", "2026-03-14T13:00:00Z", "2026-03-15T06:30:00Z"}
	for i, w := range want {
		if i >= len(got) || !got[i].Equal(utc(w)) {
			t.Fatalf("Plan = %v, want %v", got, want)
		}
	}
	if p, err := Plan(s, ny, time.Now(), 0, nil); p != nil || err != nil {
		t.Errorf("Plan(0) = %v, %v", p, err)
	}
	if _, err := Plan(nil, ny, time.Now(), 3, nil); err == nil {
		t.Error("Plan without slots accepted")
	}

	old := []time.Time{got[0], got[2], got[3]}
	moves := Moves(old, got)
	if len(moves) != 3 || moves[0].Index != 1 || !moves[0].From.Equal(got[2]) || !moves[0].To.Equal(got[1]) ||
		moves[2].Index != 3 || !moves[2].From.IsZero() || !moves[2].To.Equal(got[3]) {
		t.Errorf("Moves = %+v", moves)
	}
	if m := Moves(got[:2], got[:1]); len(m) != 1 || m[0].Index != 1 || !m[0].To.IsZero() {
		t.Errorf("Moves dropping a post = %+v", m)
	}
	if m := Moves(got, got); m != nil {
		t.Errorf("Moves of equal plans = %+v", m)
	}
}

func TestPlanIsInOrderAcrossAYear(t *testing.T) {
	// Every instant is strictly after the previous one and shows its slot's
	// wall clock except on the two DST days.
	ny := mustZone(t, "America/New_York")
	s := slots(t, "sun 00:30", "sun 01:30", "sun 02:30", "wed 12:00")
	got, err := Plan(s, ny, utc("2026-01-01T00:00:00Z"), 200, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(got); i++ {
		if !got[i].After(got[i-1]) {
			t.Fatalf("plan not strictly increasing at %d: %v then %v", i, got[i-1], got[i])
		}
	}
}
