package nostr

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

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
	// The probe is Bob's client (testenv.NostrProbe).
	probe, err := testenv.DialNostr(ctx, relayURL)
	if err != nil {
		if os.Getenv("HERALD_E2E") == "1" {
			t.Fatalf("relay %s: %v", relayURL, err)
		}
		t.Skipf("relay %s is not answering: %v", relayURL, err)
	}
	defer probe.Close()

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
		return probe.Query(t, ctx, gonostr.Filter{IDs: []string{id}})
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
	before := probe.Query(t, ctx, window)
	again, err := p.Publish(ctx, acct, threadPost(key))
	if err != nil || again[0].ID != out[0].ID {
		t.Fatalf("republish: %v %v", again, err)
	}
	after := probe.Query(t, ctx, window)
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
		probe.Publish(t, ctx, *ev)
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
	dels := probe.Query(t, ctx, gonostr.Filter{Authors: []string{acct.RemoteID}, Kinds: []int{5}, Tags: gonostr.TagMap{"e": {out[2].ID}}})
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
