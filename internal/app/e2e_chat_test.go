package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
	req, _ := http.NewRequest("GET", peer["MATRIX_URL"]+"/_matrix/client/v3/rooms/"+url.PathEscape(room)+"/messages?dir=b&limit=20", nil)
	req.Header.Set("Authorization", "Bearer "+peer["MATRIX_ALICE_TOKEN"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msgs struct {
		Chunk []struct {
			Type    string `json:"type"`
			Content struct {
				Body string `json:"body"`
			} `json:"content"`
		} `json:"chunk"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, m := range msgs.Chunk {
		if m.Type == "m.room.message" && strings.Contains(m.Content.Body, "token revoked by the e2e test") {
			found++
		}
	}
	if found != 1 {
		t.Fatalf("the room has %d messages with the notification, want 1: %+v", found, msgs.Chunk)
	}
}
