package telegram

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
	"herald/internal/testenv"
)

func testProvider(f *fakeBotAPI, timeout time.Duration) *Provider {
	return New(Options{BaseURL: f.URL, Client: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: timeout})})
}

func wantTrait(t *testing.T, err error, want provider.Trait) *provider.Error {
	t.Helper()
	return testenv.WantTrait(t, err, Network, want)
}

func connect(t *testing.T, p *Provider, f *fakeBotAPI, chat string) provider.Account {
	t.Helper()
	acct, err := p.Connect(context.Background(), map[string]string{"bot_token": f.token, "chat": chat})
	if err != nil {
		t.Fatal(err)
	}
	return acct
}

func TestContractConnectAndCheck(t *testing.T) {
	f := newFakeBotAPI()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	ctx := context.Background()
	acct := connect(t, p, f, "https://t.me/newschan")
	if acct.RemoteID != "-1001234567890" || acct.Handle != "@newschan" || acct.Settings["chat_id"] != "-1001234567890" ||
		acct.Settings["bot_username"] != "herald_bot" || acct.Credentials["bot_token"] != f.token {
		t.Fatalf("account %+v", acct)
	}
	if st, err := p.Check(ctx, acct); err != nil || !st.OK || st.Handle != "@newschan" {
		t.Fatalf("check %+v %v", st, err)
	}
	if _, err := p.Connect(ctx, map[string]string{"bot_token": f.token, "chat": "-1005555555555"}); err != nil {
		t.Fatalf("group by id: %v", err)
	}
	_, err := p.Connect(ctx, map[string]string{"bot_token": f.token, "chat": "-1009876543210"})
	if pe := wantTrait(t, err, provider.Permanent); pe.Message != "@herald_bot must be an administrator of the channel Quiet" {
		t.Fatalf("message %q", pe.Message)
	}
	_, err = p.Connect(ctx, map[string]string{"bot_token": f.token, "chat": "@nosuchchan"})
	if pe := wantTrait(t, err, provider.Permanent); pe.Message != "Bad Request: chat not found" {
		t.Fatalf("message %q", pe.Message)
	}
	_, err = p.Connect(ctx, map[string]string{"bot_token": "1:wrong", "chat": "@newschan"})
	if pe := wantTrait(t, err, provider.AuthExpired); pe.Message != "Unauthorized" {
		t.Fatalf("message %q", pe.Message)
	}
	// The bot lost its rights after connecting: Check says so.
	f.set(func() { f.chats["@newschan"].BotStatus = "left" })
	st, err := p.Check(ctx, acct)
	if st.OK || !strings.Contains(st.Message, "is not a member of News") || provider.TraitOf(err) != provider.Permanent {
		t.Fatalf("check %+v %v", st, err)
	}
}

func TestContractPublishThreadEscapingAlbums(t *testing.T) {
	f := newFakeBotAPI()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "@newschan")
	img := func(id string) provider.Media {
		return provider.Media{ID: id, ContentType: "image/jpeg", Data: []byte("jpg")}
	}
	long := strings.Repeat("ж", CaptionMax+1)
	var progress []int
	out, err := p.Publish(context.Background(), acct, provider.Post{Key: "t1",
		Segments: []provider.Segment{
			{Text: "Tips & tricks: use <b> for bold, a<b && c>d"},
			{Text: "One photo <caption>", Media: []provider.Media{img("p1")}},
			{Text: "An album", Media: []provider.Media{img("a1"), {ContentType: "video/mp4", Data: []byte("mp4")}, img("a3")}},
			{Text: long, Media: []provider.Media{img("l1")}},
		},
		Progress: func(i int, _ provider.RemotePost) error { progress = append(progress, i); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 4 || len(progress) != 4 {
		t.Fatalf("out %v progress %v", out, progress)
	}
	s := f.sent
	if s[0].Method != "sendMessage" || s[0].Text != "Tips & tricks: use <b> for bold, a<b && c>d" || s[0].ParseMode != "HTML" {
		t.Fatalf("text message %+v", s[0])
	}
	if s[1].Method != "sendPhoto" || s[1].Caption != "One photo <caption>" || s[1].ReplyTo != s[0].ID {
		t.Fatalf("photo %+v", s[1])
	}
	if s[2].Method != "sendMediaGroup" || s[2].Caption != "An album" || s[2].ReplyTo != s[1].ID || s[3].Caption != "" ||
		!strings.HasPrefix(s[3].Files[0], "video=") || len(f.sent) != 7 {
		t.Fatalf("album %+v", s[2:5])
	}
	if out[2].Extra["message_ids"] != strings.Join([]string{itoa(s[2].ID), itoa(s[3].ID), itoa(s[4].ID)}, ",") {
		t.Fatalf("album ids %v", out[2].Extra)
	}
	// The over-long caption became a text message followed by the photo.
	if s[5].Method != "sendMessage" || s[5].Text != long || s[6].Method != "sendPhoto" || s[6].Caption != "" || out[3].ID != itoa(s[5].ID) {
		t.Fatalf("long caption %+v %+v", s[5].Method, s[6])
	}
	if out[0].URL != "https://t.me/newschan/"+out[0].ID || out[0].PublishedAt.IsZero() {
		t.Fatalf("remote %+v", out[0])
	}
	// Delete removes every message of the album.
	if err := p.Delete(context.Background(), acct, out[2]); err != nil || len(f.deleted) != 3 {
		t.Fatalf("delete %v %v", err, f.deleted)
	}
	if err := p.Delete(context.Background(), acct, out[2]); err != nil {
		t.Fatalf("deleting again: %v", err)
	}
}

func TestContractResumeAfterDone(t *testing.T) {
	f := newFakeBotAPI()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "@newschan")
	ctx := context.Background()
	first, err := p.Publish(ctx, acct, provider.Post{Key: "r", Segments: []provider.Segment{{Text: "one"}}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Publish(ctx, acct, provider.Post{Key: "r", Segments: []provider.Segment{{Text: "one"}, {Text: "two"}}, Done: first})
	if err != nil || len(out) != 2 || len(f.sent) != 2 || itoa(f.sent[1].ReplyTo) != first[0].ID {
		t.Fatalf("resume %v %v %+v", out, err, f.sent)
	}
}

func TestContractRateLimited(t *testing.T) {
	f := newFakeBotAPI()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "@newschan")
	f.set(func() { f.faults = []string{"429"} })
	_, err := p.Publish(context.Background(), acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "hi"}}})
	if pe := wantTrait(t, err, provider.RateLimited); pe.RetryAfter != 17*time.Second || !strings.Contains(pe.Message, "retry after 17") {
		t.Fatalf("rate limit %+v", pe)
	}
}

func TestContractAuthExpired(t *testing.T) {
	f := newFakeBotAPI()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "@newschan")
	f.set(func() { f.token = "123456:revoked" }) // the token was revoked in @BotFather
	_, err := p.Publish(context.Background(), acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "hi"}}})
	wantTrait(t, err, provider.AuthExpired)
}

func TestContractRejectedContent(t *testing.T) {
	f := newFakeBotAPI()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	acct := connect(t, p, f, "@newschan")
	ctx := context.Background()
	_, err := p.Publish(ctx, acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: strings.Repeat("a", 4097)}}})
	if pe := wantTrait(t, err, provider.Permanent); pe.Message != "Bad Request: message is too long" || pe.Status != 400 {
		t.Fatalf("too long %+v", pe)
	}
	f.set(func() { f.faults = []string{"403"} })
	_, err = p.Publish(ctx, acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "hi"}}})
	if pe := wantTrait(t, err, provider.Permanent); pe.Message != "Forbidden: bot was kicked from the channel chat" {
		t.Fatalf("kicked %+v", pe)
	}
	_, err = p.Publish(ctx, acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "x",
		Media: []provider.Media{{ContentType: "image/gif", Data: []byte("g")}, {ContentType: "image/png", Data: []byte("p")}}}}})
	wantTrait(t, err, provider.Permanent)
}

// TestContractUnknownOutcome: Telegram stores the message, then the answer
// is lost. Telegram has no idempotency key, so the provider reports Unknown
// (never retries by itself) and declares IdemNone, so the publisher marks
// the target unconfirmed instead of sending it again.
func TestContractUnknownOutcome(t *testing.T) {
	for _, fault := range []string{"drop", "hang", "500"} {
		t.Run(fault, func(t *testing.T) {
			f := newFakeBotAPI()
			defer f.Close()
			p := testProvider(f, 300*time.Millisecond)
			acct := connect(t, p, f, "@newschan")
			f.set(func() { f.faults = []string{fault} })
			before := f.requests
			_, err := p.Publish(context.Background(), acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "once"}}})
			wantTrait(t, err, provider.Unknown)
			if strings.Contains(err.Error(), f.token) {
				t.Fatalf("bot token leaked into the error: %v", err)
			}
			var n int
			f.set(func() { n = f.requests - before })
			if n != 1 {
				t.Fatalf("%d requests: the provider retried on its own", n)
			}
		})
	}
	if New(Options{}).Info().Idempotency != provider.IdemNone {
		t.Fatal("Telegram must declare IdemNone")
	}
}

func TestContractNothingSentIsTransient(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	p := New(Options{BaseURL: "http://" + addr, Client: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: time.Second})})
	acct := provider.Account{Credentials: map[string]string{"bot_token": "1:secret"}, Settings: map[string]string{"chat_id": "1"}}
	_, err := p.Publish(context.Background(), acct, provider.Post{Key: "k", Segments: []provider.Segment{{Text: "hi"}}})
	wantTrait(t, err, provider.Transient)
	if strings.Contains(err.Error(), "1:secret") {
		t.Fatalf("token leaked: %v", err)
	}
}

func TestMessageURL(t *testing.T) {
	for _, c := range [][4]string{{"chan", "-100123", "5", "https://t.me/chan/5"}, {"", "-100123", "5", "https://t.me/c/123/5"}, {"", "-42", "5", ""}} {
		if got := messageURL(c[0], c[1], c[2]); got != c[3] {
			t.Errorf("%v: got %q", c, got)
		}
	}
	if got := EscapeHTML(`<a href="x">&`); got != `&lt;a href="x"&gt;&amp;` {
		t.Errorf("escape %q", got)
	}
}
