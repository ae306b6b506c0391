package model

import "time"

// ApprovalState is where a post is in its approval workflow.
type ApprovalState string

// Approval states. ApprovalNone means no workflow applied when the post
// was submitted or scheduled: it publishes without approval.
const (
	ApprovalNone     ApprovalState = ""
	ApprovalPending  ApprovalState = "pending"
	ApprovalApproved ApprovalState = "approved"
	ApprovalRejected ApprovalState = "rejected"
	ApprovalChanges  ApprovalState = "changes_requested"
	// ApprovalSuperseded ends a round when an edit starts a new one.
	ApprovalSuperseded ApprovalState = "superseded"
)

// AwaitsApproval reports whether the post may not be published yet: a
// workflow applies and this version has not been approved.
func (p Post) AwaitsApproval() bool {
	return p.Approval != ApprovalNone && (p.Approval != ApprovalApproved || p.ApprovedVersion != p.Version)
}

// Step modes.
const (
	StepAny = "any" // one approver's approval completes the step
	StepAll = "all" // every approver must approve
)

// ApprovalStep is one step of a workflow: who approves (members by role
// or by person, or the external reviewers invited to the post) and whether
// any one of them or all of them must.
type ApprovalStep struct {
	Name     string   `json:"name"`
	Mode     string   `json:"mode"` // any, all
	Roles    []Role   `json:"roles,omitempty"`
	Users    []string `json:"users,omitempty"`
	External bool     `json:"external,omitempty"` // the post's external reviewers
}

// Workflow says whose posts need approval in a workspace (or for one
// channel, ChannelID not empty) and through which steps.
type Workflow struct {
	WorkspaceID  string
	ChannelID    string // "" for the workspace's default
	AppliesRoles []Role
	AppliesUsers []string
	Steps        []ApprovalStep
	UpdatedBy    string
	UpdatedAt    time.Time
}

// Applies reports whether the workflow covers posts written by a member
// with this user ID and role.
func (w Workflow) Applies(userID string, role Role) bool {
	for _, r := range w.AppliesRoles {
		if r == role {
			return true
		}
	}
	for _, u := range w.AppliesUsers {
		if u == userID {
			return true
		}
	}
	return false
}

// ApprovalRound is one version of a post going through its steps.
type ApprovalRound struct {
	ID          string
	PostID      string
	WorkspaceID string
	Version     int
	Steps       []ApprovalStep
	Step        int // index of the current step
	State       ApprovalState
	RequestedBy string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Decision kinds.
const (
	DecideApprove = "approve"
	DecideReject  = "reject"
	DecideChanges = "changes" // request changes
)

// ApprovalDecision is one approver's verdict on a step.
type ApprovalDecision struct {
	ID         string
	RoundID    string
	PostID     string
	Step       int
	UserID     string // a member, or
	ReviewerID string // an external reviewer
	Name       string // as shown
	Decision   string
	Reason     string
	Version    int
	CreatedAt  time.Time
}

// Reviewer is someone outside the workspace (a client, legal) invited to
// review one post through a signed, expiring link.
type Reviewer struct {
	ID          string
	PostID      string
	WorkspaceID string
	Name        string
	Email       string
	ExpiresAt   time.Time
	RevokedAt   time.Time
	CreatedBy   string
	CreatedAt   time.Time
	ShareID     string // the client calendar link it came from, if any
}

// Live reports whether the reviewer's link still works at now.
func (r Reviewer) Live(now time.Time) bool { return r.RevokedAt.IsZero() && now.Before(r.ExpiresAt) }

// Comment is a remark on a post by a member or an external reviewer.
type Comment struct {
	ID          string
	PostID      string
	WorkspaceID string
	UserID      string // "" for an external reviewer
	ReviewerID  string
	Name        string
	Body        string
	Mentions    []string // user IDs
	CreatedAt   time.Time
}
