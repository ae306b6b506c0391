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
	ID             string    `json:"id"`
	ConversationID string    `json:"conversation_id"`
	WorkspaceID    string    `json:"workspace_id"`
	ChannelID      string    `json:"channel_id"`
	RemoteID       string    `json:"remote_id"`
	ParentRemoteID string    `json:"parent_remote_id"`
	Kind           string    `json:"kind"`
	Direction      string    `json:"direction"` // in, out
	ContactID      string    `json:"contact_id"`
	AuthorRemoteID string    `json:"author_remote_id"`
	Author         string    `json:"author"`
	Text           string    `json:"text"`
	Original       string    `json:"original"` // the text as received when it was truncated or repaired
	Flags          []string  `json:"flags"`
	Reaction       string    `json:"reaction"`
	URL            string    `json:"url"`
	Sentiment      string    `json:"sentiment"`
	SentimentScore float64   `json:"sentiment_score"`
	Spam           float64   `json:"spam"`
	Abuse          float64   `json:"abuse"`
	Reasons        []string  `json:"reasons"`
	Language       string    `json:"language"`
	Question       bool      `json:"question"`
	SentBy         string    `json:"sent_by"`
	Automatic      bool      `json:"automatic"`
	State          string    `json:"state"` // out: pending_approval, sending, sent, failed
	Error          string    `json:"error"`
	CreatedAt      time.Time `json:"created_at"`
	ReceivedAt     time.Time `json:"received_at"`
	EditedAt       time.Time `json:"edited_at"`
	DeletedAt      time.Time `json:"deleted_at"`
	HiddenAt       time.Time `json:"hidden_at"`
}

// Contact is a person who writes to the workspace.
type Contact struct {
	ID          string          `json:"id"`
	WorkspaceID string          `json:"workspace_id"`
	Name        string          `json:"name"`
	Notes       string          `json:"notes"`
	Tags        []string        `json:"tags"`
	VIP         bool            `json:"vip"`
	Followers   int             `json:"followers"` // -1: unknown
	Handles     []ContactHandle `json:"handles"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// ContactHandle is a contact's account on one network.
type ContactHandle struct {
	Network  string `json:"network"`
	RemoteID string `json:"remote_id"`
	Handle   string `json:"handle"`
}

// InboxNote is an internal note on a conversation, never sent.
type InboxNote struct {
	ID             string    `json:"id"`
	ConversationID string    `json:"conversation_id"`
	WorkspaceID    string    `json:"workspace_id"`
	UserID         string    `json:"user_id"`
	Body           string    `json:"body"`
	CreatedAt      time.Time `json:"created_at"`
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
