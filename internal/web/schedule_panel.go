package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"herald/internal/model"
	"herald/internal/schedule"
)

// scheduleData is the composer's scheduling panel for a saved post: each
// channel's state and attempts, and the schedule form.
type scheduleData struct {
	Action      string // the post's base path, /w/{ws}/posts/{id}
	CanSchedule bool
	Rows        []scheduleRow
	Zone        string   // the zone the form starts in: the first channel's
	Zones       []string // suggestions for the zone field
	Date, Time  string   // what the form shows
	Choice      *timeChoice
	Pauses      []pauseView // pauses that hold back this post's channels
	Cancellable bool
	Series      *seriesPanel // the Repeat and Evergreen sections
}

// scheduleRow is one channel of the post.
type scheduleRow struct {
	TargetID, ChannelID, Channel string
	Status                       model.TargetStatus
	Planned                      string // in the channel's zone; "" when not planned
	PlannedISO                   string // RFC 3339, so the script can add the viewer's zone
	Zone                         string
	Error, ErrorKind             string
	Attempts                     []attemptView
	Retry                        bool // failed or missed: offer "Publish again"
}

// attemptView is one line of the attempts log.
type attemptView struct {
	At, Duration, Outcome, Kind, Message, Worker string
}

// timeChoice is a refused local time with the instants offered instead:
// the two sides of a spring-forward gap, or both occurrences of a repeated
// time.
type timeChoice struct {
	Kind    string // gap or ambiguous
	Options []timeOption
}

// timeOption is one offered instant, submitted exactly as Value.
type timeOption struct {
	Value, Label string
}

// timeIssueKey carries a refused time from the schedule handler to the
// panel it re-renders.
type timeIssueKey struct{}

// withTimeIssue remembers err for the panel when it is a gap or an
// ambiguous time.
func withTimeIssue(r *http.Request, err error) *http.Request {
	var te *schedule.TimeError
	if !errors.As(err, &te) || (te.Kind != schedule.KindGap && te.Kind != schedule.KindAmbiguous) {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), timeIssueKey{}, te))
}

func choiceFrom(ctx context.Context) *timeChoice {
	te, ok := ctx.Value(timeIssueKey{}).(*schedule.TimeError)
	if !ok {
		return nil
	}
	c := &timeChoice{Kind: te.Kind.String()}
	for _, t := range te.Options {
		name, off := t.Zone()
		label := t.Format("Mon 2 Jan 2006 15:04") + " " + name
		if te.Kind == schedule.KindAmbiguous {
			label += " (UTC" + time.Unix(0, 0).In(time.FixedZone("", off)).Format("-07:00") + ")"
		}
		c.Options = append(c.Options, timeOption{Value: t.UTC().Format(time.RFC3339), Label: label})
	}
	return c
}

// schedulePanel builds the panel. Only a failure to read the attempts is
// possible here; it is logged and the panel shown without them.
func (h *handler) schedulePanel(r *http.Request, v *visit, m model.Membership, p model.Post, chans []model.Channel, f *form) *scheduleData {
	if h.d.Publish == nil {
		return nil
	}
	ctx := r.Context()
	d := &scheduleData{Action: "/w/" + m.Workspace.ID + "/posts/" + p.ID, CanSchedule: model.Can(m.Role, model.ActPostSchedule),
		Choice: choiceFrom(ctx), Zones: append([]string(nil), timeZones...)}
	attempts, err := h.d.Publish.Attempts(ctx, v.actor, m.Workspace.ID, p.ID)
	if err != nil {
		h.log.Error("load publish attempts", "post_id", p.ID, "err", err)
	}
	byID := map[string]model.Channel{}
	for _, c := range chans {
		byID[c.ID] = c
	}
	for _, t := range p.Targets {
		c := byID[t.ChannelID]
		zone := zoneName(t.TimeZone, c.TimeZone)
		if d.Zone == "" {
			d.Zone = zoneName(c.TimeZone, "")
		}
		if !slices.Contains(d.Zones, zone) {
			d.Zones = append(d.Zones, zone)
		}
		row := scheduleRow{TargetID: t.ID, ChannelID: t.ChannelID, Channel: c.Name, Status: t.Status, Zone: zone, Error: t.Error,
			ErrorKind: t.ErrorKind, Retry: t.Status == model.TargetFailed || t.Status == model.TargetMissed || t.Status == model.TargetExpired}
		if row.Channel == "" {
			row.Channel = t.ChannelID
		}
		if !t.ScheduledAt.IsZero() {
			row.Planned, row.PlannedISO = localTime(t.ScheduledAt, zone), t.ScheduledAt.UTC().Format(time.RFC3339)
		}
		for _, a := range attempts[t.ChannelID] {
			row.Attempts = append(row.Attempts, attemptView{At: localTime(a.StartedAt, zone), Duration: a.Duration.Round(time.Millisecond).String(),
				Outcome: a.Outcome, Kind: a.ErrorKind, Message: a.Message, Worker: a.Worker})
		}
		switch t.Status {
		case model.TargetScheduled, model.TargetPaused, model.TargetMissed, model.TargetFailed, model.TargetExpired:
			d.Cancellable = true
		}
		d.Rows = append(d.Rows, row)
	}
	if d.Zone == "" {
		d.Zone = "UTC"
	}
	if b := h.pauseBannerFor(r, v, &m); b != nil {
		for _, pz := range append(optional(b.Workspace), b.Channels...) {
			if pz.ChannelID == "" || slices.ContainsFunc(p.Targets, func(t model.Target) bool { return t.ChannelID == pz.ChannelID }) {
				d.Pauses = append(d.Pauses, pz)
			}
		}
	}
	d.Date, d.Time = f.Val("date"), f.Val("time")
	if z := f.Val("zone"); z != "" {
		d.Zone = z
	}
	if at, err := time.Parse("2006-01-02T15:04", r.URL.Query().Get("at")); err == nil && d.Date == "" {
		// A time picked on the calendar (presetQuery).
		d.Date, d.Time = at.Format("2006-01-02"), at.Format("15:04")
		if z := r.URL.Query().Get("zone"); z != "" {
			if _, err := schedule.LoadZone(z); err == nil {
				d.Zone = z
			}
		}
	}
	if d.Date == "" || d.Time == "" {
		loc, err := schedule.LoadZone(d.Zone)
		if err != nil {
			loc = time.UTC
		}
		next := time.Now().In(loc).Add(time.Hour).Truncate(time.Hour)
		d.Date, d.Time = next.Format("2006-01-02"), next.Format("15:04")
	}
	d.Series = seriesPanelFor(m.Workspace.ID, p, d.Zone, f)
	return d
}

func optional(p *pauseView) []pauseView {
	if p == nil {
		return nil
	}
	return []pauseView{*p}
}

// zoneName is the first usable zone name of those given, or UTC.
func zoneName(names ...string) string {
	for _, n := range names {
		if _, err := schedule.LoadZone(n); n != "" && err == nil {
			return n
		}
	}
	return "UTC"
}

// localTime writes t in the named zone with its abbreviation:
// "Mon 2 Mar 2026 09:30 CET".
func localTime(t time.Time, zone string) string {
	if t.IsZero() {
		return ""
	}
	loc, err := schedule.LoadZone(zone)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan 2006 15:04 MST")
}
