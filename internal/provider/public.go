package provider

import (
	"context"
	"time"
)

// CapPublicAccounts marks a network whose public accounts (competitors,
// peers) Herald can follow without their credentials.
const CapPublicAccounts Capability = "public_accounts"

// PublicAccount is an account someone else runs, as its network shows it
// to anyone.
type PublicAccount struct {
	// ID is the network's stable id of the account (a DID, a pubkey, an
	// instance and account id), what ReadPublicAccount takes; it survives
	// handle changes.
	ID      string
	Handle  string // canonical handle (@alice.bsky.social, @bob@mastodon.social, npub1…)
	Name    string // display name, "" when the account sets none
	Avatar  string // avatar URL, "" when none
	URL     string // public profile page, "" when the network has none
	Network Network
}

// PublicCount is a counter as a network gives it to anyone: Known is false
// when the network does not say ("not available", never 0).
type PublicCount struct {
	Value int64
	Known bool
}

// Known returns a known count of v.
func Known(v int64) PublicCount { return PublicCount{Value: v, Known: true} }

// PublicPost is one of a public account's posts with its public counters.
type PublicPost struct {
	ID        string
	URL       string
	Text      string
	CreatedAt time.Time
	Likes     PublicCount
	Reposts   PublicCount
	Replies   PublicCount
	Quotes    PublicCount
}

// PublicRead is one read of a public account: its counters and its posts
// since a time, newest first.
type PublicRead struct {
	Account   PublicAccount
	Followers PublicCount
	Following PublicCount
	Posts     PublicCount
	Recent    []PublicPost
	// Source names the calls the numbers came from ("<network>:<call>"),
	// kept with each snapshot.
	Source string
	// Notes explains numbers that are partial or missing, in words for
	// the user (followers not available without an AppView; a lower bound
	// from the relays Herald knows).
	Notes []string
	// FollowersLowerBound is set when Followers counts only what the
	// network's servers Herald asked know of (Nostr contact lists).
	FollowersLowerBound bool
}

// PublicAccountReader follows public accounts. via is one of the
// workspace's own channels on the network (its session, instance or
// relays) for networks whose public reads need one, or the zero Account;
// the followed account's credentials are never needed. Handles that name
// no account fail with a Permanent error whose Message says so.
type PublicAccountReader interface {
	LookupPublicAccount(ctx context.Context, via Account, handle string) (PublicAccount, error)
	ReadPublicAccount(ctx context.Context, via Account, id string, since time.Time) (PublicRead, error)
}
