package model

import "time"

// TargetStatus is where one post × channel pair is on its way to the network
// (docs/ARCHITECTURE.md §4).
type TargetStatus string

// Target statuses.
const (
	TargetDraft       TargetStatus = "draft"
	TargetInReview    TargetStatus = "in_review"
	TargetApproved    TargetStatus = "approved"
	TargetScheduled   TargetStatus = "scheduled"
	TargetPublishing  TargetStatus = "publishing"
	TargetPublished   TargetStatus = "published"
	TargetFailed      TargetStatus = "failed"
	TargetUnconfirmed TargetStatus = "unconfirmed" // outcome unknown; a person must check
	TargetCancelled   TargetStatus = "cancelled"
	TargetPaused      TargetStatus = "paused"
	TargetMissed      TargetStatus = "missed"           // older than the catch-up window after a restart
	TargetExpired     TargetStatus = "approval_expired" // its time came before its approval
)

// MediaRef attaches a library asset to a post. Alt overrides the asset's
// own alt text for this post when not empty.
type MediaRef struct {
	ID  string `json:"id"`
	Alt string `json:"alt,omitempty"`
}

// Segment is one part of a thread.
type Segment struct {
	Text  string     `json:"text"`
	Media []MediaRef `json:"media,omitempty"`
}

// Content is what a post says: the first post's text and media, the
// thread's further segments, a link for a preview card, the first comment
// and network options (visibility, content_warning, title, board,
// privacy_level, language, disclosure).
type Content struct {
	Text         string            `json:"text"`
	Media        []MediaRef        `json:"media,omitempty"`
	Thread       []Segment         `json:"thread,omitempty"` // segments after the first
	Link         string            `json:"link,omitempty"`
	FirstComment string            `json:"first_comment,omitempty"`
	Options      map[string]string `json:"options,omitempty"`
}

// Segments returns the content as a list of thread segments, the first
// one carrying Text and Media.
func (c Content) Segments() []Segment {
	return append([]Segment{{Text: c.Text, Media: c.Media}}, c.Thread...)
}

// Variant is one channel's version of a post. A nil field inherits the base
// content; a set one overrides it ("reset to base" sets it back to nil).
// Options merge key by key over the base's options.
type Variant struct {
	Text         *string           `json:"text,omitempty"`
	Media        []MediaRef        `json:"media,omitempty"`  // nil: inherit; empty non-nil: no media
	Thread       []Segment         `json:"thread,omitempty"` // nil: inherit
	Link         *string           `json:"link,omitempty"`
	FirstComment *string           `json:"first_comment,omitempty"`
	Options      map[string]string `json:"options,omitempty"`
	// MediaSet and ThreadSet record an override to "none", which JSON's
	// omitempty cannot tell from "inherit".
	MediaSet  bool `json:"media_set,omitempty"`
	ThreadSet bool `json:"thread_set,omitempty"`
}

// Customised reports whether the variant overrides anything.
func (v Variant) Customised() bool {
	return v.Text != nil || v.MediaSet || v.Media != nil || v.ThreadSet || v.Thread != nil ||
		v.Link != nil || v.FirstComment != nil || len(v.Options) > 0
}

// Apply returns base with the variant's overrides applied.
func (v Variant) Apply(base Content) Content {
	out := base
	if v.Text != nil {
		out.Text = *v.Text
	}
	if v.MediaSet || v.Media != nil {
		out.Media = v.Media
	}
	if v.ThreadSet || v.Thread != nil {
		out.Thread = v.Thread
	}
	if v.Link != nil {
		out.Link = *v.Link
	}
	if v.FirstComment != nil {
		out.FirstComment = *v.FirstComment
	}
	if len(v.Options) > 0 {
		opts := make(map[string]string, len(base.Options)+len(v.Options))
		for k, val := range base.Options {
			opts[k] = val
		}
		for k, val := range v.Options {
			opts[k] = val
		}
		out.Options = opts
	}
	return out
}

// Post is one piece of content for one or more channels.
type Post struct {
	ID          string
	WorkspaceID string
	Base        Content
	PillarID    string // "" for none
	Labels      []string
	Notes       string // internal, never published
	CampaignID  string // "" for none (campaigns arrive later)
	AuthorID    string
	Version     int // increases with every saved edit; optimistic concurrency
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Targets     []Target
	Series      Series
	// Approval is where the post is in approval; ApprovedVersion is the
	// version last approved (model/approval.go).
	Approval        ApprovalState
	ApprovedVersion int
}

// Series says how a post continues once every target is done: again at
// the next occurrence of a recurrence rule, or re-queued as evergreen.
type Series struct {
	Recurrence   string        // RRULE, "" for none
	RecurZone    string        // IANA zone the rule is read in
	EvergreenGap time.Duration // minimum time between re-posts; 0: not evergreen
	EvergreenMax int           // how many times in all
	SeriesID     string        // the first post of the series ("" for the first itself)
	ContinuedBy  string        // the copy that continues it, once made
}

// Target is the post × channel pair the publisher works on.
type Target struct {
	ID          string
	PostID      string
	ChannelID   string
	Variant     Variant
	Status      TargetStatus
	ScheduledAt time.Time // zero when not scheduled
	TimeZone    string    // IANA zone the time was chosen in
	Error       string    // the network's words when it refused
	RemoteID    string
	RemoteURL   string
	PublishedAt time.Time
	UpdatedAt   time.Time
	// Generation changes with every schedule, reschedule or cancellation;
	// a publish job acts only on the generation it was made for.
	Generation int
	PublishAt  time.Time    // network-visible time, fixed at the first claim
	Done       []RemotePost // thread segments already published
	Attempts   int
	LeaseUntil time.Time // a claim holds the target until then
	ErrorKind  string    // rate_limited, transient, auth_expired, permanent, unknown
	Queued     bool      // placed by the channel's posting slots
}

// RemotePost is a published segment as the network identifies it.
type RemotePost struct {
	ID          string            `json:"id"`
	URL         string            `json:"url,omitempty"`
	Extra       map[string]string `json:"extra,omitempty"`
	PublishedAt time.Time         `json:"published_at"`
}

// Attempt is one try at publishing a target, as shown to people.
type Attempt struct {
	ID          string
	TargetID    string
	WorkspaceID string
	StartedAt   time.Time
	Duration    time.Duration
	Outcome     string // published, retry, failed, unconfirmed, paused, missed, reconciled
	ErrorKind   string
	Message     string // the network's words, shortened
	Worker      string // the Herald process that made it (host:pid)
}

// Pause stops publishing in a workspace (ChannelID "") or on one channel.
type Pause struct {
	WorkspaceID string
	ChannelID   string
	Reason      string
	PausedBy    string
	PausedAt    time.Time
}

// Effective returns what this target publishes: the base with its variant.
func (t Target) Effective(base Content) Content { return t.Variant.Apply(base) }

// PostVersion is a saved state of a post, for history and restore.
type PostVersion struct {
	PostID    string
	Version   int
	AuthorID  string
	Author    string // name shown in the history
	Snapshot  string // JSON of the post's editable parts
	Summary   string // what changed, in words
	CreatedAt time.Time
}

// Pillar is a workspace-defined content category with a colour and the
// share of posts the team aims for.
type Pillar struct {
	ID          string
	WorkspaceID string
	Name        string
	Color       string // #rrggbb
	TargetShare int    // percent, 0..100
	Description string
	CreatedAt   time.Time
}

// Idea is a quickly captured thought that may become a draft.
type Idea struct {
	ID          string
	WorkspaceID string
	Text        string
	Link        string
	Media       []MediaRef
	AuthorID    string
	PostID      string // the draft it became, "" while still an idea
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Snippet is a saved piece of text, a template with {{variables}}, a
// hashtag group or a signature.
type Snippet struct {
	ID          string
	WorkspaceID string
	Kind        SnippetKind
	Name        string
	Body        string
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// SnippetKind tells what a snippet is for.
type SnippetKind string

// Snippet kinds.
const (
	SnippetTemplate SnippetKind = "template" // text with {{workspace}}, {{date}} and custom variables
	SnippetHashtags SnippetKind = "hashtags" // a hashtag group
)

// CalendarEntry is something on a workspace's calendar that is not a post:
// a note, an event, a holiday or a launch date, on one day or several.
type CalendarEntry struct {
	ID          string
	WorkspaceID string
	Kind        string // note, event, holiday, launch
	Title       string
	Starts      string // YYYY-MM-DD
	Ends        string // YYYY-MM-DD, the last day (inclusive)
	Note        string
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ICalFeed is a person's private iCalendar feed of a workspace's posts.
type ICalFeed struct {
	ID          string
	WorkspaceID string
	UserID      string
	Name        string
	CreatedAt   time.Time
	LastUsedAt  time.Time // zero: never
	RevokedAt   time.Time // zero: live
}

// CalendarShare is a read-only link to a workspace's calendar for people
// without an account (clients), with an expiry.
type CalendarShare struct {
	ID          string
	WorkspaceID string
	Name        string
	CreatedBy   string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	RevokedAt   time.Time // zero: live
	CanReview   bool      // its holder may also review posts waiting for approval
}
