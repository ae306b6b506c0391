package bluesky

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/api/bsky"
	"github.com/bluesky-social/indigo/atproto/syntax"
	lexutil "github.com/bluesky-social/indigo/lex/util"

	"herald/internal/platform/httpclient"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/provider/count"
	"herald/internal/testenv"
)

// peerEnv reads the bsky peer's env and checks that the PDS answers.
func peerEnv(t *testing.T) map[string]string {
	t.Helper()
	env := testenv.Peer(t, "bsky", "BSKY_PDS_URL")
	if !strings.HasPrefix(env["BSKY_PDS_URL"], "http://127.0.0.1:") {
		testenv.Missing(t, "BSKY_PDS_URL is not a loopback address: "+env["BSKY_PDS_URL"])
	}
	resp, err := http.Get(env["BSKY_PDS_URL"] + "/xrpc/_health")
	if err != nil {
		testenv.Missing(t, "the bsky PDS does not answer: "+err.Error())
	}
	resp.Body.Close()
	return env
}

// raw is a direct XRPC client for checking the server's state, independent
// of the connector's code paths above the transport.
func raw(t *testing.T, env map[string]string, user string) *session {
	t.Helper()
	p := New(Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true})})
	s := p.client(env["BSKY_PDS_URL"], "", "")
	if user == "" {
		return s
	}
	out, err := comatproto.ServerCreateSession(context.Background(), s.xc, &comatproto.ServerCreateSession_Input{
		Identifier: env["BSKY_"+user+"_HANDLE"], Password: env["BSKY_"+user+"_APP_PASSWORD"]})
	if err != nil {
		t.Fatalf("log in as %s: %v", user, err)
	}
	return p.client(env["BSKY_PDS_URL"], out.AccessJwt, out.Did)
}

// countRkeys counts alice's post records under each rkey (listRecords).
func countRkeys(t *testing.T, s *session, did string, rkeys []string) map[string]int {
	t.Helper()
	recs, err := s.listRecords(context.Background(), did, collPost, 1000, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, r := range recs {
		for _, k := range rkeys {
			if r.rkey == k {
				n[k]++
			}
		}
	}
	return n
}

func rkeyOf(uri string) string {
	u, _ := syntax.ParseATURI(uri)
	return u.RecordKey().String()
}

func TestE2EPublishInteractAndDeleteOnLocalPDS(t *testing.T) {
	env := peerEnv(t)
	ctx := context.Background()
	start := time.Now().Add(-5 * time.Second)
	p := New(Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true}), DefaultService: env["BSKY_PDS_URL"]})
	_, err := p.Connect(ctx, map[string]string{"identifier": env["BSKY_ALICE_HANDLE"], "app_password": env["BSKY_ALICE_PASSWORD"]})
	wantTrait(t, err, provider.Permanent) // the account password is refused
	acct, err := p.Connect(ctx, map[string]string{"identifier": env["BSKY_ALICE_HANDLE"], "app_password": env["BSKY_ALICE_APP_PASSWORD"], SettingService: env["BSKY_PDS_URL"]})
	if err != nil {
		t.Fatal(err)
	}
	if acct.RemoteID != env["BSKY_ALICE_DID"] {
		t.Fatalf("connected %s, want %s", acct.RemoteID, env["BSKY_ALICE_DID"])
	}
	creds, exp, err := p.RefreshAuth(ctx, acct)
	if err != nil || exp.Before(time.Now()) {
		t.Fatalf("refresh: %v (exp %v)", err, exp)
	}
	acct.Credentials = creds
	if st, err := p.Check(ctx, acct); err != nil || !st.OK {
		t.Fatalf("check: %+v %v", st, err)
	}

	postText := "Herald e2e 🎉 hello @" + env["BSKY_BOB_HANDLE"] + ", read https://example.com/ünï?x=1 #herald"
	single := provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: postText,
		Media: []provider.Media{{ID: "png", ContentType: "image/png", Data: pngBytes(t, 64, 48), Alt: "a colourful test pattern"}}}}}
	threadTexts := []string{"Thread 1/3: naïve café, e\u0301 combining", "Thread 2/3: 👩‍👩‍👧‍👦 family and 🇫🇷 flag", "Thread 3/3: done ✅"}
	thread := provider.Post{Key: ids.New(), Options: map[string]string{"langs": "en"}}
	for _, s := range threadTexts {
		thread.Segments = append(thread.Segments, provider.Segment{Text: s})
	}
	posted, err := p.Publish(ctx, acct, single)
	if err != nil {
		t.Fatal(err)
	}
	threaded, err := p.Publish(ctx, acct, thread)
	if err != nil {
		t.Fatal(err)
	}
	all := append(append([]provider.RemotePost(nil), posted...), threaded...)
	anon := raw(t, env, "")
	var rkeys []string
	for _, rp := range all {
		rkeys = append(rkeys, rkeyOf(rp.ID))
	}
	for k, n := range countRkeys(t, anon, acct.RemoteID, rkeys) {
		if n != 1 {
			t.Fatalf("record %s exists %d times", k, n)
		}
	}

	// The post: text, facets over the right bytes, the image blob with alt.
	got, cid, err := anon.getPost(ctx, acct.RemoteID, rkeyOf(posted[0].ID))
	if err != nil || got.Text != postText || cid != posted[0].Extra["cid"] {
		t.Fatalf("post %q %v", got.Text, err)
	}
	wantFacets := map[string]bool{"@" + env["BSKY_BOB_HANDLE"]: false, "https://example.com/ünï?x=1": false, "#herald": false}
	for _, fc := range got.Facets {
		sub := got.Text[fc.Index.ByteStart:fc.Index.ByteEnd]
		f := fc.Features[0]
		ok := (f.RichtextFacet_Mention != nil && f.RichtextFacet_Mention.Did == env["BSKY_BOB_DID"]) ||
			(f.RichtextFacet_Link != nil && f.RichtextFacet_Link.Uri == sub) || (f.RichtextFacet_Tag != nil && "#"+f.RichtextFacet_Tag.Tag == sub)
		if _, known := wantFacets[sub]; !known || !ok {
			t.Fatalf("facet over %q: %+v", sub, f)
		}
		wantFacets[sub] = true
	}
	for sub, seen := range wantFacets {
		if !seen {
			t.Fatalf("no facet over %q", sub)
		}
	}
	if e := got.Embed; e == nil || e.EmbedImages == nil || e.EmbedImages.Images[0].Alt != "a colourful test pattern" ||
		e.EmbedImages.Images[0].AspectRatio.Width != 64 || e.EmbedImages.Images[0].Image.Size == 0 {
		t.Fatalf("image embed %+v", got.Embed)
	}

	// The thread: grapheme-exact text and reply refs with URI and CID.
	for i, rp := range threaded {
		seg, cid, err := anon.getPost(ctx, acct.RemoteID, rkeyOf(rp.ID))
		if err != nil || seg.Text != threadTexts[i] || cid != rp.Extra["cid"] {
			t.Fatalf("segment %d: %q %v", i, seg.Text, err)
		}
		if count.Count(seg.Text, count.Rule{Method: count.Graphemes}).Used != count.Count(threadTexts[i], count.Rule{Method: count.Graphemes}).Used {
			t.Fatalf("segment %d graphemes differ", i)
		}
		if i > 0 && (seg.Reply.Root.Uri != threaded[0].ID || seg.Reply.Root.Cid != threaded[0].Extra["cid"] ||
			seg.Reply.Parent.Uri != threaded[i-1].ID || seg.Reply.Parent.Cid != threaded[i-1].Extra["cid"]) {
			t.Fatalf("segment %d reply refs %+v %+v", i, seg.Reply.Root, seg.Reply.Parent)
		}
	}

	// Publishing the same keys again finds the records; nothing is duplicated.
	again, err := p.Publish(ctx, acct, thread)
	if err != nil || again[2].ID != threaded[2].ID {
		t.Fatalf("republish: %v", err)
	}
	if _, err := p.Publish(ctx, acct, single); err != nil {
		t.Fatal(err)
	}
	for k, n := range countRkeys(t, anon, acct.RemoteID, rkeys) {
		if n != 1 {
			t.Fatalf("after republishing, record %s exists %d times", k, n)
		}
	}
	if found, ok, err := p.FindByKey(ctx, acct, provider.Post{Key: thread.Key}, 1); err != nil || !ok || found.ID != threaded[1].ID {
		t.Fatalf("find: %+v %v %v", found, ok, err)
	}

	bobReply, bobLike := bobInteracts(t, env, posted[0])
	// No AppView on the local PDS: the connector falls back to bob's repo,
	// found because alice's post mentions him.
	inter, err := p.Interactions(ctx, acct, start, posted)
	if err != nil {
		t.Fatal(err)
	}
	byID := kinds(inter)
	if r := byID[bobReply]; r.Kind != "reply" || r.ParentID != posted[0].ID || r.Text != "Nice one, alice" || r.AuthorID != env["BSKY_BOB_DID"] {
		t.Fatalf("bob's reply read back as %+v (all: %+v)", r, inter)
	}
	if l := byID[bobLike]; l.Kind != "like" || l.ParentID != posted[0].ID {
		t.Fatalf("bob's like read back as %+v", l)
	}
	answer, err := p.Reply(ctx, acct, byID[bobReply], "Thanks @"+env["BSKY_BOB_HANDLE"])
	if err != nil {
		t.Fatal(err)
	}
	if err := p.React(ctx, acct, byID[bobReply], "+"); err != nil {
		t.Fatal(err)
	}
	_, err = p.PostMetrics(ctx, acct, posted)
	wantTrait(t, err, provider.Permanent) // "No service configured": no AppView here

	for _, rp := range append(all, answer) {
		if err := p.Delete(ctx, acct, rp); err != nil {
			t.Fatal(err)
		}
		if _, _, err := anon.getPost(ctx, acct.RemoteID, rkeyOf(rp.ID)); !isNotFound(err) {
			t.Fatalf("%s still there after delete: %v", rp.ID, err)
		}
	}
	cleanup(t, acct, p, env, bobReply, bobLike)
}

// bobInteracts logs in as bob with plain XRPC calls and replies to and
// likes the post.
func bobInteracts(t *testing.T, env map[string]string, post provider.RemotePost) (string, string) {
	t.Helper()
	ctx := context.Background()
	bob := raw(t, env, "BOB")
	ref := &comatproto.RepoStrongRef{Uri: post.ID, Cid: post.Extra["cid"]}
	now := time.Now().UTC().Format(datetimeLayout)
	reply, err := comatproto.RepoCreateRecord(ctx, bob.xc, &comatproto.RepoCreateRecord_Input{Repo: bob.did, Collection: collPost,
		Record: &lexutil.LexiconTypeDecoder{Val: &bsky.FeedPost{Text: "Nice one, alice", CreatedAt: now, Reply: &bsky.FeedPost_ReplyRef{Root: ref, Parent: ref}}}})
	if err != nil {
		t.Fatal(err)
	}
	like, err := comatproto.RepoCreateRecord(ctx, bob.xc, &comatproto.RepoCreateRecord_Input{Repo: bob.did, Collection: collLike,
		Record: &lexutil.LexiconTypeDecoder{Val: &bsky.FeedLike{Subject: ref, CreatedAt: now}}})
	if err != nil {
		t.Fatal(err)
	}
	return reply.Uri, like.Uri
}

// cleanup removes bob's records and alice's like, so the peer keeps no
// test debris.
func cleanup(t *testing.T, acct provider.Account, p *Provider, env map[string]string, uris ...string) {
	t.Helper()
	ctx := context.Background()
	bob := raw(t, env, "BOB")
	for _, uri := range uris {
		u, _ := syntax.ParseATURI(uri)
		if _, err := comatproto.RepoDeleteRecord(ctx, bob.xc, &comatproto.RepoDeleteRecord_Input{Repo: bob.did, Collection: u.Collection().String(), Rkey: u.RecordKey().String()}); err != nil {
			t.Errorf("delete %s: %v", uri, err)
		}
	}
	s, _ := p.session(acct, "cleanup")
	likes, err := s.listRecords(ctx, acct.RemoteID, collLike, 100, time.Now().Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range likes {
		if lk, ok := l.val.(*bsky.FeedLike); ok && strings.HasPrefix(lk.Subject.Uri, "at://"+env["BSKY_BOB_DID"]) {
			if _, err := comatproto.RepoDeleteRecord(ctx, s.xc, &comatproto.RepoDeleteRecord_Input{Repo: acct.RemoteID, Collection: collLike, Rkey: l.rkey}); err != nil {
				t.Errorf("delete like: %v", err)
			}
		}
	}
}
