package testenv

import (
	"context"
	"testing"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"
)

// NostrAudience is an account someone follows, on a relay, with fresh keys
// so each run counts only its own events: the account publishes metadata
// (display name "Rival Co") and two notes; a fan likes the first, replies
// to it, reposts it and publishes a contact list following the account.
type NostrAudience struct {
	Account, Fan string   // hex public keys
	Notes        []string // the account's note IDs, oldest first
}

// PublishNostrAudience publishes a NostrAudience through probe.
func PublishNostrAudience(t testing.TB, ctx context.Context, probe *NostrProbe, relayURL string) NostrAudience {
	t.Helper()
	sign := func(sk string, ev gonostr.Event) gonostr.Event {
		if err := ev.Sign(sk); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	ask, fsk := gonostr.GeneratePrivateKey(), gonostr.GeneratePrivateKey()
	var a NostrAudience
	a.Account, _ = gonostr.GetPublicKey(ask)
	a.Fan, _ = gonostr.GetPublicKey(fsk)
	now := gonostr.Timestamp(time.Now().Unix())
	probe.Publish(t, ctx, sign(ask, gonostr.Event{Kind: gonostr.KindProfileMetadata, CreatedAt: now,
		Content: `{"name":"rival","display_name":"Rival Co","picture":"https://rival.example/a.png"}`}))
	for i, text := range []string{"Rival launch", "Rival follow-up"} {
		ev := sign(ask, gonostr.Event{Kind: gonostr.KindTextNote, CreatedAt: now + gonostr.Timestamp(i), Content: text})
		probe.Publish(t, ctx, ev)
		a.Notes = append(a.Notes, ev.ID)
	}
	first := a.Notes[0]
	probe.Publish(t, ctx, sign(fsk, gonostr.Event{Kind: gonostr.KindReaction, CreatedAt: now + 2, Content: "+",
		Tags: gonostr.Tags{{"e", first}, {"p", a.Account}}}))
	probe.Publish(t, ctx, sign(fsk, gonostr.Event{Kind: gonostr.KindTextNote, CreatedAt: now + 3, Content: "Congrats!",
		Tags: gonostr.Tags{{"e", first, "", "root"}, {"p", a.Account}}}))
	probe.Publish(t, ctx, sign(fsk, gonostr.Event{Kind: gonostr.KindRepost, CreatedAt: now + 4,
		Tags: gonostr.Tags{{"e", first, relayURL}, {"p", a.Account}}}))
	probe.Publish(t, ctx, sign(fsk, gonostr.Event{Kind: gonostr.KindFollowList, CreatedAt: now + 5,
		Tags: gonostr.Tags{{"p", a.Account}}}))
	return a
}
