package compose_test

import (
	"context"
	"strings"
	"testing"

	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider/count"
	"herald/internal/store"
	"herald/internal/testenv"
)

// family is one grapheme of 25 bytes: four people joined by ZWJs.
const family = "👨\u200d👩\u200d👧\u200d👦"

// problems returns the codes of a channel's errors and warnings.
func problems(rep compose.Report, channelID string) (errs, warns []string) {
	for _, tr := range rep.Targets {
		if tr.ChannelID != channelID {
			continue
		}
		for _, p := range tr.Errors {
			errs = append(errs, p.Code+"@"+p.Field)
		}
		for _, p := range tr.Warnings {
			warns = append(warns, p.Code+"@"+p.Field)
		}
	}
	return errs, warns
}

func has(list []string, want string) bool {
	for _, x := range list {
		if x == want {
			return true
		}
	}
	return false
}

func TestValidate(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		check := func(d compose.Draft) compose.Report {
			t.Helper()
			rep, err := e.s.Validate(ctx, e.owner, e.ws, compose.ValidateInput{Draft: d})
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		both := []string{e.bsky.ID, e.plain.ID}

		// 300 graphemes pass Bluesky although the emoji take 250 bytes; 301 do not.
		text300 := strings.Repeat("a", 290) + strings.Repeat(family, 10)
		rep := check(compose.Draft{Base: model.Content{Text: text300}, Channels: []string{e.bsky.ID}})
		if errs, _ := problems(rep, e.bsky.ID); len(errs) != 0 || !rep.OK || rep.Targets[0].Counters[0].Used != 300 {
			t.Fatalf("300 graphemes: %v %+v", errs, rep.Targets[0].Counters)
		}
		rep = check(compose.Draft{Base: model.Content{Text: text300 + family}, Channels: []string{e.bsky.ID}})
		if errs, _ := problems(rep, e.bsky.ID); rep.OK || !has(errs, "too_long@text") || !strings.Contains(rep.Targets[0].Errors[0].Message, "301") {
			t.Fatalf("301 graphemes: %v %+v", errs, rep.Targets[0].Errors)
		}

		// Five images: too many for Bluesky (4), fine for plain (10).
		imgs := []model.MediaRef{{ID: "img1"}, {ID: "img2"}, {ID: "img3"}, {ID: "img4"}, {ID: "img5"}}
		rep = check(compose.Draft{Base: model.Content{Text: "Pictures", Media: imgs}, Channels: both})
		if errs, _ := problems(rep, e.bsky.ID); !has(errs, "too_many_media@media") {
			t.Errorf("bluesky with 5 images: %v", errs)
		}
		if errs, _ := problems(rep, e.plain.ID); len(errs) != 0 {
			t.Errorf("plain with 5 images: %v", errs)
		}

		// Images and video together: plain does not mix them.
		rep = check(compose.Draft{Base: model.Content{Text: "Mixed", Media: []model.MediaRef{{ID: "img1"}, {ID: "vid1"}}}, Channels: []string{e.plain.ID}})
		if errs, _ := problems(rep, e.plain.ID); !has(errs, "mixed_media@media") {
			t.Errorf("mixed media: %v", errs)
		}

		// Alt text: Bluesky requires it, plain only under the workspace policy;
		// a post's own alt fills the gap.
		noAlt := compose.Draft{Base: model.Content{Text: "Alt", Media: []model.MediaRef{{ID: "noalt"}}}, Channels: both}
		rep = check(noAlt)
		if errs, _ := problems(rep, e.bsky.ID); !has(errs, "alt_missing@media.0.alt") {
			t.Errorf("bluesky without alt: %v", errs)
		}
		if errs, _ := problems(rep, e.plain.ID); len(errs) != 0 {
			t.Errorf("plain without alt: %v", errs)
		}
		e.media.altRequired = true
		rep = check(noAlt)
		if errs, _ := problems(rep, e.plain.ID); !has(errs, "alt_missing@media.0.alt") || !strings.Contains(rep.Targets[1].Errors[0].Message, "This workspace") {
			t.Errorf("plain under the alt policy: %v %+v", errs, rep.Targets[1].Errors)
		}
		noAlt.Base.Media[0].Alt = "A cake"
		if rep = check(noAlt); !rep.OK {
			t.Errorf("alt given in the post: %+v", rep.Targets)
		}
		e.media.altRequired = false

		// A thread: Bluesky takes it, plain does not.
		thread := compose.Draft{Base: model.Content{Text: "1/2", Thread: []model.Segment{{Text: "2/2"}}}, Channels: both}
		rep = check(thread)
		if errs, _ := problems(rep, e.plain.ID); !has(errs, "thread_unsupported@thread") {
			t.Errorf("plain thread: %v", errs)
		}
		if errs, _ := problems(rep, e.bsky.ID); len(errs) != 0 {
			t.Errorf("bluesky thread: %v", errs)
		}

		// Links: Herald's own are tracked, others are worth a warning.
		rep = check(compose.Draft{Base: model.Content{Text: "Read https://example.com/menu and https://herald.example/l/abc"}, Channels: []string{e.bsky.ID}})
		if _, warns := problems(rep, e.bsky.ID); len(warns) != 1 || warns[0] != "untracked_link@text" {
			t.Errorf("links: %v", warns)
		}

		// The same text already scheduled on the channel: a duplicate warning,
		// but not for the post itself.
		p, err := e.s.Create(ctx, e.owner, e.ws, compose.Draft{Base: model.Content{Text: "Fresh bread today"}, Channels: []string{e.bsky.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.a.Store.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.SQL().ExecContext(ctx, `UPDATE post_targets SET status = 'scheduled' WHERE post_id = $1`, p.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		dup := compose.Draft{Base: model.Content{Text: "fresh  bread TODAY"}, Channels: []string{e.bsky.ID}}
		if _, warns := problems(check(dup), e.bsky.ID); !has(warns, "duplicate@text") {
			t.Errorf("duplicate: %v", warns)
		}
		rep, _ = e.s.Validate(ctx, e.owner, e.ws, compose.ValidateInput{Draft: dup, PostID: p.ID})
		if _, warns := problems(rep, e.bsky.ID); has(warns, "duplicate@text") {
			t.Errorf("a post is its own duplicate: %v", warns)
		}

		_, err = e.s.Validate(ctx, e.owner, e.ws, compose.ValidateInput{Draft: compose.Draft{Base: model.Content{Text: "x"}, Channels: []string{"nope"}}})
		testenv.WantKind(t, err, model.KindInvalid, "channels")
	})
}

func TestSplitRespectsEveryNetwork(t *testing.T) {
	e := setup(t, testenv.SQLite(t))
	ctx := context.Background()
	// Emoji are one grapheme but 25 bytes: plain's 1000-byte limit binds
	// before Bluesky's 300 graphemes once they pile up.
	var b strings.Builder
	for i := 0; i < 120; i++ {
		b.WriteString("word ")
		b.WriteString(family)
		b.WriteString(" #tag https://example.com/page ")
	}
	text := b.String()
	parts, err := e.s.Split(ctx, e.owner, e.ws, []string{e.bsky.ID, e.plain.ID}, text, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 2 {
		t.Fatalf("%d parts", len(parts))
	}
	bsky, plain := count.Defaults["bluesky"], count.Rule{Method: count.UTF8Bytes, Max: 1000}
	for i, p := range parts {
		if !count.Count(p, bsky).OK() || !count.Count(p, plain).OK() {
			t.Errorf("part %d does not fit both: %d graphemes, %d bytes", i+1, count.Count(p, bsky).Used, len(p))
		}
		if strings.Contains(p, "\u200d👦") && !strings.Contains(p, family) {
			t.Errorf("part %d cuts an emoji sequence", i+1)
		}
	}
	only, err := e.s.Split(ctx, e.owner, e.ws, []string{e.bsky.ID}, text, false)
	if err != nil || len(only) > len(parts) {
		t.Errorf("Bluesky alone: %d parts (both: %d) %v", len(only), len(parts), err)
	}
	_, err = e.s.Split(ctx, e.owner, e.ws, []string{"nope"}, text, false)
	testenv.WantKind(t, err, model.KindInvalid, "channels")
}
