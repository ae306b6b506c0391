package webhook

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
	"herald/internal/testenv"
)

// testProvider uses a client that may reach loopback, where the receiver runs.
func testProvider(timeout time.Duration) *Provider {
	return New(Options{Client: httpclient.New(httpclient.Options{AllowPrivate: true, Timeout: timeout})})
}

func setup(t *testing.T, timeout time.Duration) (*Provider, *receiver, provider.Account) {
	t.Helper()
	p := testProvider(timeout)
	acct, err := p.Connect(context.Background(), map[string]string{"url": "http://127.0.0.1:1/hook"})
	if err != nil {
		t.Fatal(err)
	}
	rc := newReceiver(acct.Credentials["secret"])
	t.Cleanup(rc.Close)
	acct.Settings["url"] = rc.URL + "/hook"
	return p, rc, acct
}

func wantTrait(t *testing.T, err error, want provider.Trait) *provider.Error {
	t.Helper()
	return testenv.WantTrait(t, err, Network, want)
}

var thread = provider.Post{Key: "target-42", Segments: []provider.Segment{
	{Text: "Hello \"world\" <3", Media: []provider.Media{{ID: "m1", URL: "https://cdn.example/m1.png", ContentType: "image/png", Alt: "logo", Data: []byte("png")}},
		Link: &provider.LinkCard{URL: "https://example.com", Title: "Example"}},
	{Text: "part two"},
}, Options: map[string]string{"campaign": "spring"}}

func TestContractConnectAndCheck(t *testing.T) {
	p, rc, acct := setup(t, 5*time.Second)
	if !strings.HasPrefix(acct.Credentials["secret"], "whsec_") || len(acct.Credentials["secret"]) != 6+64 {
		t.Fatalf("secret %q", acct.Credentials["secret"])
	}
	if len(acct.Reveal) != 1 {
		t.Fatalf("the signing secret must be revealed once: %v", acct.Reveal)
	}
	for _, v := range acct.Reveal {
		if v != acct.Credentials["secret"] {
			t.Fatalf("revealed %q, stored %q", v, acct.Credentials["secret"])
		}
	}
	other, _ := p.Connect(context.Background(), map[string]string{"url": "https://a.example/h"})
	if other.Credentials["secret"] == acct.Credentials["secret"] {
		t.Fatal("two channels share a secret")
	}
	st, err := p.Check(context.Background(), acct)
	if err != nil || !st.OK || rc.events[0].Type != "ping" {
		t.Fatalf("check %+v %v %+v", st, err, rc.events)
	}
	for _, bad := range []string{"", "ftp://x/y", "https://user:pw@x.example/", "not a url"} {
		if _, err := p.Connect(context.Background(), map[string]string{"url": bad}); provider.TraitOf(err) != provider.Permanent {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
}

func TestContractPublishSignedEvent(t *testing.T) {
	p, rc, acct := setup(t, 5*time.Second)
	var progress []int
	post := thread
	post.Progress = func(i int, _ provider.RemotePost) error { progress = append(progress, i); return nil }
	out, err := p.Publish(context.Background(), acct, post)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || len(progress) != 2 || !strings.HasPrefix(out[0].ID, "item-") || out[0].URL == "" || out[1].ID != out[0].Extra["event_id"]+"/1" {
		t.Fatalf("out %+v", out)
	}
	ev, h := rc.events[0], rc.headers[0]
	if ev.Type != "post.published" || ev.Key != "target-42" || len(ev.Segments) != 2 || ev.Segments[0].Text != "Hello \"world\" <3" ||
		ev.Segments[0].Media[0].URL != "https://cdn.example/m1.png" || ev.Segments[0].Media[0].Bytes != 3 ||
		ev.Segments[0].Link.Title != "Example" || ev.Options["campaign"] != "spring" {
		t.Fatalf("event %+v", ev)
	}
	if h.Get("Herald-Event-Id") != ev.ID || h.Get("Idempotency-Key") != ev.ID || !strings.HasPrefix(h.Get("Herald-Signature"), "t=") {
		t.Fatalf("headers %v", h)
	}
	if err := p.Delete(context.Background(), acct, out[0]); err != nil || rc.events[1].Type != "post.deleted" || rc.events[1].RemoteID != out[0].ID {
		t.Fatalf("delete %v %+v", err, rc.events)
	}
}

func TestContractRateLimited(t *testing.T) {
	p, rc, acct := setup(t, 5*time.Second)
	rc.set(func() { rc.fault = "429" })
	_, err := p.Publish(context.Background(), acct, thread)
	if pe := wantTrait(t, err, provider.RateLimited); pe.RetryAfter != 12*time.Second {
		t.Fatalf("retry after %v", pe.RetryAfter)
	}
}

func TestContractAuthExpired(t *testing.T) {
	p, _, acct := setup(t, 5*time.Second)
	acct.Credentials["secret"] = "whsec_rotated_on_the_receiver" // signatures no longer verify
	_, err := p.Publish(context.Background(), acct, thread)
	if pe := wantTrait(t, err, provider.AuthExpired); pe.Message != ErrBadSignature.Error() {
		t.Fatalf("message %q", pe.Message)
	}
}

func TestContractRejectedContent(t *testing.T) {
	p, rc, acct := setup(t, 5*time.Second)
	rc.set(func() { rc.fault = "422" })
	_, err := p.Publish(context.Background(), acct, thread)
	if pe := wantTrait(t, err, provider.Permanent); pe.Message != "text must mention a product" || pe.Status != 422 {
		t.Fatalf("message %q", pe.Message)
	}
}

// TestContractUnknownOutcome: the receiver stores the event and the answer
// is lost. The provider says Unknown; a retry with the same Key carries the
// same event id, so the receiver (deduplicating as documented) keeps one.
func TestContractUnknownOutcome(t *testing.T) {
	for _, fault := range []string{"drop", "hang", "500"} {
		t.Run(fault, func(t *testing.T) {
			p, rc, acct := setup(t, 300*time.Millisecond)
			rc.set(func() { rc.fault = fault })
			_, err := p.Publish(context.Background(), acct, thread)
			wantTrait(t, err, provider.Unknown)
			rc.set(func() { rc.fault = "" })
			if _, err := p.Publish(context.Background(), acct, thread); err != nil {
				t.Fatal(err)
			}
			if len(rc.events) != 1 {
				t.Fatalf("%d events stored after retry", len(rc.events))
			}
			first := rc.headers[0].Get("Herald-Event-Id")
			for _, h := range rc.headers {
				if h.Get("Herald-Event-Id") != first {
					t.Fatalf("retry used another event id")
				}
			}
		})
	}
}

func TestContractSSRFGuard(t *testing.T) {
	_, rc, acct := setup(t, 5*time.Second)
	p := New(Options{Client: httpclient.New(httpclient.Options{})}) // production client: no private addresses
	_, err := p.Publish(context.Background(), acct, thread)
	pe := wantTrait(t, err, provider.Permanent)
	if !errors.Is(pe, httpclient.ErrPrivateAddress) || rc.attempts != 0 {
		t.Fatalf("private address reached: %v (%d attempts)", err, rc.attempts)
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(1750000000, 0)
	body := []byte(`{"id":"evt_1"}`)
	h := Sign("s3cret", now, body)
	if err := verifyAt("s3cret", h, body, time.Minute, now.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		secret, header string
		body           []byte
		at             time.Time
		want           error
	}{
		"tampered body": {"s3cret", h, []byte(`{"id":"evt_2"}`), now, ErrBadSignature},
		"wrong secret":  {"other", h, body, now, ErrBadSignature},
		"replayed late": {"s3cret", h, body, now.Add(2 * time.Minute), ErrTooOld},
		"from future":   {"s3cret", h, body, now.Add(-2 * time.Minute), ErrTooOld},
		"no header":     {"s3cret", "", body, now, ErrNoSignature},
		"no v1":         {"s3cret", "t=1750000000", body, now, ErrNoSignature},
		"bad t":         {"s3cret", "t=soon,v1=ab", body, now, ErrNoSignature},
	}
	for name, c := range cases {
		if err := verifyAt(c.secret, c.header, c.body, time.Minute, c.at); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v want %v", name, err, c.want)
		}
	}
	// During rotation the header carries both signatures; either secret verifies.
	rot := h + ",v1=" + mac("next", "1750000000", body)
	if verifyAt("next", rot, body, 0, now) != nil || verifyAt("s3cret", rot, body, 0, now) != nil {
		t.Fatal("rotation header rejected")
	}
	if !bytes.Contains([]byte(h), []byte("t=1750000000,v1=")) {
		t.Fatalf("header format %q", h)
	}
}
