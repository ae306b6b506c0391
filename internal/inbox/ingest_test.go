package inbox_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/fake"
	"herald/internal/testenv"
)

type env struct {
	t     *testing.T
	post  string // the last post publishNow published
	a     *app.App
	owner model.Actor
	ws    string
	ch    model.Channel
}

func start(t *testing.T, cfg config.Config) *env {
	t.Helper()
	cfg.Roles = []string{"web"}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	a.Providers.Register(fake.New())
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
	if e.ch, err = a.Channels.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme"}); err != nil {
		t.Fatal(err)
	}
	return e
}

// Bad payloads are stored safely and flagged, duplicates once, threads
// grouped under their root with the original post, and a second read of
// the same items adds nothing but the network's edits and deletions.
func TestIngestThreadsAndBadPayloads(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		own := map[string]inbox.OwnPost{"post-1": {PostID: "01j00000000000000000000000", Text: "Our spring menu", URL: "https://example.com/p/1"}}
		huge := strings.Repeat("ä", 12_000)
		items := []provider.Interaction{
			{Kind: "reply", ID: "c1", ParentID: "post-1", RootID: "post-1", AuthorID: "ada", Author: "@ada", Text: "Love it! Is it vegan?", CreatedAt: at},
			{Kind: "reply", ID: "c2", ParentID: "c1", RootID: "post-1", AuthorID: "bob", Author: "@bob", Text: "same question", CreatedAt: at.Add(time.Minute)},
			{Kind: "reply", ID: "c2", ParentID: "c1", RootID: "post-1", AuthorID: "bob", Author: "@bob", Text: "same question", CreatedAt: at.Add(time.Minute)},
			{Kind: "like", ID: "l1", ParentID: "post-1", AuthorID: "cy", Reaction: "+", CreatedAt: at},
			{Kind: "mention", ID: "m1", AuthorID: "dee", Author: "@dee", Text: "hey @acme", CreatedAt: at},
			{Kind: "message", ID: "d1", RootID: "dm-dee", AuthorID: "dee", Author: "@dee", Text: "private question", CreatedAt: at},
			{Kind: "reply", ID: "x1", ParentID: "post-1", RootID: "post-1", Text: "who am I", CreatedAt: at},
			{Kind: "boost-v2", ID: "u1", ParentID: "post-1", RootID: "post-1", AuthorID: "eve", Text: "odd", CreatedAt: at},
			{Kind: "reply", ID: "bad", ParentID: "post-1", RootID: "post-1", AuthorID: "fay", Text: "caf\xe9 \x00ok", CreatedAt: at},
			{Kind: "reply", ID: "big", ParentID: "post-1", RootID: "post-1", AuthorID: "gus", Text: huge, CreatedAt: at},
			{Kind: "reply", ParentID: "post-1", RootID: "post-1", AuthorID: "hal", Text: "no id at all", CreatedAt: at},
		}
		res, err := e.a.Inbox.Ingest(ctx, inbox.Batch{Channel: e.ch, Items: items, Own: own})
		if err != nil {
			t.Fatal(err)
		}
		if res.New != 10 || res.Duplicates != 0 || len(res.Conversations) != 3 {
			t.Fatalf("first read: %+v", res)
		}
		msgs := e.messages("c1", "c2", "x1", "u1", "bad", "big", "l1")
		if msgs["c1"].Kind != model.MsgComment || msgs["c2"].Kind != model.MsgReply || msgs["c1"].ConversationID != msgs["c2"].ConversationID {
			t.Fatalf("thread: %+v %+v", msgs["c1"], msgs["c2"])
		}
		if !has(msgs["x1"].Flags, model.FlagNoAuthor) || !has(msgs["u1"].Flags, model.FlagUnknownKind) {
			t.Fatalf("flags: %v %v", msgs["x1"].Flags, msgs["u1"].Flags)
		}
		if !has(msgs["bad"].Flags, model.FlagInvalidUTF8) || msgs["bad"].Text != "caf\uFFFD ok" || !strings.Contains(msgs["bad"].Original, `\xe9`) {
			t.Fatalf("invalid UTF-8: %q %q %v", msgs["bad"].Text, msgs["bad"].Original, msgs["bad"].Flags)
		}
		if !has(msgs["big"].Flags, model.FlagTruncated) || len([]rune(msgs["big"].Text)) != 10_000 || msgs["big"].Original != huge {
			t.Fatalf("huge text: %d runes, original %d bytes", len([]rune(msgs["big"].Text)), len(msgs["big"].Original))
		}
		conv := e.conversation(msgs["c1"].ConversationID)
		if conv.Kind != model.ConvComments || conv.RootText != "Our spring menu" || conv.Unread != 7 || conv.AwaitingSince.IsZero() {
			t.Fatalf("comments conversation: %+v", conv)
		}

		// The same read again: nothing new; then an edit and a deletion.
		res, err = e.a.Inbox.Ingest(ctx, inbox.Batch{Channel: e.ch, Items: items, Own: own})
		if err != nil || res.New != 0 || res.Duplicates != 10 {
			t.Fatalf("second read: %+v %v", res, err)
		}
		edited := items[0]
		edited.Text, edited.EditedAt = "Love it! Is it vegan? (edited)", at.Add(time.Hour)
		gone := items[1]
		gone.Deleted = true
		res, err = e.a.Inbox.Ingest(ctx, inbox.Batch{Channel: e.ch, Items: []provider.Interaction{edited, gone}, Own: own})
		if err != nil || res.Edited != 1 || res.Deleted != 1 {
			t.Fatalf("edits and deletions: %+v %v", res, err)
		}
		msgs = e.messages("c1", "c2")
		if msgs["c1"].Text != edited.Text || msgs["c1"].EditedAt.IsZero() || msgs["c2"].DeletedAt.IsZero() {
			t.Fatalf("after edit/delete: %+v %+v", msgs["c1"], msgs["c2"])
		}
	})
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (e *env) messages(remoteIDs ...string) map[string]model.InboxMessage {
	e.t.Helper()
	ms, err := e.a.Store.Read().MessagesByRemote(context.Background(), e.ch.ID, remoteIDs)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]model.InboxMessage{}
	for _, m := range ms {
		out[m.RemoteID] = m
	}
	return out
}

func (e *env) conversation(id string) model.Conversation {
	e.t.Helper()
	c, err := e.a.Store.Read().ConversationByID(context.Background(), e.ws, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}
