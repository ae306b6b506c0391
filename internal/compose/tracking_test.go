package compose_test

import (
	"context"
	"strings"
	"testing"

	"herald/internal/channel"
	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/testenv"
)

// With "Track links" on, validation counts the short link the post will
// carry, and TrackLinks gives each channel its own short link with UTM
// parameters, the same one on every call.
func TestTrackLinks(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		long := "https://shop.example.com/products/spring-collection/linen-shirt?colour=sand&size=m#reviews"
		base := model.Content{Text: "New in: " + long, Options: map[string]string{"track_links": "on"}}
		d := compose.Draft{Base: base, Channels: []string{e.bsky.ID, e.plain.ID}}

		rep, err := e.s.Validate(ctx, e.owner, e.ws, compose.ValidateInput{Draft: d})
		if err != nil {
			t.Fatal(err)
		}
		standIn := "https://herald.example/l/" + strings.Repeat("x", 10)
		for _, tr := range rep.Targets {
			if tr.Content.Text != "New in: "+standIn {
				t.Errorf("%s previews %q, want the short link's stand-in", tr.Network, tr.Content.Text)
			}
			if _, warns := problems(rep, tr.ChannelID); has(warns, "untracked_link@text") {
				t.Errorf("%s warns about an untracked link although tracking is on", tr.Network)
			}
		}
		if got, want := rep.Targets[0].Counters[0].Used, len([]rune("New in: "+standIn)); got != want {
			t.Errorf("counted %d, want %d (the short link's length)", got, want)
		}

		p, err := e.s.Create(ctx, e.owner, e.ws, d)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, tg := range p.Targets {
			ch := e.bsky
			if tg.ChannelID == e.plain.ID {
				ch = e.plain
			}
			c, err := e.s.TrackLinks(ctx, p, tg, ch, tg.Effective(p.Base))
			if err != nil {
				t.Fatal(err)
			}
			again, err := e.s.TrackLinks(ctx, p, tg, ch, tg.Effective(p.Base))
			if err != nil || again.Text != c.Text {
				t.Fatalf("a second call gave %q (%v), want %q", again.Text, err, c.Text)
			}
			short := strings.TrimPrefix(c.Text, "New in: ")
			if len(short) != len(standIn) || !strings.HasPrefix(short, "https://herald.example/l/") || seen[short] {
				t.Fatalf("%s publishes %q", ch.Network, c.Text)
			}
			seen[short] = true
		}
		list, err := e.a.Links.List(ctx, e.owner, e.ws, "", 10)
		if err != nil || len(list) != 2 {
			t.Fatalf("links %v, %v", list, err)
		}
		for _, l := range list {
			if !strings.Contains(l.URL, "utm_source=") || !strings.Contains(l.URL, "utm_medium=social") || l.PostID != p.ID {
				t.Errorf("link %+v lacks its UTM parameters or post", l)
			}
		}

		// Without the option the content passes through untouched.
		plain := model.Content{Text: "See " + long}
		c, err := e.s.TrackLinks(ctx, p, p.Targets[0], e.bsky, plain)
		if err != nil || c.Text != plain.Text {
			t.Errorf("untracked content changed: %q %v", c.Text, err)
		}
	})
}

// A channel's signature ends every post to it (the last part of a thread)
// and counts against its limit; its default options fill in what the post
// leaves unset.
func TestChannelSignatureAndDefaults(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		if _, err := e.a.Channels.Update(ctx, e.owner, e.ws, e.bsky.ID, channel.Settings{Name: e.bsky.Name, TimeZone: "UTC",
			Defaults: map[string]string{"signature": "— Team Acme", "language": "de", "visibility": "unlisted"}}); err != nil {
			t.Fatal(err)
		}
		base := model.Content{Text: "Hello", Thread: []model.Segment{{Text: "Second"}}, Options: map[string]string{"visibility": "public"}}
		rep, err := e.s.Validate(ctx, e.owner, e.ws, compose.ValidateInput{Draft: compose.Draft{Base: base, Channels: []string{e.bsky.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		c := rep.Targets[0].Content
		if c.Text != "Hello" || c.Thread[0].Text != "Second\n\n— Team Acme" {
			t.Errorf("signature: %q / %q", c.Text, c.Thread[0].Text)
		}
		if c.Options["language"] != "de" || c.Options["visibility"] != "public" {
			t.Errorf("options %v: want the channel's language and the post's own visibility", c.Options)
		}
		if got := rep.Targets[0].Counters[1].Used; got != len([]rune("Second\n\n— Team Acme")) {
			t.Errorf("the last part counts %d, want it with the signature", got)
		}
	})
}
