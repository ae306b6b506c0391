// Package inbox is the community inbox: every comment, reply, mention and
// direct message from every channel in one place, threaded into
// conversations with the original post, tied to contacts, read for
// sentiment, spam, abuse and language, run through the workspace's rules,
// and worked by the team (reply, assign, tag, note, done, snooze).
//
// Ingestion (ingest.go) stores what the channels' pollers read (poll.go)
// in batches: de-duplicated by the network's ID, safe with bad payloads
// (missing authors, unknown kinds, invalid or huge text), and never lost
// across restarts because a poller's cursor moves only after its batch is
// committed.
package inbox

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"herald/internal/model"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Signals is what reading one message tells: its sentiment, how likely
// it is spam or abuse and why, its language, and whether it asks
// something.
type Signals struct {
	Sentiment string // positive, neutral, negative
	Score     float64
	Spam      float64
	Abuse     float64
	Reasons   []string
	Language  string
	Question  bool
}

// Analyzer reads a message's signals; repeats is how often the same text
// came in the batch and thread, a spam signal.
type Analyzer interface {
	Analyze(text string, repeats int) Signals
}

// Service is the inbox domain service.
type Service struct {
	Store      *store.Store
	Workspaces Authorizer
	Analyzer   Analyzer
	Channels   Channels // accounts and connectors, for polling
	Registry   Registry // the networks, for polling
	Sender     Sender   // replies and reactions through the connectors
	Queue      Enqueuer // jobs: sending replies
	Logger     *slog.Logger
	Now        func() time.Time

	// What the rules engine acts through besides Sender and Queue
	// (rules_apply.go, rules_jobs.go); each may be nil, and the action
	// log then says what was not done.

	// Notify tells members when a rule's notify action matches.
	Notify Teller
	// Mail e-mails escalations to customer service.
	Mail Mailer
	// Moderation hides, shows again and deletes messages on the networks.
	Moderation Moderation
	// HTTP posts escalation webhooks: the app's hardened client.
	HTTP *http.Client
	// Box signs escalation webhooks (see EscalationSecret).
	Box *secret.Box
	// BaseURL is this Herald's address, for links in escalations.
	BaseURL string

	live *streams // this process's live streams, when started
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}
