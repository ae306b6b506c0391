// Package web is Herald's server-rendered user interface: html/template pages,
// a little vanilla JavaScript and CSS, all embedded in the binary.
package web

import (
	"log/slog"

	"herald/internal/account"
	"herald/internal/approval"
	"herald/internal/board"
	"herald/internal/calendar"
	"herald/internal/channel"
	"herald/internal/competitor"
	"herald/internal/compose"
	"herald/internal/conversion"
	"herald/internal/discussion"
	"herald/internal/inbox"
	"herald/internal/links"
	"herald/internal/mail"
	"herald/internal/media"
	"herald/internal/metrics"
	"herald/internal/notify"
	"herald/internal/platform/secret"
	"herald/internal/publish"
	"herald/internal/report"
	"herald/internal/system"
	"herald/internal/workspace"
)

// Deps are the domain services and settings the UI needs.
type Deps struct {
	Accounts    *account.Service
	Workspaces  *workspace.Service
	Channels    *channel.Service
	Compose     *compose.Service
	Media       *media.Service
	Links       *links.Service
	Conversions *conversion.Service
	Publish     *publish.Service
	Calendar    *calendar.Service
	Approvals   *approval.Service
	Discussion  *discussion.Service
	Inbox       *inbox.Service
	Metrics     *metrics.Service
	Reports     *report.Service
	Competitors *competitor.Service
	Board       *board.Service
	Notify      *notify.Service
	Mail        *mail.Service
	System      *system.Service
	Box         *secret.Box // keys CSRF tokens
	BaseURL     string
	TrustProxy  bool
	MaxBody     int64
	Logger      *slog.Logger
}
