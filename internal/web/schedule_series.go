package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
	"herald/internal/schedule"
)

// seriesPanel is the scheduling panel's "Repeat" and "Evergreen" sections:
// how the post continues now, and the two forms that change it.
type seriesPanel struct {
	Repeats   string // the rule in words; "" when the post does not repeat
	RuleZone  string
	Evergreen string // the evergreen policy in words; "" when not evergreen
	FirstURL  string // the series' first post, when this one continues it
	NextURL   string // the post that continues this one, once made

	// The repeat form.
	Repeat                 string // none, daily, weekly, monthly or custom
	Every                  string
	Weekdays               []weekdayChoice
	MonthDay, Rule         string
	End, Count, Until      string // End: never, count or until
	Zone                   string
	Gap, GapUnit, GapTimes string // GapUnit: hours or days
}

// weekdayChoice is one checkbox of the weekly repeat.
type weekdayChoice struct {
	Value, Label string
	Checked      bool
}

// weekdayOrder is Monday first, the order people read a week in.
var weekdayOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// seriesPanelFor shows p's series. The forms show what was just submitted
// when a save failed (f carries "series"), else the saved state, so a
// saved weekly repeat opens as a weekly repeat rather than as an RRULE.
func seriesPanelFor(wsID string, p model.Post, zone string, f *form) *seriesPanel {
	s := p.Series
	base := "/w/" + wsID + "/posts/"
	sp := &seriesPanel{Repeat: "none", End: "never", Zone: zone, GapUnit: "days"}
	if s.SeriesID != "" {
		sp.FirstURL = base + s.SeriesID + "/edit"
	}
	if s.ContinuedBy != "" {
		sp.NextURL = base + s.ContinuedBy + "/edit"
	}
	checked := map[time.Weekday]bool{}
	if s.Recurrence != "" {
		sp.RuleZone = zoneName(s.RecurZone)
		loc, _ := schedule.LoadZone(sp.RuleZone)
		sp.Repeats, sp.Zone = schedule.Describe(s.Recurrence, loc), sp.RuleZone
		if pr, ok := schedule.PresetOf(s.Recurrence, loc); ok {
			sp.Repeat = [...]string{schedule.Daily: "daily", schedule.Weekly: "weekly", schedule.Monthly: "monthly"}[pr.Repeat]
			sp.Every, sp.MonthDay = itoaOrEmpty(pr.Interval), itoaOrEmpty(pr.MonthDay)
			if pr.MonthDay == -1 {
				sp.MonthDay = "last"
			}
			for _, d := range pr.Weekdays {
				checked[d] = true
			}
			switch {
			case pr.Count > 0:
				sp.End, sp.Count = "count", strconv.Itoa(pr.Count)
			case pr.Until != "":
				sp.End, sp.Until = "until", pr.Until
			}
		} else {
			sp.Repeat, sp.Rule = "custom", s.Recurrence
		}
	}
	if s.EvergreenGap > 0 {
		sp.Evergreen = schedule.Evergreen{MinGap: s.EvergreenGap, MaxCount: s.EvergreenMax}.Describe()
		sp.Gap, sp.GapUnit = strconv.Itoa(int(s.EvergreenGap/time.Hour)), "hours"
		if s.EvergreenGap%(24*time.Hour) == 0 {
			sp.Gap, sp.GapUnit = strconv.Itoa(int(s.EvergreenGap/(24*time.Hour))), "days"
		}
		sp.GapTimes = itoaOrEmpty(s.EvergreenMax)
	}
	if f.Val("series") != "" {
		sp.Repeat, sp.Every, sp.MonthDay, sp.Rule = f.Val("repeat"), f.Val("repeat_every"), f.Val("month_day"), f.Val("rule")
		sp.End, sp.Count, sp.Until, sp.Zone = f.Val("repeat_end"), f.Val("repeat_count"), f.Val("repeat_until"), f.Val("series_zone")
		sp.Gap, sp.GapUnit, sp.GapTimes = f.Val("evergreen_gap"), f.Val("evergreen_unit"), f.Val("evergreen_max")
		checked = map[time.Weekday]bool{}
		for _, name := range f.Values["weekday"] {
			if d, ok := schedule.ParseWeekday(name); ok {
				checked[d] = true
			}
		}
	}
	for _, d := range weekdayOrder {
		sp.Weekdays = append(sp.Weekdays, weekdayChoice{Value: strings.ToLower(d.String()[:3]), Label: d.String()[:3], Checked: checked[d]})
	}
	return sp
}

func itoaOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// seriesSave handles the panel's Repeat and Evergreen forms. A post either
// repeats or is evergreen, so saving one replaces the other; turning one off
// keeps the other as it was.
func (h *handler) seriesSave(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx, f := r.Context(), r.PostForm
	cur, err := h.d.Compose.Get(ctx, v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	// Start from the saved state, so that turning one off keeps the other.
	rule, zone, gap, most := cur.Series.Recurrence, cur.Series.RecurZone, cur.Series.EvergreenGap, cur.Series.EvergreenMax
	if f.Get("series") == "evergreen" {
		gap, most = 0, 0
		if f.Get("op") != "off" {
			rule, zone = "", ""
			gap, most, err = evergreenFromForm(f)
		}
	} else {
		rule, zone = "", ""
		if f.Get("repeat") != "none" {
			gap, most = 0, 0
			rule, zone, err = ruleFromForm(f)
		}
	}
	var p model.Post
	if err == nil {
		p, err = h.d.Publish.SetSeries(ctx, v.actor, m.Workspace.ID, id, rule, zone, gap, most)
	}
	if err != nil {
		h.seriesAgain(w, r, v, m, id, formSeriesField(err, f.Get("repeat")))
		return
	}
	msg := "The post no longer repeats; it goes out once."
	switch s := p.Series; {
	case s.Recurrence != "":
		loc, _ := schedule.LoadZone(s.RecurZone)
		msg = "The post repeats " + schedule.Describe(s.Recurrence, loc) + " (" + s.RecurZone + "), starting from its planned time."
	case s.EvergreenGap > 0:
		msg = "The post is evergreen: it goes out " + schedule.Evergreen{MinGap: s.EvergreenGap, MaxCount: s.EvergreenMax}.Describe() + "."
	}
	h.setFlash(w, r, "success", msg)
	redirect(w, r, "/w/"+m.Workspace.ID+"/posts/"+id+"/edit")
}

// ruleFromForm builds the RRULE the repeat form asks for, and its zone.
func ruleFromForm(f url.Values) (string, string, error) {
	zone := strings.TrimSpace(f.Get("series_zone"))
	var p schedule.Preset
	switch f.Get("repeat") {
	case "custom":
		rule := strings.TrimSpace(f.Get("rule"))
		if rule == "" {
			return "", zone, model.Invalid("rule", "enter a repeat rule, for example FREQ=WEEKLY;BYDAY=MO,WE,FR")
		}
		return rule, zone, nil
	case "daily":
		p.Repeat = schedule.Daily
	case "weekly":
		p.Repeat = schedule.Weekly
		for _, name := range f["weekday"] {
			if d, ok := schedule.ParseWeekday(name); ok {
				p.Weekdays = append(p.Weekdays, d)
			}
		}
	case "monthly":
		p.Repeat = schedule.Monthly
		switch md := strings.TrimSpace(f.Get("month_day")); md {
		case "":
		case "last":
			p.MonthDay = -1
		default:
			n, err := strconv.Atoi(md)
			if err != nil {
				return "", zone, model.Invalid("month_day", "choose a day from 1 to 31, or the last day")
			}
			p.MonthDay = n
		}
	default:
		return "", zone, model.Invalid("repeat", "choose how often to repeat")
	}
	var err error
	if p.Interval, err = optionalInt(f.Get("repeat_every")); err != nil {
		return "", zone, model.Invalid("repeat_every", "enter a whole number, such as 2 for every other one")
	}
	switch f.Get("repeat_end") {
	case "count":
		if p.Count, err = optionalInt(f.Get("repeat_count")); err != nil || p.Count < 1 {
			return "", zone, model.Invalid("repeat_count", "enter how many times to post, such as 10")
		}
	case "until":
		if p.Until = strings.TrimSpace(f.Get("repeat_until")); p.Until == "" {
			return "", zone, model.Invalid("repeat_until", "choose the last day to post on")
		}
	}
	loc, err := schedule.LoadZone(zone)
	if err != nil {
		return "", zone, err
	}
	rule, err := p.RRule(loc)
	return rule, zone, err
}

// evergreenFromForm reads the least gap (a number of hours or days) and
// the most times.
func evergreenFromForm(f url.Values) (time.Duration, int, error) {
	n, err := optionalInt(f.Get("evergreen_gap"))
	if err != nil || n < 1 {
		return 0, 0, model.Invalid("evergreen_gap", "enter how long to wait before posting it again, such as 3 days")
	}
	unit := time.Hour
	if f.Get("evergreen_unit") == "days" {
		unit = 24 * time.Hour
	}
	most, err := optionalInt(f.Get("evergreen_max"))
	if err != nil {
		return 0, 0, model.Invalid("evergreen_max", "enter a whole number of times, or leave it empty for no limit")
	}
	return time.Duration(n) * unit, most, nil
}

func optionalInt(s string) (int, error) {
	if s = strings.TrimSpace(s); s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

// formSeriesField names the form field at fault: the domain names the
// rule's parts (count, until) and the evergreen policy's (min_gap), the
// form has its own names for them.
func formSeriesField(err error, repeat string) error {
	e := model.AsError(err)
	if e == nil || e.Kind != model.KindInvalid {
		return err
	}
	field, ok := map[string]string{"interval": "repeat_every", "weekdays": "weekday", "month_day": "month_day", "count": "repeat_count",
		"until": "repeat_until", "zone": "series_zone", "start": "repeat", "recurrence": "repeat", "min_gap": "evergreen_gap",
		"max_count": "evergreen_max"}[e.Field]
	if !ok {
		return err
	}
	if e.Field == "recurrence" && repeat == "custom" {
		field = "rule"
	}
	return model.Invalid(field, "%s", e.Msg)
}

// seriesFields are the fields of the Repeat and Evergreen forms.
var seriesFields = []string{"repeat", "repeat_every", "weekday", "month_day", "rule", "repeat_count", "repeat_until", "series_zone",
	"evergreen_gap", "evergreen_max"}

// seriesAgain shows the composer with the series form's error.
func (h *handler) seriesAgain(w http.ResponseWriter, r *http.Request, v *visit, m model.Membership, id string, err error) {
	p, gerr := h.d.Compose.Get(r.Context(), v.actor, m.Workspace.ID, id)
	if gerr != nil {
		h.fail(w, r, v, gerr)
		return
	}
	f := newForm(r)
	h.formFail(w, r, v, err, f, func(status int) {
		f.onlyFields(seriesFields...)
		h.renderComposer(w, r, v, status, m, p, draftOf(p), f)
	})
}
