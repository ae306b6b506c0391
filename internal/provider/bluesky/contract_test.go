package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/testenv"
)

// harness is a fake PDS with alice (the connected account) and bob.
type harness struct {
	f          *fakePDS
	p          *Provider
	alice, bob *fakeAccount
	acct       provider.Account
}

func newHarness(t *testing.T, timeout time.Duration) *harness {
	t.Helper()
	f := newFakePDS(t)
	h := &harness{f: f, alice: f.addAccount("alice.test"), bob: f.addAccount("bob.test")}
	h.p = New(Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: timeout}), DefaultService: f.srv.URL})
	acct, err := h.p.Connect(context.Background(), map[string]string{"identifier": "alice.test", "app_password": h.alice.appPassword})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	h.acct = acct
	return h
}

// wantTrait fails unless err is a provider.Error with trait tr.
func wantTrait(t *testing.T, err error, want provider.Trait) *provider.Error {
	t.Helper()
	return testenv.WantTrait(t, err, Network, want)
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 13), uint8((x ^ y) * 31), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// storedPost is a post record as the fake stored it.
type storedPost struct {
	Text   string
	Langs  []string
	Facets []struct {
		Index    struct{ ByteStart, ByteEnd int }
		Features []map[string]any
	}
	Reply *struct{ Root, Parent struct{ URI, CID string } }
	Embed map[string]any
}

func decodePost(t *testing.T, raw json.RawMessage) storedPost {
	t.Helper()
	var p storedPost
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestContractConnect(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	if h.acct.RemoteID != h.alice.did || h.acct.Handle != "@alice.test" || h.acct.Settings[SettingService] != h.f.srv.URL ||
		h.acct.Credentials[CredAccessJWT] == "" || h.acct.Credentials[CredRefreshJWT] == "" {
		t.Fatalf("account = %+v", h.acct)
	}
	if _, ok := h.acct.Credentials["app_password"]; ok {
		t.Fatal("the app password must not be stored")
	}
	ctx := context.Background()
	_, err := h.p.Connect(ctx, map[string]string{"identifier": "alice.test", "app_password": "wrong"})
	if pe := wantTrait(t, err, provider.AuthExpired); !strings.Contains(pe.Message, "Invalid identifier or password") {
		t.Fatalf("message = %q", pe.Message)
	}
	_, err = h.p.Connect(ctx, map[string]string{"identifier": "alice.test", "app_password": h.alice.password})
	if pe := wantTrait(t, err, provider.Permanent); !strings.Contains(pe.Message, "app password") {
		t.Fatalf("main password: %q", pe.Message)
	}
	if h.f.count("com.atproto.server.deleteSession") != 1 {
		t.Fatal("the session opened with the account password must be ended")
	}
	_, err = h.p.Connect(ctx, map[string]string{"identifier": "not a handle", "app_password": "x"})
	wantTrait(t, err, provider.Permanent)
	_, err = h.p.Connect(ctx, map[string]string{"identifier": "alice.test", "app_password": "x", SettingService: "ftp://x"})
	wantTrait(t, err, provider.Permanent)
	st, err := h.p.Check(ctx, h.acct)
	if err != nil || !st.OK || st.Handle != "@alice.test" {
		t.Fatalf("check = %+v, %v", st, err)
	}
}

func TestContractPublishThreadWithFacetsImagesAndCard(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	key := ids.New()
	texts := []string{
		"Grüße 👋🏽 @bob.test and @nobody.example, see https://example.com/ü?a=1 #café",
		"part two, link card below: example.org/page",
		"part three #herald",
	}
	var progress []string
	post := provider.Post{Key: key, Options: map[string]string{"langs": "de,en"}, Segments: []provider.Segment{
		{Text: texts[0], Media: []provider.Media{{ID: "m1", ContentType: "image/png", Data: pngBytes(t, 2200, 550), Alt: "a gradient"}}},
		{Text: texts[1], Link: &provider.LinkCard{URL: "https://example.org/page", Title: "Page", Description: "A page",
			Thumb: &provider.Media{ID: "t", ContentType: "image/png", Data: pngBytes(t, 40, 20)}}},
		{Text: texts[2]},
	}, Progress: func(i int, rp provider.RemotePost) error { progress = append(progress, rp.ID); return nil }}
	out, err := h.p.Publish(context.Background(), h.acct, post)
	if err != nil {
		t.Fatal(err)
	}
	recs := h.f.records(h.alice.did, collPost)
	if len(out) != 3 || len(recs) != 3 || len(progress) != 3 {
		t.Fatalf("out=%d records=%d progress=%d", len(out), len(recs), len(progress))
	}
	for i, rp := range out {
		rkey, _ := recordKey(key, time.Time{}, i)
		if rp.ID != "at://"+h.alice.did+"/app.bsky.feed.post/"+rkey || progress[i] != rp.ID || rp.Extra["cid"] != recs[i].cid || recs[i].rkey != rkey {
			t.Fatalf("segment %d: %+v (record %s)", i, rp, recs[i].rkey)
		}
		got := decodePost(t, recs[i].value)
		if got.Text != texts[i] || strings.Join(got.Langs, ",") != "de,en" {
			t.Fatalf("segment %d text %q langs %v", i, got.Text, got.Langs)
		}
		if i > 0 && (got.Reply == nil || got.Reply.Root.URI != out[0].ID || got.Reply.Root.CID != out[0].Extra["cid"] ||
			got.Reply.Parent.URI != out[i-1].ID || got.Reply.Parent.CID != out[i-1].Extra["cid"]) {
			t.Fatalf("segment %d reply refs %+v", i, got.Reply)
		}
	}
	first := decodePost(t, recs[0].value)
	want := map[string]string{"@bob.test": h.bob.did, "https://example.com/ü?a=1": "https://example.com/ü?a=1", "#café": "café"}
	if len(first.Facets) != len(want) {
		t.Fatalf("facets %+v", first.Facets)
	}
	for _, fc := range first.Facets {
		sub := texts[0][fc.Index.ByteStart:fc.Index.ByteEnd]
		feat := fc.Features[0]
		val := feat["did"]
		if val == nil {
			val = feat["uri"]
		}
		if val == nil {
			val = feat["tag"]
		}
		if want[sub] != val {
			t.Errorf("facet over %q = %v, want %q", sub, feat, want[sub])
		}
	}
	imgs := first.Embed["images"].([]any)
	im := imgs[0].(map[string]any)
	ar := im["aspectRatio"].(map[string]any)
	if im["alt"] != "a gradient" || ar["width"].(float64) != 2000 || ar["height"].(float64) != 500 {
		t.Fatalf("image embed %v", im)
	}
	card := decodePost(t, recs[1].value).Embed
	if card["$type"] != "app.bsky.embed.external" || card["external"].(map[string]any)["thumb"] == nil {
		t.Fatalf("link card %v", card)
	}
	if second := decodePost(t, recs[1].value); len(second.Facets) != 1 || second.Facets[0].Features[0]["uri"] != "https://example.org/page" {
		t.Fatalf("scheme-less link facet %+v", second.Facets)
	}
}

func TestContractPublishResumesAfterDone(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	key := ids.New()
	segs := []provider.Segment{{Text: "one"}, {Text: "two"}, {Text: "three"}}
	first, err := h.p.Publish(context.Background(), h.acct, provider.Post{Key: key, Segments: segs[:1]})
	if err != nil {
		t.Fatal(err)
	}
	done := first[0]
	done.Extra = nil // an earlier attempt that kept only the URI: the CID is read back
	out, err := h.p.Publish(context.Background(), h.acct, provider.Post{Key: key, Segments: segs, Done: []provider.RemotePost{done}})
	if err != nil {
		t.Fatal(err)
	}
	recs := h.f.records(h.alice.did, collPost)
	if len(out) != 3 || len(recs) != 3 || h.f.count("com.atproto.repo.createRecord") != 3 {
		t.Fatalf("out=%d records=%d creates=%d", len(out), len(recs), h.f.count("com.atproto.repo.createRecord"))
	}
	third := decodePost(t, recs[2].value)
	if third.Reply.Root.URI != first[0].ID || third.Reply.Root.CID != first[0].Extra["cid"] || third.Reply.Parent.URI != out[1].ID {
		t.Fatalf("reply refs after resume: %+v", third.Reply)
	}
}

func TestContractRateLimited(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	reset := time.Now().Add(42 * time.Second).Unix()
	// https://docs.bsky.app/docs/advanced-guides/rate-limits: RateLimit-* headers, 429 RateLimitExceeded.
	h.f.fail(fault{nsid: "com.atproto.repo.createRecord", status: 429, code: "RateLimitExceeded", message: "Rate Limit Exceeded",
		header: map[string]string{"RateLimit-Limit": "5000", "RateLimit-Remaining": "0", "RateLimit-Reset": strconv.FormatInt(reset, 10), "RateLimit-Policy": "5000;w=3600"}})
	_, err := h.p.Publish(context.Background(), h.acct, provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: "hi"}}})
	pe := wantTrait(t, err, provider.RateLimited)
	if pe.RetryAfter < 30*time.Second || pe.RetryAfter > 43*time.Second || pe.Message != "Rate Limit Exceeded" {
		t.Fatalf("retry after %v, message %q", pe.RetryAfter, pe.Message)
	}
	h.f.fail(fault{nsid: "app.bsky.actor.getProfile", status: 429, code: "RateLimitExceeded", message: "Rate Limit Exceeded", header: map[string]string{"Retry-After": "7"}})
	_, err = h.p.AccountMetrics(context.Background(), h.acct)
	if pe := wantTrait(t, err, provider.RateLimited); pe.RetryAfter != 7*time.Second {
		t.Fatalf("Retry-After: %v", pe.RetryAfter)
	}
}

func TestContractExpiredAuthAndRefresh(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	ctx := context.Background()
	h.f.expireAccess(h.alice.did)
	post := provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: "after refresh"}}}
	_, err := h.p.Publish(ctx, h.acct, post)
	if pe := wantTrait(t, err, provider.AuthExpired); !strings.Contains(pe.Message, "Token has expired") {
		t.Fatalf("message %q", pe.Message)
	}
	_, err = h.p.Check(ctx, h.acct)
	wantTrait(t, err, provider.AuthExpired)
	creds, exp, err := h.p.RefreshAuth(ctx, h.acct)
	if err != nil {
		t.Fatal(err)
	}
	if creds[CredAccessJWT] == h.acct.Credentials[CredAccessJWT] || creds[CredRefreshJWT] == "" || creds[CredRefreshJWT] == h.acct.Credentials[CredRefreshJWT] ||
		exp.Before(time.Now().Add(time.Hour)) {
		t.Fatalf("refreshed creds %v exp %v", creds, exp)
	}
	old := h.acct
	h.acct.Credentials = creds
	if _, err := h.p.Publish(ctx, h.acct, post); err != nil {
		t.Fatal(err)
	}
	_, _, err = h.p.RefreshAuth(ctx, old) // the rotated-out refresh token
	wantTrait(t, err, provider.AuthExpired)
	// A PDS answer without a refresh token keeps the stored one.
	h.f.fail(fault{nsid: "com.atproto.server.refreshSession", status: 200, body: map[string]any{"did": h.alice.did, "handle": "alice.test", "accessJwt": "a.b.c"}})
	kept, _, err := h.p.RefreshAuth(ctx, h.acct)
	if err != nil || kept[CredRefreshJWT] != creds[CredRefreshJWT] || kept[CredAccessJWT] != "a.b.c" {
		t.Fatalf("refresh without refreshJwt: %v %v", kept, err)
	}
	h.f.revokeRefresh()
	_, _, err = h.p.RefreshAuth(ctx, h.acct)
	wantTrait(t, err, provider.AuthExpired)
}

func TestContractRejectedContent(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	ctx := context.Background()
	msg := "Invalid app.bsky.feed.post record: Record/embed/images/0/alt must be a string"
	h.f.fail(fault{nsid: "com.atproto.repo.createRecord", status: 400, code: "InvalidRequest", message: msg})
	_, err := h.p.Publish(ctx, h.acct, provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: "refused"}}})
	if pe := wantTrait(t, err, provider.Permanent); pe.Message != msg || pe.Status != 400 {
		t.Fatalf("message %q status %d", pe.Message, pe.Status)
	}
	creates := h.f.count("com.atproto.repo.createRecord")
	long := strings.Repeat("é", 301)
	_, err = h.p.Publish(ctx, h.acct, provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: "ok"}, {Text: long}}})
	if pe := wantTrait(t, err, provider.Permanent); !strings.Contains(pe.Message, "301 of 300") {
		t.Fatalf("too long: %q", pe.Message)
	}
	bytesLong := strings.Repeat("👩‍👩‍👧‍👦", 121) // 121 graphemes, 3025 bytes
	_, err = h.p.Publish(ctx, h.acct, provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: bytesLong}}})
	wantTrait(t, err, provider.Permanent)
	if h.f.count("com.atproto.repo.createRecord") != creates || len(h.f.records(h.alice.did, collPost)) != 0 {
		t.Fatal("text over the limits must be refused before anything is sent")
	}
	_, err = h.p.Publish(ctx, h.acct, provider.Post{Key: "not-a-ulid", Segments: []provider.Segment{{Text: "x"}}})
	if err == nil {
		t.Fatal("a key that is not a ULID must be refused")
	}
}
