package nostr

import (
	"context"
	"slices"
	"testing"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"

	"herald/internal/provider"
)

// A NIP-09 deletion request counts for the author's own events only.
func TestContractDeletedHonoursOnlyTheAuthor(t *testing.T) {
	relay := newFakeRelay(t)
	p := newTestProvider(t)
	acct := connect(t, p, gonostr.GeneratePrivateKey(), relay.URL)
	bob, mallory := gonostr.GeneratePrivateKey(), gonostr.GeneratePrivateKey()
	now := time.Now()
	kept := signed(t, bob, 1, "still here", now, gonostr.Tag{"p", acct.RemoteID})
	taken := signed(t, bob, 1, "oops, typo", now, gonostr.Tag{"p", acct.RemoteID})
	forged := signed(t, mallory, 5, "", now, gonostr.Tag{"e", kept.ID})
	own := signed(t, bob, 5, "typo", now.Add(time.Second), gonostr.Tag{"e", taken.ID}, gonostr.Tag{"k", "1"})
	for _, ev := range []gonostr.Event{kept, taken, forged, own} {
		relay.put(ev)
	}
	never := signed(t, bob, 1, "only ever on a relay Herald no longer reads", now, gonostr.Tag{"p", acct.RemoteID})
	items := []provider.Interaction{{ID: kept.ID, AuthorID: kept.PubKey}, {ID: taken.ID, AuthorID: taken.PubKey}, {ID: never.ID, AuthorID: never.PubKey}}
	got, err := p.Deleted(context.Background(), acct, items)
	if err != nil {
		t.Fatal(err)
	}
	// The forged request leaves kept alone; never is on no relay that
	// answered in full, which is what a relay that drops deleted events
	// without keeping the request shows.
	if !slices.Equal(got, []string{taken.ID, never.ID}) {
		t.Fatalf("deleted = %v, want %s and %s (the forged request names %s)", got, taken.ID, never.ID, kept.ID)
	}
	if got, err := p.Deleted(context.Background(), acct, nil); err != nil || len(got) != 0 {
		t.Fatalf("nothing to check: %v, %v", got, err)
	}

	// With a relay that does not answer, absence proves nothing: only
	// the deletion request counts.
	down := newFakeRelay(t)
	down.status429 = "30"
	acct2 := connect(t, p, gonostr.GeneratePrivateKey(), relay.URL, down.URL)
	got, err = p.Deleted(context.Background(), acct2, items)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{taken.ID}) {
		t.Fatalf("with a relay down: deleted = %v, want only %s", got, taken.ID)
	}
}
