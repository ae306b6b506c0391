package nostr

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"
	"github.com/nbd-wtf/go-nostr/nip19"

	"herald/internal/provider"
)

// Following a key on two relays: each event counts once however many
// relays hold it; the author's own reply, a "-" reaction and notes before
// the time are left out; followers are the distinct contact lists naming
// the key, labelled a lower bound; following is the author's own list.
func TestPublicAccountCountsAcrossRelays(t *testing.T) {
	a, b := newFakeRelay(t), newFakeRelay(t)
	p := newTestProvider(t)
	via := connect(t, p, gonostr.GeneratePrivateKey(), a.URL, b.URL)
	sk, fan1, fan2 := gonostr.GeneratePrivateKey(), gonostr.GeneratePrivateKey(), gonostr.GeneratePrivateKey()
	pk, _ := gonostr.GetPublicKey(sk)
	now := time.Now()
	meta := signed(t, sk, 0, `{"name":"rival","picture":"javascript:alert(1)"}`, now.Add(-time.Hour))
	note := signed(t, sk, 1, "Launch day", now.Add(-time.Minute))
	old := signed(t, sk, 1, "Last year", now.Add(-400*24*time.Hour))
	self := signed(t, sk, 1, "Thread part 2", now, gonostr.Tag{"e", note.ID, "", "reply"})
	a.put(meta)
	for _, r := range []*fakeRelay{a, b} {
		r.put(note)
		r.put(signed(t, fan1, 7, "+", now, gonostr.Tag{"e", note.ID}, gonostr.Tag{"p", pk}))
	}
	a.put(old)
	a.put(self)
	b.put(signed(t, fan2, 7, "-", now, gonostr.Tag{"e", note.ID}))
	b.put(signed(t, fan2, 1, "Nice", now, gonostr.Tag{"e", note.ID, "", "root"}))
	b.put(signed(t, fan2, 16, "", now, gonostr.Tag{"e", note.ID}, gonostr.Tag{"k", "1"}))
	a.put(signed(t, fan1, 3, "", now, gonostr.Tag{"p", pk}))
	b.put(signed(t, fan2, 3, "", now, gonostr.Tag{"p", pk}, gonostr.Tag{"p", via.RemoteID}))
	b.put(signed(t, sk, 3, "", now, gonostr.Tag{"p", via.RemoteID}, gonostr.Tag{"p", fan1}, gonostr.Tag{"p", fan2}))

	npub, _ := nip19.EncodePublicKey(pk)
	got, err := p.LookupPublicAccount(context.Background(), via, npub)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != pk || got.Name != "rival" || got.Avatar != "" || got.Handle != npub {
		t.Fatalf("lookup %+v (a javascript: picture is no avatar)", got)
	}
	read, err := p.ReadPublicAccount(context.Background(), via, pk, now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if read.Followers != provider.Known(2) || read.Following != provider.Known(3) || read.Posts.Known || !read.FollowersLowerBound {
		t.Fatalf("counters %+v", read)
	}
	var launch provider.PublicPost
	for _, pp := range read.Recent {
		if pp.ID == note.ID {
			launch = pp
		}
		if pp.ID == old.ID {
			t.Fatal("a note before since was read")
		}
	}
	if launch.Likes != provider.Known(1) || launch.Replies != provider.Known(1) || launch.Reposts != provider.Known(1) || launch.Quotes.Known {
		t.Fatalf("launch note %+v", launch)
	}
}

// Handles: npub, nprofile, hex and NIP-05 resolve; secret keys, malformed
// keys, unknown NIP-05 names and a channel without relays are refused in
// words the user can act on.
func TestPublicAccountHandles(t *testing.T) {
	pk, _ := gonostr.GetPublicKey(gonostr.GeneratePrivateKey())
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/nostr.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("name") {
		case "rival":
			w.Write([]byte(`{"names":{"rival":"` + pk + `"}}`))
		case "_":
			w.Write([]byte(`{"names":{"_":"` + strings.ToUpper(pk) + `"}}`))
		default:
			w.Write([]byte(`{"names":{}}`))
		}
	}))
	defer srv.Close()
	domain := strings.TrimPrefix(srv.URL, "https://")
	p := New(Options{HTTPClient: srv.Client()})
	ctx := context.Background()
	npub, _ := nip19.EncodePublicKey(pk)
	nprofile, _ := nip19.EncodeProfile(pk, []string{"wss://relay.example"})
	for _, h := range []string{npub, " nostr:" + npub, nprofile, pk, strings.ToUpper(pk), "rival@" + domain, "_@" + domain, "@" + domain} {
		got, err := p.resolveKey(ctx, strings.TrimSpace(h))
		if err != nil || got != pk {
			t.Fatalf("%q resolved to %q, %v", h, got, err)
		}
	}
	nsec, _ := nip19.EncodePrivateKey(gonostr.GeneratePrivateKey())
	for h, want := range map[string]string{
		"":                          "enter an npub1",
		nsec:                        "that is a secret key",
		"npub1notakey":              "is not a valid npub",
		"abc":                       "is not an npub1",
		"nobody@" + domain:          "does not know the name",
		"bad name@" + domain:        "is not a NIP-05 address",
		"rival@unreachable.invalid": "could not read",
	} {
		_, err := p.resolveKey(ctx, h)
		if e := provider.AsError(err); e == nil || !strings.Contains(e.Message, want) {
			t.Fatalf("%q: %v, want %q", h, err, want)
		}
	}
	_, err := p.LookupPublicAccount(ctx, provider.Account{}, npub)
	if e := provider.AsError(err); e == nil || e.Trait != provider.Permanent || !strings.Contains(e.Message, "connect a Nostr channel first") {
		t.Fatalf("no relays: %v", err)
	}
	_, err = p.ReadPublicAccount(ctx, provider.Account{}, "xyz", time.Time{})
	if provider.TraitOf(err) != provider.Permanent {
		t.Fatalf("bad id: %v", err)
	}
}
