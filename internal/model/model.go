// Package model holds Herald's plain data types, enums and permission table.
// It imports nothing internal so every layer can use it.
package model

import "time"

// User is a person who can sign in.
type User struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string
	IsAdmin      bool // installation administrator: system pages, mail settings, all users
	TOTPSecret   string
	TOTPEnabled  bool
	FailedLogins int
	LockedUntil  time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// SessionStage tells whether a session has passed every sign-in step.
type SessionStage string

// Session stages.
const (
	StageFull SessionStage = "full" // signed in
	StageMFA  SessionStage = "mfa"  // password accepted, second factor pending
)

// Session is a browser sign-in.
type Session struct {
	ID         string
	UserID     string
	Stage      SessionStage
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
}

// Workspace is one brand or client.
type Workspace struct {
	ID         string
	Name       string
	CreatedBy  string
	CreatedAt  time.Time
	ArchivedAt time.Time
}

// Archived reports whether the workspace is archived.
func (w Workspace) Archived() bool { return !w.ArchivedAt.IsZero() }

// Member is a user's membership of a workspace.
type Member struct {
	WorkspaceID string
	UserID      string
	Email       string
	Name        string
	Role        Role
	CreatedAt   time.Time
}

// Membership is a workspace as seen by one member.
type Membership struct {
	Workspace Workspace
	Role      Role
}

// Invitation asks someone to join a workspace with a role.
type Invitation struct {
	ID          string
	WorkspaceID string
	Email       string
	Role        Role
	InvitedBy   string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	AcceptedAt  time.Time
	RevokedAt   time.Time
}

// Pending reports whether the invitation can still be accepted at now.
func (i Invitation) Pending(now time.Time) bool {
	return i.AcceptedAt.IsZero() && i.RevokedAt.IsZero() && now.Before(i.ExpiresAt)
}

// APIToken is a personal access token for the REST API.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	Prefix     string // first characters, shown so users can tell tokens apart
	Scopes     []Scope
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Active reports whether the token may be used at now.
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// AuditEntry is one recorded state change.
type AuditEntry struct {
	ID          string
	At          time.Time
	ActorID     string
	ActorLabel  string // e-mail at the time, kept when the user is gone
	Action      string
	ObjectType  string
	ObjectID    string
	WorkspaceID string
	IP          string
	UserAgent   string
	Details     string
}

// AuditFilter narrows an audit log listing.
type AuditFilter struct {
	WorkspaceID string
	ActorID     string
	Action      string // prefix match, e.g. "member."
	ObjectType  string
	ObjectID    string // with ObjectType: one object's history
	Since       time.Time
	Until       time.Time
	Before      string // cursor: entries with ID lower than this
	Limit       int
}

// MailSettings configure outgoing e-mail. Password is plaintext in memory and
// sealed at rest.
type MailSettings struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	TLS      string // "none", "starttls" or "tls"
}

// Configured reports whether e-mail can be sent.
func (m MailSettings) Configured() bool { return m.Host != "" && m.Port > 0 && m.From != "" }
