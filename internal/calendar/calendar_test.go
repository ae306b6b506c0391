package calendar_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/calendar"
	"herald/internal/channel"
	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider/fake"
	"herald/internal/publish"
	"herald/internal/schedule"
	"herald/internal/store"
	"herald/internal/testenv"
)

// A post moved to another day keeps its time of day in its channel's zone,
// across a DST change; the calendar shows it on the new day, in the
// channel's zone or in a chosen one; past days and published posts are
// refused.
func TestCalendarViewAndMove(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		a, owner, w := setup(t, cfg)
		ch, err := a.Channels.Connect(ctx, owner, w.ID, "fake", map[string]string{"handle": "acme"})
		if err != nil {
			t.Fatal(err)
		}
		if ch, err = a.Channels.Update(ctx, owner, w.ID, ch.ID, channel.Settings{Name: ch.Name, TimeZone: "America/New_York"}); err != nil {
			t.Fatal(err)
		}
		p, err := a.Compose.Create(ctx, owner, w.ID, compose.Draft{Base: model.Content{Text: "Spring menu"}, Channels: []string{ch.ID}})
		if err != nil {
			t.Fatal(err)
		}
		// 9:00 in New York on 10 March 2027 (EST, UTC-5); DST starts on the 14th.
		at := time.Date(2027, 3, 10, 14, 0, 0, 0, time.UTC)
		if _, err := a.Publish.Schedule(ctx, owner, w.ID, p.ID, publish.Request{Mode: publish.ModeAt, At: at}); err != nil {
			t.Fatal(err)
		}
		v, err := a.Calendar.View(ctx, owner, w.ID, calendar.Query{Date: "2027-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		if day := find(v, "2027-03-10"); len(day.Items) != 1 || day.Items[0].Local.Format("15:04") != "09:00" {
			t.Fatalf("10 March: %+v", day.Items)
		}
		if v.Count != 1 || v.EmptyDays != 30 || len(v.Weeks) != 5 {
			t.Fatalf("count %d, empty days %d, weeks %d", v.Count, v.EmptyDays, len(v.Weeks))
		}
		tg, err := a.Calendar.Move(ctx, owner, w.ID, p.Targets[0].ID, "2027-03-16")
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2027, 3, 16, 13, 0, 0, 0, time.UTC); !tg.ScheduledAt.Equal(want) {
			t.Fatalf("moved to %s, want %s (9:00 EDT)", tg.ScheduledAt, want)
		}
		if tg.Generation < 2 {
			t.Fatalf("generation %d: the job was not planned again", tg.Generation)
		}
		v, _ = a.Calendar.View(ctx, owner, w.ID, calendar.Query{Mode: calendar.Week, Date: "2027-03-16", Zone: "Europe/Paris"})
		if day := find(v, "2027-03-16"); len(day.Items) != 1 || day.Items[0].Local.Format("15:04") != "14:00" {
			t.Fatalf("16 March in Paris: %+v", day.Items)
		}
		// Free posting slots show in the week view, in the channel's zone,
		// and not where a post is already planned.
		if _, err := a.Publish.SetSlots(ctx, owner, w.ID, ch.ID, []schedule.Slot{{Weekday: time.Tuesday, Minute: 9 * 60}, {Weekday: time.Wednesday, Minute: 10 * 60}}, false); err != nil {
			t.Fatal(err)
		}
		v, _ = a.Calendar.View(ctx, owner, w.ID, calendar.Query{Mode: calendar.Week, Date: "2027-03-16"})
		if g := find(v, "2027-03-17").Ghosts; len(g) != 1 || g[0].At != "2027-03-17T10:00" || g[0].Zone != "America/New_York" {
			t.Fatalf("ghosts on Wednesday: %+v", g)
		}
		if g := find(v, "2027-03-16").Ghosts; len(g) != 0 {
			t.Fatalf("Tuesday's 9:00 slot holds the post, yet shows free: %+v", g)
		}
		if _, err := a.Calendar.Move(ctx, owner, w.ID, p.Targets[0].ID, "2027-03-18"); err != nil {
			t.Fatal(err)
		}
		v, _ = a.Calendar.View(ctx, owner, w.ID, calendar.Query{Mode: calendar.Week, Date: "2027-03-16"})
		if g := find(v, "2027-03-16").Ghosts; len(g) != 1 || g[0].At != "2027-03-16T09:00" {
			t.Fatalf("Tuesday's slot after the post left it: %+v", g)
		}
		v, _ = a.Calendar.View(ctx, owner, w.ID, calendar.Query{Mode: calendar.List, Date: "2027-03-01", Filter: calendar.Filter{Status: model.TargetPublished}})
		if v.Count != 0 {
			t.Fatalf("the status filter let %d through", v.Count)
		}
		if _, err := a.Calendar.Move(ctx, owner, w.ID, p.Targets[0].ID, "2020-01-01"); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("a past day: %v", err)
		}
		if _, err := a.Calendar.Move(ctx, owner, w.ID, p.Targets[0].ID, "16/03/2027"); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("a bad date: %v", err)
		}
		if _, err := a.Calendar.View(ctx, owner, w.ID, calendar.Query{Zone: "Mars/Olympus"}); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("a bad zone: %v", err)
		}
		if _, err := a.Calendar.Move(ctx, owner, "01ARZ3NDEKTSV4RRFFQ69G5FAV", p.Targets[0].ID, "2027-03-17"); err == nil {
			t.Fatal("moved through another workspace")
		}
	})
}

func find(v calendar.View, date string) calendar.CalDay {
	for _, w := range v.Weeks {
		for _, d := range w {
			if d.Date == date {
				return d
			}
		}
	}
	for _, d := range v.Days {
		if d.Date == date {
			return d
		}
	}
	return calendar.CalDay{}
}

// The content mix counts a period's posts per pillar against each pillar's
// aim and flags one more than 10 points above it; colours follow pillars.
func TestCalendarContentMix(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		a, owner, w := setup(t, cfg)
		ch, err := a.Channels.Connect(ctx, owner, w.ID, "fake", map[string]string{"handle": "acme"})
		if err != nil {
			t.Fatal(err)
		}
		promo, err := a.Compose.SavePillar(ctx, owner, w.ID, model.Pillar{Name: "Promotional", Color: "#dc2626", TargetShare: 20})
		if err != nil {
			t.Fatal(err)
		}
		help, err := a.Compose.SavePillar(ctx, owner, w.ID, model.Pillar{Name: "Helpful", Color: "#16a34a", TargetShare: 80})
		if err != nil {
			t.Fatal(err)
		}
		// 3 promotional, 1 helpful, 1 without a pillar in June 2027.
		for i, pillar := range []string{promo.ID, promo.ID, promo.ID, help.ID, ""} {
			p, err := a.Compose.Create(ctx, owner, w.ID, compose.Draft{Base: model.Content{Text: "Post"}, Channels: []string{ch.ID}, PillarID: pillar})
			if err != nil {
				t.Fatal(err)
			}
			at := time.Date(2027, 6, 2+i, 12, 0, 0, 0, time.UTC)
			if _, err := a.Publish.Schedule(ctx, owner, w.ID, p.ID, publish.Request{Mode: publish.ModeAt, At: at}); err != nil {
				t.Fatal(err)
			}
		}
		v, err := a.Calendar.View(ctx, owner, w.ID, calendar.Query{Date: "2027-06-01", Colour: "pillar"})
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]calendar.MixRow{}
		for _, r := range v.Mix.Rows {
			rows[r.Name] = r
		}
		if v.Mix.Total != 5 || rows["Promotional"].Share != 60 || !rows["Promotional"].Over || rows["Helpful"].Share != 20 || rows["Helpful"].Over ||
			rows["No pillar"].Count != 1 {
			t.Fatalf("mix %+v", v.Mix)
		}
		if len(v.WeekMix) != len(v.Weeks) || v.WeekMix[0].Total != 5 {
			t.Fatalf("week mixes %+v", v.WeekMix)
		}
		if it := find(v, "2027-06-02").Items[0]; it.Color != "#dc2626" {
			t.Fatalf("pillar colour %q", it.Color)
		}
	})
}

// Notes, events, holidays and launch dates sit on their days; bad input is
// refused field by field.
func TestCalendarEntries(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		a, owner, w := setup(t, cfg)
		for _, c := range []struct {
			e     model.CalendarEntry
			field string
		}{
			{model.CalendarEntry{Kind: "party", Title: "x", Starts: "2027-07-01"}, "kind"},
			{model.CalendarEntry{Kind: "note", Title: " ", Starts: "2027-07-01"}, "title"},
			{model.CalendarEntry{Kind: "note", Title: "x", Starts: "1 July"}, "starts"},
			{model.CalendarEntry{Kind: "note", Title: "x", Starts: "2027-07-02", Ends: "2027-07-01"}, "ends"},
			{model.CalendarEntry{Kind: "note", Title: "x", Starts: "2027-07-01", Ends: "2029-07-01"}, "ends"},
		} {
			_, err := a.Calendar.SaveEntry(ctx, owner, w.ID, c.e)
			if model.KindOf(err) != model.KindInvalid || model.AsError(err).Field != c.field {
				t.Errorf("%+v: %v, want invalid %s", c.e, err, c.field)
			}
		}
		launch, err := a.Calendar.SaveEntry(ctx, owner, w.ID, model.CalendarEntry{Kind: "launch", Title: "Summer range", Starts: "2027-07-05", Ends: "2027-07-07"})
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.Calendar.View(ctx, owner, w.ID, calendar.Query{Date: "2027-07-01"})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Entries) != 1 || len(find(v, "2027-07-06").Entries) != 1 || len(find(v, "2027-07-08").Entries) != 0 {
			t.Fatalf("entries %+v", v.Entries)
		}
		launch.Title = "Summer range, moved"
		launch.Starts, launch.Ends = "2027-07-10", ""
		if launch, err = a.Calendar.SaveEntry(ctx, owner, w.ID, launch); err != nil || launch.Ends != "2027-07-10" {
			t.Fatalf("update: %+v %v", launch, err)
		}
		other, _ := a.Workspaces.Create(ctx, owner, "Other")
		if err := a.Calendar.DeleteEntry(ctx, owner, other.ID, launch.ID); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("deleted through another workspace: %v", err)
		}
		if err := a.Calendar.DeleteEntry(ctx, owner, w.ID, launch.ID); err != nil {
			t.Fatal(err)
		}
		if v, _ := a.Calendar.View(ctx, owner, w.ID, calendar.Query{Date: "2027-07-01"}); len(v.Entries) != 0 {
			t.Fatal("the entry is still there")
		}
	})
}

// setup is a web-role app with the fake network, an owner and a workspace.
func setup(t *testing.T, cfg config.Config) (*app.App, model.Actor, model.Workspace) {
	t.Helper()
	ctx := context.Background()
	cfg.Roles = []string{"web"}
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	a.Providers.Register(fake.New())
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	owner := model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}
	w, err := a.Workspaces.Create(ctx, owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	return a, owner, w
}

// A feed works for as long as its owner may see the workspace's posts,
// and only with its exact token.
func TestICalFeedFollowsAccess(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		a, owner, w := setup(t, cfg)
		u, err := a.Accounts.CreateUser(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: "viewer@example.com", Name: "Vi", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.AddMember(ctx, w.ID, u.ID, model.RoleViewer, time.Now()) }); err != nil {
			t.Fatal(err)
		}
		viewer := model.Actor{UserID: u.ID, Email: u.Email, Via: "web"}
		_, token, err := a.Calendar.CreateFeed(ctx, viewer, w.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if doc, err := a.Calendar.FeedCalendar(ctx, token); err != nil || !strings.Contains(string(doc), "BEGIN:VCALENDAR") {
			t.Fatalf("feed: %v", err)
		}
		if _, err := a.Calendar.FeedCalendar(ctx, token[:len(token)-1]+"x"); !errors.Is(err, calendar.ErrNoFeed) {
			t.Fatalf("a changed token: %v", err)
		}
		if err := a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.RemoveMember(ctx, w.ID, u.ID) }); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Calendar.FeedCalendar(ctx, token); !errors.Is(err, calendar.ErrNoFeed) {
			t.Fatalf("after leaving the workspace: %v", err)
		}
		if err := a.Calendar.RevokeFeed(ctx, owner, w.ID, "01ARZ3NDEKTSV4RRFFQ69G5FAV"); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("revoking an unknown feed: %v", err)
		}
	})
}

// A published post shows the human clicks on its tracked links; one
// without a tracked link shows no count at all, not zero.
func TestCalendarClicksLine(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		a, owner, w := setup(t, cfg)
		ch, err := a.Channels.Connect(ctx, owner, w.ID, "fake", map[string]string{"handle": "acme"})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(time.Hour).UTC().Truncate(time.Minute)
		publish1 := func(text string) model.Post {
			p, err := a.Compose.Create(ctx, owner, w.ID, compose.Draft{Base: model.Content{Text: text}, Channels: []string{ch.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if p, err = a.Publish.Schedule(ctx, owner, w.ID, p.ID, publish.Request{Mode: publish.ModeAt, At: at}); err != nil {
				t.Fatal(err)
			}
			tg := p.Targets[0]
			err = a.Store.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.ClaimTarget(ctx, tg.ID, tg.Generation, at, at.Add(time.Minute)); err != nil {
					return err
				}
				return tx.FinishTarget(ctx, tg.ID, tg.Generation, store.TargetOutcome{Status: model.TargetPublished, PublishedAt: at}, at)
			})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		linked, plain := publish1("With a link"), publish1("Without a link")
		link := model.Link{ID: "01j00000000000000000000001", WorkspaceID: w.ID, Code: "abc123", URL: "https://example.com/", PostID: linked.ID,
			ChannelID: ch.ID, CreatedBy: owner.UserID, CreatedAt: at, UpdatedAt: at}
		clicks := []model.Click{{ID: "c1", LinkID: link.ID, At: at}, {ID: "c2", LinkID: link.ID, At: at}, {ID: "c3", LinkID: link.ID, At: at, Bot: true}}
		err = a.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateLink(ctx, link, ""); err != nil {
				return err
			}
			_, err := tx.InsertClicks(ctx, clicks)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.Calendar.View(ctx, owner, w.ID, calendar.Query{Mode: calendar.List, Date: at.Format(time.DateOnly), Zone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, d := range v.Days {
			for _, it := range d.Items {
				got[it.PostID] = it.Clicks
			}
		}
		if got[linked.ID] != 2 || got[plain.ID] != -1 {
			t.Fatalf("clicks: linked %d (want 2 human), plain %d (want -1: no link)", got[linked.ID], got[plain.ID])
		}
	})
}
