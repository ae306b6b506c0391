package nostr

import (
	"context"
	"strconv"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"

	"herald/internal/provider"
)

// A stream hands events over in batches: at most streamBatch at once, and
// none waits longer than streamFlush.
const (
	streamFlush = 300 * time.Millisecond
	streamBatch = 200
	// streamSeen bounds the IDs remembered to drop an event a second relay
	// sends again; ingestion de-duplicates anyway.
	streamSeen = 10000
)

// relayEvent is an event with the relay it came from, for nevent hints.
type relayEvent struct {
	ev    gonostr.Event
	relay string
}

// StreamInteractions keeps a subscription open on every relay of the
// account (NIP-01: a REQ stays open after EOSE and the relay sends new
// matching events as they arrive) and delivers the interactions the
// filters of Interactions match. A relay that drops the connection leaves
// the others streaming; when none is left it returns the last error.
func (p *Provider) StreamInteractions(ctx context.Context, acct provider.Account, since time.Time, posts []provider.RemotePost, deliver func([]provider.Interaction) error) error {
	const op = "stream interactions"
	relays, err := relaysOf(acct, op)
	if err != nil {
		return err
	}
	sk, _ := parseSecretKey(acct.Credentials[credSecretKey]) // only for NIP-42
	filters := interactionFilters(acct, since, posts)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events, errs := make(chan relayEvent, 256), make(chan error, len(relays))
	for _, relay := range relays {
		go func() { errs <- p.subscribe(ctx, relay, sk, filters, events) }()
	}
	tick := time.NewTicker(streamFlush)
	defer tick.Stop()
	var batch []provider.Interaction
	seen := map[string]bool{}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := deliver(batch)
		batch = nil
		return err
	}
	for live, last := len(relays), error(nil); ; {
		select {
		case <-ctx.Done():
			return nil
		case re := <-events:
			if re.ev.PubKey == acct.RemoteID || seen[re.ev.ID] {
				continue
			}
			if len(seen) >= streamSeen {
				clear(seen)
			}
			seen[re.ev.ID] = true
			if batch = append(batch, interaction(re.ev, []string{re.relay})); len(batch) >= streamBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		case <-tick.C:
			if err := flush(); err != nil {
				return err
			}
		case err := <-errs:
			if live--; err != nil {
				last = err
			}
			if live == 0 {
				if ferr := flush(); ferr != nil {
					return ferr
				}
				if ctx.Err() != nil {
					return nil
				}
				return last
			}
		}
	}
}

// subscribe streams one relay's matching events into out until ctx ends
// (nil) or the relay closes the subscription or the connection (an error).
func (p *Provider) subscribe(ctx context.Context, relay, sk string, filters gonostr.Filters, out chan<- relayEvent) error {
	const op = "stream interactions"
	c, r := p.dial(ctx, relay, sk)
	if !r.OK {
		return outcome(op, []result{r})
	}
	defer c.close()
	sub := "herald-live-" + strconv.FormatInt(subCounter.Add(1), 10)
	send := func() error { return c.write(ctx, &gonostr.ReqEnvelope{SubscriptionID: sub, Filters: filters}) }
	if err := send(); err != nil {
		return provider.Errorf(provider.Transient, Network, op, err, "%s: %s", relay, shortErr(err))
	}
	for {
		env, err := c.read(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return provider.Errorf(provider.Transient, Network, op, err, "%s: connection lost: %s", relay, shortErr(err))
		}
		switch e := env.(type) {
		case *gonostr.EventEnvelope:
			if e.SubscriptionID == nil || *e.SubscriptionID != sub || !valid(&e.Event) || !filters.Match(&e.Event) {
				continue
			}
			select {
			case out <- relayEvent{ev: e.Event, relay: relay}:
			case <-ctx.Done():
				return nil
			}
		case *gonostr.ClosedEnvelope:
			if e.SubscriptionID != sub {
				continue
			}
			// NIP-42: a relay may close a REQ until the client authenticates.
			if r := c.refused(e.Reason); r.Trait == provider.AuthExpired && c.challenge != "" && !c.authed {
				if ar := c.authenticate(ctx); ar.OK {
					if err := send(); err == nil {
						continue
					}
				}
			}
			return provider.Errorf(provider.Transient, Network, op, nil, "%s closed the subscription: %s", relay, e.Reason)
		}
	}
}
