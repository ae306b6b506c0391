package publish

import (
	"context"
	"errors"
	"sync"
	"time"

	"herald/internal/channel"
	"herald/internal/model"
	"herald/internal/store"
)

// The dispatcher is how a target normally goes out at its instant. Each
// process that runs workers claims due targets in batches a little ahead of
// their instant (one statement for many: they become "publishing" under a
// lease, exactly as a single claim would), re-reads their posts, pause
// switches and channels once per batch, and hands each to a goroutine that
// waits for the exact instant, checks the pause switches again and calls
// the network. Outcomes are written in shared transactions (committer).
//
// The River job made with each schedule stays the durable backstop: it runs
// Backstop after the due time and does nothing when the target is already
// out; it publishes when no dispatcher did (a process died holding the
// claim, and the lease ran out) or retries after internal errors.

// Dispatch defaults.
const (
	defaultHorizon  = 2 * time.Second
	defaultPoll     = 500 * time.Millisecond
	defaultBackstop = 15 * time.Second
	maxBatch        = 1000
)

func (s *Service) horizon() time.Duration  { return orDefault(s.Horizon, defaultHorizon) }
func (s *Service) poll() time.Duration     { return orDefault(s.Poll, defaultPoll) }
func (s *Service) backstop() time.Duration { return orDefault(s.Backstop, defaultBackstop) }

func (s *Service) workers() int {
	if s.Workers > 0 {
		return s.Workers
	}
	return 10
}

type dispatcher struct {
	s     *Service
	wake  chan struct{}
	calls chan struct{} // one slot per network call in flight (Workers)

	mu       sync.Mutex
	busy     int       // claims held by goroutines (at most claimCap)
	lastAt   time.Time // the last network-visible time handed out
	claimsWG sync.WaitGroup
	loopDone chan struct{}

	stopClaims context.CancelFunc // ends the loop; waiting claims are given back
	stopCalls  context.CancelFunc // ends calls in flight (at Stop's deadline)
	callCtx    context.Context
	pauses     pauseReads
}

// Start makes this process publish: the dispatcher and the shared result
// writer run until Stop.
func (s *Service) Start(ctx context.Context) {
	if s.disp != nil {
		return
	}
	s.commits = newCommitter(s.Store)
	d := &dispatcher{s: s, wake: make(chan struct{}, 1), loopDone: make(chan struct{}), calls: make(chan struct{}, s.workers())}
	var claimCtx context.Context
	claimCtx, d.stopClaims = context.WithCancel(context.WithoutCancel(ctx))
	d.callCtx, d.stopCalls = context.WithCancel(context.WithoutCancel(ctx))
	s.disp = d
	go d.loop(claimCtx)
}

// Stop stops claiming, gives back claims still waiting for their instant,
// lets calls in flight finish until ctx ends, and writes their outcomes.
func (s *Service) Stop(ctx context.Context) error {
	d := s.disp
	if d == nil {
		return nil
	}
	d.stopClaims()
	<-d.loopDone
	finished := make(chan struct{})
	go func() { d.claimsWG.Wait(); close(finished) }()
	var err error
	select {
	case <-finished:
	case <-ctx.Done():
		// The calls' own outcomes still get written; a claim whose outcome
		// is lost is taken over when its lease runs out.
		d.stopCalls()
		<-finished
		err = ctx.Err()
	}
	d.stopCalls()
	s.commits.close()
	s.disp, s.commits = nil, nil
	return err
}

// kick tells this process's dispatcher that something may be due soon.
func (s *Service) kick() {
	if d := s.disp; d != nil {
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
}

func (d *dispatcher) loop(ctx context.Context) {
	defer close(d.loopDone)
	for ctx.Err() == nil {
		more, err := d.round(ctx)
		if err != nil && ctx.Err() == nil {
			d.s.log().Error("claim due targets", "err", err)
		}
		if more && err == nil {
			continue
		}
		t := time.NewTimer(d.s.poll())
		select {
		case <-ctx.Done():
		case <-d.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// claimCap is how many claims this process holds at most: everything due
// within the horizon is claimed ahead, so that at the instant only the
// network calls remain, and Workers of them run at once.
func (d *dispatcher) claimCap() int { return max(100, 10*d.s.workers()) }

// round claims what is due within the horizon, as many as the process may
// hold, and starts a goroutine for each. more says a full batch was taken.
func (d *dispatcher) round(ctx context.Context) (more bool, err error) {
	s := d.s
	d.mu.Lock()
	free := d.claimCap() - d.busy
	d.mu.Unlock()
	if free <= 0 {
		return false, nil
	}
	limit := min(free, maxBatch)
	now := s.now()
	horizon := now.Add(s.horizon())
	// A read first, so an idle server never takes the write lock.
	if due, err := s.Store.Read().AnyDueTarget(ctx, horizon); err != nil || !due {
		return false, err
	}
	var claimed []store.PublishTarget
	fire := map[string]time.Time{}
	found := 0
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		due, err := tx.LockDueTargets(ctx, horizon, limit)
		if err != nil {
			return err
		}
		found = len(due)
		claims := make([]store.TargetClaim, len(due))
		for i, t := range due {
			at := t.At
			if at.Before(now) {
				at = now
			}
			fire[t.ID] = at
			claims[i] = store.TargetClaim{ID: t.ID, PublishAt: d.publishTime(at), LeaseUntil: at.Add(s.lease())}
		}
		claimed, err = tx.ClaimTargets(ctx, claims, now)
		return err
	})
	if err != nil || len(claimed) == 0 {
		return false, err
	}
	d.mu.Lock()
	d.busy += len(claimed)
	d.mu.Unlock()
	// The batch's reads run beside the next claim.
	d.claimsWG.Add(1)
	go func() {
		defer d.claimsWG.Done()
		ready := d.prepare(ctx, claimed, now)
		d.claimsWG.Add(len(ready))
		for _, c := range ready {
			go d.fire(ctx, c, fire[c.ID], now)
		}
	}()
	return found == limit, nil
}

// publishTime is the network-visible time of a target going out at at,
// within a millisecond after it: distinct for every target this process
// claims, and most likely from those other processes claim, because some
// networks' record keys follow it (Bluesky) and two posts of one account
// due at the same instant must not share one. The microseconds of the
// claim's wall clock spread processes apart.
func (d *dispatcher) publishTime(at time.Time) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	at = at.Truncate(time.Microsecond).Add(time.Duration(time.Now().Nanosecond()/1000%1000) * time.Microsecond)
	if !at.After(d.lastAt) {
		at = d.lastAt.Add(time.Microsecond)
	}
	d.lastAt = at
	return at
}

// done frees a claim's slot and wakes the loop to fill it.
func (d *dispatcher) done(n int) {
	d.mu.Lock()
	d.busy -= n
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// prepare re-reads the claimed targets' posts, pause switches and channels
// once for the batch. Targets that are paused or whose time is too long
// past stop here; the rest are returned ready to fire. On a read failure
// the claims are given back for the next round.
func (d *dispatcher) prepare(ctx context.Context, targets []store.PublishTarget, now time.Time) []*claimed {
	s := d.s
	var postIDs, wsIDs, chanIDs []string
	seen := map[string]bool{}
	for _, t := range targets {
		postIDs = append(postIDs, t.PostID)
		if !seen["w"+t.WorkspaceID] {
			seen["w"+t.WorkspaceID] = true
			wsIDs = append(wsIDs, t.WorkspaceID)
		}
		if !seen["c"+t.ChannelID] {
			seen["c"+t.ChannelID] = true
			chanIDs = append(chanIDs, t.ChannelID)
		}
	}
	posts, err := s.Store.Read().PostsByIDs(ctx, postIDs)
	var pauses []model.Pause
	if err == nil {
		pauses, err = s.Store.Read().PausesIn(ctx, wsIDs)
	}
	var accounts map[string]channel.AccountRead
	if err == nil {
		accounts, err = s.Channels.Accounts(ctx, chanIDs)
	}
	if err != nil {
		s.log().Error("read claimed posts", "err", err)
		for _, t := range targets {
			d.giveBack(t)
		}
		d.done(len(targets))
		return nil
	}
	var ready []*claimed
	for _, t := range targets {
		post, ok := posts[t.PostID]
		if !ok {
			d.done(1) // deleted meanwhile: its targets went with it
			continue
		}
		checked := post
		if t.ScheduledAt.After(now) {
			// Claimed ahead: approval may still come; fire checks it at the instant.
			checked.Approval = model.ApprovalNone
		}
		if status, msg := s.halt(t, checked, wsPauses(pauses, t.WorkspaceID), now); status != "" {
			if err := s.commit(ctx, func(tx *store.Tx) error { return s.halted(ctx, tx, t, post, status, msg, now) }); err != nil {
				s.log().Error("stop claimed target", "target", t.ID, "err", err)
			}
			d.done(1)
			continue
		}
		a := accounts[t.ChannelID]
		ready = append(ready, &claimed{PublishTarget: t, post: post, loaded: true, channel: a.Channel, acct: a.Account, acctErr: a.Err})
	}
	return ready
}

func wsPauses(pauses []model.Pause, workspaceID string) []model.Pause {
	var out []model.Pause
	for _, p := range pauses {
		if p.WorkspaceID == workspaceID {
			out = append(out, p)
		}
	}
	return out
}

// fire waits for the target's instant and publishes it.
func (d *dispatcher) fire(claimCtx context.Context, c *claimed, at, claimedAt time.Time) {
	defer d.claimsWG.Done()
	defer d.done(1)
	s := d.s
	if wait := time.Until(at); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-claimCtx.Done():
			t.Stop()
			d.giveBack(c.PublishTarget)
			return
		}
	}
	ctx := d.callCtx
	if at.After(claimedAt) {
		// Claimed ahead: a pause may have started since.
		pauses, err := d.pauses.since(ctx, c.WorkspaceID, at, func(ctx context.Context) ([]model.Pause, error) {
			return s.Store.Read().Pauses(ctx, c.WorkspaceID)
		})
		if err != nil {
			s.log().Error("read pauses", "target", c.ID, "err", err)
			return // the claim's lease runs out and the target is taken over
		}
		if p, ok := pausedFor(pauses, c.ChannelID); ok {
			if err := s.commit(ctx, func(tx *store.Tx) error {
				return s.stop(ctx, tx, c.PublishTarget, model.TargetPaused, "paused", "Publishing is paused: "+p.Reason, s.now())
			}); err != nil {
				s.log().Error("stop paused target", "target", c.ID, "err", err)
			}
			return
		}
	}
	if c.post.AwaitsApproval() && !d.approvedAtInstant(ctx, c) {
		return
	}
	select {
	case d.calls <- struct{}{}:
	case <-ctx.Done():
		return // the claim's lease runs out and the target is taken over
	}
	// The slot is given back as soon as the network answered: writing the
	// outcome needs none.
	var once sync.Once
	c.callDone = func() { once.Do(func() { <-d.calls }) }
	defer c.callDone()
	// A retry is left in the target's row (scheduled, retry time); a later
	// round claims it again.
	if _, err := s.attempt(ctx, c); err != nil && !errors.Is(err, context.Canceled) {
		s.log().Error("publish", "target", c.ID, "err", err)
	}
}

// approvedAtInstant re-reads the approval of a post that had none when
// claimed ahead, and ends the claim as "approval expired" if it still has
// none. A post cannot be edited while claimed, so only its approval can
// have changed.
func (d *dispatcher) approvedAtInstant(ctx context.Context, c *claimed) bool {
	s := d.s
	posts, err := s.Store.Read().PostsByIDs(ctx, []string{c.PostID})
	if err != nil {
		s.log().Error("read post approval", "target", c.ID, "err", err)
		return false // the claim's lease runs out and the target is taken over
	}
	post, ok := posts[c.PostID]
	if ok && !post.AwaitsApproval() {
		c.post.Approval, c.post.ApprovedVersion = post.Approval, post.ApprovedVersion
		return true
	}
	if !ok {
		return false // deleted meanwhile: its targets went with it
	}
	if err := s.commit(ctx, func(tx *store.Tx) error {
		return s.halted(ctx, tx, c.PublishTarget, post, model.TargetExpired, expiredMessage(post), s.now())
	}); err != nil {
		s.log().Error("stop unapproved target", "target", c.ID, "err", err)
	}
	return false
}

// giveBack returns a claim that never reached the network.
func (d *dispatcher) giveBack(t store.PublishTarget) {
	s := d.s
	err := s.Store.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.ReleaseClaim(context.Background(), t.ID, t.Generation, s.now())
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log().Warn("give back claim", "target", t.ID, "err", err)
	}
}

// pauseReads shares reads of a workspace's pause switches among targets
// firing at the same instant: a read that started at or after a target's
// instant reflects every pause made before it.
type pauseReads struct {
	mu   sync.Mutex
	last map[string]*pauseRead
}

type pauseRead struct {
	started time.Time
	done    chan struct{}
	pauses  []model.Pause
	err     error
}

func (p *pauseReads) since(ctx context.Context, workspaceID string, at time.Time, load func(context.Context) ([]model.Pause, error)) ([]model.Pause, error) {
	p.mu.Lock()
	if p.last == nil {
		p.last = map[string]*pauseRead{}
	}
	r := p.last[workspaceID]
	if r == nil || r.started.Before(at) {
		r = &pauseRead{started: time.Now(), done: make(chan struct{})}
		p.last[workspaceID] = r
		p.mu.Unlock()
		r.pauses, r.err = load(ctx)
		close(r.done)
		return r.pauses, r.err
	}
	p.mu.Unlock()
	select {
	case <-r.done:
		return r.pauses, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
