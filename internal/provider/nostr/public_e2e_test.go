package nostr

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nbd-wtf/go-nostr/nip19"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
	"herald/internal/testenv"
)

// A competitor's key on the local relay, read through a workspace
// channel's relays: metadata, notes since a time with the fan's like,
// reply and repost, and one follower (a lower bound, labelled so).
func TestE2EPublicAccountOnRelay(t *testing.T) {
	env := testenv.Peer(t, "nostr", "NOSTR_RELAY_URL", "NOSTR_ALICE_SK")
	relayURL := env["NOSTR_RELAY_URL"]
	if !strings.HasPrefix(relayURL, "ws://127.0.0.1:") {
		t.Fatalf("refusing non-loopback relay %q", relayURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now().Add(-time.Minute)
	probe, err := testenv.DialNostr(ctx, relayURL)
	if err != nil {
		testenv.Missing(t, fmt.Sprintf("relay %s is not answering: %v", relayURL, err))
	}
	defer probe.Close()
	fx := testenv.PublishNostrAudience(t, ctx, probe, relayURL)
	p := New(Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true}), AllowPrivate: true})
	via := connect(t, p, env["NOSTR_ALICE_SK"], relayURL)

	npub, _ := nip19.EncodePublicKey(fx.Account)
	for _, handle := range []string{npub, fx.Account, "nostr:" + npub} {
		got, err := p.LookupPublicAccount(ctx, via, handle)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != fx.Account || got.Handle != npub || got.Name != "Rival Co" || got.Avatar != "https://rival.example/a.png" {
			t.Fatalf("lookup %q: %+v", handle, got)
		}
	}
	read, err := p.ReadPublicAccount(ctx, via, fx.Account, start)
	if err != nil {
		t.Fatal(err)
	}
	if read.Followers != provider.Known(1) || !read.FollowersLowerBound || read.Posts.Known || len(read.Recent) != 2 {
		t.Fatalf("read %+v", read)
	}
	for _, pp := range read.Recent {
		want := provider.Known(0)
		if pp.ID == fx.Notes[0] {
			want = provider.Known(1)
		}
		if pp.Likes != want || pp.Replies != want || pp.Reposts != want || pp.Quotes.Known {
			t.Fatalf("note %s read as %+v", pp.ID, pp)
		}
	}
}
