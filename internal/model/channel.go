package model

import "time"

// ChannelStatus is a channel's health.
type ChannelStatus string

// Channel statuses.
const (
	ChannelActive         ChannelStatus = "active"
	ChannelNeedsReconnect ChannelStatus = "needs_reconnect" // credentials expired or revoked
	ChannelError          ChannelStatus = "error"           // last check failed for another reason
)

// Channel is a connected account, room, feed or webhook of a workspace.
type Channel struct {
	ID            string
	WorkspaceID   string
	Network       string
	Name          string
	RemoteID      string
	Handle        string
	Settings      map[string]string
	Status        ChannelStatus
	StatusMessage string
	CheckedAt     time.Time
	TimeZone      string
	Defaults      map[string]string
	LimitsJSON    string
	LimitsAt      time.Time
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Reveal holds values to show once right after connecting (never stored
	// in this form; see provider.Account.Reveal).
	Reveal map[string]string
}

// Audience is an account's counts as the network reports them.
type Audience struct {
	Followers, Following, Posts int64
	// Unavailable says why the network gave no numbers (its own words), when
	// it did not.
	Unavailable string
}

// NetworkApp is a registered application of a network (OAuth client).
type NetworkApp struct {
	ID           string
	Network      string
	WorkspaceID  string // "" for the installation-wide app
	Instance     string // server of a federated network, "" otherwise
	ClientID     string
	ClientSecret string // plaintext in memory, sealed at rest
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// OAuthState is an OAuth authorisation in flight.
type OAuthState struct {
	WorkspaceID string
	UserID      string
	Network     string
	Instance    string
	ChannelID   string
	Verifier    string // sealed at rest
	CreatedAt   time.Time
	ExpiresAt   time.Time
}
