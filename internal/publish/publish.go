// Package publish schedules posts and publishes them exactly once
// (docs/ARCHITECTURE.md §4 of the shared design). Each target (post ×
// channel) has its own state; scheduling changes that state and enqueues the
// job in the same transaction. A dispatcher in each worker process claims
// due targets in batches shortly before their instant with a
// compare-and-swap, re-reads their posts, channels and pause switches, and
// calls the network at the instant (dispatch.go); the job is the backstop
// that takes over a claim whose process died (worker.go). Calls whose outcome is
// unknown are retried only where the network makes a repeat harmless;
// otherwise the target becomes "unconfirmed" and is reconciled by looking
// the post up, or left for a person with what to check.
package publish

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/audit"
	"herald/internal/channel"
	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/store"
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Enqueuer inserts jobs in the caller's transaction.
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Channels is what publishing needs of the channel service.
type Channels interface {
	List(ctx context.Context, a model.Actor, workspaceID string) ([]model.Channel, error)
	Account(ctx context.Context, workspaceID, id string) (provider.Account, model.Channel, error)
	Accounts(ctx context.Context, ids []string) (map[string]channel.AccountRead, error)
	CallAs(ctx context.Context, workspaceID string, acct provider.Account, c model.Channel, call func(provider.Account) error) error
	ReportError(ctx context.Context, workspaceID, id string, callErr error) error
	RecordFeedItems(ctx context.Context, c model.Channel, post provider.Post, published []provider.RemotePost) error
	Limits(c model.Channel) (provider.Info, provider.Limits, error)
	Provider(network string) (provider.Provider, error)
}

// Media prepares library assets for one network's limits.
type Media interface {
	Prepare(ctx context.Context, workspaceID string, refs []model.MediaRef, limits provider.Limits) ([]provider.Media, error)
}

// ScheduleHook is told, inside the scheduling transaction, of a post
// about to be scheduled.
type ScheduleHook interface {
	BeforeSchedule(ctx context.Context, tx *store.Tx, a model.Actor, p model.Post) error
}

// Service schedules and publishes.
type Service struct {
	Store      *store.Store
	Queue      Enqueuer
	Workspaces Authorizer
	Channels   Channels
	Compose    *compose.Service
	Media      Media
	Notifier   Notifier // tells people about failed, unconfirmed and missed targets (notify.go); nil: nobody
	// Approvals sends a post that needs approval for it when it is
	// scheduled without (package approval); nil: no approvals (tests).
	Approvals ScheduleHook
	Logger    *slog.Logger
	Now       func() time.Time

	// CatchUp is how late a due target may still go out (default 1 h).
	CatchUp time.Duration
	// Instance names this process in the attempt log (host:pid).
	Instance string
	// Workers is how many targets this process publishes at once (default 10).
	Workers int
	// Horizon is how far ahead of their instant targets are claimed (default
	// 2 s), Poll how often the dispatcher looks for due targets (default
	// 0.5 s), and Backstop how long after the due time the target's job runs
	// in case no dispatcher published it (default 15 s); see dispatch.go.
	Horizon, Poll, Backstop time.Duration
	// Lease is how long a claim holds a target before another worker may
	// take it over (default 3 min); CallTimeout bounds the network call and
	// must be shorter (default 2 min).
	Lease, CallTimeout time.Duration
	// MaxAttempts is how many tries a target gets before it fails (default 10).
	MaxAttempts int
	// RetryBase is the first retry delay; each later one doubles (default 2 s).
	RetryBase time.Duration
	gates     gates       // per-account call limits in this process
	disp      *dispatcher // while started
	commits   *committer  // while started
}

// commit runs fn in a transaction, shared with other outcomes while the
// service is started (committer), on its own otherwise.
func (s *Service) commit(ctx context.Context, fn func(tx *store.Tx) error) error {
	if c := s.commits; c != nil {
		return c.do(ctx, fn)
	}
	return s.Store.InTx(ctx, fn)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) catchUp() time.Duration { return orDefault(s.CatchUp, time.Hour) }
func (s *Service) lease() time.Duration   { return orDefault(s.Lease, 3*time.Minute) }
func (s *Service) callTimeout() time.Duration {
	return orDefault(s.CallTimeout, 2*time.Minute)
}
func (s *Service) retryBase() time.Duration { return orDefault(s.RetryBase, 2*time.Second) }

func (s *Service) maxAttempts() int {
	if s.MaxAttempts > 0 {
		return s.MaxAttempts
	}
	return 10
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Mode says when a schedule request wants the post out.
type Mode string

// Scheduling modes.
const (
	ModeAt    Mode = "at"    // at a chosen instant
	ModeNow   Mode = "now"   // right away
	ModeQueue Mode = "queue" // the channel's next free posting slot
)

// Request asks to schedule a post's targets.
type Request struct {
	Mode Mode
	At   time.Time // for ModeAt: the instant (resolved from local time by the caller)
	Zone string    // the IANA zone the time was chosen in ("" for the channel's)
	// Channels limits the request to some of the post's channels; empty
	// means all of them.
	Channels []string
	// ConfirmPaused publishes even though publishing is paused for the
	// workspace or a channel; without it a paused target is refused.
	ConfirmPaused bool
}

// Schedule plans a post's targets and enqueues their jobs in the same
// transaction. The post must pass validation for every channel it goes to.
func (s *Service) Schedule(ctx context.Context, a model.Actor, workspaceID, postID string, r Request) (model.Post, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostSchedule); err != nil {
		return model.Post{}, err
	}
	p, err := s.Compose.Get(ctx, a, workspaceID, postID)
	if err != nil {
		return p, err
	}
	targets, err := pick(p, r.Channels)
	if err != nil {
		return p, err
	}
	chans, err := s.Channels.List(ctx, a, workspaceID)
	if err != nil {
		return p, err
	}
	now := s.now()
	at, err := s.when(r, now)
	if err != nil {
		return p, err
	}
	if err := s.check(ctx, a, workspaceID, p, targets, chans, at, r.ConfirmPaused); err != nil {
		return p, err
	}
	plan := map[string]time.Time{}
	if r.Mode == ModeQueue {
		if plan, err = s.queueTimes(ctx, targets, chans, now); err != nil {
			return p, err
		}
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if s.Approvals != nil {
			if err := s.Approvals.BeforeSchedule(ctx, tx, a, p); err != nil {
				return err
			}
		}
		for _, t := range targets {
			due, zone := at, r.Zone
			if r.Mode == ModeQueue {
				due = plan[t.ChannelID]
			}
			if zone == "" {
				zone = channelZone(chans, t.ChannelID)
			}
			if err := s.plan(ctx, tx, workspaceID, t, due, zone, r.Mode == ModeQueue); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, a, "post.schedule", "post", postID, workspaceID, map[string]any{"mode": r.Mode, "at": at.Format(time.RFC3339),
			"channels": len(targets)})
	})
	if err != nil {
		return p, err
	}
	return s.Compose.Get(ctx, a, workspaceID, postID)
}

// plan schedules one target and enqueues its job inside tx.
func (s *Service) plan(ctx context.Context, tx *store.Tx, workspaceID string, t model.Target, due time.Time, zone string, queued bool) error {
	gen, err := tx.ScheduleTarget(ctx, t.ID, due, zone, queued, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return model.Conflict("status", "this post is already being published or out on a channel; it can no longer be scheduled there")
	} else if err != nil {
		return err
	}
	return s.enqueue(ctx, tx, t.ID, gen, due)
}

func (s *Service) enqueue(ctx context.Context, tx *store.Tx, targetID string, gen int, due time.Time) error {
	if due.Before(s.now().Add(s.horizon())) {
		tx.AfterCommit(s.kick) // due now or soon: no need to wait for the next poll
	}
	backstop := due.Add(s.backstop())
	return s.Queue.InsertTx(ctx, tx, Args{TargetID: targetID, Generation: gen}, &river.InsertOpts{ScheduledAt: backstop})
}

func (s *Service) when(r Request, now time.Time) (time.Time, error) {
	switch r.Mode {
	case ModeNow, ModeQueue:
		return now, nil
	case ModeAt:
		if r.At.IsZero() {
			return time.Time{}, model.Invalid("at", "choose a date and time")
		}
		if r.At.Before(now.Add(-time.Minute)) {
			return time.Time{}, model.Invalid("at", "%s is in the past; choose a later time, or publish now", r.At.UTC().Format("2 Jan 2006 15:04 MST"))
		}
		if r.At.Before(now) {
			return now, nil
		}
		return r.At.UTC(), nil
	}
	return time.Time{}, model.Invalid("mode", "%q is not a way to schedule; one of at, now, queue", r.Mode)
}

// pick returns the post's targets for the requested channels.
func pick(p model.Post, channels []string) ([]model.Target, error) {
	if len(channels) == 0 {
		return p.Targets, nil
	}
	var out []model.Target
	for _, id := range channels {
		found := false
		for _, t := range p.Targets {
			if t.ChannelID == id {
				out, found = append(out, t), true
			}
		}
		if !found {
			return nil, model.Invalid("channels", "the post is not for channel %q", id)
		}
	}
	return out, nil
}

// check refuses a schedule that could not go out as planned: problems the
// network would refuse, a disconnected channel, or a pause.
func (s *Service) check(ctx context.Context, a model.Actor, workspaceID string, p model.Post, targets []model.Target, chans []model.Channel,
	at time.Time, confirmPaused bool) error {
	channels := make([]string, 0, len(targets))
	variants := map[string]model.Variant{}
	for _, t := range targets {
		channels = append(channels, t.ChannelID)
		if t.Variant.Customised() {
			variants[t.ChannelID] = t.Variant
		}
	}
	rep, err := s.Compose.Validate(ctx, a, workspaceID, compose.ValidateInput{Draft: compose.Draft{Base: p.Base, Channels: channels, Variants: variants},
		PostID: p.ID, At: at})
	if err != nil {
		return err
	}
	for _, tr := range rep.Targets {
		if len(tr.Errors) > 0 {
			return model.Invalid("post", "%s (%s) would refuse this post: %s; fix it in the composer first", tr.ChannelName, tr.NetworkName, tr.Errors[0].Message)
		}
	}
	for _, t := range targets {
		c := channelByID(chans, t.ChannelID)
		if c.Status == model.ChannelNeedsReconnect {
			return model.Invalid("channels", "%s needs reconnecting before anything can be scheduled on it; reconnect it under Channels", c.Name)
		}
	}
	if confirmPaused {
		return nil
	}
	pauses, err := s.Store.Read().Pauses(ctx, workspaceID)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if pz, ok := pausedFor(pauses, t.ChannelID); ok {
			where := "the workspace"
			if pz.ChannelID != "" {
				where = channelByID(chans, pz.ChannelID).Name
			}
			return model.Invalid("confirm_paused", "publishing is paused for %s (%s); resume it first, or confirm that this post goes out anyway", where, pz.Reason)
		}
	}
	return nil
}

func pausedFor(pauses []model.Pause, channelID string) (model.Pause, bool) {
	for _, p := range pauses {
		if p.ChannelID == "" || p.ChannelID == channelID {
			return p, true
		}
	}
	return model.Pause{}, false
}

func channelByID(chans []model.Channel, id string) model.Channel {
	for _, c := range chans {
		if c.ID == id {
			return c
		}
	}
	return model.Channel{ID: id, Name: id}
}

func channelZone(chans []model.Channel, id string) string {
	if z := channelByID(chans, id).TimeZone; z != "" {
		return z
	}
	return "UTC"
}

// Cancel takes targets out of the plan (back to draft). Pending jobs lapse
// because the generation changes; a target already being published cannot
// be cancelled.
func (s *Service) Cancel(ctx context.Context, a model.Actor, workspaceID, postID string, channels []string) (model.Post, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostSchedule); err != nil {
		return model.Post{}, err
	}
	p, err := s.Compose.Get(ctx, a, workspaceID, postID)
	if err != nil {
		return p, err
	}
	targets, err := pick(p, channels)
	if err != nil {
		return p, err
	}
	from := []model.TargetStatus{model.TargetScheduled, model.TargetPaused, model.TargetMissed, model.TargetFailed, model.TargetExpired}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockPost(ctx, postID); err != nil {
			return err
		}
		n := 0
		for _, t := range targets {
			err := tx.SetTargetStatus(ctx, t.ID, model.TargetDraft, from, s.now())
			if errors.Is(err, store.ErrNotFound) {
				continue // a draft, or already out: nothing to take back
			} else if err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return model.Conflict("status", "nothing to cancel: the post is not scheduled, paused, missed or failed on the chosen channels")
		}
		return audit.Record(ctx, tx, a, "post.cancel", "post", postID, workspaceID, map[string]any{"channels": n})
	})
	if err != nil {
		return p, err
	}
	return s.Compose.Get(ctx, a, workspaceID, postID)
}

// Attempts lists a target's attempts, newest first.
func (s *Service) Attempts(ctx context.Context, a model.Actor, workspaceID, postID string) (map[string][]model.Attempt, error) {
	p, err := s.Compose.Get(ctx, a, workspaceID, postID)
	if err != nil {
		return nil, err
	}
	out := map[string][]model.Attempt{}
	for _, t := range p.Targets {
		list, err := s.Store.Read().Attempts(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		out[t.ChannelID] = list
	}
	return out, nil
}

func (s *Service) queueTimes(ctx context.Context, targets []model.Target, chans []model.Channel, now time.Time) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	for _, t := range targets {
		c := channelByID(chans, t.ChannelID)
		at, err := s.NextSlot(ctx, c, now)
		if err != nil {
			return nil, err
		}
		out[t.ChannelID] = at
	}
	return out, nil
}

// describe shortens a network message for the attempt log.
func describe(err error) (kind, msg string) {
	if pe := provider.AsError(err); pe != nil {
		msg = pe.Message
		if msg == "" {
			msg = pe.Error()
		}
		return pe.Trait.String(), clip(msg, 500)
	}
	return "internal", clip(err.Error(), 500)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// addAttempt logs an attempt made by this process.
func (s *Service) addAttempt(ctx context.Context, tx *store.Tx, a model.Attempt) error {
	a.Worker = s.Instance
	return tx.AddAttempt(ctx, a)
}
