package bluesky

import (
	"context"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/platform/ids"
	"herald/internal/provider"
)

// A competitor on the local PDS, which has no AppView: looked up by handle
// through the workspace's own channel and without any channel, and read
// from its repo; its new posts are there, and followers and the posts'
// counters are "not available", with the reason.
func TestE2EPublicAccountFromRepo(t *testing.T) {
	env := peerEnv(t)
	ctx := context.Background()
	start := time.Now().Add(-5 * time.Second)
	hc := httpclient.New(httpclient.Options{AllowPrivate: true})
	p := New(Options{HTTPClient: hc, DefaultService: env["BSKY_PDS_URL"], PLC: env["BSKY_PLC_URL"], PublicAppView: env["BSKY_PDS_URL"]})
	alice, err := p.Connect(ctx, map[string]string{"identifier": env["BSKY_ALICE_HANDLE"], "app_password": env["BSKY_ALICE_APP_PASSWORD"], SettingService: env["BSKY_PDS_URL"]})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := p.Connect(ctx, map[string]string{"identifier": env["BSKY_BOB_HANDLE"], "app_password": env["BSKY_BOB_APP_PASSWORD"], SettingService: env["BSKY_PDS_URL"]})
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, text := range []string{"Competitor news " + ids.New(), "More competitor news " + ids.New()} {
		posted, err := p.Publish(ctx, bob, provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: text}}})
		if err != nil {
			t.Fatal(err)
		}
		uris = append(uris, posted[0].ID)
	}
	for _, via := range []provider.Account{alice, {}} {
		got, err := p.LookupPublicAccount(ctx, via, "@"+env["BSKY_BOB_HANDLE"])
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != env["BSKY_BOB_DID"] || got.Handle != "@"+env["BSKY_BOB_HANDLE"] || got.Network != Network {
			t.Fatalf("lookup %+v", got)
		}
	}
	if _, err := p.LookupPublicAccount(ctx, alice, "nobody-here.test"); provider.TraitOf(err) != provider.Permanent ||
		!strings.Contains(provider.AsError(err).Message, "no Bluesky account") {
		t.Fatalf("unknown handle: %v", err)
	}
	read, err := p.ReadPublicAccount(ctx, alice, env["BSKY_BOB_DID"], start)
	if err != nil {
		t.Fatal(err)
	}
	if read.Source != "bluesky:repo" || read.Followers.Known || !read.Posts.Known || read.Posts.Value < 2 || len(read.Notes) == 0 {
		t.Fatalf("read %+v", read)
	}
	found := map[string]provider.PublicPost{}
	for _, pp := range read.Recent {
		found[pp.ID] = pp
	}
	for _, u := range uris {
		pp, ok := found[u]
		if !ok || pp.Likes.Known || pp.Replies.Known || !strings.Contains(strings.ToLower(pp.Text), "competitor news") || pp.URL == "" {
			t.Fatalf("post %s read as %+v (all %+v)", u, pp, read.Recent)
		}
	}
}
