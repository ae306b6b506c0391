package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/provider"
)

// TestBrowserInbox walks the inbox in headless Chromium: a comment read
// from a fake channel is in the list; j and Enter open it; a reply typed
// and sent shows as sending, then — the job sends it through the fake
// connector and the page hears of it over server-sent events — as sent;
// "e" marks the conversation done, which returns to the list, where it
// is no longer open.
func TestBrowserInbox(t *testing.T) {
	ob := browseAsOwner(t)
	a, base, w, tctx := ob.a, ob.base, ob.ws, ob.ctx
	ctx := context.Background()
	ch, err := a.Channels.Connect(ctx, ob.actor, w.ID, "fake", map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	run := randomHex(4)
	question := "Do you ship to Norway? " + run
	if _, err := a.Inbox.Ingest(ctx, inbox.Batch{Channel: ch, Own: map[string]inbox.OwnPost{"post-1": {Text: "Our winter catalogue", URL: "https://example.com/p/1"}},
		Items: []provider.Interaction{{Kind: "reply", ID: "c-" + run, ParentID: "post-1", RootID: "post-1", AuthorID: "ada", Author: "@ada",
			Text: question, CreatedAt: time.Now().Add(-5 * time.Minute)}}}); err != nil {
		t.Fatal(err)
	}
	convs, err := a.Inbox.List(ctx, ob.actor, w.ID, inbox.Filter{})
	if err != nil || len(convs) != 1 {
		t.Fatalf("conversations: %v %v", convs, err)
	}
	conv := convs[0]
	row := `[data-conversation="` + conv.ID + `"]`
	shots := screenshotDir(t)
	key := func(k string) chromedp.Action[chromedp.Void] { return chromedp.KeyEvent(k) } // real key presses

	step(t, tctx, "open the inbox from the sidebar",
		chromedp.Navigate(base+"/w/"+w.ID),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar a[href="/w/`+w.ID+`/inbox"]`)),
		chromedp.Click(chromedp.CSS(`.sidebar a[href="/w/`+w.ID+`/inbox"]`)),
		chromedp.WaitVisible(chromedp.CSS(row+` [data-conv-link]`)),
	)
	wantText(t, tctx, `[data-inbox-unread]`, "1")
	shoot(t, tctx, shots, "inbox-list")
	step(t, tctx, "j highlights the conversation, Enter opens it", key("j"), key("\r"))
	wantPath(t, tctx, "/w/"+w.ID+"/inbox/"+conv.ID)
	step(t, tctx, "the conversation shows", chromedp.WaitVisible(chromedp.CSS(`[data-reply-text]`)))
	wantText(t, tctx, `.inbox-root`, "Our winter catalogue")
	wantText(t, tctx, `.inbox-msg-in`, question)

	step(t, tctx, "r focuses the reply box", key("r"))
	if focused, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.activeElement === document.querySelector('[data-reply-text]')`)); err != nil || !focused {
		t.Fatalf("r did not focus the reply box (%v)", err)
	}
	step(t, tctx, "type a reply and send it",
		// The DevTools protocol types a key's character in an event of its
		// own, which the page cannot cancel as it cancels a real key's.
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-reply-text]').value = ''`),
		chromedp.SendKeys(chromedp.CSS(`[data-reply-text]`), "Yes, we do! "+run),
		chromedp.Click(chromedp.CSS(`[data-send]`)),
	)
	wantText(t, tctx, `.flash`, "on its way")
	wantText(t, tctx, `.inbox-msg-out`, "Yes, we do! "+run)
	var state string
	// Generous: in CI's first step this runs beside every other package's
	// tests on two cores, and the send is a background job.
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if state, err = chromedp.Run(tctx, chromedp.Evaluate[string](`(document.querySelector('.inbox-msg-out [data-reply-state]') || {}).dataset?.replyState || ''`)); err == nil && state == "sent" {
			break
		}
		if state != "" && state != "sending" && state != "sent" {
			t.Fatalf("the reply is %q", state)
		}
	}
	if state != "sent" {
		t.Fatalf("the page still shows the reply as %q, not sent (live update over server-sent events)", state)
	}
	th, err := a.Inbox.Get(ctx, ob.actor, w.ID, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := th.Messages[len(th.Messages)-1]
	if out.Direction != "out" || out.State != "sent" || out.ParentRemoteID != "c-"+run || out.Text != "Yes, we do! "+run {
		t.Fatalf("the reply: %+v", out)
	}
	shoot(t, tctx, shots, "inbox-conversation")

	step(t, tctx, "e marks it done", key("e"))
	wantPath(t, tctx, "/w/"+w.ID+"/inbox")
	wantText(t, tctx, `.flash`, "Marked done.")
	listedNow, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`!!document.querySelector('`+row+`')`))
	if err != nil || listedNow {
		t.Fatalf("after done the open list still shows the conversation (%v)", err)
	}
	step(t, tctx, "it is under done",
		chromedp.Navigate(base+"/w/"+w.ID+"/inbox?status=done"),
		chromedp.WaitVisible(chromedp.CSS(row)),
	)
	if th, _ := a.Inbox.Get(ctx, ob.actor, w.ID, conv.ID); th.Conversation.Status != model.ConvDone {
		t.Fatalf("status %q", th.Conversation.Status)
	}
	ob.console.check(t)
}
