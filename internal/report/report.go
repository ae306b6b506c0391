// Package report turns a workspace's analytics for a period into a report
// (KPIs against the period before, per channel, by pillar and label, top
// and bottom posts, engagements by day, the KPI definitions), renders it as
// a branded PDF in pure Go, e-mails it on weekly or monthly schedules, and
// shows it through revocable read-only links.
//
// Example:
//
//	rep, pdf, err := svc.PDF(ctx, actor, workspaceID, from, to)
package report

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/mail"
	"herald/internal/metrics"
	"herald/internal/model"
	"herald/internal/store"
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Overviews computes a workspace's KPIs for a period (the metrics
// service); access is checked here, not there.
type Overviews interface {
	OverviewOf(ctx context.Context, workspaceID string, from, to time.Time) (metrics.Overview, error)
}

// Logos reads a logo from the media library: a JPEG of at most a few
// hundred kilobytes, or an error when the asset is gone or not an image.
type Logos interface {
	Logo(ctx context.Context, workspaceID, mediaID string) ([]byte, error)
}

// Mailer sends e-mail now (the mail service).
type Mailer interface {
	Send(ctx context.Context, msg mail.Message) error
}

// Enqueuer inserts jobs in a transaction (the job queue).
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Service builds, renders, schedules and shares reports.
type Service struct {
	Store      *store.Store
	Workspaces Authorizer
	Metrics    Overviews
	Logos      Logos // nil: reports carry no logo
	Mail       Mailer
	Queue      Enqueuer
	BaseURL    string
	Logger     *slog.Logger
	Now        func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// NotAvailable is how a figure that is unknown (not reported by the
// network, or a rate over nothing) is shown: never 0 or NaN.
const NotAvailable = "n/a"

// Report is one period's analytics of a workspace, ready to show.
type Report struct {
	Workspace string
	From, To  time.Time // [From, To) in Zone
	Zone      *time.Location
	Brand     Brand
	HasData   bool
	KPIs      []KPIRow
	Channels  []Row // by name
	Pillars   []Row
	Labels    []Row
	Campaigns []Row
	Top       []PostRow
	Bottom    []PostRow
	Days      []Day // one per day of the period, in Zone
	Generated time.Time
}

// Brand is how a report looks: its colour (#rrggbb) and logo (JPEG, or
// none).
type Brand struct {
	Color string
	Logo  []byte
}

// KPIRow is one KPI against the period before.
type KPIRow struct {
	Key, Label, Formula string
	Value, Previous     string // formatted; NotAvailable when unknown
	Change              string // e.g. "+12%"; "" when it cannot be computed
	Up                  bool
}

// Row is the KPIs of one channel, pillar or label.
type Row struct {
	Name string
	K    metrics.KPIs
}

// PostRow is one of the top or bottom posts.
type PostRow struct {
	Text, Channel string
	PublishedAt   time.Time
	Engagements   metrics.Value
	Impressions   metrics.Value
	Reach         metrics.Value
}

// Day is the posts published on one day and their engagements.
type Day struct {
	Date        time.Time
	Posts       int
	Engagements metrics.Value
}

// Label returns the period as people read it, e.g. "1 Nov 2026 – 30 Nov
// 2026" (the end inclusive).
func (r Report) Label() string { return span(r.From, r.To, r.Zone) }

// Show formats a figure; a percentage is a share (0.125 is 12.50%).
func Show(v metrics.Value, pct bool) string { return metrics.Format(v, pct, NotAvailable) }

// PerPost is a row's engagements per post.
func (r Row) PerPost() string {
	if !r.K.Engagements.Known || r.K.Posts == 0 {
		return NotAvailable
	}
	return Show(metrics.Value{V: r.K.Engagements.V / float64(r.K.Posts), Known: true}, false)
}

// Report builds a workspace's report for [from, to), for anyone who may
// see its analytics.
func (s *Service) Report(ctx context.Context, a model.Actor, workspaceID string, from, to time.Time) (Report, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportView); err != nil {
		return Report{}, err
	}
	return s.build(ctx, workspaceID, from, to, time.UTC)
}

// PDF renders a workspace's report for [from, to) as PDF.
func (s *Service) PDF(ctx context.Context, a model.Actor, workspaceID string, from, to time.Time) ([]byte, Report, error) {
	r, err := s.Report(ctx, a, workspaceID, from, to)
	if err != nil {
		return nil, r, err
	}
	doc, err := Render(r)
	return doc, r, err
}

// FileName is the name a report's PDF is offered under.
func (r Report) FileName() string {
	return "report-" + r.From.In(r.Zone).Format(time.DateOnly) + "-" + r.To.Add(-time.Nanosecond).In(r.Zone).Format(time.DateOnly) + ".pdf"
}

// build gathers the report without a permission check; days are counted
// in zone.
func (s *Service) build(ctx context.Context, workspaceID string, from, to time.Time, zone *time.Location) (Report, error) {
	o, err := s.Metrics.OverviewOf(ctx, workspaceID, from, to)
	if err != nil {
		return Report{}, err
	}
	q := s.Store.Read()
	w, err := q.WorkspaceByID(ctx, workspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return Report{}, model.NotFound("workspace not found")
	} else if err != nil {
		return Report{}, err
	}
	r := Report{Workspace: w.Name, From: from, To: to, Zone: zone, HasData: o.HasData, Generated: s.now(), KPIs: kpiRows(o.Current, o.Previous)}
	if r.Brand, err = s.brand(ctx, workspaceID); err != nil {
		return r, err
	}
	names, err := s.channelNames(ctx, workspaceID)
	if err != nil {
		return r, err
	}
	for id, k := range o.ByChannel {
		r.Channels = append(r.Channels, Row{Name: nameOr(names[id], "A removed channel"), K: k})
	}
	pillars, err := q.ListPillars(ctx, workspaceID)
	if err != nil {
		return r, err
	}
	pillarNames := map[string]string{"": "No pillar"}
	for _, p := range pillars {
		pillarNames[p.ID] = p.Name
	}
	for id, k := range o.ByPillar {
		r.Pillars = append(r.Pillars, Row{Name: nameOr(pillarNames[id], "A removed pillar"), K: k})
	}
	for l, k := range o.ByLabel {
		r.Labels = append(r.Labels, Row{Name: l, K: k})
	}
	for c, k := range o.ByCampaign {
		r.Campaigns = append(r.Campaigns, Row{Name: nameOr(c, "No campaign"), K: k})
	}
	for _, rows := range [][]Row{r.Channels, r.Pillars, r.Labels, r.Campaigns} {
		sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	}
	r.Top, r.Bottom = postRows(o.Top, names), postRows(o.Bottom, names)
	if r.Days, err = s.days(ctx, workspaceID, from, to, zone); err != nil {
		return r, err
	}
	return r, nil
}

func nameOr(n, instead string) string {
	if n == "" {
		return instead
	}
	return n
}

func (s *Service) channelNames(ctx context.Context, workspaceID string) (map[string]string, error) {
	chans, err := s.Store.Read().ListChannels(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(chans))
	for _, c := range chans {
		names[c.ID] = c.Name
	}
	return names, nil
}

func postRows(in []metrics.PostResult, names map[string]string) []PostRow {
	out := make([]PostRow, 0, len(in))
	for _, p := range in {
		out = append(out, PostRow{Text: p.Text, Channel: nameOr(names[p.ChannelID], "A removed channel"), PublishedAt: p.PublishedAt,
			Engagements: p.Engagements, Impressions: p.Impressions, Reach: p.Reach})
	}
	return out
}

// days counts the posts published on each day of the period and the
// engagements they have had since (from each post's latest read).
func (s *Service) days(ctx context.Context, workspaceID string, from, to time.Time, zone *time.Location) ([]Day, error) {
	q := s.Store.Read()
	pubs, err := q.PublishedBetween(ctx, workspaceID, from, to)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(pubs))
	for i, p := range pubs {
		ids[i] = p.TargetID
	}
	latest, err := q.LatestPostMetrics(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []Day
	index := map[string]int{}
	for d := from.In(zone); d.Before(to); d = nextDay(d) {
		index[d.Format(time.DateOnly)] = len(out)
		out = append(out, Day{Date: d})
	}
	for _, p := range pubs {
		i, ok := index[p.PublishedAt.In(zone).Format(time.DateOnly)]
		if !ok {
			continue
		}
		out[i].Posts++
		if n, ok := latest[p.TargetID].Engagements(); ok {
			out[i].Engagements = metrics.Value{V: out[i].Engagements.V + float64(n), Known: true}
		}
	}
	return out, nil
}

// nextDay is local midnight of the day after t's, whatever the day's
// length (DST).
func nextDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

// kpiRows lays out the KPIs with their formulas and the change from the
// period before, as the analytics page does.
func kpiRows(cur, prev metrics.KPIs) []KPIRow {
	list := metrics.Compare(cur, prev)
	out := make([]KPIRow, 0, len(list))
	for _, k := range list {
		row := KPIRow{Key: k.Key, Label: k.Label, Formula: k.Formula, Value: Show(k.Current, k.Percent), Previous: Show(k.Previous, k.Percent)}
		row.Change, row.Up = k.Change()
		out = append(out, row)
	}
	return out
}
