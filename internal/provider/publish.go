package provider

import (
	"context"
	"time"
)

// Media is one image or video to attach.
type Media struct {
	ID          string // Herald's media id
	ContentType string
	Data        []byte
	Alt         string
	Width       int
	Height      int
	FocusX      float64 // -1..1, Mastodon focal point
	FocusY      float64
	// URL is a public address of the same bytes, for networks that attach
	// media by reference instead of by upload (Nostr NIP-92 imeta, pull-based
	// APIs); empty when Herald has none.
	URL string
}

// LinkCard is an external link preview.
type LinkCard struct {
	URL         string
	Title       string
	Description string
	Thumb       *Media
}

// Segment is one post of a thread (a single post has one segment).
type Segment struct {
	Text  string
	Media []Media
	Link  *LinkCard
}

// Post is what to publish.
type Post struct {
	// Key is a stable identifier of this publish attempt's target (Herald's
	// target id); providers derive their idempotency keys from it so a
	// repeated call cannot create a second post.
	Key string
	// At is when the post goes out as far as the network shows it. The
	// publisher fixes it when it claims the target and keeps it across
	// retries, so networks whose ids hash the content (Nostr) produce the
	// same post again. Zero: the provider derives a time from Key.
	At           time.Time
	Segments     []Segment
	FirstComment string
	Options      map[string]string // network options: visibility, spoiler_text, language, ...
	// Done holds remote posts of segments already published by an earlier
	// attempt; the provider resumes after the last one.
	Done []RemotePost
	// Progress is called as soon as each segment exists remotely, so the
	// caller persists it before the next call.
	Progress func(index int, p RemotePost) error
}

// RemotePost identifies a published post on the network.
type RemotePost struct {
	ID          string            // network id (at:// URI, event id, status id, event id)
	URL         string            // public web URL, when there is one
	Extra       map[string]string // e.g. Bluesky cid, Matrix room id
	PublishedAt time.Time
}

// Publisher publishes posts and threads.
type Publisher interface {
	Publish(ctx context.Context, acct Account, post Post) ([]RemotePost, error)
}

// Deleter deletes a published post (each segment separately).
type Deleter interface {
	Delete(ctx context.Context, acct Account, post RemotePost) error
}

// Finder looks a post up by Herald's key among recent own posts, for
// read-back reconciliation after an unknown outcome.
type Finder interface {
	FindByKey(ctx context.Context, acct Account, post Post, segment int) (RemotePost, bool, error)
}

// Interaction is a reply, mention, message or reaction read from a network.
type Interaction struct {
	Kind      string // "reply", "mention", "message", "like", "repost", "reaction"
	ID        string
	ParentID  string // the post it answers or reacts to
	RootID    string
	AuthorID  string
	Author    string // handle or display name
	Text      string
	Reaction  string // emoji or "+" for likes
	CreatedAt time.Time
	URL       string
	// EditedAt is set when the network says the text was edited; Deleted
	// when it reports the interaction gone (a deletion event, a redaction).
	EditedAt time.Time
	Deleted  bool
	// AuthorFollowers is the author's follower count when the network
	// gives it with the interaction; -1 or 0 when unknown.
	AuthorFollowers int
}

// InteractionReader reads replies and reactions to own posts, and mentions.
type InteractionReader interface {
	Interactions(ctx context.Context, acct Account, since time.Time, posts []RemotePost) ([]Interaction, error)
}

// InteractionStreamer holds a live connection that delivers interactions
// as the network pushes them (a Nostr subscription), in small batches. It
// returns nil when ctx ends and an error when the stream breaks; the
// caller starts it again. Polling stays the backstop for whatever arrived
// while no stream was open.
type InteractionStreamer interface {
	StreamInteractions(ctx context.Context, acct Account, since time.Time, posts []RemotePost, deliver func([]Interaction) error) error
}

// DeletionChecker tells which stored interactions their authors have
// deleted, for networks whose reads do not report deletions themselves (a
// Nostr deletion request is an event of its own; a deleted Bluesky record
// simply stops being listed). It returns the IDs found deleted; an item it
// could not check is left out, never reported deleted.
type DeletionChecker interface {
	Deleted(ctx context.Context, acct Account, items []Interaction) ([]string, error)
}

// Replier answers a post or comment.
type Replier interface {
	Reply(ctx context.Context, acct Account, parent Interaction, text string) (RemotePost, error)
}

// Reactor likes or reacts to a post or comment.
type Reactor interface {
	React(ctx context.Context, acct Account, target Interaction, reaction string) error
}

// Moderator hides or deletes a comment on an own post.
type Moderator interface {
	Hide(ctx context.Context, acct Account, comment Interaction) error
}

// Post metric counter names, as in Info.PostMetricFields.
const (
	MetricLikes   = "likes"
	MetricReposts = "reposts"
	MetricReplies = "replies"
	MetricQuotes  = "quotes"
	MetricViews   = "views" // impressions
	MetricClicks  = "clicks"
	MetricReach   = "reach" // unique accounts shown the post (or, for an account, shown its content that day)
	MetricSaves   = "saves" // bookmarks
	// MetricImpressions is an account's impressions on the day before the
	// read, as in Info.AccountMetricFields.
	MetricImpressions = "impressions"
)

// PostMetrics are counters for one published post.
type PostMetrics struct {
	Likes, Reposts, Replies, Quotes, Views, Clicks, Reach, Saves int64
	At                                                           time.Time
}

// PostMetricsReader reads post counters.
type PostMetricsReader interface {
	PostMetrics(ctx context.Context, acct Account, posts []RemotePost) (map[string]PostMetrics, error)
}

// AccountMetrics are counters for the account. Followers, following
// and posts every reader reports; reach and impressions (of the day
// before the read) only those whose Info.AccountMetricFields name them.
type AccountMetrics struct {
	Followers, Following, Posts int64
	Reach, Impressions          int64
	At                          time.Time
}

// AccountMetricsReader reads account counters.
type AccountMetricsReader interface {
	AccountMetrics(ctx context.Context, acct Account) (AccountMetrics, error)
}

// RecentPostsReader lists the account's own recent posts.
type RecentPostsReader interface {
	RecentPosts(ctx context.Context, acct Account, limit int) ([]RemotePost, error)
}

// Searcher searches public posts (listening).
type Searcher interface {
	Search(ctx context.Context, acct Account, query string, since time.Time) ([]Interaction, error)
}

// FeedItem is one published segment kept by Herald for a channel that
// Herald itself serves (an RSS/Atom feed).
type FeedItem struct {
	ID        string // the RemotePost id
	Text      string
	Link      string
	Published time.Time
	Media     []Media // URL, ContentType and Alt are used
}

// FeedRenderer is a channel type whose posts Herald serves itself: it turns
// the stored items into a document of the given format.
type FeedRenderer interface {
	// FeedFormats lists the formats with their media types, e.g. "rss" ->
	// "application/rss+xml".
	FeedFormats() map[string]string
	RenderFeed(acct Account, format, selfURL string, items []FeedItem) ([]byte, error)
}
