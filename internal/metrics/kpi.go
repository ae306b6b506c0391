package metrics

import (
	"context"
	"sort"
	"time"

	"herald/internal/model"
	"herald/internal/store"
)

// KPI definitions, shown in the docs (docs/METRICS.md) and as tooltips.
// Every rate is left unknown, never 0 or NaN, when its denominator is.
var KPIFormulas = map[string]string{
	"posts":               "Posts published in the period (one per channel a post went to)",
	"engagements":         "Likes + reposts + replies + quotes + saves + clicks, from each post's latest read; counters a network does not report are not counted",
	"impressions":         "Views where the network reports them (not available elsewhere)",
	"reach":               "Reach = unique accounts each post was shown to, summed over the posts whose network reports it (a person reached by two posts counts twice; not available elsewhere)",
	"account_reach":       "Daily account reach = unique accounts shown the channel's content on the day before its last account read in the period, where the network reports it",
	"account_impressions": "Daily account impressions = times the channel's content was shown on the day before its last account read in the period, where the network reports it",
	"engagement_rate_imp": "Engagement rate by impressions = engagements ÷ impressions, over posts whose network reports views",
	"engagement_rate_fol": "Engagement rate by followers = engagements per post ÷ followers at the end of the period",
	"ctr":                 "Click-through rate = tracked clicks ÷ impressions, over posts with both",
	"follower_growth":     "Follower growth = followers at the last read of the period − at the first (and that as a share of the first)",
	"frequency":           "Posting frequency = posts ÷ weeks in the period",
	"response_time":       "Response time = the median time from a conversation's first message to the team's first answer, for conversations started in the period (the inbox)",
	"conversions":         conversionsFormula,
	"conversion_rate":     conversionRateFormula,
}

// Value is a KPI that may be unknown (no data, or a zero denominator).
type Value struct {
	V     float64
	Known bool
}

func known(v float64) Value { return Value{V: v, Known: true} }

// ratio is a/b when b is positive.
func ratio(a, b float64) Value {
	if b <= 0 {
		return Value{}
	}
	return known(a / b)
}

// KPIs are one period's numbers for a workspace or a channel.
type KPIs struct {
	Posts          int
	Engagements    Value
	Impressions    Value
	Reach          Value // summed over posts
	AccountReach   Value // the channels' daily reach at their last read
	AccountImpr    Value // the channels' daily impressions at their last read
	RateByImp      Value // engagements ÷ impressions
	RateByFol      Value // engagements per post ÷ followers
	CTR            Value // clicks ÷ impressions
	Followers      Value // at the end of the period
	FollowerNet    Value
	FollowerPct    Value
	PostsPerWeek   Value
	ResponseTime   Value   // median minutes to the first answer (workspace only)
	Conversions    Value   // conversions in the period (conversions.go)
	ConversionRate Value   // attributed conversions ÷ human tracked clicks
	engagementsImp float64 // engagements of posts with impressions, for RateByImp
	clicksImp      float64
}

// PostResult is one published post's latest numbers, for top and bottom
// lists.
type PostResult struct {
	store.PublishedTarget
	Engagements Value
	Impressions Value
	Reach       Value
	clicks      model.Count
}

// Overview is the workspace's KPIs for a period, the same for the period
// before it, per channel, and its best and worst posts.
type Overview struct {
	From, To          time.Time
	Current, Previous KPIs
	ByChannel         map[string]KPIs
	ByPillar          map[string]KPIs // "" for posts without a pillar
	ByLabel           map[string]KPIs
	ByCampaign        map[string]KPIs // "" for posts in no campaign
	Top, Bottom       []PostResult
	HasData           bool // something was published or read in the period
}

// Overview computes the workspace's KPIs for [from, to) and the period of
// the same length before it.
func (s *Service) Overview(ctx context.Context, a model.Actor, workspaceID string, from, to time.Time) (Overview, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return Overview{}, err
	}
	return s.OverviewOf(ctx, workspaceID, from, to)
}

// OverviewOf is Overview without a permission check, for callers that
// checked access their own way: scheduled reports and report links.
func (s *Service) OverviewOf(ctx context.Context, workspaceID string, from, to time.Time) (Overview, error) {
	if !from.Before(to) || to.Sub(from) > 366*24*time.Hour {
		return Overview{}, model.Invalid("from", "choose a period of up to a year, its start before its end")
	}
	o := Overview{From: from, To: to, ByChannel: map[string]KPIs{}}
	// The period before is read at the same time, on another connection:
	// over a year each period reads thousands of rows.
	type before struct {
		k   KPIs
		err error
	}
	prevc := make(chan before, 1)
	go func() {
		k, _, _, err := s.period(ctx, workspaceID, from.Add(-to.Sub(from)), from)
		prevc <- before{k, err}
	}()
	cur, results, byCh, err := s.period(ctx, workspaceID, from, to)
	var campaigns map[store.PostChannel][]string
	if err == nil {
		campaigns, err = s.campaigns(ctx, workspaceID, results)
	}
	p := <-prevc
	if err != nil {
		return o, err
	}
	if p.err != nil {
		return o, p.err
	}
	prev := p.k
	o.ByPillar, o.ByLabel, o.ByCampaign = groups(results, campaigns, to.Sub(from).Hours()/(24*7))
	o.Current, o.Previous, o.ByChannel = cur, prev, byCh
	o.HasData = cur.Posts > 0 || cur.Followers.Known
	sort.SliceStable(results, func(i, j int) bool { return results[i].Engagements.V > results[j].Engagements.V })
	var scored []PostResult
	for _, r := range results {
		if r.Engagements.Known {
			scored = append(scored, r)
		}
	}
	o.Top = scored[:min(5, len(scored))]
	for i := len(scored) - 1; i >= 0 && len(o.Bottom) < 5 && i >= len(o.Top); i-- {
		o.Bottom = append(o.Bottom, scored[i])
	}
	return o, s.texts(ctx, workspaceID, o.Top, o.Bottom)
}

// period sums one period overall and per channel.
func (s *Service) period(ctx context.Context, workspaceID string, from, to time.Time) (KPIs, []PostResult, map[string]KPIs, error) {
	q := s.Store.Read()
	pubs, latest, spans, err := s.periodData(ctx, q, workspaceID, from, to)
	if err != nil {
		return KPIs{}, nil, nil, err
	}
	total, byCh := KPIs{}, map[string]*KPIs{}
	var results []PostResult
	for _, p := range pubs {
		snap := latest[p.TargetID]
		r := PostResult{PublishedTarget: p, clicks: snap.Clicks}
		if n, ok := snap.Engagements(); ok {
			r.Engagements = known(float64(n))
		}
		r.Impressions, r.Reach = believable(snap.Views), believable(snap.Reach)
		results = append(results, r)
		ch := byCh[p.ChannelID]
		if ch == nil {
			ch = &KPIs{}
			byCh[p.ChannelID] = ch
		}
		for _, k := range []*KPIs{&total, ch} {
			k.add(r, snap)
		}
	}
	out := map[string]KPIs{}
	weeks := to.Sub(from).Hours() / (24 * 7)
	for id, sp := range spans {
		ch := byCh[id]
		if ch == nil {
			ch = &KPIs{}
			byCh[id] = ch
		}
		ch.follow(sp)
		total.follow(sp)
	}
	for id, k := range byCh {
		k.finish(weeks)
		out[id] = *k
	}
	total.finish(weeks)
	if total.ResponseTime, err = responseTime(ctx, q, workspaceID, from, to); err != nil {
		return KPIs{}, nil, nil, err
	}
	if err := addConversions(ctx, q, workspaceID, from, to, &total, out); err != nil {
		return KPIs{}, nil, nil, err
	}
	return total, results, out, nil
}

// responseTime is the median minutes to the team's first answer in the
// inbox, for conversations started in [from, to).
func responseTime(ctx context.Context, q *store.Queries, workspaceID string, from, to time.Time) (Value, error) {
	rows, err := q.ReportRows(ctx, workspaceID, from, to)
	if err != nil {
		return Value{}, err
	}
	var mins []float64
	for _, r := range rows {
		if !r.FirstInboundAt.IsZero() && !r.FirstResponseAt.IsZero() && !r.FirstResponseAt.Before(r.FirstInboundAt) {
			mins = append(mins, r.FirstResponseAt.Sub(r.FirstInboundAt).Minutes())
		}
	}
	if len(mins) == 0 {
		return Value{}, nil
	}
	sort.Float64s(mins)
	if len(mins)%2 == 1 {
		return known(mins[len(mins)/2]), nil
	}
	return known((mins[len(mins)/2-1] + mins[len(mins)/2]) / 2), nil
}

// add counts one post's latest read.
func (k *KPIs) add(r PostResult, snap model.PostMetricSnapshot) {
	k.Posts++
	if r.Engagements.Known {
		k.Engagements = known(k.Engagements.V + r.Engagements.V)
	}
	if r.Reach.Known {
		k.Reach = known(k.Reach.V + r.Reach.V)
	}
	if r.Impressions.Known {
		k.Impressions = known(k.Impressions.V + r.Impressions.V)
		k.engagementsImp += r.Engagements.V
		if snap.Clicks.Known && snap.Clicks.Value >= 0 && snap.Clicks.Value <= model.MaxCount {
			k.clicksImp += float64(snap.Clicks.Value)
		}
	}
}

// follow adds a channel's follower span and daily reach.
func (k *KPIs) follow(sp store.AccountSpan) {
	if r := believable(sp.Last.Reach); r.Known {
		k.AccountReach = known(k.AccountReach.V + r.V)
	}
	if i := believable(sp.Last.Impressions); i.Known {
		k.AccountImpr = known(k.AccountImpr.V + i.V)
	}
	if !sp.Last.Followers.Known {
		return
	}
	k.Followers = known(k.Followers.V + float64(sp.Last.Followers.Value))
	if sp.First.Followers.Known {
		k.FollowerNet = known(k.FollowerNet.V + float64(sp.Last.Followers.Value-sp.First.Followers.Value))
		k.FollowerPct.V += float64(sp.First.Followers.Value) // the base, until finish
		k.FollowerPct.Known = true
	}
}

// believable is a counter as the KPIs use it: unknown when the network
// does not report it or sent a value that cannot be right.
func believable(c model.Count) Value {
	if !c.Known || c.Value < 0 || c.Value > model.MaxCount {
		return Value{}
	}
	return known(float64(c.Value))
}

// finish turns sums into rates.
func (k *KPIs) finish(weeks float64) {
	if k.Impressions.Known {
		k.RateByImp = ratio(k.engagementsImp, k.Impressions.V)
		k.CTR = ratio(k.clicksImp, k.Impressions.V)
	}
	if k.Engagements.Known && k.Posts > 0 {
		k.RateByFol = ratio(k.Engagements.V/float64(k.Posts), k.Followers.V)
	}
	if k.FollowerPct.Known {
		k.FollowerPct = ratio(k.FollowerNet.V, k.FollowerPct.V)
	}
	k.PostsPerWeek = ratio(float64(k.Posts), weeks)
}

// campaigns finds the campaigns of the period's targets from their
// tracked links. Links are not snapshots, so this is the same whether the
// figures come from the rollups or from raw snapshots.
func (s *Service) campaigns(ctx context.Context, workspaceID string, results []PostResult) (map[store.PostChannel][]string, error) {
	targets := make([]store.PostChannel, len(results))
	for i, r := range results {
		targets[i] = store.PostChannel{PostID: r.PostID, ChannelID: r.ChannelID}
	}
	return s.Store.Read().TargetCampaigns(ctx, workspaceID, targets)
}

// groups sums the period's posts by content pillar, by label and by
// campaign (a post with several labels or campaigns counts in each; one
// in no campaign under ""); follower figures do not apply.
func groups(results []PostResult, campaigns map[store.PostChannel][]string, weeks float64) (byPillar, byLabel, byCampaign map[string]KPIs) {
	pillars, labels, camps := map[string]*KPIs{}, map[string]*KPIs{}, map[string]*KPIs{}
	add := func(m map[string]*KPIs, key string, r PostResult) {
		k := m[key]
		if k == nil {
			k = &KPIs{}
			m[key] = k
		}
		k.add(r, model.PostMetricSnapshot{Clicks: r.clicks})
	}
	for _, r := range results {
		add(pillars, r.PillarID, r)
		for _, l := range r.Labels {
			add(labels, l, r)
		}
		cs := campaigns[store.PostChannel{PostID: r.PostID, ChannelID: r.ChannelID}]
		if len(cs) == 0 {
			cs = []string{""}
		}
		for _, c := range cs {
			add(camps, c, r)
		}
	}
	done := func(m map[string]*KPIs) map[string]KPIs {
		out := make(map[string]KPIs, len(m))
		for key, k := range m {
			k.finish(weeks)
			out[key] = *k
		}
		return out
	}
	return done(pillars), done(labels), done(camps)
}
