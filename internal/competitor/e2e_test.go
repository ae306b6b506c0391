package competitor_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nbd-wtf/go-nostr/nip19"

	"herald/internal/competitor"
	"herald/internal/platform/httpclient"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/provider/bluesky"
	"herald/internal/provider/nostr"
	"herald/internal/testenv"
)

// A competitor on the local Nostr relay, followed through the workspace's
// Nostr channel: a second key likes, answers and reposts its first note
// and follows it; Herald's snapshot has one follower (a lower bound), the
// two notes, and the first note's like, reply and repost.
func TestE2ENostrCompetitor(t *testing.T) {
	env := testenv.Peer(t, "nostr", "NOSTR_RELAY_URL", "NOSTR_ALICE_SK")
	relayURL := env["NOSTR_RELAY_URL"]
	if !strings.HasPrefix(relayURL, "ws://127.0.0.1:") {
		t.Fatalf("refusing non-loopback relay %q", relayURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	probe, err := testenv.DialNostr(ctx, relayURL)
	if err != nil {
		testenv.Missing(t, fmt.Sprintf("relay %s is not answering: %v", relayURL, err))
	}
	defer probe.Close()
	aud := testenv.PublishNostrAudience(t, ctx, probe, relayURL)

	e := setup(t, testenv.SQLite(t))
	e.clk.t = time.Now().UTC()
	e.a.Providers.Register(nostr.New(nostr.Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true}), AllowPrivate: true}))
	if _, err := e.a.Channels.Connect(ctx, e.owner, e.ws, "nostr", map[string]string{"secret_key": env["NOSTR_ALICE_SK"], "relays": relayURL}); err != nil {
		t.Fatal(err)
	}
	npub, _ := nip19.EncodePublicKey(aud.Account)
	c, err := e.a.Competitors.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "nostr", Handle: npub})
	if err != nil {
		t.Fatal(err)
	}
	if c.RemoteID != aud.Account || c.Name != "Rival Co" {
		t.Fatalf("followed %+v", c)
	}
	if n, err := e.a.Competitors.Collect(ctx); err != nil || n != 1 {
		t.Fatalf("collect read %d: %v", n, err)
	}
	from, to := e.clk.t.Add(-time.Hour), e.clk.t.Add(time.Hour)
	snaps, err := e.a.Store.Read().CompetitorSnapshots(ctx, c.ID, from, to)
	if err != nil || len(snaps) != 1 {
		t.Fatalf("snapshots %+v %v", snaps, err)
	}
	if s := snaps[0]; s.Followers.Value != 1 || !s.FollowersLower || s.Posts.Known || s.Source != "nostr:relays" {
		t.Fatalf("snapshot %+v", s)
	}
	posts, err := e.a.Store.Read().LatestCompetitorPosts(ctx, c.ID, from, to)
	if err != nil || len(posts) != 2 {
		t.Fatalf("posts %+v %v", posts, err)
	}
	for _, p := range posts {
		want := int64(0)
		if p.RemoteID == aud.Notes[0] {
			want = 1
		}
		if p.Likes.Value != want || p.Replies.Value != want || p.Reposts.Value != want || !p.Likes.Known || p.Quotes.Known {
			t.Fatalf("post %+v", p)
		}
	}
	cmp, err := e.a.Competitors.Compare(ctx, e.viewer, e.ws, from, to)
	if err != nil {
		t.Fatal(err)
	}
	var row, own *competitor.Row
	for i := range cmp.Rows {
		if cmp.Rows[i].Own {
			own = &cmp.Rows[i]
		} else {
			row = &cmp.Rows[i]
		}
	}
	if row == nil || own == nil || !row.FollowersLower || row.EngagementPost != (competitor.Value{V: 1.5, Known: true}) {
		t.Fatalf("comparison %+v", cmp.Rows)
	}
}

// A competitor on the local PDS, which has no AppView: followed through
// the workspace's Bluesky channel and read from its repo; its new post is
// in the snapshot, followers and the post's counters are not available,
// and the competitor says why.
func TestE2EBlueskyCompetitorFromRepo(t *testing.T) {
	env := testenv.Peer(t, "bsky", "BSKY_PDS_URL", "BSKY_PLC_URL", "BSKY_BOB_HANDLE")
	if !strings.HasPrefix(env["BSKY_PDS_URL"], "http://127.0.0.1:") {
		testenv.Missing(t, "BSKY_PDS_URL is not a loopback address: "+env["BSKY_PDS_URL"])
	}
	if resp, err := http.Get(env["BSKY_PDS_URL"] + "/xrpc/_health"); err != nil {
		testenv.Missing(t, "the bsky PDS does not answer: "+err.Error())
	} else {
		resp.Body.Close()
	}
	ctx := context.Background()
	pds := env["BSKY_PDS_URL"]
	bsky := bluesky.New(bluesky.Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true}), DefaultService: pds,
		PLC: env["BSKY_PLC_URL"], PublicAppView: pds})
	bob, err := bsky.Connect(ctx, map[string]string{"identifier": env["BSKY_BOB_HANDLE"], "app_password": env["BSKY_BOB_APP_PASSWORD"], bluesky.SettingService: pds})
	if err != nil {
		t.Fatal(err)
	}
	text := "Competitor news " + ids.New()
	posted, err := bsky.Publish(ctx, bob, provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: text}}})
	if err != nil {
		t.Fatal(err)
	}

	e := setup(t, testenv.SQLite(t))
	e.clk.t = time.Now().UTC()
	e.a.Providers.Register(bsky)
	if _, err := e.a.Channels.Connect(ctx, e.owner, e.ws, "bluesky", map[string]string{"identifier": env["BSKY_ALICE_HANDLE"],
		"app_password": env["BSKY_ALICE_APP_PASSWORD"], bluesky.SettingService: pds}); err != nil {
		t.Fatal(err)
	}
	c, err := e.a.Competitors.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "bluesky", Handle: "@" + env["BSKY_BOB_HANDLE"]})
	if err != nil {
		t.Fatal(err)
	}
	if c.RemoteID != env["BSKY_BOB_DID"] {
		t.Fatalf("followed %+v", c)
	}
	if c, err = e.a.Competitors.Refresh(ctx, e.owner, e.ws, c.ID); err != nil || c.LastError != "" || len(c.Notes) == 0 {
		t.Fatalf("refresh: %+v %v", c, err)
	}
	from, to := e.clk.t.Add(-time.Hour), e.clk.t.Add(time.Hour)
	snaps, err := e.a.Store.Read().CompetitorSnapshots(ctx, c.ID, from, to)
	if err != nil || len(snaps) != 1 || snaps[0].Followers.Known || !snaps[0].Posts.Known || snaps[0].Source != "bluesky:repo" {
		t.Fatalf("snapshots %+v %v", snaps, err)
	}
	posts, err := e.a.Store.Read().LatestCompetitorPosts(ctx, c.ID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range posts {
		if p.RemoteID == posted[0].ID {
			found = p.Text == text && !p.Likes.Known && !p.Replies.Known
		}
	}
	if !found {
		t.Fatalf("the new post is not in the snapshot as read from the repo: %+v", posts)
	}
}
