package model

import "time"

// ConversionSettings are a workspace's conversion-tracking settings. The
// signing secret is never part of them: it is shown once when made.
type ConversionSettings struct {
	WorkspaceID string
	Enabled     bool
	WindowDays  int      // last-click attribution window, 1–90 days
	Origins     []string // websites allowed to send conversions from the snippet
	SiteKey     string   // public: names the workspace in the snippet
	HasSecret   bool
	UpdatedBy   string
	UpdatedAt   time.Time
}

// Conversion sources.
const (
	ConversionViaAPI     = "api"
	ConversionViaSnippet = "snippet"
)

// Conversion attributions: what a conversion was credited to.
const (
	AttributedToClick    = "click"    // the click whose ID came with it
	AttributedToLink     = "link"     // the short link named in the call
	AttributedToCampaign = "campaign" // the UTM campaign named in the call
	Unattributed         = "none"     // Reason says why
)

// Conversion is one recorded conversion (a purchase, a sign-up…) with what
// it was attributed to. EventID is the sender's own ID: the same event sent
// twice is stored once.
type Conversion struct {
	ID          string
	WorkspaceID string
	EventID     string
	Name        string
	Value       string // a decimal as sent, "" when none
	Currency    string // ISO 4217, "" when no value
	OccurredAt  time.Time
	ReceivedAt  time.Time
	Source      string // ConversionViaAPI or ConversionViaSnippet
	ClickID     string
	Attribution string // one of the Attributed* constants
	Reason      string // why Unattributed
	LinkID      string
	PostID      string
	ChannelID   string
	Campaign    string
	UTMSource   string
	ClickedAt   time.Time // the attributed click, zero when none
}

// Attributed reports whether the conversion was credited to something.
func (c Conversion) Attributed() bool { return c.Attribution != Unattributed && c.Attribution != "" }
