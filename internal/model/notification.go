package model

import "time"

// NotificationKind says what a notification is about.
type NotificationKind string

// The kinds of notification Herald sends.
const (
	NotifyPublishFailed      NotificationKind = "publish_failed"
	NotifyPublishUnconfirmed NotificationKind = "publish_unconfirmed"
	NotifyPublishMissed      NotificationKind = "publish_missed"
	NotifyChannelReconnect   NotificationKind = "channel_needs_reconnect"
	NotifyApprovalExpired    NotificationKind = "approval_expired"   // a post was not approved by its time
	NotifyApprovalRequested  NotificationKind = "approval_requested" // an approval step is yours
	NotifyApprovalDecided    NotificationKind = "approval_decided"   // your post was approved, rejected or sent back
	NotifyMentioned          NotificationKind = "mentioned"          // someone @mentioned you in a comment
	NotifyTaskAssigned       NotificationKind = "task_assigned"      // a board card was given to you
	NotifyTaskDue            NotificationKind = "task_due"           // a card of yours is due soon
	NotifyInboxRule          NotificationKind = "inbox_rule"         // an inbox rule asked to tell you about a message
	NotifyInboxSLA           NotificationKind = "inbox_sla"          // a conversation is close to missing its response target
)

// Notification is one in-app message to one person about a problem in a
// workspace. Link is a path on this Herald (the post's composer page or the
// channel's page).
type Notification struct {
	ID          string
	UserID      string
	WorkspaceID string
	Kind        NotificationKind
	Text        string
	Link        string
	PostID      string // "" when not about a post
	ChannelID   string
	TargetID    string
	CreatedAt   time.Time
	ReadAt      time.Time // zero while unread
}

// Read reports whether the notification has been marked read.
func (n Notification) Read() bool { return !n.ReadAt.IsZero() }

// NotificationHook is a workspace's notification webhook as people see it:
// the signing secret stays sealed in the store, except once after it is
// made (Secret is set only then).
type NotificationHook struct {
	WorkspaceID string
	URL         string
	Secret      string // only right after saving or rotating
	UpdatedBy   string
	UpdatedAt   time.Time
}
