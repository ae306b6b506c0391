package api

import (
	"strings"
	"time"

	"herald/internal/model"
	"herald/internal/schedule"
)

// seriesInput is the body of PUT …/posts/{id}/series. A post either repeats
// (recurrence, or a preset built into one) or is evergreen; a body with
// neither turns both off.
type seriesInput struct {
	Recurrence          string       `json:"recurrence"`
	Preset              *presetInput `json:"preset"`
	Zone                string       `json:"zone"`
	EvergreenGapSeconds int64        `json:"evergreen_gap_seconds"`
	EvergreenMax        int          `json:"evergreen_max"`
}

// presetInput is a repeat chosen from simple choices, as the web form
// offers them.
type presetInput struct {
	Repeat   string   `json:"repeat"`
	Interval int      `json:"interval"`
	Weekdays []string `json:"weekdays"`
	MonthDay int      `json:"month_day"`
	Count    int      `json:"count"`
	Until    string   `json:"until"`
}

// seriesPut sets how a post continues after it goes out. The zone is the
// one the rule's times and end date are read in; it defaults to the zone
// the post's first channel was scheduled in, as the web panel does.
func (s *server) seriesPut(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	var in seriesInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	switch {
	case in.Recurrence != "" && in.Preset != nil:
		return reply{}, invalidField("preset", "give either recurrence or preset, not both")
	case in.EvergreenGapSeconds < 0:
		return reply{}, invalidField("evergreen_gap_seconds", "cannot be negative; 0 turns evergreen off")
	case in.EvergreenMax != 0 && in.EvergreenGapSeconds == 0:
		// Stored alone, a maximum would do nothing; say so rather than
		// accept a setting that is silently ignored.
		return reply{}, invalidField("evergreen_max", "needs evergreen_gap_seconds: the maximum applies to evergreen posts")
	}
	rule := strings.TrimSpace(in.Recurrence)
	zone := strings.TrimSpace(in.Zone)
	if (rule != "" || in.Preset != nil) && zone == "" {
		if zone, err = s.postZone(c, ws, id); err != nil {
			return reply{}, err
		}
	}
	if in.Preset != nil {
		loc, err := schedule.LoadZone(zone)
		if err != nil {
			return reply{}, err
		}
		if rule, err = in.Preset.rule(loc); err != nil {
			return reply{}, presetField(err)
		}
	}
	gap := time.Duration(in.EvergreenGapSeconds) * time.Second
	p, err := s.d.Publish.SetSeries(c.ctx(), c.actor, ws, id, rule, zone, gap, in.EvergreenMax)
	if err != nil {
		return reply{}, seriesField(err)
	}
	return ok(viewPost(p)), nil
}

// postZone is the zone the post's first channel is scheduled in, or that
// channel's own zone, or UTC.
func (s *server) postZone(c *call, ws, id string) (string, error) {
	p, err := s.d.Compose.Get(c.ctx(), c.actor, ws, id)
	if err != nil || len(p.Targets) == 0 {
		return "UTC", err
	}
	if z := p.Targets[0].TimeZone; z != "" {
		return z, nil
	}
	if ch, err := s.d.Channels.Get(c.ctx(), c.actor, ws, p.Targets[0].ChannelID); err == nil && ch.TimeZone != "" {
		return ch.TimeZone, nil
	}
	return "UTC", nil
}

var repeats = map[string]schedule.Repeat{"daily": schedule.Daily, "weekly": schedule.Weekly, "monthly": schedule.Monthly}

func (in presetInput) rule(zone *time.Location) (string, error) {
	rep, ok := repeats[in.Repeat]
	if !ok {
		return "", invalidField("preset.repeat", "must be daily, weekly or monthly")
	}
	p := schedule.Preset{Repeat: rep, Interval: in.Interval, MonthDay: in.MonthDay, Count: in.Count, Until: in.Until}
	for _, name := range in.Weekdays {
		d, ok := schedule.ParseWeekday(name)
		if !ok {
			return "", invalidField("preset.weekdays", "%q is not a weekday; use mon, tue, wed, thu, fri, sat or sun", name)
		}
		p.Weekdays = append(p.Weekdays, d)
	}
	return p.RRule(zone)
}

// presetField names a preset's fault by its place in the body
// (preset.count), not by the domain's bare field name.
func presetField(err error) error {
	e := model.AsError(err)
	if e == nil || e.Kind != model.KindInvalid || e.Field == "" || strings.HasPrefix(e.Field, "preset.") {
		return err
	}
	field := e.Field
	if field == "recurrence" {
		field = "repeat"
	}
	return invalidField("preset."+field, "%s", e.Msg)
}

// seriesField renames the evergreen policy's fields (min_gap, max_count)
// to the body's.
func seriesField(err error) error {
	e := model.AsError(err)
	if e == nil || e.Kind != model.KindInvalid {
		return err
	}
	switch e.Field {
	case "min_gap":
		return invalidField("evergreen_gap_seconds", "%s", e.Msg)
	case "max_count":
		return invalidField("evergreen_max", "%s", e.Msg)
	}
	return err
}
