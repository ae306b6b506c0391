package competitor

import (
	"context"
	"sort"
	"time"

	"herald/internal/model"
)

// Formulas explain each compared figure (docs/METRICS.md, tooltips).
var Formulas = map[string]string{
	"followers":       "Followers at the last read of the period; on Nostr a lower bound (contact lists on the relays Herald asks)",
	"growth":          "Followers at the last read of the period − at the first",
	"posts_per_week":  "Posts published in the period ÷ weeks in the period (replies and reposts of others left out)",
	"engagement_post": "Likes + reposts + replies + quotes, from each post's latest read, averaged over the posts whose network gives at least one of them",
}

// Value is a figure that may be "not available".
type Value struct {
	V     float64
	Known bool
}

func known(v float64) Value { return Value{V: v, Known: true} }

// Row is one account in a comparison: a competitor or one of the
// workspace's own channels.
type Row struct {
	Own            bool   // one of the workspace's channels
	ID             string // competitor or channel ID
	Network        string
	Handle, Name   string
	Label          string
	Followers      Value
	FollowersLower bool // Followers is a lower bound
	Growth         Value
	Posts          int // posts published in the period that Herald read
	PostsPerWeek   Value
	EngagementPost Value // average engagements per post with known counters
	RefreshedAt    time.Time
	LastError      string
	Notes          []string
}

// Comparison is a period's figures per competitor and per own channel on
// the same networks, grouped by network.
type Comparison struct {
	From, To time.Time
	Rows     []Row
}

// Compare computes the figures for [from, to).
func (s *Service) Compare(ctx context.Context, a model.Actor, workspaceID string, from, to time.Time) (Comparison, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return Comparison{}, err
	}
	if !from.Before(to) || to.Sub(from) > 366*24*time.Hour {
		return Comparison{}, model.Invalid("from", "choose a period of up to a year, its start before its end")
	}
	q := s.Store.Read()
	comps, err := q.ListCompetitors(ctx, workspaceID)
	if err != nil {
		return Comparison{}, err
	}
	weeks := to.Sub(from).Hours() / (24 * 7)
	out := Comparison{From: from, To: to}
	networks := map[string]bool{}
	for _, c := range comps {
		networks[c.Network] = true
		snaps, err := q.CompetitorSnapshots(ctx, c.ID, from, to)
		if err != nil {
			return out, err
		}
		posts, err := q.LatestCompetitorPosts(ctx, c.ID, from, to)
		if err != nil {
			return out, err
		}
		r := Row{ID: c.ID, Network: c.Network, Handle: c.Handle, Name: c.Name, Label: c.Label, RefreshedAt: c.RefreshedAt, LastError: c.LastError,
			Notes: c.Notes, Posts: len(posts), PostsPerWeek: known(float64(len(posts)) / weeks)}
		var first, last model.Count
		for _, sn := range snaps {
			if believable(sn.Followers, sn.Flags) {
				if !first.Known {
					first = sn.Followers
				}
				last, r.FollowersLower = sn.Followers, sn.FollowersLower
			}
		}
		r.Followers, r.Growth = followers(first, last)
		var sum float64
		n := 0
		for _, p := range posts {
			if e, ok := p.Engagements(); ok {
				sum, n = sum+float64(e), n+1
			}
		}
		if n > 0 {
			r.EngagementPost = known(sum / float64(n))
		}
		if len(snaps) == 0 && len(posts) == 0 {
			// Not read in (or for) this period: zero posts would be a guess.
			r.PostsPerWeek = Value{}
		}
		out.Rows = append(out.Rows, r)
	}
	own, err := s.ownRows(ctx, workspaceID, networks, from, to, weeks)
	if err != nil {
		return out, err
	}
	out.Rows = append(out.Rows, own...)
	sort.SliceStable(out.Rows, func(i, j int) bool {
		a, b := out.Rows[i], out.Rows[j]
		if a.Network != b.Network {
			return a.Network < b.Network
		}
		if a.Own != b.Own {
			return a.Own
		}
		return a.Handle < b.Handle
	})
	return out, nil
}

func believable(c model.Count, flags []string) bool {
	if !c.Known || c.Value < 0 || c.Value > model.MaxCount {
		return false
	}
	for _, f := range flags {
		if f == model.MetricNegative || f == model.MetricImpossible {
			return false
		}
	}
	return true
}

// followers is the last known count and the growth since the first.
func followers(first, last model.Count) (Value, Value) {
	if !last.Known {
		return Value{}, Value{}
	}
	return known(float64(last.Value)), known(float64(last.Value - first.Value))
}

// ownRows are the workspace's channels on the compared networks, with the
// same figures from Herald's own metrics (clicks left out: competitors'
// are never known).
func (s *Service) ownRows(ctx context.Context, workspaceID string, networks map[string]bool, from, to time.Time, weeks float64) ([]Row, error) {
	q := s.Store.Read()
	chans, err := q.ListChannels(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	pubs, err := q.PublishedBetween(ctx, workspaceID, from, to)
	if err != nil {
		return nil, err
	}
	var targets []string
	for _, p := range pubs {
		targets = append(targets, p.TargetID)
	}
	latest, err := q.LatestPostMetrics(ctx, targets)
	if err != nil {
		return nil, err
	}
	var out []Row
	for _, ch := range chans {
		if !networks[ch.Network] {
			continue
		}
		r := Row{Own: true, ID: ch.ID, Network: ch.Network, Handle: ch.Handle, Name: ch.Name}
		snaps, err := q.AccountMetrics(ctx, ch.ID, from)
		if err != nil {
			return nil, err
		}
		var first, last model.Count
		for _, sn := range snaps {
			if sn.TakenAt.Before(to) && believable(sn.Followers, sn.Flags) {
				if !first.Known {
					first = sn.Followers
				}
				last = sn.Followers
				r.RefreshedAt = sn.TakenAt
			}
		}
		r.Followers, r.Growth = followers(first, last)
		var sum float64
		n := 0
		for _, p := range pubs {
			if p.ChannelID != ch.ID {
				continue
			}
			r.Posts++
			m, ok := latest[p.TargetID]
			if !ok {
				continue
			}
			post := model.CompetitorPost{Likes: m.Likes, Reposts: m.Reposts, Replies: m.Replies, Quotes: m.Quotes}
			if e, ok := post.Engagements(); ok {
				sum, n = sum+float64(e), n+1
			}
		}
		r.PostsPerWeek = known(float64(r.Posts) / weeks)
		if n > 0 {
			r.EngagementPost = known(sum / float64(n))
		}
		out = append(out, r)
	}
	return out, nil
}
