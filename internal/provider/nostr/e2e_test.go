package nostr

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	gonostr "github.com/nbd-wtf/go-nostr"

	"herald/internal/platform/httpclient"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/testenv"
)

// TestE2ENostrRelay runs the connector against the local khatru relay.
func TestE2ENostrRelay(t *testing.T) {
	env := testenv.Peer(t, "nostr", "NOSTR_RELAY_URL", "NOSTR_ALICE_SK", "NOSTR_BOB_SK")
	relayURL := env["NOSTR_RELAY_URL"]
	if !strings.HasPrefix(relayURL, "ws://127.0.0.1:") {
		t.Fatalf("refusing non-loopback relay %q", relayURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// The probe is Bob's client: go-nostr events over a plain websocket, kept
	// apart from the connector's own relay code. (go-nostr's Relay type is
	// not used: its shutdown races with its reader goroutine in v0.46.0.)
	probe, err := dialProbe(ctx, relayURL)
	if err != nil {
		if os.Getenv("HERALD_E2E") == "1" {
			t.Fatalf("relay %s: %v", relayURL, err)
		}
		t.Skipf("relay %s is not answering: %v", relayURL, err)
	}
	defer probe.CloseNow()

	p := New(Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true}), AllowPrivate: true})
	acct := connect(t, p, env["NOSTR_ALICE_SK"], relayURL)
	if acct.RemoteID != env["NOSTR_ALICE_PK"] {
		t.Fatalf("account %s, want alice %s", acct.RemoteID, env["NOSTR_ALICE_PK"])
	}
	if st, err := p.Check(ctx, acct); err != nil || !st.OK {
		t.Fatalf("check: %+v %v", st, err)
	}

	key := ids.New()
	out, err := p.Publish(ctx, acct, threadPost(key))
	if err != nil || len(out) != 3 {
		t.Fatalf("publish: %v %v", out, err)
	}
	byID := func(id string) []gonostr.Event {
		return probeQuery(t, ctx, probe, gonostr.Filter{IDs: []string{id}})
	}
	for i, rp := range out {
		evs := byID(rp.ID)
		if len(evs) != 1 {
			t.Fatalf("segment %d: relay has %d copies of %s", i, len(evs), rp.ID)
		}
		ev := evs[0]
		if !strings.HasPrefix(ev.Content, threadPost(key).Segments[i].Text) || ev.PubKey != acct.RemoteID {
			t.Errorf("segment %d content %q by %s", i, ev.Content, ev.PubKey)
		}
		if i == 0 {
			if im := tagValues(ev, "imeta"); len(im) != 1 || !contains(im[0], "alt A rocket on the pad") ||
				!strings.Contains(ev.Content, "https://media.example.org/rocket.png") {
				t.Errorf("first note lacks the image: %v", ev)
			}
		} else if root := rootOf(ev.Tags); root != out[0].ID {
			t.Errorf("segment %d root %q", i, root)
		}
	}

	// The same Key again: identical events, nothing new on the relay.
	base, _ := keyTime(key)
	since, until := gonostr.Timestamp(base), gonostr.Timestamp(base+2)
	window := gonostr.Filter{Authors: []string{acct.RemoteID}, Kinds: []int{1}, Since: &since, Until: &until}
	before := probeQuery(t, ctx, probe, window)
	again, err := p.Publish(ctx, acct, threadPost(key))
	if err != nil || again[0].ID != out[0].ID {
		t.Fatalf("republish: %v %v", again, err)
	}
	after := probeQuery(t, ctx, probe, window)
	if len(before) < 3 || len(after) != len(before) {
		t.Errorf("alice's notes in the key's seconds: %d before, %d after republishing; want no new one", len(before), len(after))
	}

	// Bob answers and reacts with go-nostr directly.
	reply := gonostr.Event{Kind: 1, Content: "e2e reply from bob", CreatedAt: gonostr.Now(),
		Tags: gonostr.Tags{{"e", out[0].ID, relayURL, "root"}, {"p", acct.RemoteID}}}
	like := gonostr.Event{Kind: 7, Content: "🚀", CreatedAt: gonostr.Now(),
		Tags: gonostr.Tags{{"e", out[0].ID}, {"p", acct.RemoteID}, {"k", "1"}}}
	for _, ev := range []*gonostr.Event{&reply, &like} {
		if err := ev.Sign(env["NOSTR_BOB_SK"]); err != nil {
			t.Fatal(err)
		}
		probePublish(t, ctx, probe, *ev)
	}
	got, err := p.Interactions(ctx, acct, time.Now().Add(-time.Minute), out)
	if err != nil {
		t.Fatal(err)
	}
	var sawReply, sawLike bool
	for _, in := range got {
		sawReply = sawReply || (in.ID == reply.ID && in.Kind == "reply" && in.ParentID == out[0].ID && in.Text == reply.Content)
		sawLike = sawLike || (in.ID == like.ID && in.Kind == "reaction" && in.Reaction == "🚀" && in.ParentID == out[0].ID)
	}
	if !sawReply || !sawLike {
		t.Errorf("interactions %+v: reply %v, reaction %v", got, sawReply, sawLike)
	}
	if m, err := p.PostMetrics(ctx, acct, out[:1]); err != nil || m[out[0].ID].Likes != 1 || m[out[0].ID].Replies != 1 {
		t.Errorf("metrics %+v %v", m, err)
	}
	if _, err := p.Reply(ctx, acct, provider.Interaction{ID: reply.ID, RootID: out[0].ID, AuthorID: reply.PubKey}, "thanks bob"); err != nil {
		t.Errorf("reply: %v", err)
	}

	// Deletion (NIP-09): the relay accepted the request (Delete returned no
	// error). NIP-09 asks relays to keep serving deletion requests and lets
	// them hide the target; khatru v0.15.0 applies the deletion and does not
	// store the request itself, so either outcome must be visible here.
	if err := p.Delete(ctx, acct, out[2]); err != nil {
		t.Fatal(err)
	}
	dels := probeQuery(t, ctx, probe, gonostr.Filter{Authors: []string{acct.RemoteID}, Kinds: []int{5}, Tags: gonostr.TagMap{"e": {out[2].ID}}})
	left := byID(out[2].ID)
	switch {
	case len(dels) == 1 && len(left) == 0:
		t.Log("the relay stores the deletion request and hides the note")
	case len(dels) == 1:
		t.Log("the relay stores the deletion request and keeps serving the note")
	case len(left) == 0:
		t.Log("the relay applied the deletion without storing the request")
	default:
		t.Fatalf("the relay neither stored the deletion request nor hid the note")
	}
}

func dialProbe(ctx context.Context, url string) (*websocket.Conn, error) {
	c, _, err := websocket.Dial(ctx, url, nil)
	if err == nil {
		c.SetReadLimit(1 << 20)
	}
	return c, err
}

// probePublish sends ["EVENT", ev] and wants ["OK", id, true, ...] (NIP-01).
func probePublish(t *testing.T, ctx context.Context, c *websocket.Conn, ev gonostr.Event) {
	t.Helper()
	probeSend(t, ctx, c, &gonostr.EventEnvelope{Event: ev})
	for {
		if ok, is := probeRead(t, ctx, c).(*gonostr.OKEnvelope); is && ok.EventID == ev.ID {
			if !ok.OK {
				t.Fatalf("relay refused bob's event: %s", ok.Reason)
			}
			return
		}
	}
}

var probeSubs int

// probeQuery sends a REQ and collects events until EOSE (NIP-01). Each
// query has its own subscription id: a relay may handle the previous CLOSE
// after a new REQ of the same id.
func probeQuery(t *testing.T, ctx context.Context, c *websocket.Conn, f gonostr.Filter) []gonostr.Event {
	t.Helper()
	probeSubs++
	sub := "probe-" + strconv.Itoa(probeSubs)
	probeSend(t, ctx, c, &gonostr.ReqEnvelope{SubscriptionID: sub, Filters: gonostr.Filters{f}})
	var out []gonostr.Event
	for {
		switch env := probeRead(t, ctx, c).(type) {
		case *gonostr.EventEnvelope:
			if env.SubscriptionID != nil && *env.SubscriptionID == sub {
				out = append(out, env.Event)
			}
		case *gonostr.EOSEEnvelope:
			if string(*env) != sub {
				continue
			}
			probeSend(t, ctx, c, ptr(gonostr.CloseEnvelope(sub)))
			return out
		case *gonostr.ClosedEnvelope:
			t.Fatalf("relay closed the query: %s", env.Reason)
		}
	}
}

func probeSend(t *testing.T, ctx context.Context, c *websocket.Conn, env gonostr.Envelope) {
	t.Helper()
	b, _ := env.MarshalJSON()
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("probe write: %v", err)
	}
}

func probeRead(t *testing.T, ctx context.Context, c *websocket.Conn) gonostr.Envelope {
	t.Helper()
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("probe read: %v", err)
	}
	return gonostr.ParseMessage(b)
}
