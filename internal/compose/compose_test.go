package compose_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/channel"
	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/bluesky"
	"herald/internal/provider/count"
	"herald/internal/provider/fake"
	"herald/internal/testenv"
)

// env is a real app on a fresh database with two stand-in networks: the
// fake provider posing as Bluesky (its real limits) and "plain", a network
// without threads that takes video but does not mix it with images.
type env struct {
	a     *app.App
	s     *compose.Service
	owner model.Actor
	ws    string
	bsky  model.Channel // Bluesky, Europe/Berlin
	plain model.Channel // plain, UTC
	media *fakeMedia
	now   time.Time
}

var start = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) // 12:00 in Berlin

func setup(t *testing.T, cfg config.Config) *env {
	t.Helper()
	cfg.Roles = []string{"web"}
	cfg.BaseURL = "https://herald.example"
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	blue := fake.New()
	blue.As = &provider.Info{Network: "bluesky", Name: "Bluesky", Limits: bluesky.DefaultLimits(),
		Capabilities: []provider.Capability{provider.CapPublish, provider.CapThreads, provider.CapImages, provider.CapLinkCards}}
	a.Providers.Register(blue)
	plain := fake.New()
	plain.As = &provider.Info{Network: "plain", Name: "Plain",
		Capabilities: []provider.Capability{provider.CapPublish, provider.CapImages, provider.CapVideo},
		Limits:       provider.Limits{Text: count.Rule{Method: count.UTF8Bytes, Max: 1000}, MaxMedia: 10, MaxImages: 10, MaxVideos: 1}}
	a.Providers.Register(plain)
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{a: a, s: a.Compose, owner: model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}, media: &fakeMedia{}, now: start}
	e.s.Media = e.media
	e.s.Now = func() time.Time { return e.now }
	w, err := a.Workspaces.Create(ctx, e.owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	e.ws = w.ID
	e.bsky = e.connect(t, "bluesky", "acme", "Europe/Berlin")
	e.plain = e.connect(t, "plain", "acmeplain", "UTC")
	return e
}

func (e *env) connect(t *testing.T, network, handle, zone string) model.Channel {
	t.Helper()
	ctx := context.Background()
	c, err := e.a.Channels.Connect(ctx, e.owner, e.ws, network, map[string]string{"handle": handle})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = e.a.Channels.Update(ctx, e.owner, e.ws, c.ID, channel.Settings{Name: c.Name, TimeZone: zone}); err != nil {
		t.Fatal(err)
	}
	return c
}

// member adds a user with role to the workspace and returns their actor.
func (e *env) member(t *testing.T, email string, role model.Role) model.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := e.a.Accounts.CreateUser(ctx, e.owner, account.NewUser{Email: email, Name: email, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := e.a.Workspaces.Invite(ctx, e.owner, e.ws, email, string(role))
	if err != nil {
		t.Fatal(err)
	}
	_, token, _ := strings.Cut(inv.Link, "/invite/")
	actor := model.Actor{UserID: u.ID, Email: u.Email, Via: "web"}
	if _, err := e.a.Workspaces.AcceptAsUser(ctx, actor, token); err != nil {
		t.Fatal(err)
	}
	return actor
}

// fakeMedia is a media library of a few known assets.
type fakeMedia struct{ altRequired bool }

var library = map[string]compose.MediaInfo{
	"img1":  {ID: "img1", Kind: "image", ContentType: "image/png", Size: 1000, Width: 100, Height: 100, Alt: "A cat"},
	"img2":  {ID: "img2", Kind: "image", ContentType: "image/png", Size: 1000, Width: 100, Height: 100, Alt: "A dog"},
	"img3":  {ID: "img3", Kind: "image", ContentType: "image/png", Size: 1000, Width: 100, Height: 100, Alt: "A bird"},
	"img4":  {ID: "img4", Kind: "image", ContentType: "image/png", Size: 1000, Width: 100, Height: 100, Alt: "A fish"},
	"img5":  {ID: "img5", Kind: "image", ContentType: "image/png", Size: 1000, Width: 100, Height: 100, Alt: "A frog"},
	"noalt": {ID: "noalt", Kind: "image", ContentType: "image/png", Size: 1000, Width: 100, Height: 100},
	"vid1":  {ID: "vid1", Kind: "video", ContentType: "video/mp4", Size: 5000},
}

func (m *fakeMedia) Lookup(_ context.Context, _ string, ids []string) ([]compose.MediaInfo, error) {
	var out []compose.MediaInfo
	for _, id := range ids {
		if info, ok := library[id]; ok {
			out = append(out, info)
		}
	}
	return out, nil
}

func (m *fakeMedia) AltRequired(context.Context, string) (bool, error) { return m.altRequired, nil }

func ptr[T any](v T) *T { return &v }

func target(p model.Post, channelID string) model.Target {
	for _, t := range p.Targets {
		if t.ChannelID == channelID {
			return t
		}
	}
	return model.Target{}
}

func TestVariantsInheritUntilEditedAndConflicts(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		d := compose.Draft{Base: model.Content{Text: "Spring menu is here"}, Channels: []string{e.bsky.ID, e.plain.ID},
			Variants: map[string]model.Variant{e.plain.ID: {Text: ptr("Spring menu is here, plain edition")}, e.bsky.ID: {}}}
		p, err := e.s.Create(ctx, e.owner, e.ws, d)
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != 1 || target(p, e.bsky.ID).Variant.Customised() || !target(p, e.plain.ID).Variant.Customised() {
			t.Fatalf("created %+v", p)
		}
		d.Base.Text = "Summer menu is here"
		p, err = e.s.Update(ctx, e.owner, e.ws, p.ID, 1, d)
		if err != nil {
			t.Fatal(err)
		}
		if got := target(p, e.bsky.ID).Effective(p.Base).Text; got != "Summer menu is here" {
			t.Errorf("inheriting variant says %q", got)
		}
		if got := target(p, e.plain.ID).Effective(p.Base).Text; got != "Spring menu is here, plain edition" {
			t.Errorf("edited variant says %q", got)
		}
		// Saving the same content again adds no version.
		if same, err := e.s.Update(ctx, e.owner, e.ws, p.ID, 2, d); err != nil || same.Version != 2 {
			t.Fatalf("unchanged save: version %d %v", same.Version, err)
		}
		// Someone who opened version 1 cannot overwrite version 2.
		_, err = e.s.Update(ctx, e.owner, e.ws, p.ID, 1, compose.Draft{Base: model.Content{Text: "stale"}, Channels: d.Channels})
		testenv.WantKind(t, err, model.KindConflict, "version")

		p, err = e.s.ResetVariant(ctx, e.owner, e.ws, p.ID, e.plain.ID, "text")
		if err != nil {
			t.Fatal(err)
		}
		if v := target(p, e.plain.ID).Variant; v.Customised() || p.Version != 3 {
			t.Fatalf("after reset: %+v version %d", v, p.Version)
		}
		_, err = e.s.ResetVariant(ctx, e.owner, e.ws, p.ID, e.plain.ID, "colour")
		testenv.WantKind(t, err, model.KindInvalid, "field")
		_, err = e.s.Create(ctx, e.owner, e.ws, compose.Draft{Base: model.Content{Text: "x"}, Channels: []string{"nope"}})
		testenv.WantKind(t, err, model.KindInvalid, "channels")
	})
}

func TestHistoryAndRestore(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		d := compose.Draft{Base: model.Content{Text: "The quick brown fox"}, Channels: []string{e.bsky.ID}}
		p, err := e.s.Create(ctx, e.owner, e.ws, d)
		if err != nil {
			t.Fatal(err)
		}
		d.Base.Text = "The quick red fox"
		d.Labels = []string{"launch"}
		if p, err = e.s.Update(ctx, e.owner, e.ws, p.ID, p.Version, d); err != nil {
			t.Fatal(err)
		}
		hist, err := e.s.History(ctx, e.owner, e.ws, p.ID)
		if err != nil || len(hist) != 2 {
			t.Fatalf("history %+v %v", hist, err)
		}
		if hist[0].Version != 2 || !strings.Contains(hist[0].Summary, "text") || !strings.Contains(hist[0].Summary, "labels") || hist[0].Author != "Owner" {
			t.Errorf("newest version %+v", hist[0].PostVersion)
		}
		var added, removed string
		for _, part := range hist[0].Diff {
			switch part.Op {
			case "+":
				added += part.Text
			case "-":
				removed += part.Text
			}
		}
		if added != "red" || removed != "brown" {
			t.Errorf("diff +%q -%q: %+v", added, removed, hist[0].Diff)
		}
		p, err = e.s.Restore(ctx, e.owner, e.ws, p.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != 3 || p.Base.Text != "The quick brown fox" || len(p.Labels) != 0 {
			t.Fatalf("restored %+v", p)
		}
		_, err = e.s.Restore(ctx, e.owner, e.ws, p.ID, 9)
		testenv.WantKind(t, err, model.KindNotFound, "")
	})
}

func TestPermissions(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		viewer := e.member(t, "viewer@example.com", model.RoleViewer)
		contributor := e.member(t, "contributor@example.com", model.RoleContributor)
		d := compose.Draft{Base: model.Content{Text: "Hello"}, Channels: []string{e.bsky.ID}}
		_, err := e.s.Create(ctx, viewer, e.ws, d)
		testenv.WantKind(t, err, model.KindForbidden, "")
		p, err := e.s.Create(ctx, contributor, e.ws, d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Get(ctx, viewer, e.ws, p.ID); err != nil {
			t.Fatalf("viewer cannot read: %v", err)
		}
		d.Base.Text = "Hello there"
		_, err = e.s.Update(ctx, viewer, e.ws, p.ID, 1, d)
		testenv.WantKind(t, err, model.KindForbidden, "")
		_, err = e.s.Restore(ctx, viewer, e.ws, p.ID, 1)
		testenv.WantKind(t, err, model.KindForbidden, "")
		_, err = e.s.Import(ctx, viewer, e.ws, strings.NewReader("text,channels\nhi,@acme\n"), compose.ImportOptions{})
		testenv.WantKind(t, err, model.KindForbidden, "")
		if _, err := e.s.Update(ctx, contributor, e.ws, p.ID, 1, d); err != nil {
			t.Fatalf("contributor cannot edit: %v", err)
		}
		err = e.s.Delete(ctx, contributor, e.ws, p.ID)
		testenv.WantKind(t, err, model.KindForbidden, "")
		_, err = e.s.SavePillar(ctx, contributor, e.ws, model.Pillar{Name: "Tips", Color: "#112233"})
		testenv.WantKind(t, err, model.KindForbidden, "")
		if err := e.s.Delete(ctx, e.owner, e.ws, p.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPillarsShareAtMost100(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		tips, err := e.s.SavePillar(ctx, e.owner, e.ws, model.Pillar{Name: "Tips", Color: "#112233", TargetShare: 60})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SavePillar(ctx, e.owner, e.ws, model.Pillar{Name: "News", Color: "#445566", TargetShare: 40}); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.SavePillar(ctx, e.owner, e.ws, model.Pillar{Name: "Fun", Color: "#778899", TargetShare: 1})
		testenv.WantKind(t, err, model.KindInvalid, "target_share")
		tips.TargetShare = 61
		_, err = e.s.SavePillar(ctx, e.owner, e.ws, tips)
		testenv.WantKind(t, err, model.KindInvalid, "target_share")
		tips.TargetShare = 50
		if _, err := e.s.SavePillar(ctx, e.owner, e.ws, tips); err != nil {
			t.Fatalf("lowering a share: %v", err)
		}
		_, err = e.s.SavePillar(ctx, e.owner, e.ws, model.Pillar{Name: "News", Color: "#445566"})
		testenv.WantKind(t, err, model.KindConflict, "name")
		_, err = e.s.SavePillar(ctx, e.owner, e.ws, model.Pillar{Name: "Odd", Color: "red"})
		testenv.WantKind(t, err, model.KindInvalid, "color")
	})
}

func TestIdeaToDraftInOneStep(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		i, err := e.s.SaveIdea(ctx, e.owner, e.ws, model.Idea{Text: "Behind the scenes at the bakery", Link: "https://acme.example/bakery"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.s.IdeaToDraft(ctx, e.owner, e.ws, i.ID, []string{e.bsky.ID})
		if err != nil {
			t.Fatal(err)
		}
		if p.Base.Text != i.Text || p.Base.Link != i.Link || len(p.Targets) != 1 || p.Targets[0].Status != model.TargetDraft {
			t.Fatalf("draft %+v", p)
		}
		open, _ := e.s.Ideas(ctx, e.owner, e.ws, false)
		all, _ := e.s.Ideas(ctx, e.owner, e.ws, true)
		if len(open) != 0 || len(all) != 1 || all[0].PostID != p.ID {
			t.Fatalf("ideas open %+v all %+v", open, all)
		}
		_, err = e.s.IdeaToDraft(ctx, e.owner, e.ws, i.ID, []string{e.bsky.ID})
		testenv.WantKind(t, err, model.KindConflict, "idea")
		// A refused draft leaves the idea open.
		j, _ := e.s.SaveIdea(ctx, e.owner, e.ws, model.Idea{Text: "Another"})
		_, err = e.s.IdeaToDraft(ctx, e.owner, e.ws, j.ID, nil)
		testenv.WantKind(t, err, model.KindInvalid, "channels")
		if open, _ := e.s.Ideas(ctx, e.owner, e.ws, false); len(open) != 1 {
			t.Fatalf("open ideas %+v", open)
		}
	})
}

func TestTemplates(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		sn, err := e.s.SaveSnippet(ctx, e.owner, e.ws, model.Snippet{Kind: model.SnippetTemplate, Name: "Launch",
			Body: "{{workspace}} launches {{ product }} on {{date}}. Get {{product}} now!"})
		if err != nil {
			t.Fatal(err)
		}
		if vars := compose.TemplateVariables(sn.Body); len(vars) != 1 || vars[0] != "product" {
			t.Errorf("variables %v", vars)
		}
		berlin, _ := time.LoadLocation("Europe/Berlin")
		e.now = time.Date(2026, 6, 1, 23, 30, 0, 0, time.UTC) // already 2 June in Berlin
		got, err := e.s.Expand(ctx, e.owner, e.ws, sn.ID, map[string]string{"product": "Rye", "date": "ignored"}, berlin)
		if err != nil || got != "Acme launches Rye on 2026-06-02. Get Rye now!" {
			t.Fatalf("expand %q %v", got, err)
		}
		_, err = e.s.Expand(ctx, e.owner, e.ws, sn.ID, nil, nil)
		testenv.WantKind(t, err, model.KindInvalid, "variables")
		_, err = e.s.SaveSnippet(ctx, e.owner, e.ws, model.Snippet{Kind: model.SnippetTemplate, Name: "Bad", Body: "Hi {{Not OK}}"})
		testenv.WantKind(t, err, model.KindInvalid, "body")
		tags, err := e.s.SaveSnippet(ctx, e.owner, e.ws, model.Snippet{Kind: model.SnippetHashtags, Name: "Spring", Body: "#spring #menu"})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := e.s.Expand(ctx, e.owner, e.ws, tags.ID, nil, nil); got != "#spring #menu" {
			t.Errorf("hashtag group expands to %q", got)
		}
		_, err = e.s.SaveSnippet(ctx, e.owner, e.ws, model.Snippet{Kind: model.SnippetHashtags, Name: "Bad", Body: "#ok not-a-tag"})
		testenv.WantKind(t, err, model.KindInvalid, "body")
	})
}
