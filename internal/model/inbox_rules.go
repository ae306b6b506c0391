package model

import "time"

// Rule condition types. Every condition of a rule must match (each may be
// negated) for the rule's actions to run on a message.
const (
	CondKeywords  = "keywords"       // Words: any of them, case-insensitive, as whole words or phrases
	CondRegexp    = "regexp"         // Pattern: a Go (RE2) regular expression on the text
	CondKind      = "kind"           // Values: comment, reply, mention, message, review
	CondChannel   = "channel"        // Values: channel IDs
	CondNetwork   = "network"        // Values: networks (bluesky, mastodon, …)
	CondSentiment = "sentiment"      // Values: positive, neutral, negative; and/or Below, Above the score (-1..1)
	CondSpam      = "spam"           // Score: the spam score is at least this (0..1)
	CondAbuse     = "abuse"          // Score: the abuse score is at least this (0..1)
	CondLanguage  = "language"       // Values: language codes (en, de, …)
	CondVIP       = "vip"            // the author's contact is a VIP
	CondFollowers = "followers"      // Count: the author has at least this many followers (only when known)
	CondLink      = "link"           // the text contains a link
	CondEmail     = "email"          // the text contains an e-mail address
	CondPhone     = "phone"          // the text contains a phone number
	CondOnlyEmoji = "only_emoji"     // the text is nothing but emoji
	CondQuestion  = "question"       // the message asks something
	CondHours     = "business_hours" // written inside the workspace's business hours (Negate: outside)
)

// Rule action types.
const (
	RuleTag       = "tag"        // Tags: added to the conversation
	RuleAssign    = "assign"     // UserID: the conversation's assignee (a member)
	RulePriority  = "priority"   // Priority: 0 normal, 1 high, 2 urgent
	RuleHide      = "hide"       // hide the message on the network (in Herald only when the network cannot)
	RuleDelete    = "delete"     // delete the message on the network
	RuleDone      = "done"       // mark the conversation done
	RuleAutoReply = "auto_reply" // ReplyID: answer with a saved reply, once per author per thread
	RuleNotify    = "notify"     // UserIDs: tell these members
	RuleEscalate  = "escalate"   // Email and/or Webhook: send the conversation's transcript
)

// Limits on one rule.
const (
	MaxRuleConditions = 20
	MaxRuleActions    = 10
)

// Rule is one of a workspace's inbox rules: when every condition matches
// a new inbound message, its actions run. Rules run in ascending Priority;
// after a matching rule with Stop, later rules do not run on that message.
type Rule struct {
	ID          string
	WorkspaceID string
	Name        string
	Priority    int
	Enabled     bool
	Stop        bool
	Conditions  []RuleCondition
	Actions     []RuleAction
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RuleCondition is one test on a message; Type says which fields apply
// (see the Cond constants).
type RuleCondition struct {
	Type    string   `json:"type"`
	Negate  bool     `json:"negate,omitempty"`
	Words   []string `json:"words,omitempty"`
	Pattern string   `json:"pattern,omitempty"`
	Values  []string `json:"values,omitempty"`
	Score   float64  `json:"score,omitempty"`
	Below   *float64 `json:"below,omitempty"`
	Above   *float64 `json:"above,omitempty"`
	Count   int      `json:"count,omitempty"`
}

// RuleAction is one thing a rule does; Type says which fields apply (see
// the Rule action constants). Note is set on the action as applied (in
// the action log): what happened when it was not simply done.
type RuleAction struct {
	Type     string   `json:"type"`
	Tags     []string `json:"tags,omitempty"`
	UserID   string   `json:"user_id,omitempty"`
	Priority int      `json:"priority,omitempty"`
	ReplyID  string   `json:"reply_id,omitempty"`
	UserIDs  []string `json:"user_ids,omitempty"`
	Email    string   `json:"email,omitempty"`
	Webhook  string   `json:"webhook,omitempty"`
	Rule     string   `json:"rule,omitempty"` // the rule's name when applied
	Note     string   `json:"note,omitempty"`
}

// RuleUndo is what undoing an automatic action restores. Pointers are
// nil for what the action did not change.
type RuleUndo struct {
	ConversationID string     `json:"conversation_id,omitempty"`
	RemoveTags     []string   `json:"remove_tags,omitempty"` // the tags the rule added
	AssigneeID     *string    `json:"assignee_id,omitempty"`
	Priority       *int       `json:"priority,omitempty"`
	Status         *string    `json:"status,omitempty"`
	SnoozedUntil   *time.Time `json:"snoozed_until,omitempty"`
	ResolvedAt     *time.Time `json:"resolved_at,omitempty"`
	Unhide         bool       `json:"unhide,omitempty"`  // show the message in Herald again
	Network        bool       `json:"network,omitempty"` // and ask the network to show it again
}

// RuleActionRecord is one automatic action in the log, with what undoing
// it restores (nil Undo: it cannot be undone, like a sent reply or a
// deletion on the network).
type RuleActionRecord struct {
	ID          string
	WorkspaceID string
	RuleID      string
	MessageID   string
	Action      RuleAction
	Undo        *RuleUndo
	UndoneAt    time.Time
	CreatedAt   time.Time
}

// RuleLogEntry is an entry of a workspace's automatic action log with the
// message it acted on; Author and Text are empty when the message is gone
// (erased with its contact).
type RuleLogEntry struct {
	RuleActionRecord
	ConversationID string
	Author, Text   string
}

// RuleLogFilter narrows the automatic action log: one rule's actions
// (RuleID), entries older than an ID (Before, for paging), at most Limit.
type RuleLogFilter struct {
	RuleID string
	Before string
	Limit  int
}
