package matrix

import (
	"context"
	"testing"
	"time"

	"herald/internal/platform/ids"
	"herald/internal/provider"
)

func relatesTo(content map[string]any) map[string]any {
	rel, _ := content["m.relates_to"].(map[string]any)
	return rel
}

func TestContractInteractionsAndMetrics(t *testing.T) {
	h, p, acct := setup(t)
	ctx := context.Background()
	out, err := p.Publish(ctx, acct, announcement(ids.New()))
	if err != nil {
		t.Fatal(err)
	}
	root, img := out[0].ID, lastEvent(out[0])
	// Bob: a rich reply (the smoke test's shape), a thread reply as Element
	// sends it, a reaction, a reaction on the image, an edit, and a mention;
	// carol answers bob's reply.
	reply := h.post(news, bob, "m.room.message", map[string]any{"msgtype": "m.text", "body": "Congrats!",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": root}}, "m.mentions": map[string]any{"user_ids": []string{alice}}})
	threaded := h.post(news, bob, "m.room.message", map[string]any{"msgtype": "m.text", "body": "In the thread",
		"m.relates_to": map[string]any{"rel_type": "m.thread", "event_id": root, "is_falling_back": true,
			"m.in_reply_to": map[string]any{"event_id": out[2].ID}}})
	like := h.post(news, bob, "m.reaction", map[string]any{"m.relates_to": map[string]any{"rel_type": "m.annotation", "event_id": root, "key": "👍"}})
	party := h.post(news, bob, "m.reaction", map[string]any{"m.relates_to": map[string]any{"rel_type": "m.annotation", "event_id": img, "key": "🎉"}})
	h.post(news, bob, "m.room.message", map[string]any{"msgtype": "m.text", "body": "* Congrats!!",
		"m.relates_to": map[string]any{"rel_type": "m.replace", "event_id": reply}})
	mention := h.post(news, bob, "m.room.message", map[string]any{"msgtype": "m.text", "body": "hey " + alice,
		"m.mentions": map[string]any{"user_ids": []string{alice}}})
	chained := h.post(news, "@carol:fake.test", "m.room.message", map[string]any{"msgtype": "m.text", "body": "+1 bob",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": reply}}})
	h.post(news, bob, "m.room.message", map[string]any{"msgtype": "m.text", "body": "unrelated chatter"})

	got, err := p.Interactions(ctx, acct, time.Now().Add(-time.Hour), out)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]provider.Interaction{
		reply:    {Kind: "reply", ParentID: root, RootID: root, Text: "Congrats!"},
		threaded: {Kind: "reply", ParentID: root, RootID: root, Text: "In the thread"},
		like:     {Kind: "like", ParentID: root, RootID: root, Reaction: "👍"},
		party:    {Kind: "reaction", ParentID: img, RootID: root, Reaction: "🎉"},
		mention:  {Kind: "mention", Text: "hey " + alice},
		chained:  {Kind: "reply", ParentID: reply, RootID: root, Text: "+1 bob"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d interactions, want %d: %+v", len(got), len(want), got)
	}
	for _, in := range got {
		w, ok := want[in.ID]
		if !ok || in.Kind != w.Kind || in.ParentID != w.ParentID || in.RootID != w.RootID || in.Text != w.Text || in.Reaction != w.Reaction {
			t.Errorf("interaction %+v, want %+v", in, w)
		}
		if in.AuthorID == "" || in.URL == "" || in.CreatedAt.IsZero() {
			t.Errorf("interaction %s lacks author, URL or time", in.ID)
		}
	}

	m, err := p.PostMetrics(ctx, acct, out)
	if err != nil {
		t.Fatal(err)
	}
	// Root: 2 reactions (one on its image), bob's thread reply and his rich
	// reply; alice's own thread parts do not count.
	if r := m[root]; r.Likes != 2 || r.Replies != 2 {
		t.Errorf("root metrics %+v", r)
	}
	if r := m[out[1].ID]; r.Likes != 0 || r.Replies != 0 {
		t.Errorf("segment 2 metrics %+v", r)
	}

	recent, err := p.RecentPosts(ctx, acct, 10)
	if err != nil || len(recent) != 3 || recent[0].ID != out[2].ID || recent[2].ID != root {
		t.Errorf("recent posts %+v %v (image parts fold into their segment)", recent, err)
	}
}

func TestContractReplyReactDeleteHide(t *testing.T) {
	h, p, acct := setup(t)
	ctx := context.Background()
	out, err := p.Publish(ctx, acct, announcement(ids.New()))
	if err != nil {
		t.Fatal(err)
	}
	root := out[0].ID
	inThread := h.post(news, bob, "m.room.message", map[string]any{"msgtype": "m.text", "body": "question?",
		"m.relates_to": map[string]any{"rel_type": "m.thread", "event_id": root, "is_falling_back": true, "m.in_reply_to": map[string]any{"event_id": root}}})
	inMain := h.post(news, bob, "m.room.message", map[string]any{"msgtype": "m.text", "body": "main timeline"})

	r1, err := p.Reply(ctx, acct, provider.Interaction{ID: inThread, AuthorID: bob, RootID: root}, "Answer in the thread")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := p.Reply(ctx, acct, provider.Interaction{ID: inMain, AuthorID: bob}, "Answer <b>here</b>")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]map[string]any{}
	for _, ev := range h.timeline(news, "m.room.message") {
		byID[ev["event_id"].(string)] = contentOf(ev)
	}
	rel := relatesTo(byID[r1.ID])
	if rel["rel_type"] != "m.thread" || rel["event_id"] != root || rel["is_falling_back"] != false ||
		rel["m.in_reply_to"].(map[string]any)["event_id"] != inThread {
		t.Errorf("thread answer relation %v", rel)
	}
	rel = relatesTo(byID[r2.ID])
	if rel["rel_type"] != nil || rel["m.in_reply_to"].(map[string]any)["event_id"] != inMain ||
		byID[r2.ID]["formatted_body"] != "Answer &lt;b&gt;here&lt;/b&gt;" {
		t.Errorf("main answer %v", byID[r2.ID])
	}

	target := provider.Interaction{ID: inMain, AuthorID: bob}
	if err := p.React(ctx, acct, target, "+"); err != nil {
		t.Fatal(err)
	}
	if err := p.React(ctx, acct, target, "+"); err != nil {
		t.Fatal(err)
	}
	if rs := h.timeline(news, "m.reaction"); len(rs) != 1 || relatesTo(contentOf(rs[0]))["key"] != "👍" {
		t.Errorf("reactions %v (a repeated reaction must be one)", rs)
	}

	if err := p.Delete(ctx, acct, out[0]); err != nil {
		t.Fatal(err)
	}
	if err := p.Hide(ctx, acct, provider.Interaction{ID: inMain}); err != nil {
		t.Fatal(err)
	}
	redactions := h.timeline(news, "m.room.redaction")
	if len(redactions) != 3 {
		t.Fatalf("%d redactions, want text + image + bob's comment", len(redactions))
	}
	for _, ev := range h.timeline(news, "m.room.message") {
		id := ev["event_id"].(string)
		gone := len(contentOf(ev)) == 0
		if want := id == root || id == lastEvent(out[0]) || id == inMain; gone != want {
			t.Errorf("event %s redacted = %v, want %v", id, gone, want)
		}
	}
	if err := p.Delete(ctx, acct, out[0]); err != nil {
		t.Errorf("deleting again: %v", err)
	}
}

func TestRender(t *testing.T) {
	for _, c := range []struct{ in, plain, html string }{
		{"a\nb", "a\nb", "a<br/>b"},
		{"<script>alert(1)</script>", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"see https://example.org/x?a=1&b=2.", "see https://example.org/x?a=1&b=2.", `see <a href="https://example.org/x?a=1&amp;b=2">https://example.org/x?a=1&amp;b=2</a>.`},
		{"[x](javascript:alert(1))", "[x](javascript:alert(1))", "[x](javascript:alert(1))"},
		{`[a "b"](https://e.org/"q)`, `a "b" (https://e.org/"q)`, `<a href="https://e.org/&#34;q">a &#34;b&#34;</a>`},
		{"*it* and `c<d`", "*it* and `c<d`", "<em>it</em> and <code>c&lt;d</code>"},
	} {
		plain, html := render(c.in)
		if plain != c.plain || html != c.html {
			t.Errorf("render(%q) = %q, %q; want %q, %q", c.in, plain, html, c.plain, c.html)
		}
	}
}
