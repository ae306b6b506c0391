package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/channel"
	"herald/internal/provider"
	"herald/internal/store"
)

// Channels is what polling needs of the channel service.
type Channels interface {
	Accounts(ctx context.Context, ids []string) (map[string]channel.AccountRead, error)
	Provider(network string) (provider.Provider, error)
}

// Registry lists the connectors Herald has.
type Registry interface {
	All() []provider.Provider
}

// Polling intervals: a channel with news is read again soon, a quiet one
// less often, up to the maximum; errors back off further.
const (
	minInterval  = 15 * time.Second
	maxInterval  = 10 * time.Minute
	firstBackoff = time.Minute
	maxBackoff   = time.Hour
	// overlap re-reads a little before the cursor: networks index late,
	// and de-duplication makes the second read free.
	overlap = 10 * time.Minute
	// backfill is how far back a new channel's inbox starts.
	backfill = 7 * 24 * time.Hour
	// ownWindow is how old our posts may be for replies under them to be
	// read.
	ownWindow = 30 * 24 * time.Hour
	pollLease = 5 * time.Minute
)

// PollArgs is the periodic job that polls the channels that are due.
type PollArgs struct{}

// Kind implements river.JobArgs.
func (PollArgs) Kind() string { return "inbox.poll" }

// InsertOpts keeps one poll round at a time.
func (PollArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 10 * time.Second}}
}

// PollWorker runs PollArgs jobs.
type PollWorker struct {
	river.WorkerDefaults[PollArgs]
	Service *Service
}

// Work polls every due channel.
func (w *PollWorker) Work(ctx context.Context, _ *river.Job[PollArgs]) error {
	_, err := w.Service.PollDue(ctx)
	return err
}

// Timeout bounds a round.
func (w *PollWorker) Timeout(*river.Job[PollArgs]) time.Duration { return 4 * time.Minute }

// PollPeriodic starts a round every interval.
func PollPeriodic(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return PollArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
}

// readers are the networks whose connectors read interactions.
func (s *Service) readers() []string {
	var out []string
	for _, p := range s.Registry.All() {
		if _, ok := p.(provider.InteractionReader); ok {
			out = append(out, string(p.Info().Network))
		}
	}
	return out
}

// PollDue reads every channel whose poll is due and reports how many
// messages were new. A cursor moves only after its batch is stored, so a
// crash re-reads rather than loses.
func (s *Service) PollDue(ctx context.Context) (int, error) {
	if s.Channels == nil || s.Registry == nil {
		return 0, errors.New("inbox: polling needs the channel service")
	}
	now := s.now()
	ids, err := s.Store.Read().ActiveChannelIDs(ctx, s.readers())
	if err != nil {
		return 0, err
	}
	if err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		return tx.EnsureCursors(ctx, ids, now.Add(-backfill), minInterval, now)
	}); err != nil {
		return 0, err
	}
	due, err := s.Store.Read().DueCursors(ctx, now, 50)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, c := range due {
		if ctx.Err() != nil {
			break
		}
		n, err := s.PollChannel(ctx, c)
		if err != nil {
			s.log().Warn("inbox poll", "channel", c.ChannelID, "err", err)
		}
		total += n
	}
	return total, nil
}

// PollChannel reads one channel once (if it can claim its cursor) and
// moves its cursor on: sooner after news, later when quiet, after the
// network's Retry-After when rate limited, backing off on errors.
func (s *Service) PollChannel(ctx context.Context, c store.PollCursor) (int, error) {
	now := s.now()
	var won bool
	if err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		won, err = tx.ClaimCursor(ctx, c, now.Add(pollLease))
		return err
	}); err != nil || !won {
		return 0, err
	}
	n, newest, err := s.pollOnce(ctx, c)
	next := c
	next.NextAt = s.now()
	switch {
	case err == nil:
		next.Failures, next.LastError, next.LastOKAt = 0, "", s.now()
		if newest.After(next.Since) {
			next.Since = newest
		}
		switch {
		case c.StreamUntil.After(s.now()):
			// A live stream delivers as things happen; the poll is the
			// backstop for what arrived while it was down.
			next.Interval = maxInterval
		case n > 0:
			next.Interval = max(minInterval, c.Interval/2)
		default:
			next.Interval = min(maxInterval, max(minInterval, c.Interval*3/2))
		}
		next.NextAt = next.NextAt.Add(next.Interval)
	default:
		next.Failures++
		next.LastError = pollError(err)
		wait := min(maxBackoff, firstBackoff<<min(next.Failures-1, 6))
		if pe := provider.AsError(err); pe != nil && pe.Trait == provider.RateLimited && pe.RetryAfter > 0 {
			wait = pe.RetryAfter
		}
		next.NextAt = next.NextAt.Add(wait)
	}
	if serr := s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.SaveCursor(ctx, next) }); serr != nil {
		return n, serr
	}
	return n, err
}

// pollOnce reads and ingests, returning the new messages and the newest
// time seen.
func (s *Service) pollOnce(ctx context.Context, c store.PollCursor) (int, time.Time, error) {
	rc, err := s.readContext(ctx, c.ChannelID)
	if err != nil {
		return 0, time.Time{}, err
	}
	ar, p, own, posts := rc.ar, rc.p, rc.own, rc.posts
	reader, ok := p.(provider.InteractionReader)
	if !ok {
		return 0, time.Time{}, fmt.Errorf("%s channels cannot be read", ar.Channel.Network)
	}
	items, err := reader.Interactions(ctx, ar.Account, c.Since.Add(-overlap), posts)
	if err != nil {
		return 0, time.Time{}, err
	}
	gone := s.deletions(ctx, c, p, ar.Account)
	var newest time.Time
	for _, it := range items {
		if it.CreatedAt.After(newest) && !it.CreatedAt.After(s.now()) {
			newest = it.CreatedAt
		}
	}
	res, err := s.Ingest(ctx, Batch{Channel: ar.Channel, Items: append(items, gone...), Own: own})
	return res.New, newest, err
}

// readContext is what reading a channel needs: its account, connector,
// and the recent posts whose replies count as comments.
type readContext struct {
	ar    channel.AccountRead
	p     provider.Provider
	own   map[string]OwnPost
	posts []provider.RemotePost
}

func (s *Service) readContext(ctx context.Context, channelID string) (readContext, error) {
	accts, err := s.Channels.Accounts(ctx, []string{channelID})
	if err != nil {
		return readContext{}, err
	}
	rc := readContext{ar: accts[channelID]}
	if rc.ar.Err != nil {
		return rc, rc.ar.Err
	}
	if rc.p, err = s.Channels.Provider(rc.ar.Channel.Network); err != nil {
		return rc, err
	}
	rc.own, rc.posts, err = s.published(ctx, channelID)
	return rc, err
}

// published reads the channel's recent published posts: every segment's
// remote ID mapped to its Herald post, and the segments as the network
// knows them.
func (s *Service) published(ctx context.Context, channelID string) (map[string]OwnPost, []provider.RemotePost, error) {
	refs, err := s.Store.Read().ChannelPublished(ctx, channelID, s.now().Add(-ownWindow))
	if err != nil {
		return nil, nil, err
	}
	own := map[string]OwnPost{}
	var posts []provider.RemotePost
	for _, r := range refs {
		for _, seg := range r.Segments {
			own[seg.ID] = OwnPost{PostID: r.PostID, Text: r.Text, URL: seg.URL}
			posts = append(posts, provider.RemotePost{ID: seg.ID, URL: seg.URL, Extra: seg.Extra, PublishedAt: seg.PublishedAt})
		}
	}
	return own, posts, nil
}

// pollError is what the channel's inbox status shows about a failed poll.
func pollError(err error) string {
	if pe := provider.AsError(err); pe != nil {
		if pe.Message != "" {
			return pe.Trait.String() + ": " + pe.Message
		}
		return pe.Trait.String()
	}
	return "Herald could not read this channel; the error was logged"
}
