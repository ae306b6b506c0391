package publish

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// Args is the job that publishes one target at one generation.
type Args struct {
	TargetID   string `json:"target_id"`
	Generation int    `json:"generation"`
}

// Kind implements river.JobArgs.
func (Args) Kind() string { return "publish.target" }

// InsertOpts: Herald counts and limits attempts itself (the target's
// attempts column), so River's own retries only cover crashes of the job.
func (Args) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 25} }

// Worker runs publish jobs.
type Worker struct {
	river.WorkerDefaults[Args]
	Service *Service
}

// Work publishes the target if this job's plan is still the current one.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	return w.Service.Run(ctx, job.Args.TargetID, job.Args.Generation)
}

// Timeout leaves room for the call and the bookkeeping; the claim's lease
// is longer still.
func (w *Worker) Timeout(*river.Job[Args]) time.Duration {
	return w.Service.callTimeout() + 30*time.Second
}

// retryLater is returned to the job queue to try again at a set time.
type retryLater struct{ at time.Time }

// Run is the backstop for a target at generation gen (see dispatch.go): it
// publishes a target no dispatcher took, or one whose claim was left by a
// process that died. It returns nil when there is nothing (more) to do, a
// snooze when the target should be looked at again later, and an error only
// for internal failures (which the job queue retries).
func (s *Service) Run(ctx context.Context, targetID string, gen int) error {
	t, err := s.Store.Read().TargetForPublish(ctx, targetID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the post was deleted
	} else if err != nil {
		return err
	}
	if t.Generation != gen {
		return nil // rescheduled or cancelled since: a newer job has it
	}
	now := s.now()
	switch {
	case t.Status == model.TargetScheduled:
		// Not due yet, or waiting out a retry delay: a dispatcher takes it
		// then; look again a backstop later.
		next := t.ScheduledAt
		if t.LeaseUntil.After(next) {
			next = t.LeaseUntil
		}
		if next.After(now) {
			return river.JobSnooze(next.Sub(now) + s.backstop())
		}
	case t.Status == model.TargetPublishing && t.LeaseUntil.Before(now):
		// The worker holding the claim died: take it over below.
	case t.Status == model.TargetPublishing:
		return river.JobSnooze(t.LeaseUntil.Sub(now) + time.Second)
	default:
		return nil
	}
	claim, err := s.claim(ctx, t)
	if err != nil || claim == nil {
		return err
	}
	next, err := s.attempt(ctx, claim)
	if err != nil {
		return err
	}
	if next != nil {
		// A dispatcher takes the retry at its time; this job looks again
		// a backstop later.
		return river.JobSnooze(max(time.Until(next.at), 0) + s.backstop())
	}
	return nil
}

// claimed is a target this worker holds, with what it publishes.
type claimed struct {
	store.PublishTarget
	post     model.Post
	takeover bool // the previous holder died mid-attempt
	// The channel and its account, read with the claim when loaded (a
	// dispatcher reads them once per batch), else when the attempt starts.
	loaded  bool
	channel model.Channel
	acct    provider.Account
	acctErr error
	// callDone, when set, is called once the network call is over.
	callDone func()
}

// claim takes the target with a compare-and-swap and, in the same
// transaction, re-reads the post and the pause switches: a post edited or
// deleted before this instant publishes its new version or nothing, and one
// edited after it is refused by the composer while the claim holds.
func (s *Service) claim(ctx context.Context, t store.PublishTarget) (*claimed, error) {
	var c *claimed
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockPost(ctx, t.PostID); errors.Is(err, store.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		now := s.now()
		won, err := tx.ClaimTarget(ctx, t.ID, t.Generation, now, now.Add(s.lease()))
		if err != nil || !won {
			return err
		}
		post, err := tx.PostByID(ctx, t.WorkspaceID, t.PostID)
		if err != nil {
			return err
		}
		pauses, err := tx.Pauses(ctx, t.WorkspaceID)
		if err != nil {
			return err
		}
		first := t
		first.Attempts++ // as the claim counted it
		if status, msg := s.halt(first, post, pauses, now); status != "" {
			return s.halted(ctx, tx, t, post, status, msg, now)
		}
		c = &claimed{PublishTarget: t, post: post, takeover: t.Status == model.TargetPublishing}
		return nil
	})
	if err != nil || c == nil {
		return nil, err
	}
	// Re-read the target: the claim set its publish time and attempt count.
	fresh, err := s.Store.Read().TargetForPublish(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	c.PublishTarget = fresh
	return c, nil
}

// halt says whether a just-claimed target stops before the network:
// paused (pauses are its workspace's), its post's current version not
// approved when approval applies, or missed because its first claim comes
// more than the catch-up window after its time. t is as claimed (its
// attempt counted).
func (s *Service) halt(t store.PublishTarget, post model.Post, pauses []model.Pause, now time.Time) (model.TargetStatus, string) {
	if p, ok := pausedFor(pauses, t.ChannelID); ok {
		return model.TargetPaused, "Publishing is paused: " + p.Reason
	}
	if post.AwaitsApproval() {
		return model.TargetExpired, expiredMessage(post)
	}
	if t.Attempts == 1 && now.Sub(t.ScheduledAt) > s.catchUp() {
		return model.TargetMissed, fmt.Sprintf("Herald was not running when this post was due (%s); publish it now or reschedule it",
			t.ScheduledAt.Format(time.RFC1123))
	}
	return "", ""
}

// halted ends a claim that halt stopped.
func (s *Service) halted(ctx context.Context, tx *store.Tx, t store.PublishTarget, post model.Post, status model.TargetStatus, msg string, now time.Time) error {
	if status == model.TargetPaused {
		return s.stop(ctx, tx, t, status, "paused", msg, now)
	}
	outcome := "missed"
	if status == model.TargetExpired {
		outcome = "approval_expired"
	}
	if err := s.stop(ctx, tx, t, status, outcome, msg, now); err != nil {
		return err
	}
	if err := s.problem(ctx, tx, t, status, msg); err != nil {
		return err
	}
	return s.continueAfter(ctx, tx, post)
}

// expiredMessage says why a post was not approved in time.
func expiredMessage(p model.Post) string {
	switch p.Approval {
	case model.ApprovalRejected:
		return "Approval expired: the post was rejected and not approved again before its time; edit it, send it for approval and reschedule it"
	case model.ApprovalChanges:
		return "Approval expired: changes were requested and the post was not approved again before its time; edit it and reschedule it"
	case model.ApprovalApproved:
		return "Approval expired: the post was edited after its approval and the new version was not approved before its time"
	}
	return "Approval expired: the post was not approved before its time; once approved, reschedule it"
}

// stop ends a claim without calling the network.
func (s *Service) stop(ctx context.Context, tx *store.Tx, t store.PublishTarget, status model.TargetStatus, outcome, msg string, now time.Time) error {
	if err := tx.FinishTarget(ctx, t.ID, t.Generation, store.TargetOutcome{Status: status, Error: msg, ErrorKind: outcome}, now); err != nil {
		return err
	}
	return s.addAttempt(ctx, tx, model.Attempt{ID: ids.New(), TargetID: t.ID, WorkspaceID: t.WorkspaceID, StartedAt: now, Outcome: outcome, Message: msg})
}

// attempt calls the network for a claimed target and records the outcome.
func (s *Service) attempt(ctx context.Context, c *claimed) (*retryLater, error) {
	started := s.now()
	if !c.loaded {
		c.acct, c.channel, c.acctErr = s.Channels.Account(ctx, c.WorkspaceID, c.ChannelID)
		c.loaded = true
	}
	acct, ch, err := c.acct, c.channel, c.acctErr
	if err != nil {
		return nil, s.finish(ctx, c, started, nil, err)
	}
	p, err := s.Channels.Provider(ch.Network)
	if err != nil {
		return nil, s.finish(ctx, c, started, nil, err)
	}
	info := p.Info()
	pub, ok := p.(provider.Publisher)
	if !ok {
		return nil, s.finish(ctx, c, started, nil, &provider.Error{Trait: provider.Permanent, Network: info.Network, Op: "publish",
			Message: info.Name + " cannot publish posts"})
	}
	if c.takeover && !safeToRepeat(info) {
		return s.reconcileOrAsk(ctx, c, p, acct, started)
	}
	post, err := s.build(ctx, c, acct.Limits)
	if err != nil {
		return nil, s.finish(ctx, c, started, nil, err)
	}
	if until := s.gates.blockedUntil(c.ChannelID, s.now()); !until.IsZero() {
		return s.after(ctx, c, started, nil, &provider.Error{Trait: provider.RateLimited, Network: info.Network, Op: "publish",
			Message: "waiting for " + info.Name + "'s rate limit on this account to end", RetryAfter: until.Sub(s.now())})
	}
	if !s.gates.acquire(c.ChannelID, ctx.Done()) {
		return nil, ctx.Err()
	}
	defer s.gates.release(c.ChannelID)
	var remote []provider.RemotePost
	callCtx, cancel := context.WithTimeout(ctx, s.callTimeout())
	defer cancel()
	err = s.Channels.CallAs(callCtx, c.WorkspaceID, acct, ch, func(a provider.Account) error {
		var perr error
		remote, perr = pub.Publish(callCtx, a, post)
		return perr
	})
	if c.callDone != nil {
		c.callDone()
	}
	if err == nil {
		if ferr := s.Channels.RecordFeedItems(ctx, ch, post, remote); ferr != nil {
			s.log().Warn("record feed items", "target", c.ID, "err", ferr)
		}
	}
	if err != nil && provider.TraitOf(err) == provider.Unknown && safeToRepeat(info) {
		// The network makes a repeat harmless (record key, idempotency key,
		// content-addressed id): try again as if it were transient.
		err = &provider.Error{Trait: provider.Transient, Network: info.Network, Op: "publish", Message: provider.AsError(err).Message, Err: err}
	}
	if err != nil && provider.TraitOf(err) == provider.Unknown {
		return s.reconcileOrAsk(ctx, c, p, acct, started)
	}
	return s.after(ctx, c, started, remote, err)
}

// safeToRepeat reports whether publishing the same target again cannot
// create a second post on this network.
func safeToRepeat(info provider.Info) bool {
	switch info.Idempotency {
	case provider.IdemClientKey, provider.IdemContentAddressed, provider.IdemHeader, provider.IdemTransactionID:
		return true
	}
	return false
}

// build turns the claimed post into what the provider publishes: the
// channel's version with signature and defaults, tracked links, and media
// prepared for the network's limits. Segments already out are passed as
// Done so the provider resumes after them.
func (s *Service) build(ctx context.Context, c *claimed, limits provider.Limits) (provider.Post, error) {
	content := compose.ForChannel(c.Effective(c.post.Base), c.channel)
	content, err := s.Compose.TrackLinks(ctx, c.post, c.Target, c.channel, content)
	if err != nil {
		return provider.Post{}, err
	}
	post := provider.Post{Key: c.ID, At: c.PublishAt, FirstComment: content.FirstComment, Options: content.Options}
	for _, seg := range content.Segments() {
		ps := provider.Segment{Text: seg.Text}
		if len(seg.Media) > 0 && s.Media != nil {
			if ps.Media, err = s.Media.Prepare(ctx, c.WorkspaceID, seg.Media, limits); err != nil {
				return post, err
			}
		}
		post.Segments = append(post.Segments, ps)
	}
	if content.Link != "" && len(post.Segments) > 0 {
		post.Segments[0].Link = &provider.LinkCard{URL: content.Link}
	}
	for _, d := range c.Done {
		post.Done = append(post.Done, provider.RemotePost{ID: d.ID, URL: d.URL, Extra: d.Extra, PublishedAt: d.PublishedAt})
	}
	done := append([]model.RemotePost(nil), c.Done...)
	post.Progress = func(i int, rp provider.RemotePost) error {
		if i == len(post.Segments)-1 && post.FirstComment == "" {
			// The last step: the outcome records every segment, and on an
			// error the segments returned with it are kept (after).
			return nil
		}
		for len(done) <= i {
			done = append(done, model.RemotePost{})
		}
		done[i] = model.RemotePost{ID: rp.ID, URL: rp.URL, Extra: rp.Extra, PublishedAt: rp.PublishedAt}
		return s.commit(ctx, func(tx *store.Tx) error { return tx.SaveDone(ctx, c.ID, c.Generation, done) })
	}
	return post, nil
}

// after records how a call ended and says whether to try again.
func (s *Service) after(ctx context.Context, c *claimed, started time.Time, remote []provider.RemotePost, err error) (*retryLater, error) {
	if err == nil {
		return nil, s.finish(ctx, c, started, remote, nil)
	}
	trait := provider.TraitOf(err)
	if (trait == provider.Transient || trait == provider.RateLimited) && c.Attempts < s.maxAttempts() {
		at := s.now().Add(backoff(s.retryBase(), c.Attempts))
		if pe := provider.AsError(err); pe != nil && pe.RetryAfter > 0 {
			at = s.now().Add(pe.RetryAfter)
			if trait == provider.RateLimited {
				s.gates.limit(c.ChannelID, at)
			}
		}
		kind, msg := describe(err)
		err := s.commit(ctx, func(tx *store.Tx) error {
			o := store.TargetOutcome{Status: model.TargetScheduled, Error: msg, ErrorKind: kind, RetryAt: at, Done: doneOf(remote)}
			if err := tx.FinishTarget(ctx, c.ID, c.Generation, o, s.now()); err != nil {
				return err
			}
			return s.addAttempt(ctx, tx, model.Attempt{ID: ids.New(), TargetID: c.ID, WorkspaceID: c.WorkspaceID, StartedAt: started,
				Duration: s.now().Sub(started), Outcome: "retry", ErrorKind: kind, Message: msg})
		})
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil // the claim was lost (cancelled meanwhile)
		}
		return &retryLater{at: at}, err
	}
	if trait == provider.AuthExpired {
		if rerr := s.Channels.ReportError(ctx, c.WorkspaceID, c.ChannelID, err); rerr != nil {
			s.log().Warn("report channel error", "channel", c.ChannelID, "err", rerr)
		}
	}
	return nil, s.finish(ctx, c, started, remote, err)
}

// doneOf is the segments a call returned, to keep with the outcome (nil:
// keep what is saved).
func doneOf(remote []provider.RemotePost) []model.RemotePost {
	if len(remote) == 0 {
		return nil
	}
	done := make([]model.RemotePost, len(remote))
	for i, r := range remote {
		done[i] = model.RemotePost{ID: r.ID, URL: r.URL, Extra: r.Extra, PublishedAt: r.PublishedAt}
	}
	return done
}

// backoff is exponential with jitter (half fixed, half random), from base
// up to 10 min.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base << min(attempt, 9)
	d = min(d, 10*time.Minute)
	return d/2 + rand.N(d/2+1)
}

// finish ends the claim: published when err is nil, failed otherwise.
func (s *Service) finish(ctx context.Context, c *claimed, started time.Time, remote []provider.RemotePost, err error) error {
	o := store.TargetOutcome{Status: model.TargetPublished, PublishedAt: s.now(), Done: doneOf(remote)}
	outcome, kind, msg := "published", "", ""
	if err != nil {
		kind, msg = describe(err)
		outcome, o.Status, o.Error, o.ErrorKind = "failed", model.TargetFailed, failure(err, kind, msg), kind
		if provider.AsError(err) == nil {
			s.log().Error("publish failed", "target", c.ID, "err", err)
		}
	} else if len(remote) > 0 {
		o.RemoteID, o.RemoteURL = remote[0].ID, remote[0].URL
	}
	if err == nil && s.commits != nil && c.post.Series.Recurrence == "" && c.post.Series.EvergreenGap == 0 {
		// Nothing follows a plain publication: it shares its statements
		// with the others being written.
		return s.commits.published(ctx, store.Publication{TargetID: c.ID, Generation: c.Generation, Outcome: o,
			Attempt: model.Attempt{ID: ids.New(), TargetID: c.ID, WorkspaceID: c.WorkspaceID, StartedAt: started,
				Duration: s.now().Sub(started), Outcome: outcome, Worker: s.Instance}})
	}
	return s.commit(ctx, func(tx *store.Tx) error {
		if err := tx.FinishTarget(ctx, c.ID, c.Generation, o, s.now()); errors.Is(err, store.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if err := s.addAttempt(ctx, tx, model.Attempt{ID: ids.New(), TargetID: c.ID, WorkspaceID: c.WorkspaceID, StartedAt: started,
			Duration: s.now().Sub(started), Outcome: outcome, ErrorKind: kind, Message: msg}); err != nil {
			return err
		}
		if o.Status == model.TargetFailed {
			if err := s.problem(ctx, tx, c.PublishTarget, model.TargetFailed, o.Error); err != nil {
				return err
			}
		}
		return s.continueAfter(ctx, tx, c.post)
	})
}

// failure is the message a person sees on a failed target.
func failure(err error, kind, msg string) string {
	switch kind {
	case "auth_expired":
		return "The network refused the channel's sign-in (" + msg + "); reconnect the channel, then publish again"
	case "permanent":
		return "The network refused the post: " + msg
	case "transient", "rate_limited":
		return "The network kept failing (" + msg + "); publish again later"
	}
	if model.KindOf(err) != model.KindInternal {
		return model.AsError(err).Msg
	}
	return "Herald could not publish this post: " + msg
}

// reconcileOrAsk handles an unknown outcome on a network where repeating
// might duplicate the post: look it up when the network can, otherwise
// mark it unconfirmed for a person.
func (s *Service) reconcileOrAsk(ctx context.Context, c *claimed, p provider.Provider, acct provider.Account, started time.Time) (*retryLater, error) {
	if f, ok := p.(provider.Finder); ok {
		rp, found, err := f.FindByKey(ctx, acct, provider.Post{Key: c.ID, At: c.PublishAt}, 0)
		if err == nil && found {
			return nil, s.finish(ctx, c, started, []provider.RemotePost{rp}, nil)
		}
		if err == nil && !found && c.takeover {
			// The earlier attempt never reached the network: publish now.
			c.takeover = false
			return s.attempt(ctx, c)
		}
	}
	msg := "Herald cannot tell whether the network received this post (the connection broke after sending). Check the channel: if the post is there, mark it published; if not, publish it again."
	return nil, s.commit(ctx, func(tx *store.Tx) error {
		if err := tx.FinishTarget(ctx, c.ID, c.Generation, store.TargetOutcome{Status: model.TargetUnconfirmed, Error: msg, ErrorKind: "outcome_unknown"}, s.now()); err != nil {
			return err
		}
		if err := s.addAttempt(ctx, tx, model.Attempt{ID: ids.New(), TargetID: c.ID, WorkspaceID: c.WorkspaceID, StartedAt: started,
			Duration: s.now().Sub(started), Outcome: "unconfirmed", ErrorKind: "outcome_unknown", Message: msg}); err != nil {
			return err
		}
		if err := s.problem(ctx, tx, c.PublishTarget, model.TargetUnconfirmed, msg); err != nil {
			return err
		}
		return s.continueAfter(ctx, tx, c.post)
	})
}

func (s *Service) attemptAgain(ctx context.Context, c *claimed) (*retryLater, error) {
	return s.attempt(ctx, c)
}
