// Package calendar lays a workspace's posts out by day: month, week, day
// and list views of every target with a time (planned or published), in
// one display time zone or each in its channel's own, with filters, and
// moves a target to another day keeping its time of day in its channel's
// zone (through the publisher, so its job is planned again).
package calendar

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"herald/internal/model"
	"herald/internal/publish"
	"herald/internal/schedule"
	"herald/internal/store"
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Channels lists a workspace's channels.
type Channels interface {
	List(ctx context.Context, a model.Actor, workspaceID string) ([]model.Channel, error)
}

// Scheduler plans a post's targets (the publisher).
type Scheduler interface {
	Schedule(ctx context.Context, a model.Actor, workspaceID, postID string, r publish.Request) (model.Post, error)
}

// Service builds calendar views and moves targets.
type Service struct {
	Store      *store.Store
	Workspaces Authorizer
	Channels   Channels
	Publish    Scheduler
	BaseURL    string // for links in iCalendar feeds
	Now        func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Modes of a view.
const (
	Month = "month"
	Week  = "week"
	Day   = "day"
	List  = "list"
)

// ChannelZones as a view's zone shows every item in its channel's zone.
const ChannelZones = "channel"

// Query asks for a view.
type Query struct {
	Mode string // month (default), week, day, list
	Date string // YYYY-MM-DD inside the period; "" for today
	Zone string // an IANA zone, or ChannelZones (default)
	// Colour is what an item's colour says: "channel" (default) or "pillar".
	Colour string
	Filter
}

// Filter narrows the items; empty fields do not filter.
type Filter struct {
	ChannelID string
	Network   string
	Status    model.TargetStatus
	PillarID  string
	Label     string
	AuthorID  string
}

// Item is one target on the calendar.
type Item struct {
	TargetID, PostID, ChannelID string
	ChannelName, Network        string
	Status                      model.TargetStatus
	At                          time.Time // planned, or published, instant
	Local                       time.Time // At in the item's display zone
	Zone                        string    // that zone
	Clock, Day, ISO             string    // Local as 15:04 and 2006-01-02, At in RFC 3339 (for pages)
	Color                       string    // #rrggbb, by channel or by pillar
	Text                        string    // the post's text, shortened
	PillarID                    string
	Movable                     bool                // can be dragged to another day
	Approval                    model.ApprovalState // the post's place in approval
	// Clicks counts human clicks on the published version's tracked links;
	// -1 when it has none (nothing to count is not zero).
	Clicks int
}

// CalDay is one day of a view.
type CalDay struct {
	Date    string // YYYY-MM-DD
	Label   time.Time
	Items   []Item
	Entries []model.CalendarEntry // notes, events, holidays, launch dates on this day
	Ghosts  []Ghost               // week and day views: free posting slots
	InRange bool                  // inside the month (month view) or the period
	Today   bool
}

// View is a calendar page's data.
type View struct {
	Mode, Zone         string
	Title              string
	Date               string // the anchor date
	Prev, Next, Today  string
	Weeks              [][]CalDay // month and week views
	Days               []CalDay   // day and list views (list: days with items)
	Channels           []model.Channel
	Filter             Filter
	Count              int
	Entries            []model.CalendarEntry // the period's, each once
	EmptyDays          int                   // days of the period without any post (gaps)
	From, To           time.Time
	ZoneName           string // what the zone switch shows
	ChannelZonesChosen bool
	Colour             string // channel or pillar
	Pillars            []model.Pillar
	Mix                Mix   // the period's content mix
	WeekMix            []Mix // month and week views: one per row of Weeks
}

// Ghost is a channel's posting slot with nothing planned in it yet.
type Ghost struct {
	ChannelID, ChannelName string
	Zone                   string // the channel's
	Local                  time.Time
	At                     string // YYYY-MM-DDTHH:MM in Zone, for the composer
}

// MixRow is one pillar's share of a period's posts ("" PillarID: none).
type MixRow struct {
	PillarID, Name, Color string
	Count                 int
	Share, Target         int  // percent of the period's posts; the pillar's aim
	Over                  bool // more than 10 points above its aim
}

// Mix is how a period's posts divide among the content pillars.
type Mix struct {
	Total int
	Rows  []MixRow
}

// overBy is how far above its target share a pillar may go before the
// calendar warns.
const overBy = 10

// mixOf counts items per pillar against the pillars' target shares.
func mixOf(items []Item, pillars []model.Pillar) Mix {
	m := Mix{Total: len(items)}
	counts := map[string]int{}
	for _, it := range items {
		counts[it.PillarID]++
	}
	for _, p := range pillars {
		r := MixRow{PillarID: p.ID, Name: p.Name, Color: p.Color, Count: counts[p.ID], Target: p.TargetShare}
		if m.Total > 0 {
			r.Share = r.Count * 100 / m.Total
		}
		r.Over = r.Target > 0 && r.Share > r.Target+overBy
		m.Rows = append(m.Rows, r)
	}
	if n := counts[""]; n > 0 {
		m.Rows = append(m.Rows, MixRow{Name: "No pillar", Color: "#9ca3af", Count: n, Share: n * 100 / m.Total})
	}
	return m
}

// palette colours channels in order.
var palette = []string{"#4f46e5", "#0891b2", "#16a34a", "#ca8a04", "#dc2626", "#9333ea", "#db2777", "#0d9488", "#ea580c", "#2563eb"}

// Movable statuses: a target that is not out and not going out right now.
var movable = []model.TargetStatus{model.TargetScheduled, model.TargetPaused, model.TargetMissed, model.TargetFailed, model.TargetExpired, model.TargetDraft}

// View builds a calendar view.
func (s *Service) View(ctx context.Context, a model.Actor, workspaceID string, q Query) (View, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return View{}, err
	}
	return s.build(ctx, workspaceID, q)
}

// build makes a view for whoever the caller has checked may see it.
func (s *Service) build(ctx context.Context, workspaceID string, q Query) (View, error) {
	v := View{Mode: q.Mode, Zone: q.Zone, Filter: q.Filter}
	if v.Mode == "" {
		v.Mode = Month
	}
	if !slices.Contains([]string{Month, Week, Day, List}, v.Mode) {
		return v, model.Invalid("view", "%q is not a calendar view; one of month, week, day, list", q.Mode)
	}
	if v.Zone == "" {
		v.Zone = ChannelZones
	}
	display := time.UTC
	if v.Zone != ChannelZones {
		loc, err := schedule.LoadZone(v.Zone)
		if err != nil {
			return v, model.Invalid("zone", "%q is not a time zone; use a name such as Europe/Paris, or %q for each channel's own", v.Zone, ChannelZones)
		}
		display = loc
	}
	v.ChannelZonesChosen = v.Zone == ChannelZones
	today := civil(s.now().In(display))
	anchor := today
	if q.Date != "" {
		d, err := time.Parse(time.DateOnly, q.Date)
		if err != nil {
			return v, model.Invalid("date", "%q is not a date; use YYYY-MM-DD", q.Date)
		}
		anchor = d
	}
	first, last := period(v.Mode, anchor)
	v.Date, v.Today = anchor.Format(time.DateOnly), today.Format(time.DateOnly)
	v.Prev, v.Next = step(v.Mode, anchor, -1).Format(time.DateOnly), step(v.Mode, anchor, 1).Format(time.DateOnly)
	v.Title = title(v.Mode, anchor, first, last)
	chans, err := s.Store.Read().ListChannels(ctx, workspaceID)
	if err != nil {
		return v, err
	}
	v.Channels = chans
	if v.Colour = q.Colour; v.Colour != "pillar" {
		v.Colour = "channel"
	}
	if v.Pillars, err = s.Store.Read().ListPillars(ctx, workspaceID); err != nil {
		return v, err
	}
	// Every zone's day lies within 14 hours of UTC's.
	v.From, v.To = first.Add(-14*time.Hour), last.AddDate(0, 0, 1).Add(14*time.Hour)
	entries, err := s.Store.Read().CalendarEntries(ctx, workspaceID, v.From, v.To)
	if err != nil {
		return v, err
	}
	byDay := map[string][]Item{}
	for _, e := range entries {
		it, ok := s.item(e, chans, display, v.ChannelZonesChosen, q.Filter)
		if !ok {
			continue
		}
		it.Color = colorOf(it, chans, v.Pillars, v.Colour)
		d := civil(it.Local)
		if d.Before(first) || d.After(last) {
			continue
		}
		key := d.Format(time.DateOnly)
		byDay[key] = append(byDay[key], it)
		v.Count++
	}
	if err := s.addClicks(ctx, workspaceID, byDay); err != nil {
		return v, err
	}
	if v.Entries, err = s.Store.Read().CalendarEntriesBetween(ctx, workspaceID, first.Format(time.DateOnly), last.Format(time.DateOnly)); err != nil {
		return v, err
	}
	var ghosts map[string][]Ghost
	if v.Mode == Week || v.Mode == Day {
		if ghosts, err = s.ghosts(ctx, chans, q.Filter, byDay, first, last); err != nil {
			return v, err
		}
	}
	s.layout(&v, byDay, anchor, first, last, today)
	for _, w := range v.Weeks {
		for i := range w {
			w[i].Ghosts = ghosts[w[i].Date]
		}
	}
	for i := range v.Days {
		v.Days[i].Ghosts = ghosts[v.Days[i].Date]
	}
	var all []Item
	for _, w := range v.Weeks {
		var week []Item
		for _, d := range w {
			if d.InRange {
				week = append(week, d.Items...)
			}
		}
		v.WeekMix = append(v.WeekMix, mixOf(week, v.Pillars))
		all = append(all, week...)
	}
	for _, d := range v.Days {
		all = append(all, d.Items...)
	}
	v.Mix = mixOf(all, v.Pillars)
	v.ZoneName = v.Zone
	if v.ChannelZonesChosen {
		v.ZoneName = "each channel's own time zone"
	}
	return v, nil
}

func (s *Service) item(e store.CalendarEntry, chans []model.Channel, display *time.Location, channelZones bool, f Filter) (Item, bool) {
	t := e.Target
	c := channelOf(chans, t.ChannelID)
	if (f.ChannelID != "" && t.ChannelID != f.ChannelID) || (f.Network != "" && c.Network != f.Network) ||
		(f.Status != "" && t.Status != f.Status) || (f.PillarID != "" && e.PillarID != f.PillarID) ||
		(f.AuthorID != "" && e.AuthorID != f.AuthorID) || (f.Label != "" && !slices.Contains(e.Labels, f.Label)) {
		return Item{}, false
	}
	at := t.ScheduledAt
	if !t.PublishedAt.IsZero() {
		at = t.PublishedAt
	}
	it := Item{TargetID: t.ID, PostID: t.PostID, ChannelID: t.ChannelID, ChannelName: c.Name, Network: c.Network, Status: t.Status,
		At: at, Text: shorten(e.Text, 90), PillarID: e.PillarID, Movable: slices.Contains(movable, t.Status), Approval: e.Approval}
	loc := display
	if channelZones {
		if l, err := schedule.LoadZone(zoneOf(t, c)); err == nil {
			loc = l
		}
	}
	it.Local, it.Zone = at.In(loc), loc.String()
	it.Clock, it.Day, it.ISO = it.Local.Format("15:04"), it.Local.Format(time.DateOnly), at.UTC().Format(time.RFC3339)
	return it, true
}

// layout fills the view's weeks (month, week) or days (day, list).
func (s *Service) layout(v *View, byDay map[string][]Item, anchor, first, last, today time.Time) {
	mk := func(d time.Time, in bool) CalDay {
		key := d.Format(time.DateOnly)
		cd := CalDay{Date: key, Label: d, Items: byDay[key], InRange: in, Today: d.Equal(today)}
		for _, e := range v.Entries {
			if e.Starts <= key && key <= e.Ends {
				cd.Entries = append(cd.Entries, e)
			}
		}
		if in && len(cd.Items) == 0 {
			v.EmptyDays++
		}
		return cd
	}
	switch v.Mode {
	case Month, Week:
		start := first.AddDate(0, 0, -weekdayIndex(first))
		for d := start; !d.After(last) || weekdayIndex(d) != 0; d = d.AddDate(0, 0, 1) {
			if weekdayIndex(d) == 0 {
				v.Weeks = append(v.Weeks, nil)
			}
			w := len(v.Weeks) - 1
			v.Weeks[w] = append(v.Weeks[w], mk(d, !d.Before(first) && !d.After(last)))
		}
	case Day:
		v.Days = []CalDay{mk(anchor, true)}
	case List:
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			cd := mk(d, true)
			if len(cd.Items) > 0 || len(cd.Entries) > 0 {
				v.Days = append(v.Days, cd)
			}
		}
	}
}

// Move puts a target on another day at the same time of day in its
// channel's zone (the zone it was planned in), through the publisher, which
// plans its job again and refuses past times, paused channels and posts
// the network would refuse.
func (s *Service) Move(ctx context.Context, a model.Actor, workspaceID, targetID, date string) (model.Target, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostSchedule); err != nil {
		return model.Target{}, err
	}
	t, err := s.Store.Read().TargetForPublish(ctx, targetID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.WorkspaceID != workspaceID) {
		return model.Target{}, model.NotFound("no such post on the calendar of this workspace")
	} else if err != nil {
		return model.Target{}, err
	}
	if !slices.Contains(movable, t.Status) {
		return t.Target, model.Conflict("status", "this post is %s on its channel; only scheduled, paused, missed, failed or draft posts can move", t.Status)
	}
	if t.ScheduledAt.IsZero() {
		return t.Target, model.Conflict("date", "this draft has no time yet; schedule it in the composer first")
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return t.Target, model.Invalid("date", "%q is not a date; use YYYY-MM-DD", date)
	}
	c, err := s.Store.Read().ChannelByID(ctx, workspaceID, t.ChannelID)
	if err != nil {
		return t.Target, err
	}
	zone := zoneOf(t.Target, c)
	loc, err := schedule.LoadZone(zone)
	if err != nil {
		return t.Target, err
	}
	clock := t.ScheduledAt.In(loc).Format("15:04")
	at, err := schedule.Resolve(date, clock, zone)
	if err != nil {
		return t.Target, err
	}
	if !at.After(s.now()) {
		return t.Target, model.Invalid("date", "%s at %s (%s) is in the past; choose a later day", date, clock, zone)
	}
	p, err := s.Publish.Schedule(ctx, a, workspaceID, t.PostID, publish.Request{Mode: publish.ModeAt, At: at, Zone: zone, Channels: []string{t.ChannelID}})
	if err != nil {
		return t.Target, err
	}
	for _, nt := range p.Targets {
		if nt.ID == t.ID {
			return nt, nil
		}
	}
	return t.Target, nil
}

// ghosts lists, per date, the free future posting slots of the channels
// the filter lets through, each on its date in its channel's zone.
func (s *Service) ghosts(ctx context.Context, chans []model.Channel, f Filter, byDay map[string][]Item, first, last time.Time) (map[string][]Ghost, error) {
	taken := map[string]bool{} // channel + instant (minute)
	for _, items := range byDay {
		for _, it := range items {
			taken[it.ChannelID+it.At.UTC().Format("2006-01-02T15:04")] = true
		}
	}
	now := s.now()
	out := map[string][]Ghost{}
	for _, c := range chans {
		if (f.ChannelID != "" && c.ID != f.ChannelID) || (f.Network != "" && c.Network != f.Network) || f.Status != "" {
			continue
		}
		slots, err := s.Store.Read().Slots(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if len(slots) == 0 {
			continue
		}
		loc, err := schedule.LoadZone(c.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			for _, sl := range slots {
				if time.Weekday(sl[0]) != d.Weekday() {
					continue
				}
				local := time.Date(d.Year(), d.Month(), d.Day(), sl[1]/60, sl[1]%60, 0, 0, loc)
				if local.Before(now) || taken[c.ID+local.UTC().Format("2006-01-02T15:04")] {
					continue
				}
				key := d.Format(time.DateOnly)
				out[key] = append(out[key], Ghost{ChannelID: c.ID, ChannelName: c.Name, Zone: loc.String(), Local: local,
					At: local.Format("2006-01-02T15:04")})
			}
		}
	}
	for k := range out {
		slices.SortFunc(out[k], func(a, b Ghost) int { return a.Local.Compare(b.Local) })
	}
	return out, nil
}

// colorOf is an item's colour: its channel's place in the palette, or its
// pillar's colour (grey without one).
func colorOf(it Item, chans []model.Channel, pillars []model.Pillar, by string) string {
	if by == "pillar" {
		for _, p := range pillars {
			if p.ID == it.PillarID && p.Color != "" {
				return p.Color
			}
		}
		return "#9ca3af"
	}
	for i, c := range chans {
		if c.ID == it.ChannelID {
			return palette[i%len(palette)]
		}
	}
	return "#9ca3af"
}

func zoneOf(t model.Target, c model.Channel) string {
	if t.TimeZone != "" {
		return t.TimeZone
	}
	if c.TimeZone != "" {
		return c.TimeZone
	}
	return "UTC"
}

func channelOf(chans []model.Channel, id string) model.Channel {
	for _, c := range chans {
		if c.ID == id {
			return c
		}
	}
	return model.Channel{ID: id, Name: "a removed channel"}
}

// civil is t's calendar date as midnight UTC (a plain date).
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// weekdayIndex counts from Monday (0) to Sunday (6).
func weekdayIndex(d time.Time) int { return (int(d.Weekday()) + 6) % 7 }

// period is the first and last date of the view around anchor.
func period(mode string, anchor time.Time) (time.Time, time.Time) {
	switch mode {
	case Week:
		first := anchor.AddDate(0, 0, -weekdayIndex(anchor))
		return first, first.AddDate(0, 0, 6)
	case Day:
		return anchor, anchor
	default: // month and list
		first := time.Date(anchor.Year(), anchor.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(0, 1, -1)
	}
}

func step(mode string, anchor time.Time, n int) time.Time {
	switch mode {
	case Week:
		return anchor.AddDate(0, 0, 7*n)
	case Day:
		return anchor.AddDate(0, 0, n)
	default:
		return time.Date(anchor.Year(), anchor.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	}
}

func title(mode string, anchor, first, last time.Time) string {
	switch mode {
	case Week:
		return fmt.Sprintf("Week of %s – %s", first.Format("2 Jan"), last.Format("2 Jan 2006"))
	case Day:
		return anchor.Format("Monday 2 January 2006")
	default:
		return anchor.Format("January 2006")
	}
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// addClicks puts the tracked-link clicks on published items, read in one
// query for the period.
func (s *Service) addClicks(ctx context.Context, workspaceID string, byDay map[string][]Item) error {
	var postIDs []string
	for _, items := range byDay {
		for _, it := range items {
			if it.Status == model.TargetPublished {
				postIDs = append(postIDs, it.PostID)
			}
		}
	}
	clicks, err := s.Store.Read().TrackedClicks(ctx, workspaceID, postIDs)
	if err != nil {
		return err
	}
	for _, items := range byDay {
		for i := range items {
			items[i].Clicks = -1
			if n, ok := clicks[items[i].PostID+"/"+items[i].ChannelID]; ok && items[i].Status == model.TargetPublished {
				items[i].Clicks = n
			}
		}
	}
	return nil
}
