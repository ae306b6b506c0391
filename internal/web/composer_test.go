package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/fake"
)

// composeEnv is a workspace with a Bluesky and a Mastodon channel. Fakes
// stand in for both networks with their real descriptions (limits,
// capabilities), so validation behaves as for the real networks without
// connecting to them.
type composeEnv struct {
	*env
	c           *client
	ws          model.Workspace
	bsky, masto model.Channel
}

func standIn(info provider.Info) *fake.Provider {
	f := fake.New()
	f.As = &info
	return f
}

func newComposeEnv(t *testing.T) *composeEnv {
	t.Helper()
	e := newEnv(t)
	for _, network := range []provider.Network{"bluesky", "mastodon"} {
		real, err := e.a.Providers.Get(network)
		if err != nil {
			t.Fatal(err)
		}
		e.a.Providers.Register(standIn(real.Info()))
	}
	ce := &composeEnv{env: e, c: e.owner(), ws: e.workspace("owner@example.test", "Acme")}
	ctx, owner := context.Background(), e.actor("owner@example.test")
	var err error
	if ce.bsky, err = e.a.Channels.Connect(ctx, owner, ce.ws.ID, "bluesky", map[string]string{"handle": "acme.bsky.social"}); err != nil {
		t.Fatal(err)
	}
	if ce.masto, err = e.a.Channels.Connect(ctx, owner, ce.ws.ID, "mastodon", map[string]string{"handle": "acme@mastodon.example"}); err != nil {
		t.Fatal(err)
	}
	return ce
}

// postJSON sends a composer script request.
func (c *client) postJSON(path string, body any) (page, map[string]any) {
	c.t.Helper()
	b, _ := json.Marshal(body)
	p := c.postRaw(path, string(b), http.Header{"Content-Type": {"application/json"}, "X-Csrf-Token": {c.csrf()}})
	var out map[string]any
	if err := json.Unmarshal([]byte(p.body), &out); err != nil {
		c.t.Fatalf("POST %s: %d, not JSON: %s", path, p.status, p.body)
	}
	return p, out
}

// graphemes builds text of n user-perceived characters, every tenth a
// family emoji (a ZWJ sequence of five code points).
func graphemes(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i%10 == 9 {
			b.WriteString("👩‍👩‍👧‍👦")
		} else {
			b.WriteByte('a' + byte(i%26))
		}
	}
	return b.String()
}

func TestComposerValidateCountsLikeTheNetwork(t *testing.T) {
	ce := newComposeEnv(t)
	ce.c.open("/w/" + ce.ws.ID + "/posts/new")
	check := func(text string) (bskyErrors []any, counter map[string]any) {
		t.Helper()
		p, rep := ce.c.postJSON("/w/"+ce.ws.ID+"/compose/validate", map[string]any{
			"base": map[string]any{"text": text}, "channels": []string{ce.bsky.ID, ce.masto.ID}})
		wantStatus(t, p, http.StatusOK)
		for _, tr := range rep["targets"].([]any) {
			tr := tr.(map[string]any)
			if tr["network"] == "bluesky" {
				return tr["errors"].([]any), tr["counters"].([]any)[0].(map[string]any)
			}
		}
		t.Fatal("no Bluesky target in the report")
		return nil, nil
	}
	errs, counter := check(graphemes(300))
	if len(errs) != 0 || counter["used"] != float64(300) {
		t.Errorf("300 graphemes: errors %v, used %v; want none and 300", errs, counter["used"])
	}
	errs, counter = check(graphemes(301))
	if len(errs) != 1 || errs[0].(map[string]any)["code"] != "too_long" || counter["used"] != float64(301) {
		t.Errorf("301 graphemes: errors %v, used %v; want too_long and 301", errs, counter["used"])
	}

	// Unknown channels and malformed bodies are named, not a 500.
	p, out := ce.c.postJSON("/w/"+ce.ws.ID+"/compose/validate", map[string]any{"base": map[string]any{"text": "x"}, "channels": []string{"nope"}})
	wantStatus(t, p, http.StatusBadRequest)
	if out["field"] != "channels" {
		t.Errorf("unknown channel: %v", out)
	}
	p, out = ce.c.postJSON("/w/"+ce.ws.ID+"/compose/validate", map[string]any{"bogus": true})
	wantStatus(t, p, http.StatusBadRequest)
	if !strings.Contains(out["error"].(string), "bogus") {
		t.Errorf("unknown field: %v", out)
	}
}

func TestComposerSaveEditAndConflict(t *testing.T) {
	ce := newComposeEnv(t)
	base := "/w/" + ce.ws.ID + "/posts"
	p := ce.c.open(base + "/new")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "New post", "acme.bsky.social", "Bluesky", "Mastodon", "Save draft")

	// No channel picked: the field says so and the text survives.
	p = ce.c.post(base+"/new", url.Values{"text": {"Spring launch"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "Pick at least one channel", "Spring launch")

	state := `{"base":{"text":"","media":[]},"channels":[],"variants":{"` + ce.masto.ID + `":{"text":"Spring launch, longer for Mastodon"}}}`
	p = ce.c.post(base+"/new", url.Values{"text": {"Spring launch"}, "channel": {ce.bsky.ID, ce.masto.ID}, "state": {state},
		"labels": {"launch, spring"}, "thread": {"Part two", ""}})
	wantStatus(t, p, http.StatusSeeOther)
	m := regexp.MustCompile(`^/w/[0-9a-z]{26}/posts/([0-9a-z]{26})/edit$`).FindStringSubmatch(p.location())
	if m == nil {
		t.Fatalf("saved to %q", p.location())
	}
	post, err := ce.a.Compose.Get(context.Background(), ce.actor("owner@example.test"), ce.ws.ID, m[1])
	if err != nil {
		t.Fatal(err)
	}
	if post.Base.Text != "Spring launch" || len(post.Base.Thread) != 1 || len(post.Targets) != 2 || strings.Join(post.Labels, "|") != "launch|spring" {
		t.Fatalf("saved post %+v", post)
	}
	for _, tg := range post.Targets {
		want := "Spring launch"
		if tg.ChannelID == ce.masto.ID {
			want = "Spring launch, longer for Mastodon"
		}
		if got := tg.Effective(post.Base).Text; got != want {
			t.Errorf("channel %s publishes %q, want %q", tg.ChannelID, got, want)
		}
	}

	p = ce.c.open(base + "/" + post.ID + "/edit")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Edit post", "Version 1", "Spring launch", "Part two")

	vals := url.Values{"text": {"Spring launch!"}, "channel": {ce.bsky.ID}, "version": {"1"}}
	p = ce.c.post(base+"/"+post.ID+"/edit", vals)
	wantStatus(t, p, http.StatusSeeOther)
	// A second save on top of the now stale version 1 is refused, and says why.
	p = ce.c.post(base+"/"+post.ID+"/edit", url.Values{"text": {"Other edit"}, "channel": {ce.bsky.ID}, "version": {"1"}})
	wantStatus(t, p, http.StatusConflict)
	mustContain(t, p, "saved by someone else", "Other edit")
}

func TestComposerSplitAndSnippets(t *testing.T) {
	ce := newComposeEnv(t)
	ctx, owner := context.Background(), ce.actor("owner@example.test")
	ce.c.open("/w/" + ce.ws.ID + "/posts/new")
	long := strings.Repeat("Herald splits long text at word boundaries. ", 20)
	p, out := ce.c.postJSON("/w/"+ce.ws.ID+"/compose/split", map[string]any{"text": long, "channels": []string{ce.bsky.ID, ce.masto.ID}, "numbered": true})
	wantStatus(t, p, http.StatusOK)
	parts := out["parts"].([]any)
	if len(parts) < 3 {
		t.Fatalf("%d parts for %d characters", len(parts), len(long))
	}
	for i, part := range parts {
		s := part.(string)
		if n := len([]rune(s)); n > 300 {
			t.Errorf("part %d has %d characters", i, n)
		}
		if strings.HasPrefix(s, " ") || strings.Contains(s, "boundar ") {
			t.Errorf("part %d is cut inside a word: %q", i, s)
		}
	}

	sn, err := ce.a.Compose.SaveSnippet(ctx, owner, ce.ws.ID, model.Snippet{Kind: model.SnippetTemplate, Name: "Launch", Body: "{{product}} is out at {{workspace}}!"})
	if err != nil {
		t.Fatal(err)
	}
	p, out = ce.c.postJSON("/w/"+ce.ws.ID+"/compose/expand", map[string]any{"id": sn.ID, "vars": map[string]string{}})
	wantStatus(t, p, http.StatusBadRequest)
	if !strings.Contains(out["error"].(string), "product") {
		t.Errorf("missing variable: %v", out)
	}
	p, out = ce.c.postJSON("/w/"+ce.ws.ID+"/compose/expand", map[string]any{"id": sn.ID, "vars": map[string]string{"product": "Herald 2"}})
	wantStatus(t, p, http.StatusOK)
	if out["text"] != "Herald 2 is out at Acme!" {
		t.Errorf("expanded %v", out)
	}
}

func TestChannelSignatureShowsInComposer(t *testing.T) {
	ce := newComposeEnv(t)
	path := "/w/" + ce.ws.ID + "/channels/" + ce.bsky.ID
	ce.c.open(path)
	p := ce.c.post(path, url.Values{"name": {"Acme on Bluesky"}, "time_zone": {"UTC"}, "signature": {"— Team Acme"},
		"default_key": {"language"}, "default_value": {"en"}})
	wantStatus(t, p, http.StatusSeeOther)
	p = ce.c.open(path)
	mustContain(t, p, "Signature", "— Team Acme")
	if strings.Contains(p.body, `value="signature"`) {
		t.Error("the signature is also listed among the default options")
	}
	p, rep := ce.c.postJSON("/w/"+ce.ws.ID+"/compose/validate", map[string]any{"base": map[string]any{"text": "Hello"}, "channels": []string{ce.bsky.ID}})
	wantStatus(t, p, http.StatusOK)
	content := rep["targets"].([]any)[0].(map[string]any)["content"].(map[string]any)
	if content["text"] != "Hello\n\n— Team Acme" || content["options"].(map[string]any)["language"] != "en" {
		t.Errorf("the composer's check sees %v", content)
	}
}
