package discord

import (
	"context"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
	"herald/internal/testenv"
)

func testProvider(f *fakeDiscord, timeout time.Duration) *Provider {
	return New(Options{APIBase: f.URL + "/api/v10", Client: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: timeout})})
}

func wantTrait(t *testing.T, err error, want provider.Trait) *provider.Error {
	t.Helper()
	return testenv.WantTrait(t, err, Network, want)
}

func connect(t *testing.T, p *Provider, f *fakeDiscord, bot string) provider.Account {
	t.Helper()
	acct, err := p.Connect(context.Background(), map[string]string{"webhook_url": f.webhookURL(), "bot_token": bot})
	if err != nil {
		t.Fatal(err)
	}
	return acct
}

func post(texts ...string) provider.Post {
	p := provider.Post{Key: "k"}
	for _, s := range texts {
		p.Segments = append(p.Segments, provider.Segment{Text: s})
	}
	return p
}

func TestContractConnectAndCheck(t *testing.T) {
	f := newFakeDiscord()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	ctx := context.Background()
	acct := connect(t, p, f, "")
	if acct.RemoteID != f.channel || acct.Handle != "Herald news" || acct.Settings["guild_id"] != f.guild ||
		acct.Credentials["webhook_token"] != f.whToken || acct.Settings["webhook_id"] != f.whID {
		t.Fatalf("account %+v", acct)
	}
	st, err := p.Check(ctx, acct)
	if err != nil || !st.OK || !strings.Contains(st.Message, "add a bot token") {
		t.Fatalf("check %+v %v", st, err)
	}
	if _, err := p.Connect(ctx, map[string]string{"webhook_url": "https://evil.example/api/webhooks/1/x"}); provider.TraitOf(err) != provider.Permanent {
		t.Fatalf("foreign URL accepted: %v", err)
	}
	_, err = p.Connect(ctx, map[string]string{"webhook_url": f.webhookURL(), "bot_token": "wrong"})
	if pe := wantTrait(t, err, provider.AuthExpired); pe.Message != "401: Unauthorized" {
		t.Fatalf("bad bot token %+v", pe)
	}
	// The webhook was deleted in Discord: reconnect needed.
	f.set(func() { f.whID = "1180000000000000999" })
	st, err = p.Check(ctx, acct)
	if st.OK || st.Message != "Unknown Webhook" || provider.TraitOf(err) != provider.AuthExpired {
		t.Fatalf("deleted webhook %+v %v", st, err)
	}
}

func TestContractPublishMediaAndThread(t *testing.T) {
	f := newFakeDiscord()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "")
	var progress []int
	pp := provider.Post{Key: "d1", Segments: []provider.Segment{
		{Text: "Release notes @everyone", Media: []provider.Media{{ContentType: "image/png", Data: []byte("png"), Alt: "chart"},
			{ContentType: "video/mp4", Data: []byte("mp4")}}},
		{Text: "part two"},
	}, Options: map[string]string{"thread_id": "1190000000000000004"},
		Progress: func(i int, _ provider.RemotePost) error { progress = append(progress, i); return nil }}
	out, err := p.Publish(context.Background(), acct, pp)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || len(progress) != 2 || out[0].Extra["channel_id"] != "1190000000000000004" {
		t.Fatalf("out %+v", out)
	}
	if f.msgs[out[0].ID].Content != "Release notes @everyone" || strings.Join(f.lastFiles, ",") != "" {
		t.Fatalf("message %+v", f.msgs[out[0].ID])
	}
	if am := f.lastBody["allowed_mentions"].(map[string]any); len(am["parse"].([]any)) != 0 {
		t.Fatalf("mentions would ping: %v", am)
	}
	if !strings.HasPrefix(out[1].URL, "https://discord.com/channels/"+f.guild+"/") || out[1].PublishedAt.IsZero() {
		t.Fatalf("remote %+v", out[1])
	}
	// Files travel as files[n] with their alt text in attachments.
	out, err = p.Publish(context.Background(), acct, provider.Post{Key: "d2", Segments: []provider.Segment{{Text: "pic",
		Media: []provider.Media{{ContentType: "image/png", Data: []byte("png"), Alt: "chart"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	atts := f.lastBody["attachments"].([]any)
	if strings.Join(f.lastFiles, ",") != "media0.png:image/png" || atts[0].(map[string]any)["description"] != "chart" {
		t.Fatalf("files %v attachments %v", f.lastFiles, atts)
	}
	if err := p.Delete(context.Background(), acct, out[0]); err != nil || f.msgs[out[0].ID] != nil {
		t.Fatalf("delete %v", err)
	}
	if err := p.Delete(context.Background(), acct, out[0]); err != nil {
		t.Fatalf("deleting again: %v", err)
	}
}

func TestContractRateLimited(t *testing.T) {
	f := newFakeDiscord()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "")
	f.set(func() { f.remaining = 0 })
	_, err := p.Publish(context.Background(), acct, post("hi"))
	if pe := wantTrait(t, err, provider.RateLimited); pe.RetryAfter != 2500*time.Millisecond || pe.Message != "You are being rate limited." {
		t.Fatalf("rate limit %+v", pe)
	}
	if f.posts != 0 {
		t.Fatal("rate-limited request reached the handler")
	}
}

func TestContractAuthExpired(t *testing.T) {
	f := newFakeDiscord()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "")
	f.set(func() { f.whToken = "regenerated-token" })
	_, err := p.Publish(context.Background(), acct, post("hi"))
	if pe := wantTrait(t, err, provider.AuthExpired); pe.Message != "Invalid Webhook Token" {
		t.Fatalf("message %q", pe.Message)
	}
}

func TestContractRejectedContent(t *testing.T) {
	f := newFakeDiscord()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "")
	_, err := p.Publish(context.Background(), acct, post(strings.Repeat("x", 2001)))
	pe := wantTrait(t, err, provider.Permanent)
	if pe.Message != "Invalid Form Body: content: Must be 2000 or fewer in length." || pe.Status != 400 {
		t.Fatalf("message %q", pe.Message)
	}
}

// TestContractUnknownOutcome: Discord stores the message and the answer is
// lost. Webhooks have no idempotency key, so the provider reports Unknown,
// sends once only, keeps the token out of the error, and declares IdemNone.
func TestContractUnknownOutcome(t *testing.T) {
	for _, fault := range []string{"drop", "hang", "500"} {
		t.Run(fault, func(t *testing.T) {
			f := newFakeDiscord()
			defer f.Close()
			p := testProvider(f, 300*time.Millisecond)
			acct := connect(t, p, f, "")
			f.set(func() { f.fault = fault })
			_, err := p.Publish(context.Background(), acct, post("once"))
			wantTrait(t, err, provider.Unknown)
			if strings.Contains(err.Error(), f.whToken) {
				t.Fatalf("webhook token leaked: %v", err)
			}
			var posts int
			f.set(func() { posts = f.posts })
			if posts != 1 {
				t.Fatalf("%d executions: the provider retried", posts)
			}
		})
	}
	if New(Options{}).Info().Idempotency != provider.IdemNone {
		t.Fatal("Discord webhooks must declare IdemNone")
	}
}

func TestContractBotInteractionsReplyReact(t *testing.T) {
	f := newFakeDiscord()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	ctx := context.Background()
	acct := connect(t, p, f, f.botToken)
	since := time.Now().Add(-time.Minute)
	out, err := p.Publish(ctx, acct, post("announcement"))
	if err != nil {
		t.Fatal(err)
	}
	id := out[0].ID
	replyID := f.userReply(id, "77", "nice!")
	f.userReply("1", "78", "unrelated reply")
	f.react(id, "🎉", "77")
	f.react(id, "🎉", "79")
	its, err := p.Interactions(ctx, acct, since, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(its) != 3 || its[0].Kind != "reply" || its[0].ID != replyID || its[0].Text != "nice!" || its[0].ParentID != id ||
		its[1].Kind != "reaction" || its[1].Reaction != "🎉" || its[2].AuthorID != "79" {
		t.Fatalf("interactions %+v", its)
	}
	m, err := p.PostMetrics(ctx, acct, out)
	if err != nil || m[id].Likes != 2 {
		t.Fatalf("metrics %+v %v", m, err)
	}
	r1, err := p.Reply(ctx, acct, its[0], "thanks")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := p.Reply(ctx, acct, its[0], "thanks")
	if err != nil || r1.ID != r2.ID || f.msgs[r1.ID].RefID != replyID {
		t.Fatalf("reply %v %v %v", r1, r2, err)
	}
	if err := p.React(ctx, acct, its[0], "+"); err != nil || len(f.msgs[replyID].Reactions["👍"]) != 1 {
		t.Fatalf("react %v", err)
	}
	// Without a bot token, reading is refused with a clear reason.
	_, err = p.Interactions(ctx, connect(t, p, f, ""), since, out)
	if pe := wantTrait(t, err, provider.Permanent); !strings.Contains(pe.Message, "bot token") {
		t.Fatalf("message %q", pe.Message)
	}
}

func TestParseWebhookURL(t *testing.T) {
	for _, ok := range []string{"https://discord.com/api/webhooks/123/abc-_D", "https://discordapp.com/api/v10/webhooks/1/t/", "https://ptb.discord.com/api/webhooks/1/t"} {
		if _, _, err := ParseWebhookURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://discord.com/api/webhooks/1/t", "https://discord.com.evil/api/webhooks/1/t", "https://discord.com/api/webhooks/x/t"} {
		if _, _, err := ParseWebhookURL(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
