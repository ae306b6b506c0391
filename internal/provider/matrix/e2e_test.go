package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/testenv"
)

// messages returns a room's whole timeline, newest first, as the
// connector's own event type.
func messages(cs testenv.MatrixClient, room string) []event {
	var all []event
	for _, raw := range cs.Timeline(room) {
		var ev event
		if err := json.Unmarshal(raw, &ev); err == nil {
			all = append(all, ev)
		}
	}
	return all
}

func testPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{200, 30, 30, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestE2EDendrite runs the connector against the local dendrite homeserver.
func TestE2EDendrite(t *testing.T) {
	env := testenv.Peer(t, "dendrite", "MATRIX_URL", "MATRIX_ALICE_TOKEN", "MATRIX_BOB_TOKEN", "MATRIX_ALICE_USER_ID", "MATRIX_BOB_USER_ID")
	hs := env["MATRIX_URL"]
	if !strings.HasPrefix(hs, "http://127.0.0.1:") {
		t.Fatalf("refusing non-loopback homeserver %q", hs)
	}
	aliceCS := testenv.MatrixClient{T: t, Base: hs, Token: env["MATRIX_ALICE_TOKEN"]}
	bobCS := testenv.MatrixClient{T: t, Base: hs, Token: env["MATRIX_BOB_TOKEN"]}
	if resp, err := http.Get(hs + "/_matrix/client/versions"); err != nil || resp.StatusCode != http.StatusOK {
		msg := "dendrite at " + hs + " is not answering"
		if err == nil {
			resp.Body.Close()
			msg += ": " + resp.Status
		}
		if os.Getenv("HERALD_E2E") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	} else {
		resp.Body.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// Alice creates a room with an alias and invites bob, who joins.
	aliasName := "herald-e2e-" + ids.New()
	var created struct {
		RoomID string `json:"room_id"`
	}
	if st := aliceCS.Call("POST", "/_matrix/client/v3/createRoom", map[string]any{"preset": "private_chat", "name": "Herald e2e",
		"room_alias_name": aliasName, "invite": []string{env["MATRIX_BOB_USER_ID"]}}, &created); st != 200 {
		t.Fatalf("createRoom: HTTP %d", st)
	}
	room := created.RoomID
	if st := bobCS.Call("POST", "/_matrix/client/v3/join/"+url.PathEscape(room), nil, nil); st != 200 {
		t.Fatalf("bob join: HTTP %d", st)
	}

	p := New(Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true})})
	alias := "#" + aliasName + ":" + strings.SplitN(env["MATRIX_ALICE_USER_ID"], ":", 2)[1]
	acct, err := p.Connect(ctx, map[string]string{"homeserver": hs, "access_token": env["MATRIX_ALICE_TOKEN"], "room": alias})
	if err != nil || acct.RemoteID != room {
		t.Fatalf("connect: %+v %v", acct, err)
	}
	if st, err := p.Check(ctx, acct); err != nil || !st.OK {
		t.Fatalf("check: %+v %v", st, err)
	}
	if lim, err := p.RefreshLimits(ctx, acct); err != nil || lim.ImageMaxBytes <= 0 {
		t.Errorf("limits: %+v %v", lim, err)
	}

	key := ids.New()
	pic := testPNG(t)
	post := provider.Post{Key: key, Segments: []provider.Segment{
		{Text: "Launch day! Read [the notes](https://example.org/notes)\n**Thanks** <all>",
			Media: []provider.Media{{ID: "pic1", ContentType: "image/png", Data: pic, Alt: "A red dot on white", Width: 4, Height: 3}}},
		{Text: "Part two"},
		{Text: "Part three"},
	}}
	out, err := p.Publish(ctx, acct, post)
	if err != nil || len(out) != 3 {
		t.Fatalf("publish: %v %v", out, err)
	}
	again, err := p.Publish(ctx, acct, post)
	if err != nil || again[0].ID != out[0].ID || again[2].ID != out[2].ID {
		t.Fatalf("republish: %v %v", again, err)
	}

	// Each Herald event exists exactly once, with the right content.
	// Dendrite's /messages is fed asynchronously from its room server, so
	// reads poll until what was sent shows up.
	var parts map[[2]int][]event
	eventually(t, func() bool {
		parts = map[[2]int][]event{}
		for _, ev := range messages(aliceCS, room) {
			if ct := ev.content(); ct.HeraldKey == key {
				k := [2]int{*ct.HeraldSegment, *ct.HeraldPart}
				parts[k] = append(parts[k], ev)
			}
		}
		return len(parts) == 4
	})
	if len(parts) != 4 {
		t.Fatalf("found %d distinct Herald events for the key, want 4: %v", len(parts), parts)
	}
	for k, evs := range parts {
		if len(evs) != 1 {
			t.Errorf("segment %d part %d exists %d times", k[0], k[1], len(evs))
		}
	}
	var text, img map[string]any
	json.Unmarshal(parts[[2]int{0, 0}][0].Content, &text)
	json.Unmarshal(parts[[2]int{0, 1}][0].Content, &img)
	if text["body"] != "Launch day! Read the notes (https://example.org/notes)\n**Thanks** <all>" ||
		text["formatted_body"] != `Launch day! Read <a href="https://example.org/notes">the notes</a><br/><strong>Thanks</strong> &lt;all&gt;` {
		t.Errorf("text event %v", text)
	}
	info, _ := img["info"].(map[string]any)
	if img["msgtype"] != "m.image" || img["body"] != "A red dot on white" || !strings.HasPrefix(img["url"].(string), "mxc://") ||
		info["mimetype"] != "image/png" || info["size"] != float64(len(pic)) || info["w"] != float64(4) {
		t.Errorf("image event %v", img)
	}
	for seg := 1; seg < 3; seg++ {
		rel := parts[[2]int{seg, 0}][0].content().RelatesTo
		if rel == nil || rel.RelType != "m.thread" || rel.EventID != out[0].ID {
			t.Errorf("segment %d is not in the announcement's thread: %+v", seg, rel)
		}
	}

	// Bob replies (rich reply), answers in the thread and reacts.
	send := func(cs testenv.MatrixClient, typ string, content map[string]any) string {
		return cs.Send(room, typ, content)
	}
	reply := send(bobCS, "m.room.message", map[string]any{"msgtype": "m.text", "body": "Congrats from bob",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": out[0].ID}}})
	threaded := send(bobCS, "m.room.message", map[string]any{"msgtype": "m.text", "body": "Thread answer",
		"m.relates_to": map[string]any{"rel_type": "m.thread", "event_id": out[0].ID, "is_falling_back": true,
			"m.in_reply_to": map[string]any{"event_id": out[2].ID}}})
	like := send(bobCS, "m.reaction", map[string]any{"m.relates_to": map[string]any{"rel_type": "m.annotation", "event_id": out[0].ID, "key": "🚀"}})

	var got []provider.Interaction
	seen := map[string]provider.Interaction{}
	eventually(t, func() bool {
		if got, err = p.Interactions(ctx, acct, time.Now().Add(-10*time.Minute), out); err != nil {
			t.Fatal(err)
		}
		for _, in := range got {
			seen[in.ID] = in
		}
		return len(got) >= 3
	})
	if r := seen[reply]; r.Kind != "reply" || r.ParentID != out[0].ID || r.Text != "Congrats from bob" {
		t.Errorf("reply read back as %+v", r)
	}
	if r := seen[threaded]; r.Kind != "reply" || r.RootID != out[0].ID {
		t.Errorf("thread reply read back as %+v", r)
	}
	if r := seen[like]; r.Kind != "reaction" || r.Reaction != "🚀" || r.ParentID != out[0].ID {
		t.Errorf("reaction read back as %+v", r)
	}
	if len(got) != 3 {
		t.Errorf("got %d interactions, want 3: %+v", len(got), got)
	}
	if m, err := p.PostMetrics(ctx, acct, out); err != nil || m[out[0].ID].Likes != 1 || m[out[0].ID].Replies != 2 {
		t.Errorf("metrics %+v %v", m, err)
	}
	if found, ok, err := p.FindByKey(ctx, acct, provider.Post{Key: key}, 2); err != nil || !ok || found.ID != out[2].ID {
		t.Errorf("find by key: %+v %v %v", found, ok, err)
	}
	if _, err := p.Reply(ctx, acct, seen[threaded], "Thanks bob"); err != nil {
		t.Errorf("reply: %v", err)
	}
	if err := p.React(ctx, acct, seen[reply], "+"); err != nil {
		t.Errorf("react: %v", err)
	}

	// Redact the announcement (text and image) and hide bob's reply.
	if err := p.Delete(ctx, acct, out[0]); err != nil {
		t.Fatal(err)
	}
	if err := p.Hide(ctx, acct, seen[reply]); err != nil {
		t.Fatal(err)
	}
	for _, id := range append(strings.Fields(out[0].Extra["event_ids"]), reply) {
		var ev event
		eventually(t, func() bool {
			ev = event{}
			if st := aliceCS.Call("GET", "/_matrix/client/v3/rooms/"+url.PathEscape(room)+"/event/"+url.PathEscape(id), nil, &ev); st != 200 {
				t.Fatalf("get %s: HTTP %d", id, st)
			}
			return ev.redacted()
		})
		if !ev.redacted() || string(ev.Content) != "{}" {
			t.Errorf("event %s not redacted: %s", id, ev.Content)
		}
	}
}

// eventually retries cond for up to ten seconds.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond() && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
}
