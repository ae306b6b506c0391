package nostr

import (
	"context"
	"testing"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"

	"herald/internal/platform/ids"
	"herald/internal/provider"
)

// subscribed waits until the relay holds n open subscriptions.
func (r *fakeRelay) subscribed(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		r.mu.Lock()
		got := len(r.live)
		r.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d open subscriptions after 5s, want %d", got, n)
		}
	}
}

// dropLive ends every open subscription's connection, as a relay restart
// would.
func (r *fakeRelay) dropLive() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.live {
		l.c.CloseNow()
	}
	r.live = nil
}

type streamRun struct {
	got  chan provider.Interaction
	done chan error
	stop context.CancelFunc
}

func stream(t *testing.T, p *Provider, acct provider.Account, posts []provider.RemotePost) *streamRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &streamRun{got: make(chan provider.Interaction, 100), done: make(chan error, 1), stop: cancel}
	go func() {
		s.done <- p.StreamInteractions(ctx, acct, time.Now().Add(-time.Minute), posts, func(in []provider.Interaction) error {
			for _, it := range in {
				s.got <- it
			}
			return nil
		})
	}()
	t.Cleanup(cancel)
	return s
}

func (s *streamRun) next(t *testing.T) provider.Interaction {
	t.Helper()
	select {
	case it := <-s.got:
		return it
	case err := <-s.done:
		t.Fatalf("the stream ended: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("nothing streamed within 5s")
	}
	return provider.Interaction{}
}

// New replies and reactions arrive while the subscription is open, each
// once though two relays send them; own events do not; cancelling ends
// the stream without an error.
func TestContractStreamInteractions(t *testing.T) {
	a, b := newFakeRelay(t), newFakeRelay(t)
	p := newTestProvider(t)
	sk := gonostr.GeneratePrivateKey()
	acct := connect(t, p, sk, a.URL, b.URL)
	out, err := p.Publish(context.Background(), acct, threadPost(ids.New()))
	if err != nil {
		t.Fatal(err)
	}
	s := stream(t, p, acct, out)
	a.subscribed(t, 1)
	b.subscribed(t, 1)
	bob := gonostr.GeneratePrivateKey()
	now := time.Now()
	reply := signed(t, bob, 1, "Streaming hello", now, gonostr.Tag{"e", out[0].ID, "", "root"}, gonostr.Tag{"p", acct.RemoteID})
	own := signed(t, sk, 1, "talking to myself", now, gonostr.Tag{"e", out[0].ID, "", "root"}, gonostr.Tag{"p", acct.RemoteID})
	a.put(own)
	a.put(reply)
	b.put(reply)
	like := signed(t, bob, 7, "+", now, gonostr.Tag{"e", out[1].ID}, gonostr.Tag{"p", acct.RemoteID})
	b.put(like)
	first, second := s.next(t), s.next(t)
	if first.ID != reply.ID || first.Kind != "reply" || first.Text != "Streaming hello" || second.ID != like.ID || second.Kind != "like" {
		t.Fatalf("streamed %+v then %+v", first, second)
	}
	select {
	case extra := <-s.got:
		t.Fatalf("streamed more: %+v", extra)
	case <-time.After(2 * streamFlush):
	}
	s.stop()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("cancelled stream: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end after cancelling")
	}
}

// A relay that goes away leaves the others streaming; when none is left
// the stream ends with a Transient error, for the caller to start again.
func TestContractStreamRelayLoss(t *testing.T) {
	a, b := newFakeRelay(t), newFakeRelay(t)
	p := newTestProvider(t)
	acct := connect(t, p, gonostr.GeneratePrivateKey(), a.URL, b.URL)
	s := stream(t, p, acct, nil)
	a.subscribed(t, 1)
	b.subscribed(t, 1)
	a.dropLive()
	mention := signed(t, gonostr.GeneratePrivateKey(), 1, "hey", time.Now(), gonostr.Tag{"p", acct.RemoteID})
	b.put(mention)
	if got := s.next(t); got.ID != mention.ID || got.Kind != "mention" {
		t.Fatalf("after losing one relay: %+v", got)
	}
	b.dropLive()
	select {
	case err := <-s.done:
		wantTrait(t, err, provider.Transient)
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end with every relay gone")
	}
}
