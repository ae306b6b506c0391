package matrix

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/testenv"
)

const (
	alice = "@alice:fake.test"
	bob   = "@bob:fake.test"
	news  = "!news:fake.test"
)

// setup returns a fake homeserver with alice (invited to #news, power 100)
// and bob (joined), and alice's channel connected by alias.
func setup(t *testing.T) (*fakeHS, *Provider, provider.Account) {
	t.Helper()
	h := newFakeHS(t)
	h.addUser(alice, "alice-token")
	h.addUser(bob, "bob-token")
	h.addRoom(news, "#news:fake.test", map[string]string{alice: "invite", bob: "join"}, map[string]int{alice: 100})
	p := New(Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: 5 * time.Second})})
	acct, err := p.Connect(context.Background(), map[string]string{"homeserver": h.URL + "/", "access_token": "alice-token", "room": "#news:fake.test"})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return h, p, acct
}

func wantTrait(t *testing.T, err error, want provider.Trait) *provider.Error {
	t.Helper()
	return testenv.WantTrait(t, err, Network, want)
}

var pngBytes = []byte("\x89PNG\r\n\x1a\n fake image bytes")

func announcement(key string) provider.Post {
	return provider.Post{Key: key, Segments: []provider.Segment{
		{Text: "Launch <today>! See [the notes](https://example.org/notes) & **join** us",
			Media: []provider.Media{{ID: "m1", ContentType: "image/png", Data: pngBytes, Alt: "A rocket on the pad", Width: 800, Height: 600}}},
		{Text: "Part two"},
		{Text: "Part three"},
	}}
}

func contentOf(ev map[string]any) map[string]any { c, _ := ev["content"].(map[string]any); return c }

func TestContractConnectAndCheck(t *testing.T) {
	h, p, acct := setup(t)
	ctx := context.Background()
	if acct.RemoteID != news || acct.Settings[settingUserID] != alice || acct.Settings[settingHS] != h.URL {
		t.Errorf("account %+v", acct)
	}
	if h.rooms[news].members[alice] != "join" {
		t.Error("connect did not join the room alice was invited to")
	}
	st, err := p.Check(ctx, acct)
	if err != nil || !st.OK || st.Handle != alice {
		t.Errorf("check: %+v %v", st, err)
	}

	// Password login keeps only the token.
	h.addRoom("!open:fake.test", "", map[string]string{"@carol:fake.test": "join"}, map[string]int{"@carol:fake.test": 10})
	carol, err := p.Connect(ctx, map[string]string{"homeserver": h.URL, "user_id": "@carol:fake.test", "password": "correct horse", "room": "!open:fake.test"})
	if err != nil || carol.Credentials[credToken] != "token-for-@carol:fake.test" || carol.Credentials["password"] != "" {
		t.Errorf("password login: %+v %v", carol, err)
	}
	_, err = p.Connect(ctx, map[string]string{"homeserver": h.URL, "user_id": "@carol:fake.test", "password": "wrong", "room": "!open:fake.test"})
	if e := wantTrait(t, err, provider.AuthExpired); e.Message != "Invalid username or password" {
		t.Errorf("message %q", e.Message)
	}

	// Not invited, not allowed to post, no such alias: the server's words.
	h.addUser("@dave:fake.test", "dave-token")
	h.addRoom("!closed:fake.test", "", map[string]string{}, nil)
	_, err = p.Connect(ctx, map[string]string{"homeserver": h.URL, "access_token": "dave-token", "room": "!closed:fake.test"})
	if e := wantTrait(t, err, provider.Permanent); e.Message != "You are not invited to this room." {
		t.Errorf("message %q", e.Message)
	}
	h.addRoom("!quiet:fake.test", "", map[string]string{"@dave:fake.test": "join"}, map[string]int{})
	_, err = p.Connect(ctx, map[string]string{"homeserver": h.URL, "access_token": "dave-token", "room": "!quiet:fake.test"})
	if e := wantTrait(t, err, provider.Permanent); !strings.Contains(e.Message, "power level 0") {
		t.Errorf("message %q", e.Message)
	}
	_, err = p.Connect(ctx, map[string]string{"homeserver": h.URL, "access_token": "dave-token", "room": "#nope:fake.test"})
	wantTrait(t, err, provider.Permanent)
	for _, bad := range []map[string]string{
		{"homeserver": "ftp://x", "access_token": "t", "room": news},
		{"homeserver": h.URL, "access_token": "t", "room": "news"},
		{"homeserver": h.URL, "room": news},
	} {
		if _, err := p.Connect(ctx, bad); provider.TraitOf(err) != provider.Permanent {
			t.Errorf("%v: got %v", bad, err)
		}
	}

	lim, err := p.RefreshLimits(ctx, acct)
	if err != nil || lim.ImageMaxBytes != 1<<20 {
		t.Errorf("limits %d %v", lim.ImageMaxBytes, err)
	}
	h.oldMedia, h.maxBytes = true, 2<<20
	if lim, err = p.RefreshLimits(ctx, acct); err != nil || lim.ImageMaxBytes != 2<<20 {
		t.Errorf("limits from /_matrix/media/v3/config: %d %v", lim.ImageMaxBytes, err)
	}
}

func TestContractPublishAnnouncementAndThread(t *testing.T) {
	h, p, acct := setup(t)
	key := ids.New()
	var progressed []int
	post := announcement(key)
	post.Progress = func(i int, _ provider.RemotePost) error { progressed = append(progressed, i); return nil }
	out, err := p.Publish(context.Background(), acct, post)
	if err != nil || len(out) != 3 || len(progressed) != 3 {
		t.Fatalf("publish: %v %v %v", out, progressed, err)
	}
	msgs := h.timeline(news, "m.room.message")
	if len(msgs) != 4 {
		t.Fatalf("room has %d messages, want text + image + 2 thread parts", len(msgs))
	}
	text, img := contentOf(msgs[0]), contentOf(msgs[1])
	if msgs[0]["event_id"] != out[0].ID || out[0].Extra["event_ids"] != out[0].ID+" "+msgs[1]["event_id"].(string) {
		t.Errorf("segment 1 ids %q %q", out[0].ID, out[0].Extra["event_ids"])
	}
	if text["msgtype"] != "m.text" || text["body"] != "Launch <today>! See the notes (https://example.org/notes) & **join** us" ||
		text["format"] != "org.matrix.custom.html" ||
		text["formatted_body"] != `Launch &lt;today&gt;! See <a href="https://example.org/notes">the notes</a> &amp; <strong>join</strong> us` {
		t.Errorf("text content %v", text)
	}
	if text[keyField] != key || text[segmentField] != float64(0) {
		t.Errorf("text lacks the Herald key: %v", text)
	}
	info, _ := img["info"].(map[string]any)
	if img["msgtype"] != "m.image" || img["body"] != "A rocket on the pad" || info["mimetype"] != "image/png" ||
		info["size"] != float64(len(pngBytes)) || info["w"] != float64(800) || info["h"] != float64(600) {
		t.Errorf("image content %v", img)
	}
	if uri, _ := img["url"].(string); !bytes.Equal(h.media[uri], pngBytes) {
		t.Errorf("image url %q does not hold the uploaded bytes", uri)
	}
	for i, ev := range msgs[2:] {
		rel, _ := contentOf(ev)["m.relates_to"].(map[string]any)
		reply, _ := rel["m.in_reply_to"].(map[string]any)
		wantPrev := msgs[i+1]["event_id"]
		if rel["rel_type"] != "m.thread" || rel["event_id"] != out[0].ID || rel["is_falling_back"] != true || reply["event_id"] != wantPrev {
			t.Errorf("thread part %d relation %v", i+2, rel)
		}
	}

	// The same key again: the homeserver answers every PUT with the event
	// its transaction id already made.
	again, err := p.Publish(context.Background(), acct, announcement(key))
	if err != nil || again[2].ID != out[2].ID {
		t.Fatalf("republish: %v %v", again, err)
	}
	if n := len(h.timeline(news, "m.room.message")); n != 4 {
		t.Errorf("room has %d messages after republishing, want 4", n)
	}
	// Resuming after the first segment sends only the rest.
	post = announcement(ids.New())
	first, _ := p.Publish(context.Background(), acct, provider.Post{Key: post.Key, Segments: post.Segments[:1]})
	post.Done = first
	rest, err := p.Publish(context.Background(), acct, post)
	if err != nil || len(rest) != 3 || rest[0].ID != first[0].ID {
		t.Fatalf("resume: %v %v", rest, err)
	}
	if n := len(h.timeline(news, "m.room.message")); n != 8 {
		t.Errorf("room has %d messages after the resumed post, want 8", n)
	}
}

func TestContractRateLimited(t *testing.T) {
	h, p, acct := setup(t)
	h.fail = func(w http.ResponseWriter, r *http.Request) bool {
		// "Rate limiting": 429 M_LIMIT_EXCEEDED with Retry-After (v1.10+) and retry_after_ms.
		w.Header().Set("Retry-After", "7")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests", "retry_after_ms": 2500})
		return true
	}
	_, err := p.Publish(context.Background(), acct, announcement(ids.New()))
	if e := wantTrait(t, err, provider.RateLimited); e.RetryAfter != 7*time.Second {
		t.Errorf("RetryAfter = %s, want 7s from Retry-After", e.RetryAfter)
	}
	h.fail = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests", "retry_after_ms": 2500})
		return true
	}
	_, err = p.Interactions(context.Background(), acct, time.Now().Add(-time.Hour), nil)
	if e := wantTrait(t, err, provider.RateLimited); e.RetryAfter != 2500*time.Millisecond {
		t.Errorf("RetryAfter = %s, want 2.5s from retry_after_ms", e.RetryAfter)
	}
}

func TestContractExpiredAuth(t *testing.T) {
	h, p, acct := setup(t)
	h.mu.Lock()
	delete(h.tokens, "alice-token") // logged out elsewhere, or the token was revoked
	h.mu.Unlock()
	_, err := p.Publish(context.Background(), acct, announcement(ids.New()))
	if e := wantTrait(t, err, provider.AuthExpired); e.Message != "Invalid access token passed." {
		t.Errorf("message %q", e.Message)
	}
	st, err := p.Check(context.Background(), acct)
	wantTrait(t, err, provider.AuthExpired)
	if st.OK {
		t.Error("check reports OK with a revoked token")
	}
}

func TestContractRejectedContent(t *testing.T) {
	h, p, acct := setup(t)
	h.fail = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPut {
			return false
		}
		writeErr(w, http.StatusForbidden, "M_FORBIDDEN", "This message was blocked by the room's spam policy")
		return true
	}
	_, err := p.Publish(context.Background(), acct, announcement(ids.New()))
	if e := wantTrait(t, err, provider.Permanent); e.Message != "This message was blocked by the room's spam policy" || e.Status != 403 {
		t.Errorf("got %+v", e)
	}
	h.fail = nil
	h.maxBytes = 4
	_, err = p.Publish(context.Background(), acct, announcement(ids.New()))
	if e := wantTrait(t, err, provider.Permanent); e.Message != "Cannot upload files larger than 4 bytes" {
		t.Errorf("message %q", e.Message)
	}
	if n := len(h.timeline(news, "m.room.message")); n != 0 {
		t.Errorf("%d messages sent although the image was refused", n)
	}
}

func TestContractUnknownOutcome(t *testing.T) {
	h, p, acct := setup(t)
	key := ids.New()
	post := announcement(key)
	post.Segments = post.Segments[1:2]
	h.drop = 1 // the event is stored, then the connection drops
	_, err := p.Publish(context.Background(), acct, post)
	wantTrait(t, err, provider.Unknown)
	if n := len(h.timeline(news, "m.room.message")); n != 1 {
		t.Fatalf("room has %d messages, want 1", n)
	}
	stored := h.timeline(news, "m.room.message")[0]["event_id"]

	// Within the homeserver's transaction memory a retry is answered with
	// the same event.
	out, err := p.Publish(context.Background(), acct, post)
	if err != nil || out[0].ID != stored {
		t.Fatalf("retry: %v %v", out, err)
	}
	// After the server forgot the transaction, the key in the content finds it.
	h.mu.Lock()
	h.txns = map[string]string{}
	h.mu.Unlock()
	found, ok, err := p.FindByKey(context.Background(), acct, provider.Post{Key: key}, 0)
	if err != nil || !ok || found.ID != stored {
		t.Fatalf("find by key: %+v %v %v", found, ok, err)
	}
	if _, ok, _ := p.FindByKey(context.Background(), acct, provider.Post{Key: key}, 1); ok {
		t.Error("found a segment that was never sent")
	}
	if n := len(h.timeline(news, "m.room.message")); n != 1 {
		t.Errorf("room has %d messages, want 1", n)
	}

	// A homeserver that stores the event but answers after the client gave up.
	impatient := New(Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: 200 * time.Millisecond})})
	h.setSlow(time.Second)
	_, err = impatient.Publish(context.Background(), acct, provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: "slow"}}})
	wantTrait(t, err, provider.Unknown)
	h.setSlow(0)
	if n := len(h.timeline(news, "m.room.message")); n != 2 {
		t.Errorf("room has %d messages, want 2", n)
	}

	// A 502 from a proxy: a send may have happened (Unknown), a read did not
	// change anything (Transient).
	h.fail = func(w http.ResponseWriter, r *http.Request) bool {
		writeErr(w, http.StatusBadGateway, "M_UNKNOWN", "upstream timed out")
		return true
	}
	_, err = p.Publish(context.Background(), acct, provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: "x"}}})
	wantTrait(t, err, provider.Unknown)
	_, err = p.RecentPosts(context.Background(), acct, 5)
	wantTrait(t, err, provider.Transient)
}
