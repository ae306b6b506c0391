package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/riverqueue/river"

	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/provider/fake"
	"herald/internal/testenv"
)

// A workspace's notifications can also go, as messages, to one of its
// team-chat channels; other networks are refused, and switching it off
// drops messages still queued.
func TestNotificationsInTeamChat(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		real, err := e.a.Providers.Get("matrix")
		if err != nil {
			t.Fatal(err)
		}
		info := real.Info()
		chat := fake.New()
		chat.As = &info // stands in for Matrix: posts nowhere but records
		e.a.Providers.Register(chat)
		room, err := e.a.Channels.Connect(ctx, e.owner, e.ws, "matrix", map[string]string{"handle": "team-room"})
		if err != nil {
			t.Fatal(err)
		}

		err = e.a.Notify.SetChatChannel(ctx, e.owner, e.ws, e.ch.ID)
		if model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), "Slack, Discord, Matrix or Telegram") {
			t.Fatalf("a non-chat channel: %v", err)
		}
		editor := e.member("editor@example.com", model.RoleEditor)
		if err := e.a.Notify.SetChatChannel(ctx, editor, e.ws, room.ID); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("an Editor chose the chat: %v", err)
		}
		if err := e.a.Notify.SetChatChannel(ctx, e.owner, e.ws, room.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.a.Notify.ChatChannel(ctx, e.owner, e.ws); got != room.ID {
			t.Fatalf("chat channel is %q", got)
		}

		e.notify(e.failed(e.post(e.owner)))
		queued := e.jobs("notify.chat")
		if len(queued) != 1 {
			t.Fatalf("%d chat jobs queued, want 1", len(queued))
		}
		var args notify.ChatArgs
		if err := json.Unmarshal([]byte(queued[0]), &args); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(args.Text, "too long") || !strings.Contains(args.Text, "/posts/") {
			t.Fatalf("chat message %q lacks the problem or the link", args.Text)
		}
		w := &notify.ChatWorker{Service: e.a.Notify}
		if err := w.Work(ctx, &river.Job[notify.ChatArgs]{Args: args}); err != nil {
			t.Fatal(err)
		}
		acct, _, err := e.a.Channels.Account(ctx, e.ws, room.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := chat.Posts(acct); len(got) != 1 || !strings.Contains(got[0].Extra["text"], "too long") {
			t.Fatalf("the room has %+v", got)
		}

		// Switched off: a queued message is dropped, nothing more is queued.
		if err := e.a.Notify.SetChatChannel(ctx, e.owner, e.ws, ""); err != nil {
			t.Fatal(err)
		}
		if err := w.Work(ctx, &river.Job[notify.ChatArgs]{Args: args}); err != nil {
			t.Fatal(err)
		}
		if got := chat.Posts(acct); len(got) != 1 {
			t.Fatalf("a message went out after chat was switched off: %d", len(got))
		}
		e.notify(e.failed(e.post(e.owner)))
		if n := len(e.jobs("notify.chat")); n != 1 {
			t.Fatalf("%d chat jobs after switching off, want still 1", n)
		}
	})
}
