package nostr

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"

	"herald/internal/provider"
)

// session holds one call's connections to an account's relays. Relays are
// independent servers, so every exchange goes to all of them in parallel and
// each answers for itself.
type session struct {
	p      *Provider
	sk     string
	relays []string
	mu     sync.Mutex
	conns  map[string]*relayConn
}

func (p *Provider) session(relays []string, sk string) *session {
	return &session{p: p, sk: sk, relays: relays, conns: map[string]*relayConn{}}
}

// conn returns an open connection to relay, dialling (again) when there is
// none or the last one broke.
func (s *session) conn(ctx context.Context, relay string) (*relayConn, result) {
	s.mu.Lock()
	c := s.conns[relay]
	s.mu.Unlock()
	if c != nil && !c.broken {
		return c, result{Relay: relay, OK: true}
	}
	c.close()
	c, r := s.p.dial(ctx, relay, s.sk)
	s.mu.Lock()
	s.conns[relay] = c
	s.mu.Unlock()
	return c, r
}

func (s *session) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.close()
	}
}

// each runs fn against every relay in parallel and returns the results in
// relay order.
func (s *session) each(ctx context.Context, fn func(ctx context.Context, c *relayConn) result) []result {
	out := make([]result, len(s.relays))
	var wg sync.WaitGroup
	for i, relay := range s.relays {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, r := s.conn(ctx, relay)
			if r.OK {
				r = fn(ctx, c)
			}
			out[i] = r
		}()
	}
	wg.Wait()
	return out
}

// publish sends ev to every relay.
func (s *session) publish(ctx context.Context, ev gonostr.Event) []result {
	return s.each(ctx, func(ctx context.Context, c *relayConn) result { return c.publish(ctx, ev) })
}

// query asks every relay and merges their events, each once, newest first.
func (s *session) query(ctx context.Context, filters gonostr.Filters) ([]gonostr.Event, []result) {
	var mu sync.Mutex
	byID := map[string]gonostr.Event{}
	rs := s.each(ctx, func(ctx context.Context, c *relayConn) result {
		evs, r := c.query(ctx, filters)
		mu.Lock()
		for _, ev := range evs {
			byID[ev.ID] = ev
		}
		mu.Unlock()
		return r
	})
	out := make([]gonostr.Event, 0, len(byID))
	for _, ev := range byID {
		out = append(out, ev)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CreatedAt != out[j].CreatedAt {
			return out[i].CreatedAt > out[j].CreatedAt
		}
		return out[i].ID < out[j].ID
	})
	return out, rs
}

// outcome folds the relays' answers to one write into one error, nil when at
// least one relay accepted. Without an acceptance, a relay that may have
// stored the event makes the outcome Unknown (a retry is still safe: the
// same event has the same id); then what a retry could fix (rate limits,
// unreachable relays) wins over what it cannot (refusals).
func outcome(op string, rs []result) error {
	var (
		trait provider.Trait = provider.Permanent
		retry time.Duration
		msgs  []string
	)
	rank := map[provider.Trait]int{provider.Unknown: 5, provider.RateLimited: 4, provider.Transient: 3, provider.AuthExpired: 2, provider.Permanent: 1}
	for _, r := range rs {
		if r.OK {
			return nil
		}
		msgs = append(msgs, relayError(r.Relay, r.Message))
		if rank[r.Trait] > rank[trait] {
			trait = r.Trait
		}
		if r.RetryAfter > retry {
			retry = r.RetryAfter
		}
	}
	e := &provider.Error{Trait: trait, Network: Network, Op: op, Message: summary(trait, msgs)}
	if trait == provider.RateLimited {
		e.RetryAfter = retry
	}
	for _, r := range rs {
		if r.Err != nil && r.Trait == trait {
			e.Err = r.Err
			break
		}
	}
	return e
}

func summary(t provider.Trait, msgs []string) string {
	lead := map[provider.Trait]string{
		provider.Unknown:     "no relay confirmed; the note may already be stored",
		provider.RateLimited: "relays are rate limiting",
		provider.Transient:   "no relay could be reached",
		provider.AuthExpired: "the relays do not accept this key",
		provider.Permanent:   "every relay refused",
	}[t]
	return lead + " (" + strings.Join(msgs, "; ") + ")"
}

// readOutcome reports a read as failed only when no relay answered.
func readOutcome(op string, rs []result) error {
	for _, r := range rs {
		if r.OK {
			return nil
		}
	}
	return outcome(op, rs)
}

// extra records per relay what happened to a published event.
func extra(rs []result) map[string]string {
	var accepted, refused, failed []string
	for _, r := range rs {
		switch {
		case r.OK:
			accepted = append(accepted, r.Relay)
		case r.Trait == provider.Permanent || r.Trait == provider.AuthExpired || r.Trait == provider.RateLimited:
			refused = append(refused, relayError(r.Relay, r.Message))
		default:
			failed = append(failed, relayError(r.Relay, r.Message))
		}
	}
	m := map[string]string{"relays_accepted": strings.Join(accepted, "\n")}
	if len(refused) > 0 {
		m["relays_refused"] = strings.Join(refused, "\n")
	}
	if len(failed) > 0 {
		m["relays_failed"] = strings.Join(failed, "\n")
	}
	return m
}

// reachable dials every relay and reports, per relay, whether it answered.
func (p *Provider) reachable(ctx context.Context, relays []string, op string) ([]result, error) {
	s := p.session(relays, "")
	defer s.close()
	rs := s.each(ctx, func(context.Context, *relayConn) result { return result{OK: true} })
	for i := range rs {
		rs[i].Relay = relays[i]
	}
	return rs, readOutcome(op, rs)
}
