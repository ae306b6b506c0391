package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/store"
	"herald/internal/testenv"
)

// TestNotificationsPostedToMatrix: with a Matrix channel chosen for team
// chat, a notification becomes a message in the room on the local
// homeserver, sent through the Matrix connector.
func TestNotificationsPostedToMatrix(t *testing.T) {
	peer := testenv.Peer(t, "dendrite")
	room := matrixRoom(t, peer["MATRIX_URL"], peer["MATRIX_ALICE_TOKEN"])
	a, me, w := peerWorkspace(t, "Chat E2E")
	ctx := context.Background()
	ch, err := a.Channels.Connect(ctx, me, w.ID, "matrix", map[string]string{"homeserver": peer["MATRIX_URL"],
		"access_token": peer["MATRIX_ALICE_TOKEN"], "room": room})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Notify.SetChatChannel(ctx, me, w.ID, ch.ID); err != nil {
		t.Fatal(err)
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		return a.Notify.Notify(ctx, tx, notify.Event{Kind: model.NotifyChannelReconnect, WorkspaceID: w.ID, ChannelID: ch.ID,
			Status: "needs_reconnect", Message: "token revoked by the e2e test"})
	})
	if err != nil {
		t.Fatal(err)
	}
	var raw string
	col := "json(args)"
	if a.Store.Dialect() == store.Postgres {
		col = "CAST(args AS TEXT)"
	}
	if err := a.Store.DB().QueryRowContext(ctx, `SELECT `+col+` FROM river_job WHERE kind = 'notify.chat'`).Scan(&raw); err != nil {
		t.Fatalf("no chat job queued: %v", err)
	}
	var args notify.ChatArgs
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	if err := (&notify.ChatWorker{Service: a.Notify}).Work(ctx, &river.Job[notify.ChatArgs]{Args: args}); err != nil {
		t.Fatalf("post to the room: %v", err)
	}
	// Dendrite answers the send before its room history serves the event,
	// so the room is read again until the message shows or time runs out.
	cs := testenv.MatrixClient{T: t, Base: peer["MATRIX_URL"], Token: peer["MATRIX_ALICE_TOKEN"]}
	var found int
	var events []testenv.Event
	for deadline := time.Now().Add(15 * time.Second); found == 0 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		events, found = cs.Messages(room), 0
		for _, ev := range events {
			var c struct {
				Body string `json:"body"`
			}
			_ = json.Unmarshal(ev.Content, &c)
			if ev.Type == "m.room.message" && strings.Contains(c.Body, "token revoked by the e2e test") {
				found++
			}
		}
	}
	if found != 1 {
		t.Fatalf("the room has %d messages with the notification, want 1: %+v", found, events)
	}
}
