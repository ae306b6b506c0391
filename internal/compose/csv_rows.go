package compose

import (
	"context"
	"fmt"
	"strings"
	"time"

	"herald/internal/model"
)

// defaultSlots are the daily times "next slot" picks from, in the channel's
// time zone, until channels get their own posting schedules.
var defaultSlots = [][2]int{{9, 0}, {12, 0}, {17, 0}}

// Time layouts an import accepts besides RFC 3339, in the row's zone.
var importTimeLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04"}

// importer holds what checking the rows of one file needs, read once.
type importer struct {
	s       *Service
	a       model.Actor
	ws      string
	now     time.Time
	env     checkEnv
	byID    map[string]model.Channel
	byName  map[string][]model.Channel // lower-case name
	pillars map[string]model.Pillar    // by ID and lower-case name
	taken   map[string]map[int64]bool  // channel → Unix seconds already planned
}

// importRow is one checked row.
type importRow struct {
	line     int
	draft    Draft
	plan     map[string]slot // by channel ID; missing: not planned
	urls     []string        // media to fetch by URL
	problems []ImportProblem
}

// slot is a target's planned time and the zone it was chosen in.
type slot struct {
	at   time.Time
	zone string
}

func (r *importRow) problem(column, format string, args ...any) {
	r.problems = append(r.problems, ImportProblem{Line: r.line, Column: column, Message: fmt.Sprintf(format, args...)})
}

func (s *Service) newImporter(ctx context.Context, a model.Actor, workspaceID string) (*importer, error) {
	chans, err := s.Channels.List(ctx, a, workspaceID)
	if err != nil {
		return nil, err
	}
	altPolicy, err := s.altPolicy(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	pillars, err := s.Store.Read().ListPillars(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	im := &importer{s: s, a: a, ws: workspaceID, now: s.now(), env: checkEnv{chans: chans, altPolicy: altPolicy, noDuplicates: true},
		byID: map[string]model.Channel{}, byName: map[string][]model.Channel{}, pillars: map[string]model.Pillar{}, taken: map[string]map[int64]bool{}}
	for _, c := range chans {
		im.byID[c.ID] = c
		im.byName[strings.ToLower(c.Name)] = append(im.byName[strings.ToLower(c.Name)], c)
		im.taken[c.ID] = map[int64]bool{}
	}
	for _, p := range pillars {
		im.pillars[p.ID], im.pillars[strings.ToLower(p.Name)] = p, p
	}
	slots, err := s.Store.Read().ScheduledSlots(ctx, workspaceID, im.now)
	if err != nil {
		return nil, err
	}
	for _, sl := range slots {
		if m := im.taken[sl.ChannelID]; m != nil {
			m[sl.At.Unix()] = true
		}
	}
	return im, nil
}

// row turns one record into a draft and a plan, collecting every problem
// rather than stopping at the first, so one dry run shows them all.
func (im *importer) row(ctx context.Context, rec csvRecord) (*importRow, error) {
	row := &importRow{line: rec.line, plan: map[string]slot{}}
	c := rec.cells
	row.draft.Base = model.Content{Text: c["text"], Link: c["link"], FirstComment: c["first_comment"]}
	im.channels(row, c["channels"])
	var loc *time.Location
	if z := c["zone"]; z != "" {
		l, err := time.LoadLocation(z)
		if err != nil || z == "Local" {
			row.problem("zone", "%q is not a time zone; use an IANA name such as Europe/Berlin", clip(z, 40))
		} else {
			loc = l
		}
	}
	if t := c["time"]; t != "" && !(c["zone"] != "" && loc == nil) {
		im.plan(row, t, loc)
	}
	im.media(row, c["media"])
	if p := c["pillar"]; p != "" {
		if pl, ok := im.pillars[strings.ToLower(p)]; ok {
			row.draft.PillarID = pl.ID
		} else if pl, ok := im.pillars[p]; ok {
			row.draft.PillarID = pl.ID
		} else {
			row.problem("pillar", "%q is not a content pillar of this workspace", clip(p, 40))
		}
	}
	labels, err := cleanLabels(splitList(c["labels"]))
	if err != nil {
		row.problem("labels", "%s", model.AsError(err).Msg)
	}
	row.draft.Labels = labels
	if err := checkContent("base", row.draft.Base); err != nil {
		e := model.AsError(err)
		row.problem(columnFor(strings.TrimPrefix(e.Field, "base.")), "%s", e.Msg)
	}
	if len(row.problems) > 0 || len(row.draft.Channels) == 0 {
		return row, nil
	}
	return row, im.check(ctx, row)
}

// check runs the networks' validation on a row and reports each channel's
// errors (warnings are left to the composer).
func (im *importer) check(ctx context.Context, row *importRow) error {
	var at time.Time // the earliest planned time: media rights are checked for it
	for _, sl := range row.plan {
		if at.IsZero() || sl.at.Before(at) {
			at = sl.at
		}
	}
	rep, err := im.s.validate(ctx, im.ws, ValidateInput{Draft: row.draft, At: at}, im.env)
	if err != nil {
		if e := model.AsError(err); e != nil && e.Kind == model.KindInvalid {
			row.problem("text", "%s", e.Msg)
			return nil
		}
		return err
	}
	for _, tr := range rep.Targets {
		for _, p := range tr.Errors {
			row.problem(columnFor(p.Field), "%s (%s): %s", tr.NetworkName, tr.ChannelName, p.Message)
		}
	}
	return nil
}

// columnFor maps a content field of a validation problem to the import
// column that holds it; anything about the text, thread or options is on
// the text column.
func columnFor(field string) string {
	switch {
	case strings.HasPrefix(field, "media"):
		return "media"
	case field == "link":
		return "link"
	case field == "first_comment":
		return "first_comment"
	}
	return "text"
}

func (im *importer) channels(row *importRow, cell string) {
	names := splitList(cell)
	if len(names) == 0 {
		row.problem("channels", "name at least one channel, by name or ID, separated by ;")
		return
	}
	for _, n := range names {
		ch, ok := im.byID[n]
		if !ok {
			matches := im.byName[strings.ToLower(n)]
			switch len(matches) {
			case 0:
				row.problem("channels", "%q is not a channel of this workspace", clip(n, 40))
				continue
			case 1:
				ch = matches[0]
			default:
				row.problem("channels", "%d channels are named %q; use the channel's ID", len(matches), clip(n, 40))
				continue
			}
		}
		if !contains(row.draft.Channels, ch.ID) {
			row.draft.Channels = append(row.draft.Channels, ch.ID)
		}
	}
}

// plan sets each picked channel's time: an instant, a wall-clock time in
// the row's zone (or the channel's), or the channel's next free slot.
func (im *importer) plan(row *importRow, cell string, loc *time.Location) {
	next := strings.EqualFold(strings.Join(strings.Fields(cell), " "), "next slot")
	var instant time.Time
	if !next {
		if t, err := time.Parse(time.RFC3339, cell); err == nil {
			instant = t
		} else if !parsesAsWallClock(cell) {
			row.problem("time", "%q is not a time; use 2026-12-01 09:30 (in the zone column's zone or the channel's), RFC 3339 or next slot", clip(cell, 40))
			return
		}
	}
	for _, id := range row.draft.Channels {
		ch := im.byID[id]
		zone := loc
		if zone == nil {
			zone = channelZone(ch)
		}
		var at time.Time
		switch {
		case next:
			at = im.nextSlot(id, zone)
		case !instant.IsZero():
			at = instant
		default:
			at = wallClock(cell, zone)
		}
		if !at.After(im.now) {
			row.problem("time", "%s is in the past (for %s)", at.In(zone).Format("2006-01-02 15:04 MST"), ch.Name)
			return
		}
		row.plan[id] = slot{at: at.UTC(), zone: zone.String()}
		im.taken[id][at.Unix()] = true
	}
}

func parsesAsWallClock(s string) bool { return !wallClock(s, time.UTC).IsZero() }

func wallClock(s string, loc *time.Location) time.Time {
	for _, layout := range importTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t
		}
	}
	return time.Time{}
}

// channelZone is the channel's time zone, UTC when it has none.
func channelZone(ch model.Channel) *time.Location {
	if ch.TimeZone != "" {
		if l, err := time.LoadLocation(ch.TimeZone); err == nil {
			return l
		}
	}
	return time.UTC
}

// nextSlot returns the channel's first default slot after now that no
// target and no earlier row of the file has taken. Slots are computed in
// the zone's wall-clock time, so a daylight-saving change keeps them at
// 09:00, 12:00 and 17:00 local.
func (im *importer) nextSlot(channelID string, loc *time.Location) time.Time {
	now := im.now.In(loc)
	for day := 0; ; day++ {
		d := now.AddDate(0, 0, day)
		for _, hm := range defaultSlots {
			t := time.Date(d.Year(), d.Month(), d.Day(), hm[0], hm[1], 0, 0, loc)
			if t.After(im.now) && !im.taken[channelID][t.Unix()] {
				return t
			}
		}
	}
}

// media splits the media cell into library IDs and URLs to fetch.
func (im *importer) media(row *importRow, cell string) {
	for _, m := range splitList(cell) {
		lower := strings.ToLower(m)
		if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
			row.draft.Base.Media = append(row.draft.Base.Media, model.MediaRef{ID: m})
			continue
		}
		if im.s.MediaImporter == nil {
			row.problem("media", "importing media by URL is not available; upload %s to the media library and use its ID", clip(m, 80))
			continue
		}
		if err := checkLink(m); err != nil {
			row.problem("media", "%q: %s", clip(m, 80), err.Error())
			continue
		}
		row.urls = append(row.urls, m)
	}
}

// splitList splits a ;-separated cell, dropping empty parts.
func splitList(cell string) []string {
	var out []string
	for _, p := range strings.Split(cell, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
