package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/testenv"
)

func testPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// matrixRoom creates a room as the given user and returns its id.
func matrixRoom(t *testing.T, base, token string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/_matrix/client/v3/createRoom", strings.NewReader(`{"name":"Herald e2e","preset":"public_chat"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		RoomID string `json:"room_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.RoomID == "" {
		t.Fatalf("createRoom: status %d, %v", resp.StatusCode, err)
	}
	return out.RoomID
}

// TestChannelsEndToEnd connects a Bluesky, a Nostr and a Matrix channel
// through Herald's channel service (credentials sealed and unsealed on the
// way), publishes a post with an image and alt text plus a 3-part thread,
// checks on the server that each part exists exactly once, republishes with
// the same key without duplicates, and deletes everything.
func TestChannelsEndToEnd(t *testing.T) {
	cases := []struct {
		network string
		input   func(t *testing.T) map[string]string
	}{
		{"bluesky", func(t *testing.T) map[string]string {
			e := testenv.Peer(t, "bsky")
			return map[string]string{"identifier": e["BSKY_ALICE_HANDLE"], "app_password": e["BSKY_ALICE_APP_PASSWORD"], "service": e["BSKY_PDS_URL"]}
		}},
		{"nostr", func(t *testing.T) map[string]string {
			e := testenv.Peer(t, "nostr")
			return map[string]string{"secret_key": e["NOSTR_ALICE_SK"], "relays": e["NOSTR_RELAY_URL"]}
		}},
		{"matrix", func(t *testing.T) map[string]string {
			e := testenv.Peer(t, "dendrite")
			room := matrixRoom(t, e["MATRIX_URL"], e["MATRIX_ALICE_TOKEN"])
			return map[string]string{"homeserver": e["MATRIX_URL"], "access_token": e["MATRIX_ALICE_TOKEN"], "room": room}
		}},
	}
	for _, c := range cases {
		t.Run(c.network, func(t *testing.T) {
			input := c.input(t)
			a, me, w := peerWorkspace(t, "E2E")
			ctx := context.Background()
			ch, err := a.Channels.Connect(ctx, me, w.ID, c.network, input)
			if err != nil {
				t.Fatalf("connect %s: %v", c.network, err)
			}
			if st, err := a.Channels.Test(ctx, me, w.ID, ch.ID); err != nil || !st.OK {
				t.Fatalf("test connection: %+v %v", st, err)
			}
			p, _ := a.Providers.Get(provider.Network(c.network))
			pub := p.(provider.Publisher)
			run := fmt.Sprintf("%d", time.Now().UnixNano())
			post := provider.Post{Key: ids.New(), At: time.Now().UTC().Truncate(time.Second), Segments: []provider.Segment{
				{Text: "Herald e2e " + run + " 👩‍👩‍👧‍👦 café", Media: []provider.Media{{ID: "m1", ContentType: "image/png", Data: testPNG(t),
					Width: 64, Height: 48, Alt: "A gradient test card", URL: "https://media.example.org/" + run + ".png"}}},
				{Text: "Part two " + run},
				{Text: "Part three " + run},
			}}
			var published []provider.RemotePost
			err = a.Channels.WithAuth(ctx, w.ID, ch.ID, func(acct provider.Account) error {
				published, err = pub.Publish(ctx, acct, post)
				return err
			})
			if err != nil || len(published) != 3 {
				t.Fatalf("publish: %d parts, %v", len(published), err)
			}
			acct, _, err := a.Channels.Account(ctx, w.ID, ch.ID)
			if err != nil {
				t.Fatal(err)
			}
			again, err := pub.Publish(ctx, acct, post)
			if err != nil || again[0].ID != published[0].ID || again[2].ID != published[2].ID {
				t.Fatalf("republishing the same key: %v %v", again, err)
			}
			wantOnce(t, p, acct, published)
			for _, rp := range published {
				if err := p.(provider.Deleter).Delete(ctx, acct, rp); err != nil {
					t.Fatalf("delete %s: %v", rp.ID, err)
				}
			}
		})
	}
}

// wantOnce reads the account's recent posts back from the server and
// requires each published part exactly once.
func wantOnce(t *testing.T, p provider.Provider, acct provider.Account, published []provider.RemotePost) {
	t.Helper()
	var recent []provider.RemotePost
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		recent, err = p.(provider.RecentPostsReader).RecentPosts(context.Background(), acct, 100)
		if err == nil && countIDs(recent, published) == len(published) {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, rp := range published {
		n := 0
		for _, r := range recent {
			if r.ID == rp.ID {
				n++
			}
		}
		if n != 1 {
			t.Errorf("post %s is on the server %d times, want exactly once", rp.ID, n)
		}
	}
}

func countIDs(recent, want []provider.RemotePost) int {
	n := 0
	for _, w := range want {
		for _, r := range recent {
			if r.ID == w.ID {
				n++
			}
		}
	}
	return n
}
