package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"herald/internal/model"
	"herald/internal/provider/bluesky"
	"herald/internal/testenv"
)

// pdsCall is Bob's client on the local PDS: plain XRPC over HTTP, apart
// from the connector's own code.
type pdsCall struct {
	t     *testing.T
	base  string
	token string
}

func (c pdsCall) do(method, nsid string, params url.Values, body, out any) {
	c.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	u := c.base + "/xrpc/" + nsid
	if params != nil {
		u += "?" + params.Encode()
	}
	req, _ := http.NewRequest(method, u, rd)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s: %v", nsid, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s: HTTP %d", nsid, resp.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			c.t.Fatalf("%s: %v", nsid, err)
		}
	}
}

type strongRef struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

// record is an app.bsky.feed.post as read back.
type record struct {
	URI   string `json:"uri"`
	CID   string `json:"cid"`
	Value struct {
		Text  string `json:"text"`
		Reply *struct {
			Root, Parent strongRef
		} `json:"reply"`
	} `json:"value"`
}

func (c pdsCall) get(repo, uri string) record {
	c.t.Helper()
	var r record
	c.do("GET", "com.atproto.repo.getRecord", url.Values{"repo": {repo}, "collection": {"app.bsky.feed.post"}, "rkey": {rkeyOf(uri)}}, nil, &r)
	return r
}

// Bob's reply on the local Bluesky PDS, read through the repo API (the
// PDS has no AppView), reaches Herald's inbox in one poll; Herald's
// answer is a record in Alice's repo replying to Bob's post in the same
// thread.
func TestE2EBlueskyInbox(t *testing.T) {
	peer := testenv.Peer(t, "bsky", "BSKY_PDS_URL", "BSKY_ALICE_HANDLE", "BSKY_ALICE_APP_PASSWORD", "BSKY_BOB_HANDLE", "BSKY_BOB_APP_PASSWORD")
	pds := peer["BSKY_PDS_URL"]
	if !strings.HasPrefix(pds, "http://127.0.0.1:") && !strings.HasPrefix(pds, "http://localhost:") {
		t.Fatalf("refusing non-loopback PDS %q", pds)
	}
	e := live(t)
	ctx := context.Background()
	var err error
	if e.ch, err = e.a.Channels.Connect(ctx, e.owner, e.ws, "bluesky", map[string]string{"identifier": peer["BSKY_ALICE_HANDLE"],
		"app_password": peer["BSKY_ALICE_APP_PASSWORD"], bluesky.SettingService: pds}); err != nil {
		t.Fatal(err)
	}
	// The post mentions Bob: without an AppView, the connector finds the
	// repos that may answer through the post's mentions.
	t0 := time.Now()
	root := e.publishNow("Inbox e2e " + time.Now().Format("15:04:05.000") + " hello @" + peer["BSKY_BOB_HANDLE"])
	t.Logf("published after %s", time.Since(t0).Round(time.Millisecond))
	bob := pdsCall{t: t, base: pds}
	var sess struct{ AccessJwt, Did string }
	bob.do("POST", "com.atproto.server.createSession", nil, map[string]string{"identifier": peer["BSKY_BOB_HANDLE"], "password": peer["BSKY_BOB_APP_PASSWORD"]}, &sess)
	bob.token = sess.AccessJwt
	post := bob.get(e.ch.RemoteID, root)
	ref := strongRef{URI: root, CID: post.CID}
	var made strongRef
	bob.do("POST", "com.atproto.repo.createRecord", nil, map[string]any{"repo": sess.Did, "collection": "app.bsky.feed.post",
		"record": map[string]any{"$type": "app.bsky.feed.post", "text": "Bob: is there parking?", "createdAt": time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
			"reply": map[string]any{"root": ref, "parent": ref}}}, &made)
	defer bob.do("POST", "com.atproto.repo.deleteRecord", nil, map[string]string{"repo": sess.Did, "collection": "app.bsky.feed.post", "rkey": rkeyOf(made.URI)}, nil)

	t0 = time.Now()
	got := e.pollUntil(made.URI)
	t.Logf("in the inbox after %s", time.Since(t0).Round(time.Millisecond))
	r := got[made.URI]
	if r.Kind != model.MsgComment || r.Text != "Bob: is there parking?" || r.AuthorRemoteID != sess.Did {
		t.Fatalf("inbox: %+v", r)
	}
	answer, err := e.a.Inbox.Reply(ctx, e.owner, e.ws, r.ConversationID, r.ID, "Yes, behind the shop.")
	if err != nil {
		t.Fatal(err)
	}
	sent := e.waitSent(answer)
	rec := bob.get(e.ch.RemoteID, sent.RemoteID)
	if rec.Value.Text != "Yes, behind the shop." || rec.Value.Reply == nil || rec.Value.Reply.Parent.URI != made.URI || rec.Value.Reply.Root.URI != root {
		t.Fatalf("Herald's answer on the PDS: %+v", rec)
	}

	// Bob deletes his reply: the record is gone from his repo, and the
	// inbox marks the message deleted at its next deletion check.
	bob.do("POST", "com.atproto.repo.deleteRecord", nil, map[string]string{"repo": sess.Did, "collection": "app.bsky.feed.post", "rkey": rkeyOf(made.URI)}, nil)
	e.pollUntilDeleted(made.URI)
}

func rkeyOf(uri string) string { return uri[strings.LastIndex(uri, "/")+1:] }
