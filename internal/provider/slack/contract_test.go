package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
	"herald/internal/testenv"
)

func testOptions(f *fakeSlack, timeout time.Duration) Options {
	return Options{APIBase: f.URL + "/api", HooksBase: f.URL,
		Client: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: timeout})}
}

func wantTrait(t *testing.T, err error, want provider.Trait, network provider.Network) *provider.Error {
	t.Helper()
	return testenv.WantTrait(t, err, network, want)
}

func connectBot(t *testing.T, p *Provider, f *fakeSlack) provider.Account {
	t.Helper()
	acct, err := p.Connect(context.Background(), map[string]string{"bot_token": f.token, "channel": "C0001"})
	if err != nil {
		t.Fatal(err)
	}
	return acct
}

func text(s ...string) provider.Post {
	p := provider.Post{Key: "key-1"}
	for _, x := range s {
		p.Segments = append(p.Segments, provider.Segment{Text: x})
	}
	return p
}

func TestContractBotConnectAndCheck(t *testing.T) {
	f := newFakeSlack()
	defer f.Close()
	p := New(testOptions(f, 5*time.Second))
	acct := connectBot(t, p, f)
	if acct.RemoteID != "T0001/C0001" || acct.Handle != "#announcements" || acct.Settings["bot_user_id"] != "U0BOT" {
		t.Fatalf("account %+v", acct)
	}
	f.set(func() { f.member = false })
	st, err := p.Check(context.Background(), acct)
	if st.OK || st.Message != "the bot is not in #announcements: type /invite @herald there" || provider.TraitOf(err) != provider.Permanent {
		t.Fatalf("check %+v %v", st, err)
	}
	_, err = p.Connect(context.Background(), map[string]string{"bot_token": "xoxb-wrong", "channel": "C0001"})
	if pe := wantTrait(t, err, provider.AuthExpired, Network); pe.Message != "invalid_auth" {
		t.Fatalf("message %q", pe.Message)
	}
}

func TestContractBotPublishThreadImagesDelete(t *testing.T) {
	f := newFakeSlack()
	defer f.Close()
	p := New(testOptions(f, 5*time.Second))
	acct := connectBot(t, p, f)
	var progress []int
	post := provider.Post{Key: "tgt-9", Segments: []provider.Segment{
		{Text: "Launch <today> & tomorrow", Media: []provider.Media{{ContentType: "image/png", Data: []byte("png!"), Alt: "logo"}}},
		{Text: "details"},
	}, Progress: func(i int, _ provider.RemotePost) error { progress = append(progress, i); return nil }}
	out, err := p.Publish(context.Background(), acct, post)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || len(progress) != 2 {
		t.Fatalf("out %+v", out)
	}
	first, second := f.find(out[0].ID), f.find(out[1].ID)
	if first.Text != "Launch &lt;today&gt; &amp; tomorrow" || len(first.Blocks) != 2 || second.ThreadTS != out[0].ID {
		t.Fatalf("messages %+v %+v", first, second)
	}
	fl := f.files["F0001"]
	if string(fl.Uploaded) != "png!" || fl.Alt != "logo" || !fl.Complete || out[0].Extra["file_ids"] != "F0001" {
		t.Fatalf("file %+v extra %v", fl, out[0].Extra)
	}
	if out[0].URL != "https://herald-team.slack.com/archives/C0001/p"+strings.ReplaceAll(out[0].ID, ".", "") || out[0].PublishedAt.Unix() < 1700000000 {
		t.Fatalf("remote %+v", out[0])
	}
	// Read-back: each segment is found by its key, an unknown key is not.
	for i, rp := range out {
		got, found, err := p.FindByKey(context.Background(), acct, provider.Post{Key: "tgt-9"}, i)
		if err != nil || !found || got.ID != rp.ID {
			t.Fatalf("find segment %d: %+v %v %v", i, got, found, err)
		}
	}
	if _, found, err := p.FindByKey(context.Background(), acct, provider.Post{Key: "other"}, 0); err != nil || found {
		t.Fatalf("found a post that does not exist: %v", err)
	}
	if err := p.Delete(context.Background(), acct, out[0]); err != nil || f.find(out[0].ID) != nil || !fl.Deleted {
		t.Fatalf("delete %v", err)
	}
	if err := p.Delete(context.Background(), acct, out[0]); err != nil {
		t.Fatalf("deleting again: %v", err)
	}
}

func TestContractBotRateLimitedAndAuth(t *testing.T) {
	f := newFakeSlack()
	defer f.Close()
	p := New(testOptions(f, 5*time.Second))
	acct := connectBot(t, p, f)
	f.set(func() { f.limited = true })
	_, err := p.Publish(context.Background(), acct, text("hi"))
	if pe := wantTrait(t, err, provider.RateLimited, Network); pe.RetryAfter != 42*time.Second || pe.Status != 429 {
		t.Fatalf("rate limit %+v", pe)
	}
	f.set(func() { f.limited, f.revoked = false, true })
	_, err = p.Publish(context.Background(), acct, text("hi"))
	if pe := wantTrait(t, err, provider.AuthExpired, Network); pe.Message != "token_revoked" {
		t.Fatalf("revoked %+v", pe)
	}
}

func TestContractBotRejectedContent(t *testing.T) {
	f := newFakeSlack()
	defer f.Close()
	p := New(testOptions(f, 5*time.Second))
	acct := connectBot(t, p, f)
	_, err := p.Publish(context.Background(), acct, text(strings.Repeat("a", 40001)))
	if pe := wantTrait(t, err, provider.Permanent, Network); pe.Message != "msg_too_long" {
		t.Fatalf("message %q", pe.Message)
	}
	f.set(func() { f.member = false })
	_, err = p.Publish(context.Background(), acct, text("hi"))
	if pe := wantTrait(t, err, provider.Permanent, Network); pe.Message != "not_in_channel" {
		t.Fatalf("message %q", pe.Message)
	}
}

// TestContractBotUnknownOutcome: Slack stored the message and the answer
// was lost (or Slack said fatal_error, "some aspect may have succeeded").
// The provider says Unknown; FindByKey then finds the message by its
// metadata, so the publisher records it instead of posting it again.
func TestContractBotUnknownOutcome(t *testing.T) {
	for _, fault := range []string{"drop", "hang", "fatal_error", "500"} {
		t.Run(fault, func(t *testing.T) {
			f := newFakeSlack()
			defer f.Close()
			p := New(testOptions(f, 300*time.Millisecond))
			acct := connectBot(t, p, f)
			f.set(func() { f.fault = fault })
			_, err := p.Publish(context.Background(), acct, text("once"))
			wantTrait(t, err, provider.Unknown, Network)
			var posts int
			f.set(func() { posts = f.posts })
			if posts != 1 {
				t.Fatalf("%d posts: the provider retried", posts)
			}
			rp, found, err := p.FindByKey(context.Background(), acct, provider.Post{Key: "key-1"}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if stored := fault != "500"; found != stored || (found && f.find(rp.ID).Text != "once") {
				t.Fatalf("read-back found=%v for fault %s", found, fault)
			}
		})
	}
}

func TestContractBotInteractionsReplyReact(t *testing.T) {
	f := newFakeSlack()
	defer f.Close()
	p := New(testOptions(f, 5*time.Second))
	acct := connectBot(t, p, f)
	ctx := context.Background()
	since := time.Unix(1600000000, 0)
	out, err := p.Publish(ctx, acct, text("root", "second segment"))
	if err != nil {
		t.Fatal(err)
	}
	replyTS := f.userReply(out[0].ID, "U0ADA", "love it &lt;3")
	f.react(f.find(out[0].ID), "tada", "U0ADA")
	its, err := p.Interactions(ctx, acct, since, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(its) != 2 || its[0].Kind != "reply" || its[0].ID != replyTS || its[0].Text != "love it <3" ||
		its[1].Kind != "reaction" || its[1].Reaction != "tada" || its[1].AuthorID != "U0ADA" {
		t.Fatalf("interactions %+v", its)
	}
	m, err := p.PostMetrics(ctx, acct, out[:1])
	if err != nil || m[out[0].ID].Likes != 1 || m[out[0].ID].Replies != 2 {
		t.Fatalf("metrics %+v %v", m, err)
	}
	r, err := p.Reply(ctx, acct, its[0], "thanks <3")
	if err != nil || f.find(r.ID).ThreadTS != out[0].ID || f.find(r.ID).Text != "thanks &lt;3" {
		t.Fatalf("reply %+v %v", r, err)
	}
	for i := 0; i < 2; i++ { // reacting twice is fine
		if err := p.React(ctx, acct, its[0], "+"); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.find(replyTS).Reactions["thumbsup"]; len(got) != 1 {
		t.Fatalf("reactions %v", got)
	}
}

func TestContractWebhook(t *testing.T) {
	f := newFakeSlack()
	defer f.Close()
	w := NewWebhook(testOptions(f, 5*time.Second))
	ctx := context.Background()
	acct, err := w.Connect(ctx, map[string]string{"webhook_url": "https://hooks.slack.com" + f.hookPath})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.hookMsgs) != 0 || acct.RemoteID != "T0001/B0002" {
		t.Fatalf("connect posted or misread: %+v %v", acct, f.hookMsgs)
	}
	out, err := w.Publish(ctx, acct, provider.Post{Key: "w", Segments: []provider.Segment{{Text: "a < b",
		Media: []provider.Media{{ContentType: "image/png", URL: "https://cdn.example/x.png", Alt: "x"}}}}})
	if err != nil || len(out) != 1 || !strings.HasPrefix(out[0].ID, "slack-webhook:") {
		t.Fatalf("publish %+v %v", out, err)
	}
	if f.hookMsgs[0]["text"] != "a &lt; b" || len(f.hookMsgs[0]["blocks"].([]any)) != 2 {
		t.Fatalf("payload %v", f.hookMsgs[0])
	}
	_, err = w.Publish(ctx, acct, provider.Post{Key: "w", Segments: []provider.Segment{{Text: "x",
		Media: []provider.Media{{ContentType: "image/png", Data: []byte("no url")}}}}})
	wantTrait(t, err, provider.Permanent, WebhookNetwork)

	f.set(func() { f.hookFault = "429" })
	_, err = w.Publish(ctx, acct, text("hi"))
	if pe := wantTrait(t, err, provider.RateLimited, WebhookNetwork); pe.RetryAfter != 7*time.Second {
		t.Fatalf("retry after %v", pe.RetryAfter)
	}
	f.set(func() { f.hookFault = "archived" })
	_, err = w.Publish(ctx, acct, text("hi"))
	if pe := wantTrait(t, err, provider.Permanent, WebhookNetwork); pe.Message != "channel_is_archived" || pe.Status != 410 {
		t.Fatalf("archived %+v", pe)
	}
	f.set(func() { f.hookFault, f.hookPath = "", "/services/T0001/B0002/rotated" })
	_, err = w.Publish(ctx, acct, text("hi"))
	if pe := wantTrait(t, err, provider.AuthExpired, WebhookNetwork); pe.Message != "no_service" {
		t.Fatalf("removed webhook %+v", pe)
	}
	if st, err := w.Check(ctx, acct); st.OK || provider.TraitOf(err) != provider.AuthExpired {
		t.Fatalf("check %+v %v", st, err)
	}
	if _, err := w.Connect(ctx, map[string]string{"webhook_url": "https://evil.example/services/T1/B1/x"}); provider.TraitOf(err) != provider.Permanent {
		t.Fatalf("foreign URL accepted: %v", err)
	}
}

// TestContractWebhookUnknownOutcome: an incoming webhook returns no id and
// has no idempotency key: the provider reports Unknown, keeps the secret
// URL out of the error, and declares IdemNone.
func TestContractWebhookUnknownOutcome(t *testing.T) {
	f := newFakeSlack()
	defer f.Close()
	w := NewWebhook(testOptions(f, 5*time.Second))
	acct, err := w.Connect(context.Background(), map[string]string{"webhook_url": "https://hooks.slack.com" + f.hookPath})
	if err != nil {
		t.Fatal(err)
	}
	// A receiver that takes the request and never answers.
	hang := newHangServer(t)
	w = NewWebhook(Options{HooksBase: hang, Client: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: 200 * time.Millisecond})})
	_, err = w.Publish(context.Background(), acct, text("once"))
	wantTrait(t, err, provider.Unknown, WebhookNetwork)
	if strings.Contains(err.Error(), "XXXXsecretXXXX") {
		t.Fatalf("webhook secret leaked: %v", err)
	}
	if w.Info().Idempotency != provider.IdemNone || New(Options{}).Info().Idempotency != provider.IdemReadBack {
		t.Fatal("idempotency modes")
	}
}
