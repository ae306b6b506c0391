package besttime

import (
	"math"
	"slices"
	"time"
)

// Smoothing kernel: a slot borrows from the hours just before and after it
// and from the same hour on the neighbouring days (Saturday and Sunday are
// neighbours; 23:00 neighbours 00:00 of the next day).
const (
	hourKernel = 0.3
	dayKernel  = 0.15
)

// confPosts is the smoothed post count at which a slot's confidence is 0.5.
const confPosts = 10

// medianFence caps any post at this many channel medians, on top of the
// quantile cap, which cannot trim much in short histories.
const medianFence = 3

// sample is a usable post: its slot, score and recency weight.
type sample struct {
	slot   int
	at     time.Time
	value  float64
	weight float64
}

// history is the channel's usable posts placed in local slots.
type history struct {
	samples     []sample
	posts       [slots]int
	first, last time.Time
}

// collect places usable posts in their local slot and weighs them.
func collect(posts []Post, loc *time.Location, opts Options) history {
	h := history{samples: make([]sample, 0, len(posts))}
	for _, p := range posts {
		v, ok := score(p, opts.Rate)
		if !ok || p.PublishedAt.IsZero() {
			continue
		}
		local := p.PublishedAt.In(loc) // per post, so DST moves with it
		s := slotIndex(local.Weekday(), local.Hour())
		h.samples = append(h.samples, sample{slot: s, at: p.PublishedAt, value: v, weight: 1})
		h.posts[s]++
		if h.first.IsZero() || p.PublishedAt.Before(h.first) {
			h.first = p.PublishedAt
		}
		if p.PublishedAt.After(h.last) {
			h.last = p.PublishedAt
		}
	}
	if opts.HalfLife > 0 {
		h.decay(opts.HalfLife, opts.Now)
	}
	return h
}

// score is the value a post contributes, and whether it is usable.
func score(p Post, rate bool) (float64, bool) {
	v := p.Engagement
	if rate {
		if !(p.Reach > 0) || math.IsInf(p.Reach, 0) {
			return 0, false
		}
		v /= p.Reach
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, false
	}
	return v, true
}

// decay weighs each post by 2^(-age/halfLife); posts after now count fully.
func (h *history) decay(halfLife time.Duration, now time.Time) {
	if now.IsZero() {
		now = h.last
	}
	for i := range h.samples {
		age := max(now.Sub(h.samples[i].at), 0)
		h.samples[i].weight = math.Exp2(-float64(age) / float64(halfLife))
	}
}

// estimate is the per-slot outcome of the model.
type estimate struct {
	lift  [slots]float64 // posterior mean relative to the average post
	conf  [slots]float64 // confidence 0–1
	share [slots]float64 // weight of history against the prior, 0–1
	flat  bool           // history had no usable engagement at all
}

// estimateSlots smooths the per-slot means and shrinks them toward prior.
func estimateSlots(h history, prior [slots]float64, opts Options) estimate {
	n, s, ok := slotSums(h, opts.CapQuantile)
	k := opts.PriorPosts
	if m := len(h.samples); m > 0 && m < opts.MinPosts {
		k *= float64(opts.MinPosts) / float64(m)
	}
	e := estimate{flat: len(h.samples) > 0 && !ok}
	for i := range slots {
		nn, ss := smooth(&n, i), smooth(&s, i)
		e.lift[i] = (ss + k*prior[i]) / (nn + k)
		e.conf[i] = nn / (nn + confPosts)
		e.share[i] = nn / (nn + k)
	}
	return e
}

// slotSums returns each slot's weighted post count and weighted sum of
// capped scores relative to the channel's baseline (the weighted mean of
// capped scores). ok is false when there is no engagement to compare.
func slotSums(h history, q float64) (n, s [slots]float64, ok bool) {
	if len(h.samples) == 0 {
		return n, s, false
	}
	c := capAt(h.samples, q)
	var sw, sv float64
	for _, x := range h.samples {
		sw += x.weight
		sv += x.weight * min(x.value, c)
	}
	if !(sw > 0 && sv > 0) {
		return n, s, false
	}
	base := sv / sw
	for _, x := range h.samples {
		n[x.slot] += x.weight
		s[x.slot] += x.weight * min(x.value, c) / base
	}
	return n, s, true
}

// capAt is the winsorising cap: the q-quantile of the scores, and no more
// than medianFence medians.
func capAt(samples []sample, q float64) float64 {
	vals := make([]float64, len(samples))
	for i, x := range samples {
		vals[i] = x.value
	}
	slices.Sort(vals)
	c := quantile(vals, q)
	if med := quantile(vals, 0.5); med > 0 {
		c = min(c, medianFence*med)
	}
	return c
}

// quantile interpolates linearly between the closest ranks of sorted.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i]*(1-f) + sorted[i+1]*f
}

// smooth applies the kernel around slot i.
func smooth(x *[slots]float64, i int) float64 {
	at := func(d int) float64 { return x[(i+d+slots)%slots] }
	return at(0) + hourKernel*(at(-1)+at(1)) + dayKernel*(at(-24)+at(24))
}
