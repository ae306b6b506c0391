package model

import "time"

// Link is a tracked short link: Code is the random path segment of the
// short URL and URL the final target with its UTM parameters applied.
// PostID and ChannelID are set for links the composer made for a post on a
// channel, and empty for links made by hand.
type Link struct {
	ID          string
	WorkspaceID string
	Code        string
	URL         string
	PostID      string
	ChannelID   string
	Campaign    string
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Clicks counts human clicks; it is filled by lists, not stored.
	Clicks int
}

// Referrer classes of a click: the social network the visitor came from,
// a search engine, no referrer at all, or anything else.
const (
	ReferrerDirect = "direct"
	ReferrerSearch = "search"
	ReferrerOther  = "other"
)

// Click is one visit of a short link. ID is chosen when the click is
// journaled, so writing it to the database twice stores it once.
type Click struct {
	ID       string
	LinkID   string
	At       time.Time
	Referrer string // a network name or one of the Referrer* classes
	Bot      bool   // crawlers, link-preview fetchers and HEAD requests
}

// DayCount is the number of human clicks on one UTC day (YYYY-MM-DD).
type DayCount struct {
	Day    string
	Clicks int
}

// ReferrerCount is the number of human clicks from one referrer class.
type ReferrerCount struct {
	Referrer string
	Clicks   int
}

// LinkStats summarises the clicks of a link, a post or a channel. Human
// counts exclude bots; ByDay and ByReferrer count humans only.
type LinkStats struct {
	Total      int
	Human      int
	Bots       int
	ByDay      []DayCount
	ByReferrer []ReferrerCount
}

// UTM preset scopes, from the least to the most specific.
const (
	UTMScopeWorkspace = "workspace"
	UTMScopeChannel   = "channel"
	UTMScopeCampaign  = "campaign"
)

// UTMPreset sets UTM parameters for links of a workspace, of one channel
// (Key is the channel ID) or of one campaign (Key is the campaign name).
// Params maps source, medium, campaign, term and content to values; an
// absent or empty value leaves the parameter to less specific presets.
type UTMPreset struct {
	Scope  string
	Key    string
	Params map[string]string
}

// LinkPreview is the card a link shows on social networks, read from the
// page's Open Graph tags (or its title and description).
type LinkPreview struct {
	URL         string
	Title       string
	Description string
	Image       string
	SiteName    string
	FetchedAt   time.Time
}
