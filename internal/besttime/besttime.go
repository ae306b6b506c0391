package besttime

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// slots is the number of hours in a week; slot i is weekday i/24, hour i%24.
const slots = 7 * 24

// Values of Cell.Source: where a cell's estimate mostly comes from.
const (
	SourceHistory = "history" // the channel's own posts outweigh the default
	SourceBlend   = "blend"   // history and the network default both count
	SourceDefault = "default" // too few posts nearby: the network default
)

// Post is one published post of the channel, as the heatmap sees it.
type Post struct {
	// PublishedAt is when the post went out; any zone, it is converted to
	// the channel's zone. Zero times are skipped.
	PublishedAt time.Time
	// Engagement is how well the post did: engagements, an engagement rate
	// or any other non-negative score, the same kind for every post.
	// Negative, NaN and infinite values are skipped.
	Engagement float64
	// Reach is how many accounts saw the post, 0 when unknown. It is only
	// used with Options.Rate.
	Reach float64
}

// Options tunes Compute; the zero value gives the documented defaults.
type Options struct {
	// TopN is how many slots Result.Best lists; 0 means 5.
	TopN int
	// PriorPosts is the weight of the network default in each slot, in
	// posts (Bayesian pseudo-counts); 0 means 3.
	PriorPosts float64
	// MinPosts is the history below which the default's weight is scaled
	// up by MinPosts/posts and the note says history is thin; 0 means 30.
	MinPosts int
	// HalfLife turns on recency weighting: a post HalfLife older than Now
	// counts half. 0 means every post counts the same.
	HalfLife time.Duration
	// Now is the reference time for HalfLife; zero means the newest post.
	Now time.Time
	// Rate scores each post by Engagement/Reach instead of Engagement,
	// skipping posts whose reach is unknown. Use it when reach is known for
	// most posts: it takes follower growth out of the comparison.
	Rate bool
	// CapQuantile is the winsorising quantile for outliers; 0 means 0.99.
	// Lower values such as 0.95 also flatten genuine peaks when a channel
	// posts mostly at its good hours, so they are not the default.
	CapQuantile float64
}

// withDefaults fills zero (or invalid) options with the defaults.
func (o Options) withDefaults() Options {
	if o.TopN <= 0 {
		o.TopN = 5
	}
	if !(o.PriorPosts > 0) {
		o.PriorPosts = 3
	}
	if o.MinPosts <= 0 {
		o.MinPosts = 30
	}
	if !(o.CapQuantile > 0 && o.CapQuantile <= 1) {
		o.CapQuantile = 0.99
	}
	return o
}

// Cell is one weekday-and-hour slot of the heatmap.
type Cell struct {
	// Score is the slot's estimate relative to the best slot: 1 for the
	// best, 0.5 for a slot where posts do half as well.
	Score float64
	// Lift is the estimate relative to the channel's average post: 1.8
	// means posts in this hour get 1.8× the usual engagement. It is capped,
	// smoothed and shrunk, so it understates sharp peaks.
	Lift float64
	// Posts is how many of the channel's posts went out in this hour.
	Posts int
	// Confidence, 0–1, grows with the posts in this slot and its
	// neighbours.
	Confidence float64
	// Source is SourceHistory, SourceBlend or SourceDefault.
	Source string
}

// Slot is a weekly posting time proposed by the heatmap, in the channel's
// zone.
type Slot struct {
	Weekday    time.Weekday
	Hour       int     // local hour, 0–23
	Score      float64 // the cell's Score
	Confidence float64 // the cell's Confidence
}

// Minute returns the slot's start as minutes after local midnight, the
// unit of the channel's weekly posting slots.
func (s Slot) Minute() int { return s.Hour * 60 }

// String writes the slot as "Tue 09:00".
func (s Slot) String() string { return fmt.Sprintf("%.3s %02d:00", s.Weekday, s.Hour) }

// Result is the heatmap of one channel and what it suggests.
type Result struct {
	// Cells is indexed by time.Weekday (Sunday first), then local hour.
	Cells [7][24]Cell
	// Best lists the top Options.TopN slots, best first, spread so that
	// neighbouring hours of one day only both appear when clearly better.
	Best []Slot
	// Overall, 0–1, is the mean confidence of the Best slots.
	Overall float64
	// Note explains the result in a sentence for the UI.
	Note string
	// Network is the default profile used: a network id or "generic".
	Network string
	// Posts is how many posts were used; Weeks the span they cover.
	Posts, Weeks int
}

// Compute builds the heatmap for one channel from its posts, in the
// channel's zone loc (nil means UTC), with network's defaults as the prior.
// It never fails: with no usable history it returns the network defaults.
func Compute(posts []Post, loc *time.Location, network string, opts Options) Result {
	opts = opts.withDefaults()
	if loc == nil {
		loc = time.UTC
	}
	h := collect(posts, loc, opts)
	est := estimateSlots(h, priorMeans(network), opts)
	res := Result{Network: canonical(network), Posts: len(h.samples), Weeks: h.weeks()}
	res.fill(est, &h)
	res.Best = pick(&res.Cells, opts.TopN, 24, 1)
	for _, s := range res.Best {
		res.Overall += s.Confidence / float64(len(res.Best))
	}
	res.Note = note(h, len(posts), est.flat, res, opts)
	return res
}

// fill writes the estimates into the cells.
func (r *Result) fill(e estimate, h *history) {
	top := slices.Max(e.lift[:])
	for i := range slots {
		c := &r.Cells[i/24][i%24]
		c.Lift = e.lift[i]
		if top > 0 {
			c.Score = e.lift[i] / top
		}
		c.Posts = h.posts[i]
		c.Confidence = e.conf[i]
		c.Source = source(e.share[i])
	}
}

// source names where a cell's estimate comes from, given the share of the
// channel's own (smoothed) posts in its weight.
func source(share float64) string {
	switch {
	case share >= 0.75:
		return SourceHistory
	case share > 0.25:
		return SourceBlend
	}
	return SourceDefault
}

// note writes Result.Note.
func note(h history, input int, flat bool, r Result, opts Options) string {
	typical := "using typical times for " + displayName(r.Network)
	n := len(h.samples)
	switch {
	case input == 0:
		return "No posts yet: " + typical
	case n == 0:
		return "No usable posts yet: " + typical
	case flat:
		return fmt.Sprintf("No engagement recorded on %s yet: %s", plural(n, "post"), typical)
	case n < opts.MinPosts:
		return fmt.Sprintf("Not enough history yet (%s): %s", plural(n, "post"), typical)
	}
	s := fmt.Sprintf("Based on %s over %s", plural(n, "post"), plural(r.Weeks, "week"))
	if opts.HalfLife > 0 {
		s += ", recent posts counting more"
	}
	if r.Overall < 0.3 {
		s += "; hours with few posts lean on typical times for " + displayName(r.Network)
	}
	return s
}

// plural writes "1 post" or "5 posts".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// weeks is the span of the history in whole weeks, rounded up.
func (h history) weeks() int {
	if len(h.samples) == 0 {
		return 0
	}
	w := int(math.Ceil(h.last.Sub(h.first).Hours() / (24 * 7)))
	return max(w, 1)
}
