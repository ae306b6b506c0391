package nostr

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"
	gonostr "github.com/nbd-wtf/go-nostr"
)

// fakeRelay is a faithful fake of a relay as the NIPs document it:
//   - NIP-01 (https://github.com/nostr-protocol/nips/blob/master/01.md):
//     ["EVENT", ev] answered by ["OK", id, bool, "prefix: message"] with the
//     standard prefixes (duplicate, invalid, blocked, rate-limited, error,
//     auth-required, restricted); ["REQ", sub, filters...] answered by stored
//     matching events then ["EOSE", sub]; ["CLOSE", sub].
//   - NIP-09 deletion requests: a kind-5 event hides the author's own events
//     it names, and is itself stored.
//   - NIP-11 information document on GET with Accept: application/nostr+json.
//   - NIP-42: with auth set, the relay sends ["AUTH", challenge] on connect
//     and answers writes from unauthenticated clients with "auth-required:".
//
// Scripted faults model what real relays do: a 429 with Retry-After at the
// websocket upgrade (relays behind proxies), a refusal message per event,
// and a connection dropped after the event was stored (the unknown outcome).
type fakeRelay struct {
	t   *testing.T
	srv *httptest.Server
	URL string

	mu        sync.Mutex
	events    []gonostr.Event
	deleted   map[string]bool
	received  int // EVENT messages received
	refuse    func(ev gonostr.Event) string
	dropAfter int  // drop the connection after storing this many more events
	silent    bool // store events but never answer OK (a relay that hangs)
	status429 string
	auth      bool
	allowed   map[string]bool // pubkeys allowed to authenticate
	maxLength int             // NIP-11 limitation.max_content_length
	live      []*liveSub      // open subscriptions, sent new matching events (NIP-01)
}

// liveSub is a REQ left open after EOSE.
type liveSub struct {
	ctx     context.Context
	c       *websocket.Conn
	id      string
	filters gonostr.Filters
}

func newFakeRelay(t *testing.T) *fakeRelay {
	t.Helper()
	r := &fakeRelay{t: t, deleted: map[string]bool{}, allowed: map[string]bool{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	r.URL = "ws" + strings.TrimPrefix(r.srv.URL, "http")
	return r
}

func (r *fakeRelay) serve(w http.ResponseWriter, req *http.Request) {
	if req.Header.Get("Upgrade") == "" && req.Header.Get("Accept") == "application/nostr+json" {
		w.Header().Set("Content-Type", "application/nostr+json")
		r.mu.Lock()
		n := r.maxLength
		r.mu.Unlock()
		// NIP-11 document shape.
		w.Write([]byte(`{"name":"fake","supported_nips":[1,9,11,42],"software":"herald-fake","limitation":{"max_content_length":` +
			strconv.Itoa(n) + `,"auth_required":` + map[bool]string{true: "true", false: "false"}[r.auth] + `}}`))
		return
	}
	r.mu.Lock()
	limited := r.status429
	r.mu.Unlock()
	if limited != "" {
		w.Header().Set("Retry-After", limited)
		http.Error(w, "too many connections", http.StatusTooManyRequests)
		return
	}
	c, err := websocket.Accept(w, req, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	ctx := req.Context()
	authed := ""
	challenge := "challenge-" + strconv.Itoa(len(r.events))
	if r.auth {
		r.send(ctx, c, &gonostr.AuthEnvelope{Challenge: &challenge})
	}
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		switch env := gonostr.ParseMessage(data).(type) {
		case *gonostr.EventEnvelope:
			ok, reason, drop := r.event(env.Event, authed)
			if drop {
				return // stored, but the answer never leaves: the client cannot know
			}
			r.mu.Lock()
			silent := r.silent
			r.mu.Unlock()
			if silent {
				continue
			}
			r.send(ctx, c, &gonostr.OKEnvelope{EventID: env.ID, OK: ok, Reason: reason})
		case *gonostr.ReqEnvelope:
			if r.auth && authed == "" {
				r.send(ctx, c, &gonostr.ClosedEnvelope{SubscriptionID: env.SubscriptionID, Reason: "auth-required: this relay serves members only"})
				continue
			}
			for _, ev := range r.match(env.Filters) {
				sub := env.SubscriptionID
				r.send(ctx, c, &gonostr.EventEnvelope{SubscriptionID: &sub, Event: ev})
			}
			r.send(ctx, c, ptr(gonostr.EOSEEnvelope(env.SubscriptionID)))
			r.mu.Lock()
			r.live = append(r.live, &liveSub{ctx: ctx, c: c, id: env.SubscriptionID, filters: env.Filters})
			r.mu.Unlock()
		case *gonostr.AuthEnvelope:
			ev := env.Event
			ok, _ := ev.CheckSignature()
			switch {
			case !ok || ev.Kind != 22242 || ev.Tags.GetFirst([]string{"challenge", challenge}) == nil:
				r.send(ctx, c, &gonostr.OKEnvelope{EventID: ev.ID, Reason: "invalid: bad authentication event"})
			case !r.allowed[ev.PubKey]:
				r.send(ctx, c, &gonostr.OKEnvelope{EventID: ev.ID, Reason: "restricted: this pubkey's membership has expired"})
			default:
				authed = ev.PubKey
				r.send(ctx, c, &gonostr.OKEnvelope{EventID: ev.ID, OK: true})
			}
		case *gonostr.CloseEnvelope:
			r.mu.Lock()
			r.live = slices.DeleteFunc(r.live, func(l *liveSub) bool { return l.c == c && l.id == string(*env) })
			r.mu.Unlock()
		}
	}
}

func (r *fakeRelay) send(ctx context.Context, c *websocket.Conn, env gonostr.Envelope) {
	b, err := env.MarshalJSON()
	if err != nil {
		r.t.Errorf("fake relay: marshal: %v", err)
		return
	}
	c.Write(ctx, websocket.MessageText, b)
}

// event applies NIP-01 acceptance rules and the scripted faults.
func (r *fakeRelay) event(ev gonostr.Event, authed string) (ok bool, reason string, drop bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.received++
	if !ev.CheckID() {
		return false, "invalid: event id does not match", false
	}
	if good, _ := ev.CheckSignature(); !good {
		return false, "invalid: signature is invalid", false
	}
	if r.auth && authed == "" {
		return false, "auth-required: we only accept events from registered users", false
	}
	if r.refuse != nil {
		if msg := r.refuse(ev); msg != "" {
			return false, msg, false
		}
	}
	for _, have := range r.events {
		if have.ID == ev.ID {
			return true, "duplicate: already have this event", false
		}
	}
	r.events = append(r.events, ev)
	r.broadcast(ev)
	if ev.Kind == gonostr.KindDeletion {
		for _, t := range ev.Tags.GetAll([]string{"e", ""}) {
			for _, have := range r.events {
				if have.ID == t[1] && have.PubKey == ev.PubKey {
					r.deleted[t[1]] = true
				}
			}
		}
	}
	if r.dropAfter > 0 {
		r.dropAfter--
		if r.dropAfter == 0 {
			return true, "", true
		}
	}
	return true, "", false
}

// match returns stored, undeleted events matching any filter, newest first,
// honouring each filter's limit (NIP-01).
func (r *fakeRelay) match(filters gonostr.Filters) []gonostr.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []gonostr.Event
	seen := map[string]bool{}
	for _, f := range filters {
		n := 0
		for i := len(r.events) - 1; i >= 0; i-- {
			ev := r.events[i]
			if r.deleted[ev.ID] || !f.Matches(&ev) || (f.Limit > 0 && n >= f.Limit) {
				continue
			}
			n++
			if !seen[ev.ID] {
				seen[ev.ID] = true
				out = append(out, ev)
			}
		}
	}
	return out
}

// stored returns the stored events of a kind (deleted ones too).
func (r *fakeRelay) stored(kind int) []gonostr.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []gonostr.Event
	for _, ev := range r.events {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

// put stores an event directly, as if another client had published it.
func (r *fakeRelay) put(ev gonostr.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	r.broadcast(ev)
}

// broadcast sends a new event to the open subscriptions it matches; the
// caller holds r.mu. Connections that ended are forgotten.
func (r *fakeRelay) broadcast(ev gonostr.Event) {
	r.live = slices.DeleteFunc(r.live, func(l *liveSub) bool { return l.ctx.Err() != nil })
	for _, l := range r.live {
		if l.filters.Match(&ev) {
			id := l.id
			b, _ := (&gonostr.EventEnvelope{SubscriptionID: &id, Event: ev}).MarshalJSON()
			l.c.Write(l.ctx, websocket.MessageText, b)
		}
	}
}
