package publish

import (
	"sync"
	"time"
)

// gates keeps per-account limits inside one process: at most perAccount
// calls to a channel at once, and none while the network's rate limit for
// it is in force (after a 429, until its Retry-After). Across processes the
// rate limit is honoured too, because each target that hits it waits its
// own Retry-After; the gate only spares the network the calls it would
// refuse anyway.
type gates struct {
	mu        sync.Mutex
	byChannel map[string]*gate
}

// perAccount is how many calls to one channel may run at once.
const perAccount = 4

type gate struct {
	slots chan struct{}
	until time.Time // rate limited until then
}

func (g *gates) get(channelID string) *gate {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.byChannel == nil {
		g.byChannel = map[string]*gate{}
	}
	gt, ok := g.byChannel[channelID]
	if !ok {
		gt = &gate{slots: make(chan struct{}, perAccount)}
		g.byChannel[channelID] = gt
	}
	return gt
}

// blockedUntil is when the channel's rate limit ends, zero when it is not
// limited.
func (g *gates) blockedUntil(channelID string, now time.Time) time.Time {
	gt := g.get(channelID)
	g.mu.Lock()
	defer g.mu.Unlock()
	if gt.until.After(now) {
		return gt.until
	}
	return time.Time{}
}

// limit records that the network rate-limited the channel until until.
func (g *gates) limit(channelID string, until time.Time) {
	gt := g.get(channelID)
	g.mu.Lock()
	defer g.mu.Unlock()
	if until.After(gt.until) {
		gt.until = until
	}
}

// acquire takes one of the channel's call slots; release gives it back.
func (g *gates) acquire(channelID string, done <-chan struct{}) bool {
	select {
	case g.get(channelID).slots <- struct{}{}:
		return true
	case <-done:
		return false
	}
}

func (g *gates) release(channelID string) { <-g.get(channelID).slots }
