package model

import "time"

// ReportSettings is how a workspace's reports look.
type ReportSettings struct {
	WorkspaceID string
	BrandColor  string // #rrggbb
	LogoID      string // an image of the media library; "" for none
	UpdatedAt   time.Time
}

// Report frequencies.
const (
	ReportWeekly  = "weekly"
	ReportMonthly = "monthly"
)

// ReportSchedule is a report e-mailed every week or month about the last
// full week or month.
type ReportSchedule struct {
	ID          string
	WorkspaceID string
	Name        string
	Frequency   string       // ReportWeekly or ReportMonthly
	Weekday     time.Weekday // weekly: the day it goes out
	MonthDay    int          // monthly: 1 to 28
	Hour        int          // 0 to 23 in Zone
	Zone        string       // IANA time zone
	Recipients  []string
	Paused      bool
	NextAt      time.Time // when it is due next
	LastPeriod  string    // the period being or last sent, "YYYY-MM-DD/YYYY-MM-DD" (end exclusive)
	SentTo      []string  // recipients who have LastPeriod's report
	LastSentAt  time.Time
	LastError   string
	LastErrorAt time.Time
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ReportShare is a read-only link to a workspace's report for people
// without an account: a fixed period (From and To, inclusive dates) or the
// last RollingDays days.
type ReportShare struct {
	ID          string
	WorkspaceID string
	Name        string
	From, To    string // YYYY-MM-DD; "" with RollingDays
	RollingDays int
	CreatedBy   string
	CreatedAt   time.Time
	ExpiresAt   time.Time // zero: does not expire
	RevokedAt   time.Time
}

// Live reports whether the link works at now.
func (s ReportShare) Live(now time.Time) bool {
	return s.RevokedAt.IsZero() && (s.ExpiresAt.IsZero() || now.Before(s.ExpiresAt))
}
