// Package api is Herald's REST API v1: JSON over HTTP with personal API
// tokens, RFC 9457 problem details, cursor pagination, Idempotency-Key on
// creates and an OpenAPI 3.1 document (openapi.json, served at
// /api/v1/openapi.json and checked against routes.go by a test).
//
// The package is a thin edge over the domain services: routes.go is the one
// route table, with each route's token scope inline; each handler (one file
// per action, noun_verb.go) parses the request, calls one service and
// renders the result. Workspace roles and installation-admin rights are
// checked by the domain, exactly as for the web UI and the command line.
//
// Conventions, so clients can rely on them:
//   - Every bad input is 400, whether malformed (type malformed-body) or
//     semantically wrong (type validation, with an errors list naming the
//     field, query parameter or header); the API never answers 422.
//   - A malformed ID in the path is 404, like an unknown one: it names
//     nothing, and workspaces a caller cannot see look missing anyway.
//   - Lists are ordered by ID, oldest first, except audit logs (newest
//     first), and paged with ?limit= and an opaque ?cursor=.
//   - Internal errors are logged once, here, and answered with a generic
//     500 that carries a reference to the log line.
package api

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
	"herald/internal/idempotency"
	"herald/internal/inbox"
	"herald/internal/links"
	"herald/internal/media"
	"herald/internal/notify"
	"herald/internal/publish"
	"herald/internal/report"
	"herald/internal/system"
	"herald/internal/workspace"
)

// Deps are the domain services and settings the API needs.
type Deps struct {
	Accounts    *account.Service
	Workspaces  *workspace.Service
	Channels    *channel.Service
	Compose     *compose.Service
	Media       *media.Service
	Links       *links.Service
	Conversions *conversion.Service
	Competitors *competitor.Service
	Publish     *publish.Service
	Calendar    *calendar.Service
	Approvals   *approval.Service
	Discussion  *discussion.Service
	Board       *board.Service
	Reports     *report.Service
	Inbox       *inbox.Service
	Notify      *notify.Service
	System      *system.Service
	Idempotency *idempotency.Service
	BaseURL     string
	TrustProxy  bool
	MaxBody     int64
	Logger      *slog.Logger
}
