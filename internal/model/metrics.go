package model

import "time"

// Metric flags: a value recorded as the network sent it but kept out of
// totals and charts.
const (
	MetricNegative   = "negative"   // a counter below zero
	MetricImpossible = "impossible" // more than any post could have (over 10^12)
	MetricDecreased  = "decreased"  // lower than the previous read (unlikes, deletions): kept, and totals use it
)

// Count is a counter that may be "not available from this network".
type Count struct {
	Value int64
	Known bool
}

// PostMetricSnapshot is one read of a published target's counters.
type PostMetricSnapshot struct {
	ID          string
	WorkspaceID string
	ChannelID   string
	PostID      string
	TargetID    string
	TakenAt     time.Time
	Source      string // where it came from: "<network>:<call>" or "herald:<data>"
	Likes       Count
	Reposts     Count
	Replies     Count
	Quotes      Count
	Views       Count // impressions: times the post was shown
	Clicks      Count
	Reach       Count // unique accounts the post was shown to
	Saves       Count // bookmarks or saves
	Flags       []string
}

// Counters lists the snapshot's counters in the order the store keeps
// their columns (likes, reposts, replies, quotes, views, clicks, reach,
// saves), so code that treats them alike names them once.
func (s *PostMetricSnapshot) Counters() []*Count {
	return []*Count{&s.Likes, &s.Reposts, &s.Replies, &s.Quotes, &s.Views, &s.Clicks, &s.Reach, &s.Saves}
}

// MaxCount bounds a believable counter: no post or account has more.
const MaxCount = 1_000_000_000_000

// Engagements sums the known, believable interaction counters (likes,
// reposts, replies, quotes, saves, clicks); ok is false when none is.
// Views and reach are audience, not interactions.
func (s PostMetricSnapshot) Engagements() (n int64, ok bool) {
	for _, c := range []Count{s.Likes, s.Reposts, s.Replies, s.Quotes, s.Saves, s.Clicks} {
		if c.Known && c.Value >= 0 && c.Value <= MaxCount {
			n, ok = n+c.Value, true
		}
	}
	return n, ok
}

// AccountMetricSnapshot is one daily read of a channel's account counters.
type AccountMetricSnapshot struct {
	ID          string
	WorkspaceID string
	ChannelID   string
	TakenAt     time.Time
	Source      string
	Followers   Count
	Following   Count
	Posts       Count
	Reach       Count // unique accounts reached on the day before the read, where the network reports it
	Impressions Count // times the account's content was shown that day, where the network reports it
	Flags       []string
}
