package compose

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"herald/internal/model"
	"herald/internal/platform/csvsafe"
)

// Export formats.
const (
	ExportCSV  = "csv"
	ExportJSON = "json"
)

// ExportPost is one post in a JSON export: everything the composer edits,
// with every channel's variant and target state.
type ExportPost struct {
	ID        string         `json:"id"`
	Base      model.Content  `json:"base"`
	PillarID  string         `json:"pillar_id"`
	Pillar    string         `json:"pillar"`
	Labels    []string       `json:"labels"`
	Notes     string         `json:"notes"`
	AuthorID  string         `json:"author_id"`
	Version   int            `json:"version"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	Targets   []ExportTarget `json:"targets"`
}

// ExportTarget is one channel's part of an exported post.
type ExportTarget struct {
	ChannelID   string             `json:"channel_id"`
	ChannelName string             `json:"channel_name"`
	Network     string             `json:"network"`
	Variant     model.Variant      `json:"variant"`
	Status      model.TargetStatus `json:"status"`
	ScheduledAt *time.Time         `json:"scheduled_at"`
	TimeZone    string             `json:"time_zone"`
	RemoteURL   string             `json:"remote_url"`
	PublishedAt *time.Time         `json:"published_at"`
}

// Export writes the workspace's posts matching f (its cursor and limit are
// ignored), newest first: as CSV in the import format, so an export can be
// edited and imported again, or as JSON with variants and targets. CSV
// holds the base content only: threads and per-channel variants need JSON.
func (s *Service) Export(ctx context.Context, a model.Actor, workspaceID string, w io.Writer, format string, f Filter) error {
	if format != ExportCSV && format != ExportJSON {
		return model.Invalid("format", "%q is not an export format; one of csv, json", format)
	}
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return err
	}
	chans, err := s.Channels.List(ctx, a, workspaceID)
	if err != nil {
		return err
	}
	pillars, err := s.Store.Read().ListPillars(ctx, workspaceID)
	if err != nil {
		return err
	}
	x := exporter{chans: map[string]model.Channel{}, names: map[string]int{}, pillars: map[string]string{}}
	for _, c := range chans {
		x.chans[c.ID] = c
		x.names[strings.ToLower(c.Name)]++
	}
	for _, p := range pillars {
		x.pillars[p.ID] = p.Name
	}
	if format == ExportCSV {
		return s.exportPosts(ctx, workspaceID, f, x.csvWriter(w))
	}
	return s.exportPosts(ctx, workspaceID, f, x.jsonWriter(w))
}

// exportPosts pages through the posts so a large workspace is never held in
// memory at once; emit is called with each page and nil at the end.
func (s *Service) exportPosts(ctx context.Context, workspaceID string, f Filter, emit func([]model.Post) error) error {
	f.After, f.Limit = "", 200
	for {
		posts, err := s.Store.Read().ListPosts(ctx, workspaceID, f)
		if err != nil {
			return err
		}
		if err := emit(posts); err != nil {
			return err
		}
		if len(posts) < f.Limit {
			return emit(nil)
		}
		f.After = posts[len(posts)-1].ID
	}
}

type exporter struct {
	chans   map[string]model.Channel
	names   map[string]int // lower-case channel name → how many channels have it
	pillars map[string]string
}

func (x exporter) csvWriter(w io.Writer) func([]model.Post) error {
	cw := csv.NewWriter(w)
	started := false
	return func(posts []model.Post) error {
		if !started {
			started = true
			if err := cw.Write(ImportColumns); err != nil {
				return err
			}
		}
		for _, p := range posts {
			if err := cw.Write(x.csvRow(p)); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
}

// csvRow writes a post the way Import reads it. Channels go by name when
// the name is unambiguous (friendlier to edit), else by ID; the time is the
// first planned target's, in its zone.
func (x exporter) csvRow(p model.Post) []string {
	var chans, media []string
	var when, zone string
	for _, t := range p.Targets {
		c, ok := x.chans[t.ChannelID]
		if ok && x.names[strings.ToLower(c.Name)] == 1 && !strings.Contains(c.Name, ";") {
			chans = append(chans, c.Name)
		} else {
			chans = append(chans, t.ChannelID)
		}
		if when == "" && !t.ScheduledAt.IsZero() {
			loc, err := time.LoadLocation(t.TimeZone)
			if err != nil {
				loc = time.UTC
			}
			when, zone = t.ScheduledAt.In(loc).Format("2006-01-02 15:04"), loc.String()
		}
	}
	for _, m := range p.Base.Media {
		media = append(media, m.ID)
	}
	cells := map[string]string{"text": p.Base.Text, "channels": strings.Join(chans, ";"), "time": when, "zone": zone,
		"media": strings.Join(media, ";"), "pillar": x.pillars[p.PillarID], "labels": strings.Join(p.Labels, ";"),
		"link": p.Base.Link, "first_comment": p.Base.FirstComment}
	row := make([]string, len(ImportColumns))
	for i, c := range ImportColumns {
		row[i] = csvsafe.Cell(cells[c])
	}
	return row
}

func (x exporter) jsonWriter(w io.Writer) func([]model.Post) error {
	started, n := false, 0
	return func(posts []model.Post) error {
		if !started {
			started = true
			if _, err := io.WriteString(w, `{"posts":[`); err != nil {
				return err
			}
		}
		if posts == nil {
			_, err := io.WriteString(w, "]}\n")
			return err
		}
		for _, p := range posts {
			b, err := json.Marshal(x.jsonPost(p))
			if err != nil {
				return fmt.Errorf("compose: export %s: %w", p.ID, err)
			}
			if n > 0 {
				b = append([]byte{','}, b...)
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
			n++
		}
		return nil
	}
}

func (x exporter) jsonPost(p model.Post) ExportPost {
	labels := p.Labels
	if labels == nil {
		labels = []string{}
	}
	out := ExportPost{ID: p.ID, Base: p.Base, PillarID: p.PillarID, Pillar: x.pillars[p.PillarID], Labels: labels, Notes: p.Notes,
		AuthorID: p.AuthorID, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Targets: []ExportTarget{}}
	for _, t := range p.Targets {
		c := x.chans[t.ChannelID]
		out.Targets = append(out.Targets, ExportTarget{ChannelID: t.ChannelID, ChannelName: c.Name, Network: c.Network, Variant: t.Variant,
			Status: t.Status, ScheduledAt: timeOrNil(t.ScheduledAt), TimeZone: t.TimeZone, RemoteURL: t.RemoteURL, PublishedAt: timeOrNil(t.PublishedAt)})
	}
	return out
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
