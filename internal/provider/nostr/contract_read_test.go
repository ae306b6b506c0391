package nostr

import (
	"context"
	"strings"
	"testing"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"
	"github.com/nbd-wtf/go-nostr/nip19"

	"herald/internal/platform/ids"
	"herald/internal/provider"
)

// signed makes an event by another client, as relays would hold it.
func signed(t *testing.T, sk string, kind int, content string, at time.Time, tags ...gonostr.Tag) gonostr.Event {
	t.Helper()
	ev := gonostr.Event{Kind: kind, Content: content, CreatedAt: gonostr.Timestamp(at.Unix()), Tags: tags}
	if err := ev.Sign(sk); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestContractInteractionsAndMetrics(t *testing.T) {
	a, b := newFakeRelay(t), newFakeRelay(t)
	p := newTestProvider(t)
	acct := connect(t, p, gonostr.GeneratePrivateKey(), a.URL, b.URL)
	out, err := p.Publish(context.Background(), acct, threadPost(ids.New()))
	if err != nil {
		t.Fatal(err)
	}
	me, root := acct.RemoteID, out[0].ID
	bob, carol := gonostr.GeneratePrivateKey(), gonostr.GeneratePrivateKey()
	now := time.Now()
	reply := signed(t, bob, 1, "Congrats!", now, gonostr.Tag{"e", root, "", "root"}, gonostr.Tag{"p", me})
	like := signed(t, bob, 7, "+", now, gonostr.Tag{"e", root}, gonostr.Tag{"p", me})
	fire := signed(t, carol, 7, "🔥", now, gonostr.Tag{"e", out[1].ID}, gonostr.Tag{"p", me})
	repost := signed(t, carol, 6, "", now, gonostr.Tag{"e", root}, gonostr.Tag{"p", me})
	mention := signed(t, carol, 1, "say hi to nostr:npub", now, gonostr.Tag{"p", me})
	old := signed(t, carol, 1, "ancient", now.Add(-48*time.Hour), gonostr.Tag{"e", root, "", "root"}, gonostr.Tag{"p", me})
	a.put(reply)
	a.put(like)
	b.put(reply) // the same event on two relays counts once
	b.put(fire)
	b.put(repost)
	b.put(mention)
	b.put(old)

	got, err := p.Interactions(context.Background(), acct, now.Add(-time.Hour), out)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]provider.Interaction{}
	for _, in := range got {
		kinds[in.Kind+":"+in.ID] = in
	}
	if len(got) != 5 {
		t.Fatalf("got %d interactions: %+v", len(got), got)
	}
	if r := kinds["reply:"+reply.ID]; r.ParentID != root || r.RootID != root || r.Text != "Congrats!" || r.AuthorID != reply.PubKey || !strings.HasPrefix(r.Author, "npub1") {
		t.Errorf("reply = %+v", r)
	}
	if l := kinds["like:"+like.ID]; l.ParentID != root || l.Reaction != "+" {
		t.Errorf("like = %+v", l)
	}
	if f := kinds["reaction:"+fire.ID]; f.ParentID != out[1].ID || f.Reaction != "🔥" {
		t.Errorf("reaction = %+v", f)
	}
	if _, ok := kinds["repost:"+repost.ID]; !ok {
		t.Error("repost missing")
	}
	if _, ok := kinds["mention:"+mention.ID]; !ok {
		t.Error("mention missing")
	}

	m, err := p.PostMetrics(context.Background(), acct, out)
	if err != nil {
		t.Fatal(err)
	}
	if r := m[root]; r.Likes != 1 || r.Replies != 2 || r.Reposts != 1 {
		t.Errorf("root metrics = %+v (own thread segments must not count as replies)", r)
	}
	if r := m[out[1].ID]; r.Likes != 1 || r.Replies != 0 {
		t.Errorf("segment 2 metrics = %+v", r)
	}

	recent, err := p.RecentPosts(context.Background(), acct, 2)
	if err != nil || len(recent) != 2 || recent[0].ID != out[2].ID {
		t.Fatalf("recent: %+v %v", recent, err)
	}
}

func TestContractReplyReactDelete(t *testing.T) {
	r := newFakeRelay(t)
	p := newTestProvider(t)
	acct := connect(t, p, gonostr.GeneratePrivateKey(), r.URL)
	out, err := p.Publish(context.Background(), acct, threadPost(ids.New()))
	if err != nil {
		t.Fatal(err)
	}
	bob := gonostr.GeneratePrivateKey()
	comment := signed(t, bob, 1, "Question?", time.Now(), gonostr.Tag{"e", out[0].ID, "", "root"})
	r.put(comment)
	parent := provider.Interaction{Kind: "reply", ID: comment.ID, ParentID: out[0].ID, RootID: out[0].ID, AuthorID: comment.PubKey}

	rp, err := p.Reply(context.Background(), acct, parent, "Answer!")
	if err != nil {
		t.Fatal(err)
	}
	var answer gonostr.Event
	for _, ev := range r.stored(1) {
		if ev.ID == rp.ID {
			answer = ev
		}
	}
	e := tagValues(answer, "e")
	if answer.Content != "Answer!" || len(e) != 2 || e[0][1] != out[0].ID || e[0][3] != "root" || e[1][1] != comment.ID || e[1][3] != "reply" {
		t.Errorf("reply event %+v", answer)
	}
	if pt := tagValues(answer, "p"); len(pt) != 1 || pt[0][1] != comment.PubKey {
		t.Errorf("reply p tags %v", pt)
	}

	if err := p.React(context.Background(), acct, parent, "🤙"); err != nil {
		t.Fatal(err)
	}
	reacts := r.stored(gonostr.KindReaction)
	if len(reacts) != 1 || reacts[0].Content != "🤙" || tagValues(reacts[0], "e")[0][1] != comment.ID {
		t.Errorf("reactions %+v", reacts)
	}

	if err := p.Delete(context.Background(), acct, out[0]); err != nil {
		t.Fatal(err)
	}
	dels := r.stored(gonostr.KindDeletion)
	if len(dels) != 1 || tagValues(dels[0], "e")[0][1] != out[0].ID || tagValues(dels[0], "k")[0][1] != "1" {
		t.Fatalf("deletion requests %+v", dels)
	}
	recent, err := p.RecentPosts(context.Background(), acct, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, rp := range recent {
		if rp.ID == out[0].ID {
			t.Error("the relay still serves the deleted note")
		}
	}
}

func TestContractConnectCheckLimits(t *testing.T) {
	r := newFakeRelay(t)
	r.maxLength = 2000
	p := newTestProvider(t)
	sk := gonostr.GeneratePrivateKey()
	pk, _ := gonostr.GetPublicKey(sk)
	npub, _ := nip19.EncodePublicKey(pk)
	ctx := context.Background()

	hexAcct, err := p.Connect(ctx, map[string]string{"secret_key": sk, "relays": r.URL + "/\n" + r.URL})
	if err != nil || hexAcct.RemoteID != pk || hexAcct.Handle != npub || hexAcct.Settings[settingRelays] != r.URL {
		t.Fatalf("hex import: %+v %v", hexAcct, err)
	}
	gen, err := p.Connect(ctx, map[string]string{"generate": "true", "relays": r.URL})
	if err != nil || len(gen.RemoteID) != 64 || gen.RemoteID == pk || gen.Credentials[credSecretKey] == "" {
		t.Fatalf("generate: %+v %v", gen, err)
	}
	for _, v := range gen.Reveal {
		if !strings.HasPrefix(v, "nsec1") {
			t.Fatalf("a generated key must be revealed once as nsec, got %q", v)
		}
	}
	if len(gen.Reveal) != 1 || len(hexAcct.Reveal) != 0 {
		t.Fatalf("reveal: generated %v, imported %v", gen.Reveal, hexAcct.Reveal)
	}
	for name, in := range map[string]map[string]string{
		"npub":      {"secret_key": npub, "relays": r.URL},
		"short hex": {"secret_key": "abcd", "relays": r.URL},
		"https":     {"secret_key": sk, "relays": "https://relay.example.org"},
		"no relays": {"secret_key": sk, "relays": " , "},
		"both":      {"secret_key": sk, "generate": "true", "relays": r.URL},
	} {
		if _, err := p.Connect(ctx, in); provider.TraitOf(err) != provider.Permanent {
			t.Errorf("%s: got %v, want a permanent error", name, err)
		}
	}

	st, err := p.Check(ctx, hexAcct)
	if err != nil || !st.OK || st.Handle != npub || !strings.Contains(st.Message, "1 of 1 relays") {
		t.Errorf("check: %+v %v", st, err)
	}
	bad := hexAcct
	bad.Credentials = map[string]string{credSecretKey: gen.Credentials[credSecretKey]}
	if st, err := p.Check(ctx, bad); st.OK || provider.TraitOf(err) != provider.AuthExpired {
		t.Errorf("check with another account's key: %+v %v", st, err)
	}

	lim, err := p.RefreshLimits(ctx, hexAcct)
	if err != nil || lim.Text.Max != 2000 {
		t.Errorf("limits: %+v %v", lim.Text, err)
	}
}

func TestKeyTimeAndRelays(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	key := strings.ToLower(encodeULIDTime(at.UnixMilli())) + "0000000000000000"
	got, err := keyTime(key)
	if err != nil || got != at.Unix() {
		t.Fatalf("keyTime = %d %v, want %d", got, err, at.Unix())
	}
	if _, err := keyTime("not-a-ulid"); err == nil {
		t.Error("keyTime accepted a non-ULID")
	}
	relays, err := ParseRelays("WSS://Relay.Example.org/, ws://127.0.0.1:7447\nwss://relay.example.org")
	if err != nil || len(relays) != 2 || relays[0] != "wss://relay.example.org" {
		t.Errorf("ParseRelays = %v %v", relays, err)
	}
	for _, bad := range []string{"wss://user:pw@relay.example.org", "wss://", "ftp://x.org", "wss://x.org/?a=1"} {
		if _, err := ParseRelays(bad); err == nil {
			t.Errorf("ParseRelays(%q) accepted", bad)
		}
	}
}

// encodeULIDTime writes ms as ten Crockford base-32 characters.
func encodeULIDTime(ms int64) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := make([]byte, 10)
	for i := 9; i >= 0; i-- {
		b[i] = alphabet[ms&31]
		ms >>= 5
	}
	return string(b)
}
