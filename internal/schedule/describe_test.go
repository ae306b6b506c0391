package schedule

import (
	"testing"
	"time"
)

func TestDescribeAndPresetOf(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	cases := []struct {
		preset Preset
		want   string
	}{
		{Preset{Repeat: Weekly, Weekdays: []time.Weekday{1, 2, 3, 4, 5}, Count: 10}, "every weekday at this time, 10 times"},
		{Preset{Repeat: Weekly, Interval: 2, Weekdays: []time.Weekday{3, 1}, Until: "2037-03-31"}, "every 2 weeks on Monday and Wednesday at this time, until 31 March 2037"},
		{Preset{Repeat: Monthly, MonthDay: 15}, "every month on the 15th at this time"},
		{Preset{Repeat: Monthly, MonthDay: -1, Count: 1}, "every month on the last day at this time, once"},
		{Preset{Repeat: Daily, Interval: 3}, "every 3 days at this time"},
	}
	for _, c := range cases {
		rule, err := c.preset.RRule(ny)
		if err != nil {
			t.Fatal(err)
		}
		if got := Describe(rule, ny); got != c.want {
			t.Errorf("Describe(%s) = %q, want %q", rule, got, c.want)
		}
		back, ok := PresetOf(rule, ny)
		if again, _ := back.RRule(ny); !ok || again != rule {
			t.Errorf("PresetOf(%s) = %+v %v, builds %s", rule, back, ok, again)
		}
	}
	if got := Describe("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", ny); got != "every month at this time (FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1)" {
		t.Errorf("custom rule: %q", got)
	}
	if _, ok := PresetOf("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", ny); ok {
		t.Error("a BYSETPOS rule read as a preset")
	}
	if d, ok := ParseWeekday("Wed"); !ok || d != time.Wednesday {
		t.Errorf("ParseWeekday(Wed) = %v %v", d, ok)
	}
}

func TestEvergreenDescribe(t *testing.T) {
	if got := (Evergreen{MinGap: 72 * time.Hour, MaxCount: 5}).Describe(); got != "again at least 3 days after each time it goes out, 5 times in all" {
		t.Errorf("got %q", got)
	}
	if got := (Evergreen{MinGap: time.Hour}).Describe(); got != "again at least 1 hour after each time it goes out, with no limit" {
		t.Errorf("got %q", got)
	}
}
