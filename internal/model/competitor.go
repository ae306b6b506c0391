package model

import "time"

// MaxCompetitors is how many public accounts one workspace may follow: each
// is read daily, within the networks' rate limits.
const MaxCompetitors = 50

// Competitor is a public account a workspace follows to compare itself
// with, on a network that shows counters to anyone.
type Competitor struct {
	ID          string
	WorkspaceID string
	Network     string
	RemoteID    string // the network's stable id (DID, pubkey, instance#id)
	Handle      string
	Name        string
	Avatar      string
	URL         string
	Label       string // optional group
	CreatedBy   string
	CreatedAt   time.Time
	NextAt      time.Time // the next scheduled read
	RefreshedAt time.Time // the last successful read; zero before the first
	LastError   string    // why the last read failed, "" when it worked
	Notes       []string  // why some numbers are missing or partial
}

// CompetitorSnapshot is one read of a competitor's account counters.
type CompetitorSnapshot struct {
	ID             string
	WorkspaceID    string
	CompetitorID   string
	TakenAt        time.Time
	Source         string
	Followers      Count
	Following      Count
	Posts          Count
	FollowersLower bool // Followers is a lower bound
	Flags          []string
}

// CompetitorPost is one read of one of a competitor's posts.
type CompetitorPost struct {
	ID           string
	CompetitorID string
	SnapshotID   string
	RemoteID     string
	URL          string
	Text         string
	PostedAt     time.Time
	TakenAt      time.Time
	Likes        Count
	Reposts      Count
	Replies      Count
	Quotes       Count
	Flags        []string
}

// Engagements sums the post's known, believable counters (likes, reposts,
// replies, quotes); ok is false when none is known.
func (p CompetitorPost) Engagements() (n int64, ok bool) {
	for _, c := range []Count{p.Likes, p.Reposts, p.Replies, p.Quotes} {
		if c.Known && c.Value >= 0 && c.Value <= MaxCount {
			n, ok = n+c.Value, true
		}
	}
	return n, ok
}
