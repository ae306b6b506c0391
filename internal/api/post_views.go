package api

import (
	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/schedule"
)

// postView is a post as the API shows it: the base content, and per
// channel the variant (only what it overrides) and the target's state.
type postView struct {
	ID          string        `json:"id"`
	WorkspaceID string        `json:"workspace_id"`
	Base        model.Content `json:"base"`
	PillarID    *string       `json:"pillar_id"`
	Labels      []string      `json:"labels"`
	Notes       string        `json:"notes"`
	AuthorID    string        `json:"author_id"`
	Version     int           `json:"version"`
	CreatedAt   string        `json:"created_at"`
	UpdatedAt   string        `json:"updated_at"`
	Targets     []targetView  `json:"targets"`
	Series      seriesView    `json:"series"`
}

// seriesView is how a post continues once it has gone out: by a
// recurrence rule, or re-queued as evergreen, and which posts it is linked
// to. Every field is null when the post neither repeats nor recycles.
type seriesView struct {
	Recurrence          *string `json:"recurrence"`
	Zone                *string `json:"zone"`
	Description         *string `json:"description"`
	EvergreenGapSeconds *int64  `json:"evergreen_gap_seconds"`
	EvergreenMax        *int    `json:"evergreen_max"`
	SeriesID            *string `json:"series_id"`
	ContinuedBy         *string `json:"continued_by"`
}

func viewSeries(s model.Series) seriesView {
	v := seriesView{Recurrence: stringOrNull(s.Recurrence), Zone: stringOrNull(s.RecurZone), SeriesID: stringOrNull(s.SeriesID),
		ContinuedBy: stringOrNull(s.ContinuedBy)}
	if s.Recurrence != "" {
		loc, err := schedule.LoadZone(s.RecurZone)
		if err != nil {
			loc = nil // Describe falls back to UTC for the end date
		}
		d := schedule.Describe(s.Recurrence, loc)
		v.Description = &d
	}
	if s.EvergreenGap > 0 {
		gap, most := int64(s.EvergreenGap.Seconds()), s.EvergreenMax
		d := schedule.Evergreen{MinGap: s.EvergreenGap, MaxCount: s.EvergreenMax}.Describe()
		v.EvergreenGapSeconds, v.EvergreenMax, v.Description = &gap, &most, &d
	}
	return v
}

type targetView struct {
	ID          string        `json:"id"`
	ChannelID   string        `json:"channel_id"`
	Variant     model.Variant `json:"variant"`
	Customised  bool          `json:"customised"`
	Status      string        `json:"status"`
	ScheduledAt *string       `json:"scheduled_at"`
	TimeZone    *string       `json:"time_zone"`
	Error       *string       `json:"error"`
	RemoteURL   *string       `json:"remote_url"`
	PublishedAt *string       `json:"published_at"`
	UpdatedAt   string        `json:"updated_at"`
}

func viewPost(p model.Post) postView {
	v := postView{ID: p.ID, WorkspaceID: p.WorkspaceID, Base: p.Base, PillarID: stringOrNull(p.PillarID), Labels: p.Labels,
		Notes: p.Notes, AuthorID: p.AuthorID, Version: p.Version, CreatedAt: stamp(p.CreatedAt), UpdatedAt: stamp(p.UpdatedAt),
		Targets: []targetView{}, Series: viewSeries(p.Series)}
	if v.Labels == nil {
		v.Labels = []string{}
	}
	for _, t := range p.Targets {
		v.Targets = append(v.Targets, targetView{ID: t.ID, ChannelID: t.ChannelID, Variant: t.Variant, Customised: t.Variant.Customised(),
			Status: string(t.Status), ScheduledAt: stampOrNull(t.ScheduledAt), TimeZone: stringOrNull(t.TimeZone), Error: stringOrNull(t.Error),
			RemoteURL: stringOrNull(t.RemoteURL), PublishedAt: stampOrNull(t.PublishedAt), UpdatedAt: stamp(t.UpdatedAt)})
	}
	return v
}

// draftInput is the editable part of a post in requests.
type draftInput struct {
	Base     model.Content            `json:"base"`
	Channels []string                 `json:"channels"`
	Variants map[string]model.Variant `json:"variants"`
	PillarID string                   `json:"pillar_id"`
	Labels   []string                 `json:"labels"`
	Notes    string                   `json:"notes"`
}

func (d draftInput) draft() compose.Draft {
	return compose.Draft{Base: d.Base, Channels: d.Channels, Variants: d.Variants, PillarID: d.PillarID, Labels: d.Labels, Notes: d.Notes}
}

type versionView struct {
	Version   int                `json:"version"`
	AuthorID  string             `json:"author_id"`
	Author    string             `json:"author"`
	Summary   string             `json:"summary"`
	Text      string             `json:"text"`
	Diff      []compose.DiffPart `json:"diff"`
	CreatedAt string             `json:"created_at"`
}

func viewVersion(v compose.Version) versionView {
	diff := v.Diff
	if diff == nil {
		diff = []compose.DiffPart{}
	}
	return versionView{Version: v.Version, AuthorID: v.AuthorID, Author: v.Author, Summary: v.Summary, Text: v.Text, Diff: diff, CreatedAt: stamp(v.CreatedAt)}
}

type pillarView struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Color       string `json:"color"`
	TargetShare int    `json:"target_share"`
	Description string `json:"description"`
	CreatedAt   string `json:"created_at"`
}

func viewPillar(p model.Pillar) pillarView {
	return pillarView{ID: p.ID, Name: p.Name, Color: p.Color, TargetShare: p.TargetShare, Description: p.Description, CreatedAt: stamp(p.CreatedAt)}
}

type ideaView struct {
	ID        string           `json:"id"`
	Text      string           `json:"text"`
	Link      *string          `json:"link"`
	Media     []model.MediaRef `json:"media"`
	AuthorID  string           `json:"author_id"`
	PostID    *string          `json:"post_id"`
	CreatedAt string           `json:"created_at"`
	UpdatedAt string           `json:"updated_at"`
}

func viewIdea(i model.Idea) ideaView {
	media := i.Media
	if media == nil {
		media = []model.MediaRef{}
	}
	return ideaView{ID: i.ID, Text: i.Text, Link: stringOrNull(i.Link), Media: media, AuthorID: i.AuthorID, PostID: stringOrNull(i.PostID),
		CreatedAt: stamp(i.CreatedAt), UpdatedAt: stamp(i.UpdatedAt)}
}

type snippetView struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	Body      string   `json:"body"`
	Variables []string `json:"variables"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
}

func viewSnippet(s model.Snippet) snippetView {
	vars := []string{}
	if s.Kind == model.SnippetTemplate {
		vars = append(vars, compose.TemplateVariables(s.Body)...)
	}
	return snippetView{ID: s.ID, Kind: string(s.Kind), Name: s.Name, Body: s.Body, Variables: vars, CreatedAt: stamp(s.CreatedAt), UpdatedAt: stamp(s.UpdatedAt)}
}
