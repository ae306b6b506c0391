package testenv

import (
	"context"
	"strconv"
	"testing"

	"github.com/coder/websocket"
	gonostr "github.com/nbd-wtf/go-nostr"
)

// NostrProbe is a second person's Nostr client for end-to-end tests:
// go-nostr events over a plain websocket, kept apart from the connector's
// own relay code. (go-nostr's Relay type is not used: its shutdown races
// with its reader goroutine in v0.46.0.)
type NostrProbe struct {
	c    *websocket.Conn
	subs int
}

// DialNostr connects a probe to a relay.
func DialNostr(ctx context.Context, url string) (*NostrProbe, error) {
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(1 << 20)
	return &NostrProbe{c: c}, nil
}

// Close drops the connection.
func (p *NostrProbe) Close() { _ = p.c.CloseNow() }

// Publish sends ["EVENT", ev] and wants ["OK", id, true, ...] (NIP-01).
func (p *NostrProbe) Publish(t testing.TB, ctx context.Context, ev gonostr.Event) {
	t.Helper()
	p.send(t, ctx, &gonostr.EventEnvelope{Event: ev})
	for {
		if ok, is := p.read(t, ctx).(*gonostr.OKEnvelope); is && ok.EventID == ev.ID {
			if !ok.OK {
				t.Fatalf("relay refused the probe's event: %s", ok.Reason)
			}
			return
		}
	}
}

// Query sends a REQ and collects events until EOSE (NIP-01). Each query
// has its own subscription id: a relay may handle the previous CLOSE
// after a new REQ of the same id.
func (p *NostrProbe) Query(t testing.TB, ctx context.Context, f gonostr.Filter) []gonostr.Event {
	t.Helper()
	p.subs++
	sub := "probe-" + strconv.Itoa(p.subs)
	p.send(t, ctx, &gonostr.ReqEnvelope{SubscriptionID: sub, Filters: gonostr.Filters{f}})
	var out []gonostr.Event
	for {
		switch env := p.read(t, ctx).(type) {
		case *gonostr.EventEnvelope:
			if env.SubscriptionID != nil && *env.SubscriptionID == sub {
				out = append(out, env.Event)
			}
		case *gonostr.EOSEEnvelope:
			if string(*env) != sub {
				continue
			}
			closing := gonostr.CloseEnvelope(sub)
			p.send(t, ctx, &closing)
			return out
		case *gonostr.ClosedEnvelope:
			t.Fatalf("relay closed the query: %s", env.Reason)
		}
	}
}

func (p *NostrProbe) send(t testing.TB, ctx context.Context, env gonostr.Envelope) {
	t.Helper()
	b, _ := env.MarshalJSON()
	if err := p.c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("probe write: %v", err)
	}
}

func (p *NostrProbe) read(t testing.TB, ctx context.Context) gonostr.Envelope {
	t.Helper()
	_, b, err := p.c.Read(ctx)
	if err != nil {
		t.Fatalf("probe read: %v", err)
	}
	return gonostr.ParseMessage(b)
}
