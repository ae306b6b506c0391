package bluesky

import (
	"testing"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

func TestRecordKeyIsADeterministicTID(t *testing.T) {
	// 01ARZ3NDEKTSV4RRFFQ69G5FAV is the ULID spec's example: its first 10
	// characters are 1469922850259 ms.
	key := "01arz3ndektsv4rrffq69g5fav"
	k0, err := recordKey(key, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	tid, err := syntax.ParseTID(k0)
	if err != nil {
		t.Fatalf("%q is not a valid TID: %v", k0, err)
	}
	if want := time.UnixMilli(1469922850259).UTC(); !tid.Time().Equal(want) {
		t.Fatalf("TID time %v, want the ULID's %v", tid.Time(), want)
	}
	again, _ := recordKey("01ARZ3NDEKTSV4RRFFQ69G5FAV", time.Time{}, 0)
	k1, _ := recordKey(key, time.Time{}, 1)
	t1, _ := syntax.ParseTID(k1)
	if again != k0 || t1.Time().Sub(tid.Time()) != time.Microsecond || t1.ClockID() != tid.ClockID() || k1 <= k0 {
		t.Fatalf("segments: %s %s %s", k0, k1, again)
	}
	// Another target created in the same millisecond differs in the clock id.
	other, _ := recordKey("01arz3ndektsv4rrffq69g5fax", time.Time{}, 0)
	if other == k0 {
		t.Fatal("keys of the same millisecond must differ")
	}
	for _, bad := range []string{"", "not-a-ulid", "01arz3ndektsv4rrffq69g5fa", "01arz3ndektsv4rrffq69g5fal"} {
		if _, err := recordKey(bad, time.Time{}, 0); err == nil {
			t.Errorf("recordKey(%q) accepted", bad)
		}
	}
	if _, err := recordKey(key, time.Time{}, maxSegments); err == nil {
		t.Error("segment index past the millisecond accepted")
	}
}

func TestAnchoredKey(t *testing.T) {
	p := New(Options{HTTPClient: testClient(), Now: func() time.Time { return time.Unix(1700000000, 0) }})
	parent := "at://did:plc:abc/app.bsky.feed.post/3kabcdefghij2"
	a, b := p.anchoredKey(parent, "did:plc:me", "hello"), p.anchoredKey(parent, "did:plc:me", "hello")
	c := p.anchoredKey(parent, "did:plc:me", "hello!")
	if a != b || a == c {
		t.Fatalf("anchored keys %s %s %s", a, b, c)
	}
	for _, k := range []string{a, c, p.anchoredKey("at://did:plc:abc/app.bsky.feed.post/self", "x")} {
		if _, err := syntax.ParseTID(k); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
}

// Targets created in the same millisecond but claimed at different
// microseconds get different keys whatever their hashes; the claim time is
// the key's time, so a retry with the same claim time repeats the key.
func TestRecordKeyFollowsTheClaimTime(t *testing.T) {
	a, b := "01arz3ndektsv4rrffq69g5fav", "01arz3ndektsv4rrffq69g5fax"
	at := time.Date(2026, 11, 23, 22, 0, 0, 123456000, time.UTC)
	ka, _ := recordKey(a, at, 0)
	kb, _ := recordKey(b, at.Add(40*time.Microsecond), 0)
	again, _ := recordKey(a, at, 0)
	tid, _ := syntax.ParseTID(ka)
	if ka == kb || again != ka || !tid.Time().Equal(at) {
		t.Fatalf("keys %s %s %s, time %v", ka, kb, again, tid.Time())
	}
}
