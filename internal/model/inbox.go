package model

import "time"

// Conversation kinds.
const (
	ConvComments = "comments" // the thread under one of our posts
	ConvMention  = "mention"  // a thread that mentions us
	ConvMessage  = "message"  // a direct-message thread
)

// Conversation statuses.
const (
	ConvOpen    = "open"
	ConvDone    = "done"
	ConvSnoozed = "snoozed"
)

// Message kinds as the inbox files them.
const (
	MsgComment  = "comment" // a reply to one of our posts
	MsgReply    = "reply"   // a reply further down a thread
	MsgMention  = "mention"
	MsgMessage  = "message" // a direct message
	MsgReview   = "review"
	MsgLike     = "like"
	MsgRepost   = "repost"
	MsgReaction = "reaction"
)

// Message flags: what was stored with care.
const (
	FlagTruncated   = "truncated"    // text cut to the inbox's limit; Original keeps it all
	FlagInvalidUTF8 = "invalid_utf8" // bad bytes replaced; Original keeps them
	FlagNoAuthor    = "no_author"
	FlagUnknownKind = "unknown_kind"
)

// Conversation is one thread in the inbox.
type Conversation struct {
	ID              string
	WorkspaceID     string
	ChannelID       string
	Kind            string
	RootRemoteID    string
	RootText        string
	RootURL         string
	PostID          string
	ContactID       string
	Status          string
	SnoozedUntil    time.Time
	AssigneeID      string
	Priority        int
	Tags            []string
	Unread          int
	LastMessageAt   time.Time
	FirstInboundAt  time.Time
	AwaitingSince   time.Time // the oldest inbound message not answered yet; zero when answered
	FirstResponseAt time.Time
	ResolvedAt      time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// InboxMessage is one message in or out of a conversation.
type InboxMessage struct {
	ID             string
	ConversationID string
	WorkspaceID    string
	ChannelID      string
	RemoteID       string
	ParentRemoteID string
	Kind           string
	Direction      string // in, out
	ContactID      string
	AuthorRemoteID string
	Author         string
	Text           string
	Original       string // the text as received when it was truncated or repaired
	Flags          []string
	Reaction       string
	URL            string
	Sentiment      string
	SentimentScore float64
	Spam, Abuse    float64
	Reasons        []string
	Language       string
	Question       bool
	SentBy         string
	Automatic      bool
	State          string // out: pending_approval, sending, sent, failed
	Error          string
	CreatedAt      time.Time
	ReceivedAt     time.Time
	EditedAt       time.Time
	DeletedAt      time.Time
	HiddenAt       time.Time
}

// Contact is a person who writes to the workspace.
type Contact struct {
	ID          string
	WorkspaceID string
	Name        string
	Notes       string
	Tags        []string
	VIP         bool
	Followers   int // -1: unknown
	Handles     []ContactHandle
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ContactHandle is a contact's account on one network.
type ContactHandle struct {
	Network  string
	RemoteID string
	Handle   string
}

// InboxNote is an internal note on a conversation, never sent.
type InboxNote struct {
	ID             string
	ConversationID string
	WorkspaceID    string
	UserID         string
	Body           string
	CreatedAt      time.Time
}

// SavedReply is a reusable answer with variables ({{name}}, {{channel}},
// {{agent}}, {{workspace}}).
type SavedReply struct {
	ID          string
	WorkspaceID string
	Name        string
	Body        string
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// InboxSettings are a workspace's business hours, service levels and
// reply approval; defaults when never saved.
type InboxSettings struct {
	WorkspaceID        string
	Zone               string
	Hours              []BusinessHours
	FirstResponseMins  int
	ResolutionMins     int
	WarnBeforeMins     int
	ReplyApprovalRoles []Role
	EscalateEmail      string
	EscalateWebhook    string
	UpdatedAt          time.Time
}

// BusinessHours is one opening span on a weekday, in minutes of the day
// in the workspace's zone.
type BusinessHours struct {
	Weekday int `json:"weekday"` // 0 Sunday .. 6 Saturday
	From    int `json:"from"`
	To      int `json:"to"`
}

// InboxView is a person's saved filter of the conversation list.
type InboxView struct {
	ID, WorkspaceID, UserID, Name, Query string
	CreatedAt                            time.Time
}
