package mastodon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/internal/provider"
)

// streamNotifications follows https://docs.joinmastodon.org/methods/streaming/#notification:
// server-sent events, "event: notification" with the Notification entity
// as data, and heartbeat comments, for notifications made after the
// stream opened.
func (f *fakeServer) streamNotifications(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(200)
	fl := w.(http.Flusher)
	fmt.Fprint(w, ":)\n\n")
	fl.Flush()
	f.mu.Lock()
	next := len(f.notes)
	f.mu.Unlock()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
		f.mu.Lock()
		var out []map[string]any
		for ; next < len(f.notes); next++ {
			n := f.notes[next]
			if s := f.statuses[n.StatusID]; s != nil && n.ToID == a.ID {
				out = append(out, map[string]any{"id": n.ID, "type": n.Type, "created_at": n.Created.Format("2006-01-02T15:04:05.000Z"),
					"account": f.accountJSON(f.accounts[n.FromID]), "status": f.statusJSON(s)})
			}
		}
		f.mu.Unlock()
		for _, n := range out {
			b, _ := json.Marshal(n)
			fmt.Fprintf(w, "event: notification\ndata: %s\n\n", b)
		}
		fmt.Fprint(w, ":thump\n")
		fl.Flush()
	}
}

// A reply and a favourite made while the stream is open arrive through it;
// cancelling ends the stream without an error; a revoked token is
// AuthExpired.
func TestContractStreamInteractions(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	alice, bob := connect(t, p, f, "alice"), connect(t, p, f, "bob")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	own, err := p.Publish(ctx, alice, provider.Post{Key: "s1", Segments: []provider.Segment{{Text: "Live!"}}})
	if err != nil {
		t.Fatal(err)
	}
	got, done := make(chan provider.Interaction, 10), make(chan error, 1)
	go func() {
		done <- p.StreamInteractions(ctx, alice, time.Now(), own, func(in []provider.Interaction) error {
			for _, it := range in {
				got <- it
			}
			return nil
		})
	}()
	time.Sleep(100 * time.Millisecond) // the stream opens
	if _, err := p.Reply(ctx, bob, provider.Interaction{ID: own[0].ID}, "Nice"); err != nil {
		t.Fatal(err)
	}
	if err := p.React(ctx, bob, provider.Interaction{ID: own[0].ID}, "+"); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for len(kinds) < 2 {
		select {
		case it := <-got:
			if it.ParentID != own[0].ID || it.Author != "@bob" {
				t.Fatalf("streamed %+v", it)
			}
			kinds = append(kinds, it.Kind)
		case err := <-done:
			t.Fatalf("the stream ended: %v", err)
		case <-time.After(5 * time.Second):
			t.Fatalf("streamed %v within 5s", kinds)
		}
	}
	if strings.Join(kinds, ",") != "reply,like" {
		t.Fatalf("streamed %v, want reply then like", kinds)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("cancelled stream: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end after cancelling")
	}
	revoked := alice
	revoked.Credentials = map[string]string{"access_token": "revoked"}
	err = p.StreamInteractions(context.Background(), revoked, time.Now(), nil, func([]provider.Interaction) error { return nil })
	if pe := provider.AsError(err); pe == nil || pe.Trait != provider.AuthExpired {
		t.Fatalf("revoked token: %v", err)
	}
}

func TestReadEvents(t *testing.T) {
	in := ":)\n\nevent: notification\ndata: {\"a\":\ndata: 1}\n\n: heartbeat\nevent: delete\ndata: 42\n\nevent: notification\n"
	var got []string
	if err := readEvents(strings.NewReader(in), func(ev, data string) error { got = append(got, ev+"="+data); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := "notification={\"a\":\n1}|delete=42"; strings.Join(got, "|") != want {
		t.Fatalf("events %q, want %q", got, want)
	}
}
