package inbox_test

import (
	"context"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/publish"
	"herald/internal/store"
	"herald/internal/testenv"
)

// live is a Herald with job workers running, for end-to-end tests.
func live(t *testing.T) *env {
	t.Helper()
	cfg := testenv.SQLite(t)
	cfg.Roles = []string{"web", "worker"}
	cfg.AllowPrivate = true
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, a: a, owner: model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}}
	w, err := a.Workspaces.Create(ctx, e.owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	e.ws = w.ID
	if err := a.StartWork(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = a.StopWork(context.Background())
		a.Close()
	})
	return e
}

// publishNow publishes a post to the channel and returns its network ID.
func (e *env) publishNow(text string) string {
	e.t.Helper()
	ctx := context.Background()
	p, err := e.a.Compose.Create(ctx, e.owner, e.ws, compose.Draft{Base: model.Content{Text: text}, Channels: []string{e.ch.ID}})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeNow}); err != nil {
		e.t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got, err := e.a.Compose.Get(ctx, e.owner, e.ws, p.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		if tg := got.Targets[0]; tg.Status == model.TargetPublished {
			e.post = p.ID
			return tg.RemoteID
		} else if time.Now().After(deadline) {
			e.t.Fatalf("post is %s after 30s: %s", tg.Status, tg.Error)
		}
	}
}

// pollUntil polls the channel's inbox, as the periodic job does, until the
// messages with the given network IDs are stored.
func (e *env) pollUntil(remoteIDs ...string) map[string]model.InboxMessage {
	e.t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		c, err := e.a.Store.Read().Cursor(ctx, e.ch.ID)
		if err == nil {
			// Polled now, whenever its next poll would be.
			if _, err := e.a.Inbox.PollChannel(ctx, c); err != nil {
				e.t.Logf("poll: %v", err)
			}
		} else if _, err := e.a.Inbox.PollDue(ctx); err != nil {
			e.t.Fatal(err)
		}
		got := e.messages(remoteIDs...)
		if len(got) == len(remoteIDs) {
			return got
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("after 30s the inbox has %d of %d messages", len(got), len(remoteIDs))
		}
	}
}

// pollUntilDeleted polls with a deletion check due each time until the
// message with the given network ID is marked deleted.
func (e *env) pollUntilDeleted(remoteID string) model.InboxMessage {
	e.t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		if err := e.a.Store.InTx(ctx, func(tx *store.Tx) error {
			return tx.MarkDeletionsChecked(ctx, e.ch.ID, time.Now().Add(-time.Hour))
		}); err != nil {
			e.t.Fatal(err)
		}
		c, err := e.a.Store.Read().Cursor(ctx, e.ch.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.a.Inbox.PollChannel(ctx, c); err != nil {
			e.t.Logf("poll: %v", err)
		}
		if m := e.messages(remoteID)[remoteID]; !m.DeletedAt.IsZero() {
			return m
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("after 30s message %s is not marked deleted", remoteID)
		}
	}
}

// waitSent waits for an outbound message to be sent and returns it.
func (e *env) waitSent(m model.InboxMessage) model.InboxMessage {
	e.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got, err := e.a.Store.Read().InboxMessage(context.Background(), e.ws, m.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		switch {
		case got.State == "sent":
			return got
		case got.State == "failed":
			e.t.Fatalf("reply failed: %s", got.Error)
		case time.Now().After(deadline):
			e.t.Fatalf("reply is %s after 30s", got.State)
		}
	}
}

// Bob's reply and reaction on the local Nostr relay reach Herald's inbox
// in one poll, threaded under Alice's post; Herald's answer reaches the
// relay in Bob's thread.
func TestE2ENostrInbox(t *testing.T) {
	peer := testenv.Peer(t, "nostr", "NOSTR_RELAY_URL", "NOSTR_ALICE_SK", "NOSTR_BOB_SK")
	relay := peer["NOSTR_RELAY_URL"]
	if !strings.HasPrefix(relay, "ws://127.0.0.1:") {
		t.Fatalf("refusing non-loopback relay %q", relay)
	}
	e := live(t)
	ctx := context.Background()
	var err error
	if e.ch, err = e.a.Channels.Connect(ctx, e.owner, e.ws, "nostr", map[string]string{"secret_key": peer["NOSTR_ALICE_SK"], "relays": relay}); err != nil {
		t.Fatal(err)
	}
	root := e.publishNow("Inbox e2e " + time.Now().Format(time.RFC3339Nano))
	probe, err := testenv.DialNostr(ctx, relay)
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	reply := gonostr.Event{Kind: 1, Content: "Bob here: is it vegan?", CreatedAt: gonostr.Now(),
		Tags: gonostr.Tags{{"e", root, relay, "root"}, {"p", e.ch.RemoteID}}}
	like := gonostr.Event{Kind: 7, Content: "+", CreatedAt: gonostr.Now(), Tags: gonostr.Tags{{"e", root}, {"p", e.ch.RemoteID}, {"k", "1"}}}
	for _, ev := range []*gonostr.Event{&reply, &like} {
		if err := ev.Sign(peer["NOSTR_BOB_SK"]); err != nil {
			t.Fatal(err)
		}
		probe.Publish(t, ctx, *ev)
	}
	got := e.pollUntil(reply.ID, like.ID)
	r := got[reply.ID]
	if r.Kind != model.MsgComment || r.Text != reply.Content || got[like.ID].Kind != model.MsgLike || r.ConversationID != got[like.ID].ConversationID {
		t.Fatalf("inbox: %+v / %+v", r, got[like.ID])
	}
	if conv := e.conversation(r.ConversationID); conv.Kind != model.ConvComments || !strings.HasPrefix(conv.RootText, "Inbox e2e") {
		t.Fatalf("conversation: %+v", conv)
	}

	out, err := e.a.Inbox.Reply(ctx, e.owner, e.ws, r.ConversationID, r.ID, "Yes, fully vegan!")
	if err != nil {
		t.Fatal(err)
	}
	sent := e.waitSent(out)
	evs := probe.Query(t, ctx, gonostr.Filter{IDs: []string{sent.RemoteID}})
	if len(evs) != 1 || evs[0].Content != "Yes, fully vegan!" || evs[0].PubKey != e.ch.RemoteID || !tagged(evs[0], reply.ID) || !tagged(evs[0], root) {
		t.Fatalf("the relay has %+v for the reply", evs)
	}
	if conv := e.conversation(r.ConversationID); conv.FirstResponseAt.IsZero() || !conv.AwaitingSince.IsZero() {
		t.Fatalf("after answering: %+v", conv)
	}
	// Bob's like and reply count in the post's engagement at the next collection.
	if n := e.engagementAfterCollecting(); n < 2 {
		t.Fatalf("engagement %d after bob's like and reply, want at least 2", n)
	}

	// Bob takes his like back with a NIP-09 deletion request (this relay
	// refuses requests naming someone else's events; the contract test
	// covers relays that store them).
	takeBack := gonostr.Event{Kind: 5, CreatedAt: gonostr.Now(), Tags: gonostr.Tags{{"e", like.ID}, {"k", "7"}}}
	if err := takeBack.Sign(peer["NOSTR_BOB_SK"]); err != nil {
		t.Fatal(err)
	}
	probe.Publish(t, ctx, takeBack)
	e.pollUntilDeleted(like.ID)
	if m := e.messages(reply.ID)[reply.ID]; !m.DeletedAt.IsZero() {
		t.Fatalf("bob's reply was marked deleted with his like: %+v", m)
	}
}

// tagged reports whether ev has an e tag pointing at id.
func tagged(ev gonostr.Event, id string) bool {
	for _, tg := range ev.Tags {
		if len(tg) >= 2 && tg[0] == "e" && tg[1] == id {
			return true
		}
	}
	return false
}

// matrixRoom makes a room on the local homeserver where Alice is Herald's
// channel and Bob a member who writes to it, and a Herald with that
// channel connected.
func matrixRoom(t *testing.T, name string) (*env, testenv.MatrixClient, string) {
	t.Helper()
	peer := testenv.Peer(t, "dendrite", "MATRIX_URL", "MATRIX_ALICE_TOKEN", "MATRIX_BOB_TOKEN", "MATRIX_BOB_USER_ID")
	hs := peer["MATRIX_URL"]
	if !strings.HasPrefix(hs, "http://127.0.0.1:") {
		t.Fatalf("refusing non-loopback homeserver %q", hs)
	}
	alice := testenv.MatrixClient{T: t, Base: hs, Token: peer["MATRIX_ALICE_TOKEN"]}
	bob := testenv.MatrixClient{T: t, Base: hs, Token: peer["MATRIX_BOB_TOKEN"]}
	var created struct {
		RoomID string `json:"room_id"`
	}
	if st := alice.Call("POST", "/_matrix/client/v3/createRoom", map[string]any{"preset": "private_chat", "name": name,
		"invite": []string{peer["MATRIX_BOB_USER_ID"]}}, &created); st != 200 {
		t.Fatalf("createRoom: HTTP %d", st)
	}
	room := created.RoomID
	if st := bob.Call("POST", "/_matrix/client/v3/join/"+url.PathEscape(room), nil, nil); st != 200 {
		t.Fatalf("bob join: HTTP %d", st)
	}
	e := live(t)
	var err error
	if e.ch, err = e.a.Channels.Connect(context.Background(), e.owner, e.ws, "matrix", map[string]string{"homeserver": hs,
		"access_token": peer["MATRIX_ALICE_TOKEN"], "room": room}); err != nil {
		t.Fatal(err)
	}
	return e, bob, room
}

// Bob's reply and reaction in a Matrix room reach Herald's inbox in one
// poll; Herald's answer appears in the room as a reply to Bob's message.
func TestE2EMatrixInbox(t *testing.T) {
	e, bob, room := matrixRoom(t, "Herald inbox e2e")
	ctx := context.Background()
	root := e.publishNow("Matrix inbox e2e " + time.Now().Format(time.RFC3339Nano))
	reply := bob.Send(room, "m.room.message", map[string]any{"msgtype": "m.text", "body": "Bob: when does it open?",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": root}}})
	like := bob.Send(room, "m.reaction", map[string]any{"m.relates_to": map[string]any{"rel_type": "m.annotation", "event_id": root, "key": "👍"}})
	got := e.pollUntil(reply, like)
	if n := e.engagementAfterCollecting(); n < 2 {
		t.Fatalf("engagement %d after bob's reaction and reply, want at least 2", n)
	}
	r := got[reply]
	if r.Kind != model.MsgComment || r.Text != "Bob: when does it open?" || got[like].Reaction != "👍" || r.ConversationID != got[like].ConversationID {
		t.Fatalf("inbox: %+v / %+v", r, got[like])
	}
	out, err := e.a.Inbox.Reply(ctx, e.owner, e.ws, r.ConversationID, r.ID, "At nine tomorrow!")
	if err != nil {
		t.Fatal(err)
	}
	sent := e.waitSent(out)
	var found bool
	for deadline := time.Now().Add(10 * time.Second); !found && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		for _, ev := range bob.Messages(room) {
			if ev.EventID == sent.RemoteID && strings.Contains(string(ev.Content), "At nine tomorrow!") && strings.Contains(string(ev.Content), reply) {
				found = true
			}
		}
	}
	if !found {
		t.Fatalf("the room has no reply %s to bob's message %s", sent.RemoteID, reply)
	}

	// Bob edits his message and takes back his reaction: the inbox follows.
	bob.Send(room, "m.room.message", map[string]any{"msgtype": "m.text", "body": "* Bob: when does it open on Sunday?",
		"m.new_content": map[string]any{"msgtype": "m.text", "body": "Bob: when does it open on Sunday?"},
		"m.relates_to":  map[string]any{"rel_type": "m.replace", "event_id": reply}})
	if st := bob.Call("PUT", "/_matrix/client/v3/rooms/"+url.PathEscape(room)+"/redact/"+url.PathEscape(like)+"/e2e"+time.Now().Format("150405.000"), map[string]any{}, nil); st != 200 {
		t.Fatalf("redact: HTTP %d", st)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		e.pollUntil(reply)
		got = e.messages(reply, like)
		if got[reply].Text == "Bob: when does it open on Sunday?" && !got[reply].EditedAt.IsZero() && !got[like].DeletedAt.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the edit and the redaction: %+v / %+v", got[reply], got[like])
		}
	}

	// A rule tags spam and hides it; on Matrix, hiding redacts the event.
	if _, err := e.a.Inbox.SaveRule(ctx, e.owner, e.ws, model.Rule{Name: "Spam", Enabled: true,
		Conditions: []model.RuleCondition{{Type: model.CondSpam, Score: 0.5}},
		Actions:    []model.RuleAction{{Type: model.RuleTag, Tags: []string{"spam"}}, {Type: model.RuleHide}}}); err != nil {
		t.Fatal(err)
	}
	spam := bob.Send(room, "m.room.message", map[string]any{"msgtype": "m.text",
		"body":         "FREE CRYPTO giveaway!!! check my bio and click the link https://bit.ly/free-coins to claim, DM me now",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": root}}})
	got = e.pollUntil(spam)
	if got[spam].Spam < 0.5 || e.conversation(got[spam].ConversationID).Tags == nil {
		t.Fatalf("the spam reply: spam %.2f, reasons %v", got[spam].Spam, got[spam].Reasons)
	}
	if conv := e.conversation(got[spam].ConversationID); !slices.Contains(conv.Tags, "spam") {
		t.Fatalf("conversation tags %v, want spam", conv.Tags)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		var ev struct {
			Content  map[string]any `json:"content"`
			Unsigned struct {
				RedactedBecause any `json:"redacted_because"`
			} `json:"unsigned"`
		}
		bob.Call("GET", "/_matrix/client/v3/rooms/"+url.PathEscape(room)+"/event/"+url.PathEscape(spam), nil, &ev)
		if ev.Unsigned.RedactedBecause != nil && len(ev.Content) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the spam event was not redacted: %+v", ev)
		}
	}
	if m := e.messages(spam)[spam]; m.HiddenAt.IsZero() {
		t.Fatalf("the spam reply is not hidden in Herald: %+v", m)
	}
}

// engagementAfterCollecting runs a metrics collection as if the post were
// two hours old and returns its newest engagements.
func (e *env) engagementAfterCollecting() int64 {
	e.t.Helper()
	ctx := context.Background()
	e.a.Metrics.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	defer func() { e.a.Metrics.Now = nil }()
	if _, err := e.a.Metrics.Collect(ctx); err != nil {
		e.t.Fatal(err)
	}
	snaps, err := e.a.Store.Read().PostMetrics(ctx, e.ws, e.post)
	if err != nil || len(snaps) == 0 {
		e.t.Fatalf("no metrics for the post after collecting: %v", err)
	}
	n, _ := snaps[len(snaps)-1].Engagements()
	return n
}
