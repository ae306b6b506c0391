package inbox

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// Live streams: for networks that push new interactions (Nostr), one
// process per channel keeps a connection open and stores what arrives
// within a second. A lease in the channel's cursor row makes sure only one
// process streams a channel; polling goes on at its slowest pace as the
// backstop for whatever arrived while no stream was open.
const (
	streamLease   = 90 * time.Second
	streamRenew   = 30 * time.Second
	streamRefresh = 10 * time.Minute // start again now and then, on a fresh connection
	streamRetry   = 30 * time.Second
)

// streams are the live streams this process runs.
type streams struct {
	owner   string
	mu      sync.Mutex
	running map[string]context.CancelFunc
	wg      sync.WaitGroup
	stop    context.CancelFunc
	done    chan struct{}
	wake    chan struct{}
}

// StartStreams starts keeping live streams for the channels whose network
// pushes interactions; StopStreams ends them.
func (s *Service) StartStreams(ctx context.Context) {
	if s.live != nil || s.Channels == nil || s.Registry == nil || len(s.streamers()) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	st := &streams{owner: ids.New(), running: map[string]context.CancelFunc{}, stop: cancel, done: make(chan struct{}),
		wake: make(chan struct{}, 1)}
	s.live = st
	go s.streamLoop(ctx, st)
}

// StopStreams ends this process's live streams and gives up their leases,
// so another process can take them over at once.
func (s *Service) StopStreams() {
	st := s.live
	if st == nil {
		return
	}
	st.stop()
	<-st.done
	st.wg.Wait()
	s.live = nil
}

// WakeStreams makes this process look for channels to stream now rather
// than at its next round (after a channel is connected, say).
func (s *Service) WakeStreams() {
	if st := s.live; st != nil {
		select {
		case st.wake <- struct{}{}:
		default:
		}
	}
}

// Streaming reports whether this process streams the channel now.
func (s *Service) Streaming(channelID string) bool {
	st := s.live
	if st == nil {
		return false
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.running[channelID] != nil
}

// streamers are the networks whose connectors stream interactions.
func (s *Service) streamers() []string {
	var out []string
	for _, p := range s.Registry.All() {
		if _, ok := p.(provider.InteractionStreamer); ok {
			out = append(out, string(p.Info().Network))
		}
	}
	return out
}

func (s *Service) streamLoop(ctx context.Context, st *streams) {
	defer close(st.done)
	tick := time.NewTicker(streamRenew)
	defer tick.Stop()
	for {
		if err := s.streamRound(ctx, st); err != nil && ctx.Err() == nil {
			s.log().Warn("inbox streams", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-st.wake:
		}
	}
}

// streamRound renews the leases of running streams, starts streams for
// channels nobody streams, and ends those of channels that are gone.
func (s *Service) streamRound(ctx context.Context, st *streams) error {
	now := s.now()
	chans, err := s.Store.Read().ActiveChannelIDs(ctx, s.streamers())
	if err != nil {
		return err
	}
	if err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		return tx.EnsureCursors(ctx, chans, now.Add(-backfill), minInterval, now)
	}); err != nil {
		return err
	}
	active := map[string]bool{}
	for _, id := range chans {
		active[id] = true
		var won bool
		if err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			var err error
			won, err = tx.ClaimStream(ctx, id, st.owner, now, now.Add(streamLease))
			return err
		}); err != nil {
			return err
		}
		st.mu.Lock()
		cancel := st.running[id]
		switch {
		case won && cancel == nil:
			sctx, c := context.WithCancel(ctx)
			st.running[id] = c
			st.wg.Add(1)
			go s.streamChannel(sctx, st, id)
		case !won && cancel != nil:
			cancel() // another process holds the lease now
			delete(st.running, id)
		}
		st.mu.Unlock()
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for id, cancel := range st.running {
		if !active[id] {
			cancel()
			delete(st.running, id)
		}
	}
	return nil
}

// streamChannel streams one channel until ctx ends, starting again after
// a break, every streamRefresh and when the channel publishes a post, and
// gives up the lease at the end.
func (s *Service) streamChannel(ctx context.Context, st *streams, channelID string) {
	defer st.wg.Done()
	defer func() {
		rctx := context.WithoutCancel(ctx)
		if err := s.Store.InTx(rctx, func(tx *store.Tx) error {
			return tx.ReleaseStream(rctx, channelID, st.owner)
		}); err != nil {
			s.log().Warn("inbox stream: release", "channel", channelID, "err", err)
		}
	}()
	failures := 0
	for ctx.Err() == nil {
		began := time.Now()
		err := s.streamOnce(ctx, channelID)
		if errors.Is(err, errNewPosts) {
			continue
		}
		if time.Since(began) > time.Minute {
			failures = 0 // it streamed a while: a fresh break, not a server that refuses
		}
		if err == nil && time.Since(began) > time.Second {
			continue // refreshed after streamRefresh
		}
		if err != nil && ctx.Err() == nil {
			s.log().Warn("inbox stream", "channel", channelID, "err", err)
		}
		// A server that refuses streams (some disable them) is asked again
		// less and less often; polling covers the channel meanwhile.
		wait := min(streamRetry<<min(failures, 5), maxInterval)
		failures++
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// streamOnce holds one stream for up to streamRefresh (or until the
// channel publishes a post), storing each batch as it arrives.
func (s *Service) streamOnce(ctx context.Context, channelID string) error {
	rc, err := s.readContext(ctx, channelID)
	if err != nil {
		return err
	}
	streamer, ok := rc.p.(provider.InteractionStreamer)
	if !ok {
		return errors.New("inbox: " + string(rc.ar.Channel.Network) + " channels do not stream")
	}
	sctx, cancel := context.WithTimeout(ctx, streamRefresh)
	own := &streamOwn{s: s, channelID: channelID, own: rc.own, notOwn: map[string]time.Time{}}
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		own.watch(sctx, rc.posts, cancel)
	}()
	defer func() { cancel(); <-watched }()
	err = streamer.StreamInteractions(sctx, rc.ar.Account, s.now().Add(-overlap), rc.posts, func(items []provider.Interaction) error {
		mine, err := own.update(ctx, items)
		if err != nil {
			return err
		}
		_, err = s.Ingest(ctx, Batch{Channel: rc.ar.Channel, Items: items, Own: mine})
		return err
	})
	if err == nil && own.newPosts.Load() && ctx.Err() == nil {
		return errNewPosts
	}
	return err
}

// errNewPosts ends a stream that starts again at once, with the posts
// published since it opened.
var errNewPosts = errors.New("inbox: stream ended to follow new posts")

// streamOwn keeps a stream's map of the channel's published posts up to
// date. A post published after the stream opened is read in as soon as
// an interaction refers to it, so the replies under it are filed as its
// comments, with the post, and not as a thread of their own.
type streamOwn struct {
	s         *Service
	channelID string
	mu        sync.Mutex
	own       map[string]OwnPost
	// notOwn holds referred-to IDs found not to be ours, and when. They
	// are looked for again after notOwnFor: a reply may come before the
	// publishing worker has stored the post's remote ID.
	notOwn   map[string]time.Time
	newPosts atomic.Bool // watch ended the stream for posts it does not name
}

const (
	notOwnFor = time.Minute
	maxNotOwn = 10_000 // past it, notOwn starts again
)

// update reads the channel's posts again when items refer to a post it
// does not know yet (and has not looked for), and returns the map to use.
func (o *streamOwn) update(ctx context.Context, items []provider.Interaction) (map[string]OwnPost, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.s.now()
	var unknown []string
	for _, it := range items {
		for _, id := range [2]string{it.ParentID, it.RootID} {
			if _, ok := o.own[id]; id != "" && !ok && now.Sub(o.notOwn[id]) >= notOwnFor {
				unknown = append(unknown, id)
			}
		}
	}
	if len(unknown) == 0 {
		return o.own, nil
	}
	own, _, err := o.s.published(ctx, o.channelID)
	if err != nil {
		return nil, err
	}
	o.own = own
	if len(o.notOwn)+len(unknown) > maxNotOwn {
		o.notOwn = map[string]time.Time{}
	}
	for _, id := range unknown {
		if _, ok := own[id]; !ok {
			o.notOwn[id] = now
		}
	}
	return o.own, nil
}

// streamPostsCheck is how often an open stream looks for posts published
// since it opened. A new one ends the stream, which starts again at once
// with the post in its subscription: a Nostr relay sends only replies to
// the posts a subscription names (and mentions of the account).
var streamPostsCheck = time.Minute

// watch ends the stream (restart) when the channel has a post that the
// stream's subscription does not name, and keeps the own-post map fresh.
func (o *streamOwn) watch(ctx context.Context, subscribed []provider.RemotePost, restart context.CancelFunc) {
	named := make(map[string]bool, len(subscribed))
	for _, p := range subscribed {
		named[p.ID] = true
	}
	tick := time.NewTicker(streamPostsCheck)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		own, posts, err := o.s.published(ctx, o.channelID)
		if err != nil {
			if ctx.Err() == nil {
				o.s.log().Warn("inbox stream: read published posts", "channel", o.channelID, "err", err)
			}
			continue
		}
		o.mu.Lock()
		o.own = own
		o.mu.Unlock()
		for _, p := range posts {
			if !named[p.ID] {
				o.newPosts.Store(true)
				restart()
				return
			}
		}
	}
}
