package inbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"

	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/store"
	"herald/internal/testenv"
)

// With a live stream on the local Nostr relay, Bob's reply is in the inbox
// within seconds with no poll at all (the cursor's next poll is pushed far
// away), and the poll, when it runs, slows to its longest interval.
func TestE2ENostrStream(t *testing.T) {
	e, peer, relay := nostrStream(t)
	ctx := context.Background()
	// The post goes out while the stream is open: the reply under it is
	// still filed as its comment.
	root := e.publishNow("Stream e2e " + time.Now().Format(time.RFC3339Nano))
	bobAnswersLive(t, e, peer, relay, "Bob, live: does it ship to Norway?", gonostr.Tags{{"e", root, relay, "root"}, {"p", e.ch.RemoteID}})
	c, err := e.a.Store.Read().Cursor(ctx, e.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !c.StreamUntil.After(time.Now()) {
		t.Fatalf("the cursor shows no stream lease: %+v", c)
	}
	// The next poll, whenever it runs, waits the longest interval. (The
	// periodic job may claim the cursor first; then try again.)
	for try := 0; ; try++ {
		c.NextAt = time.Now().Add(-time.Second)
		e.sql(`UPDATE inbox_cursors SET next_at = $1 WHERE channel_id = $2`, c.NextAt.UTC().Format(store.TimeLayout), e.ch.ID)
		if _, err := e.a.Inbox.PollChannel(ctx, c); err != nil {
			t.Fatal(err)
		}
		if c, _ = e.a.Store.Read().Cursor(ctx, e.ch.ID); c.Interval == 10*time.Minute {
			break
		}
		if try == 5 {
			t.Fatalf("poll interval while streaming: %s, want 10m", c.Interval)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// With a live /sync stream on the local Matrix homeserver, Bob's reply is
// in the inbox within seconds with no poll at all.
func TestE2EMatrixStream(t *testing.T) {
	e, bob, room := matrixRoom(t, "Herald stream e2e")
	root := e.publishNow("Matrix stream e2e " + time.Now().Format(time.RFC3339Nano))
	e.a.Inbox.WakeStreams()
	for deadline := time.Now().Add(20 * time.Second); !e.a.Inbox.Streaming(e.ch.ID); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no stream for the Matrix channel after 20s")
		}
	}
	e.sql(`UPDATE inbox_cursors SET next_at = $1 WHERE channel_id = $2`, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Format(store.TimeLayout), e.ch.ID)
	time.Sleep(500 * time.Millisecond) // the first /sync, which only takes a token
	reply := bob.Send(room, "m.room.message", map[string]any{"msgtype": "m.text", "body": "Bob, live: open on Monday?",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": root}}})
	for deadline := time.Now().Add(25 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if m, ok := e.messages(reply)[reply]; ok {
			if m.Kind != model.MsgComment || m.Text != "Bob, live: open on Monday?" {
				t.Fatalf("streamed message: %+v", m)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reply did not arrive through the stream within 25s (streaming: %v)", e.a.Inbox.Streaming(e.ch.ID))
		}
	}
}

// nostrStream connects Alice's Nostr channel on the local relay and waits
// until this process streams it, with polls pushed far away.
func nostrStream(t *testing.T) (*env, map[string]string, string) {
	t.Helper()
	peer := testenv.Peer(t, "nostr", "NOSTR_RELAY_URL", "NOSTR_ALICE_SK", "NOSTR_BOB_SK")
	relay := peer["NOSTR_RELAY_URL"]
	if !strings.HasPrefix(relay, "ws://127.0.0.1:") {
		t.Fatalf("refusing non-loopback relay %q", relay)
	}
	e := live(t)
	var err error
	if e.ch, err = e.a.Channels.Connect(context.Background(), e.owner, e.ws, "nostr", map[string]string{"secret_key": peer["NOSTR_ALICE_SK"], "relays": relay}); err != nil {
		t.Fatal(err)
	}
	e.a.Inbox.WakeStreams()
	for deadline := time.Now().Add(20 * time.Second); !e.a.Inbox.Streaming(e.ch.ID); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no stream for the Nostr channel after 20s")
		}
	}
	e.sql(`UPDATE inbox_cursors SET next_at = $1 WHERE channel_id = $2`, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Format(store.TimeLayout), e.ch.ID)
	// The subscription opens right after the stream starts; give the relay
	// a moment so what follows is pushed live rather than read as stored.
	time.Sleep(500 * time.Millisecond)
	return e, peer, relay
}

// A reply that names only the post (no mention of the account) reaches a
// stream opened before the post went out: the stream starts again with
// the new post in its subscription.
func TestE2ENostrStreamFollowsNewPosts(t *testing.T) {
	inbox.SetStreamPostsCheck(t, 300*time.Millisecond)
	e, peer, relay := nostrStream(t)
	root := e.publishNow("Stream follows " + time.Now().Format(time.RFC3339Nano))
	bobAnswersLive(t, e, peer, relay, "Bob, quietly: nice one", gonostr.Tags{{"e", root, relay, "root"}})
}

// bobAnswersLive has Bob post text with tags on the relay and waits until
// the stream stores it as a comment in the thread under e's post.
func bobAnswersLive(t *testing.T, e *env, peer map[string]string, relay, text string, tags gonostr.Tags) {
	t.Helper()
	ctx := context.Background()
	probe, err := testenv.DialNostr(ctx, relay)
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	reply := gonostr.Event{Kind: 1, Content: text, CreatedAt: gonostr.Now(), Tags: tags}
	if err := reply.Sign(peer["NOSTR_BOB_SK"]); err != nil {
		t.Fatal(err)
	}
	probe.Publish(t, ctx, reply)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if m, ok := e.messages(reply.ID)[reply.ID]; ok {
			if c := e.conversation(m.ConversationID); m.Kind != model.MsgComment || m.Text != text || c.Kind != model.ConvComments ||
				c.PostID != e.post {
				t.Fatalf("streamed reply %+v in %+v, want a comment under post %s", m, c, e.post)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reply did not arrive through the stream within 20s (streaming: %v)", e.a.Inbox.Streaming(e.ch.ID))
		}
	}
}
