package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseWeekday reads a weekday name as slots write it ("mon", "monday",
// "tue"…), case-insensitively, so every front end accepts the same names.
func ParseWeekday(s string) (time.Weekday, bool) {
	d, ok := weekdayNames[strings.ToLower(strings.TrimSpace(s))]
	return d, ok
}

// ruleParts splits a saved RRULE into its parts. Saved rules went through
// normaliseRule, so a plain split is enough; ok is false for anything else.
func ruleParts(rule string) (map[string]string, bool) {
	s := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(rule)), "RRULE:")
	parts := map[string]string{}
	for _, p := range strings.Split(s, ";") {
		if p == "" {
			continue
		}
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return nil, false
		}
		parts[k] = v
	}
	return parts, parts["FREQ"] != ""
}

// PresetOf reads a rule back into the simple choices that Preset.RRule
// builds, so a form can show a saved repeat the way it was chosen; ok is
// false for a rule that uses anything else (BYSETPOS, BYHOUR…), which a form
// shows as a custom rule instead.
func PresetOf(rule string, zone *time.Location) (Preset, bool) {
	parts, ok := ruleParts(rule)
	if !ok || zone == nil {
		return Preset{}, false
	}
	var p Preset
	switch parts["FREQ"] {
	case "DAILY":
		p.Repeat = Daily
	case "WEEKLY":
		p.Repeat = Weekly
	case "MONTHLY":
		p.Repeat = Monthly
	default:
		return Preset{}, false
	}
	for k, v := range parts {
		var err error
		switch k {
		case "FREQ":
		case "INTERVAL":
			p.Interval, err = strconv.Atoi(v)
		case "COUNT":
			p.Count, err = strconv.Atoi(v)
		case "BYMONTHDAY":
			p.MonthDay, err = strconv.Atoi(v)
			if p.Repeat != Monthly || strings.Contains(v, ",") {
				return Preset{}, false
			}
		case "BYDAY":
			if p.Repeat != Weekly {
				return Preset{}, false
			}
			for _, d := range strings.Split(v, ",") {
				i := dayIndex(d)
				if i < 0 {
					return Preset{}, false // a numbered day such as 2MO
				}
				p.Weekdays = append(p.Weekdays, time.Weekday(i))
			}
		case "UNTIL":
			// Presets end at a day's last second in zone; the date is that
			// day, read back in the same zone.
			t, perr := time.Parse("20060102T150405Z", v)
			if perr != nil {
				return Preset{}, false
			}
			p.Until = t.In(zone).Format("2006-01-02")
		default:
			return Preset{}, false
		}
		if err != nil {
			return Preset{}, false
		}
	}
	return p, true
}

func dayIndex(d string) int {
	for i, n := range rruleDays {
		if n == d {
			return i
		}
	}
	return -1
}

var (
	dayNames  = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	freqUnits = map[string]string{"HOURLY": "hour", "DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
)

// Describe says in words how a saved rule repeats, such as "every weekday
// at this time, 10 times" or "every 2 weeks on Monday and Wednesday at this
// time, until 31 March 2026"; the end date is read in zone. A rule beyond
// the simple choices is described as far as its frequency and end go and
// then quoted, so nothing it does is hidden.
func Describe(rule string, zone *time.Location) string {
	parts, ok := ruleParts(rule)
	unit, known := freqUnits[parts["FREQ"]]
	if !ok || !known {
		return "by the rule " + rule
	}
	if zone == nil {
		zone = time.UTC
	}
	every := "every " + unit
	if n, _ := strconv.Atoi(parts["INTERVAL"]); n > 1 {
		every = fmt.Sprintf("every %d %ss", n, unit)
	}
	var b strings.Builder
	p, simple := PresetOf(rule, zone)
	switch {
	case simple && p.Repeat == Weekly && len(p.Weekdays) > 0:
		if isWorkWeek(p.Weekdays) && p.Interval <= 1 {
			b.WriteString("every weekday")
		} else {
			names := make([]string, 0, len(p.Weekdays))
			for _, d := range p.Weekdays {
				names = append(names, dayNames[d])
			}
			b.WriteString(every + " on " + joinAnd(names))
		}
	case simple && p.MonthDay == -1:
		b.WriteString(every + " on the last day")
	case simple && p.MonthDay > 0:
		b.WriteString(every + " on the " + ordinal(p.MonthDay))
	default:
		b.WriteString(every)
	}
	if parts["FREQ"] != "HOURLY" {
		b.WriteString(" at this time")
	}
	switch {
	case parts["COUNT"] == "1":
		b.WriteString(", once")
	case parts["COUNT"] != "":
		b.WriteString(", " + parts["COUNT"] + " times")
	case parts["UNTIL"] != "":
		if t, err := time.Parse("20060102T150405Z", parts["UNTIL"]); err == nil {
			b.WriteString(", until " + t.In(zone).Format("2 January 2006"))
		} else if t, err := time.Parse("20060102", parts["UNTIL"]); err == nil {
			b.WriteString(", until " + t.Format("2 January 2006"))
		}
	}
	if !simple {
		b.WriteString(" (" + rule + ")")
	}
	return b.String()
}

func isWorkWeek(days []time.Weekday) bool {
	var seen [7]bool
	for _, d := range days {
		seen[d] = true
	}
	return len(days) == 5 && !seen[time.Saturday] && !seen[time.Sunday]
}

func joinAnd(list []string) string {
	if len(list) < 2 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

// Describe says in words how an evergreen post recycles, such as "again at
// least 3 days after each time it goes out, 5 times in all".
func (e Evergreen) Describe() string {
	s := "again at least " + Span(e.MinGap) + " after each time it goes out"
	if e.MaxCount > 0 {
		return s + fmt.Sprintf(", %d times in all", e.MaxCount)
	}
	return s + ", with no limit"
}

// Span writes a gap in whole days or hours when it is one ("3 days",
// "1 hour"), the units the forms offer, and as a Go duration otherwise.
func Span(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d > 0 && d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "day")
	case d > 0 && d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	}
	return d.String()
}
