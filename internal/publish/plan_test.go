package publish_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"herald/internal/channel"
	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/count"
	"herald/internal/provider/fake"
	"herald/internal/publish"
	"herald/internal/schedule"
	"herald/internal/testenv"
)

// Queue slots are read in the channel's zone, whoever schedules: a Kolkata
// channel's Monday 09:30 slot is 04:00 UTC. Adding to the queue takes the
// next free slot; "share next" moves a post to the front; new slots
// re-plan the queue, and a preview says what moves without saving.
func TestQueueSlotsInTheChannelZone(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		// Monday 2026-11-23 00:00 UTC: the next Kolkata Monday 09:30 slot is today at 04:00 UTC.
		now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
		e.a.Publish.Now = func() time.Time { return now }
		e.a.Compose.Now = func() time.Time { return now }
		if _, err := e.a.Channels.Update(ctx, e.owner, e.ws, e.ch.ID, channel.Settings{Name: e.ch.Name, TimeZone: "Asia/Kolkata"}); err != nil {
			t.Fatal(err)
		}

		p1 := e.draft(t, "first")
		_, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p1.ID, publish.Request{Mode: publish.ModeQueue})
		if err == nil || !strings.Contains(err.Error(), "no posting slots") {
			t.Fatalf("queue without slots: %v", err)
		}

		mon, _ := schedule.ParseSlot("mon 09:30")
		wed, _ := schedule.ParseSlot("wed 18:00")
		if _, err := e.a.Publish.SetSlots(ctx, e.owner, e.ws, e.ch.ID, []schedule.Slot{mon, wed}, false); err != nil {
			t.Fatal(err)
		}
		queue := func(text string) model.Post {
			p := e.draft(t, text)
			got, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeQueue})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		a, b, c := queue("a"), queue("b"), queue("c")
		want := []time.Time{
			time.Date(2026, 11, 23, 4, 0, 0, 0, time.UTC),   // Mon 09:30 IST
			time.Date(2026, 11, 25, 12, 30, 0, 0, time.UTC), // Wed 18:00 IST
			time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC),   // next Mon
		}
		for i, p := range []model.Post{a, b, c} {
			if got := p.Targets[0].ScheduledAt; !got.Equal(want[i]) || !p.Targets[0].Queued || p.Targets[0].TimeZone != "Asia/Kolkata" {
				t.Errorf("post %s planned for %s (queued %v, zone %s), want %s", p.Base.Text, got, p.Targets[0].Queued, p.Targets[0].TimeZone, want[i])
			}
		}

		// Share next: c goes first and the others move back.
		if _, err := e.a.Publish.ShareNext(ctx, e.owner, e.ws, e.ch.ID, c.Targets[0].ID); err != nil {
			t.Fatal(err)
		}
		for i, id := range []string{c.ID, a.ID, b.ID} {
			got, _ := e.a.Compose.Get(ctx, e.owner, e.ws, id)
			if !got.Targets[0].ScheduledAt.Equal(want[i]) {
				t.Errorf("after share next, %s is at %s, want %s", got.Base.Text, got.Targets[0].ScheduledAt, want[i])
			}
		}

		// Only Mondays now: the preview lists the moves and saves nothing.
		change, err := e.a.Publish.SetSlots(ctx, e.owner, e.ws, e.ch.ID, []schedule.Slot{mon}, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(change.Moves) != 2 {
			t.Errorf("preview moves %+v, want two posts moving", change.Moves)
		}
		q, err := e.a.Publish.ChannelQueue(ctx, e.owner, e.ws, e.ch.ID)
		if err != nil || len(q.Slots) != 2 {
			t.Fatalf("the preview saved the slots: %+v %v", q.Slots, err)
		}
	})
}

// Bad requests get specific messages: a time in the past, a paused channel
// without confirmation; cancelling returns targets to drafts.
func TestScheduleRefusalsAndCancel(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		p := e.draft(t, "hello")
		_, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: time.Now().Add(-time.Hour)})
		if model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), "in the past") {
			t.Errorf("past time: %v", err)
		}
		if err := e.a.Publish.Pause(ctx, e.owner, e.ws, "", "  "); model.KindOf(err) != model.KindInvalid {
			t.Errorf("pause without a reason: %v", err)
		}
		if err := e.a.Publish.Pause(ctx, e.owner, e.ws, e.ch.ID, "Crisis review"); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(time.Hour)
		_, err = e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: at})
		if model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), "Crisis review") {
			t.Errorf("paused channel: %v", err)
		}
		got, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: at, ConfirmPaused: true})
		if err != nil || got.Targets[0].Status != model.TargetScheduled {
			t.Fatalf("confirmed while paused: %+v %v", got.Targets, err)
		}
		got, err = e.a.Publish.Cancel(ctx, e.owner, e.ws, p.ID, nil)
		if err != nil || got.Targets[0].Status != model.TargetDraft {
			t.Fatalf("cancel: %+v %v", got.Targets, err)
		}
		if _, err := e.a.Publish.Cancel(ctx, e.owner, e.ws, p.ID, nil); model.KindOf(err) != model.KindConflict {
			t.Errorf("cancelling a draft: %v", err)
		}
	})
}

// A pause holds scheduled posts; resuming with "shift" moves each by the
// length of the pause, and "now" publishes at once.
func TestPauseAndResume(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		// The pause starts half an hour ago and ends now.
		now := time.Now().UTC().Truncate(time.Second)
		clock := now.Add(-30 * time.Minute)
		e.a.Publish.Now = func() time.Time { return clock }
		p1, p2 := e.draft(t, "shift me"), e.draft(t, "publish me")
		due := now.Add(2 * time.Hour)
		for _, p := range []model.Post{p1, p2} {
			if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: due}); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.a.Publish.Pause(ctx, e.owner, e.ws, "", "Brand review"); err != nil {
			t.Fatal(err)
		}
		for _, p := range []model.Post{p1, p2} {
			got, _ := e.a.Compose.Get(ctx, e.owner, e.ws, p.ID)
			if got.Targets[0].Status != model.TargetPaused {
				t.Fatalf("%s is %s while paused", p.Base.Text, got.Targets[0].Status)
			}
		}
		clock = now
		choices := map[string]publish.ResumeChoice{p2.Targets[0].ID: publish.ResumeNow}
		if err := e.a.Publish.Resume(ctx, e.owner, e.ws, "", publish.ResumeShift, choices); err != nil {
			t.Fatal(err)
		}
		got1, _ := e.a.Compose.Get(ctx, e.owner, e.ws, p1.ID)
		if tg := got1.Targets[0]; tg.Status != model.TargetScheduled || !tg.ScheduledAt.Equal(due.Add(30*time.Minute)) {
			t.Errorf("shifted target: %s at %s, want scheduled at %s", tg.Status, tg.ScheduledAt, due.Add(30*time.Minute))
		}
		e.a.Publish.Now = nil
		deadline := time.Now().Add(20 * time.Second)
		for {
			got2, _ := e.a.Compose.Get(ctx, e.owner, e.ws, p2.ID)
			if got2.Targets[0].Status == model.TargetPublished {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the target resumed with \"now\" is %s", got2.Targets[0].Status)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// A recurring post continues as a copy at the rule's next occurrence, at
// the same local time; an evergreen one is re-queued after its gap until
// its maximum.
func TestSeriesContinue(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		if _, err := e.a.Channels.Update(ctx, e.owner, e.ws, e.ch.ID, channel.Settings{Name: e.ch.Name, TimeZone: "America/New_York"}); err != nil {
			t.Fatal(err)
		}
		daily, ever, once := e.draft(t, "every day"), e.draft(t, "evergreen"), e.draft(t, "evergreen once")
		if _, err := e.a.Publish.SetSeries(ctx, e.owner, e.ws, daily.ID, "FREQ=DAILY;COUNT=5", "America/New_York", 0, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Publish.SetSeries(ctx, e.owner, e.ws, ever.ID, "", "", 2*time.Hour, 3); err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Publish.SetSeries(ctx, e.owner, e.ws, once.ID, "", "", 2*time.Hour, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Publish.SetSeries(ctx, e.owner, e.ws, once.ID, "FREQ=SOMETIMES", "America/New_York", 0, 0); model.KindOf(err) != model.KindInvalid {
			t.Errorf("a bad rule: %v", err)
		}
		due := time.Now().Add(400 * time.Millisecond)
		for _, p := range []model.Post{daily, ever, once} {
			if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: due}); err != nil {
				t.Fatal(err)
			}
		}
		e.settle(t, []model.Post{daily, ever, once}, 20*time.Second)
		next := func(p model.Post) (model.Post, bool) {
			t.Helper()
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) {
				got, err := e.a.Compose.Get(ctx, e.owner, e.ws, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if id := got.Series.ContinuedBy; id != "" {
					n, err := e.a.Compose.Get(ctx, e.owner, e.ws, id)
					if err != nil {
						t.Fatal(err)
					}
					return n, true
				}
				time.Sleep(50 * time.Millisecond)
			}
			return model.Post{}, false
		}
		n, ok := next(daily)
		if !ok {
			t.Fatal("the daily post did not continue")
		}
		ny, _ := time.LoadLocation("America/New_York")
		want := daily.Targets[0].ScheduledAt
		got := n.Targets[0].ScheduledAt
		if n.Base.Text != "every day" || n.Targets[0].Status != model.TargetScheduled || got.In(ny).Format("15:04:05") != due.In(ny).Format("15:04:05") ||
			got.Sub(due) < 23*time.Hour || got.Sub(due) > 25*time.Hour || n.Series.SeriesID != daily.ID {
			t.Errorf("next daily post: %q %s at %s (was due %s; %s)", n.Base.Text, n.Targets[0].Status, got, due, want)
		}
		n, ok = next(ever)
		if !ok || n.Targets[0].ScheduledAt.Sub(time.Now()) < 110*time.Minute {
			t.Errorf("the evergreen post continued %v at %s, want about two hours after it went out", ok, n.Targets[0].ScheduledAt)
		}
		if _, ok := next(once); ok {
			t.Error("an evergreen post with a maximum of 1 continued")
		}
	})
}

// Scheduling past a network's known cap warns at scheduling time.
func TestQuotaWarnings(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		capped := fake.New()
		capped.As = &provider.Info{Network: "capped", Name: "Capped", Capabilities: []provider.Capability{provider.CapPublish},
			Limits: provider.Limits{Text: count.Rule{Method: count.Graphemes, Max: 500},
				Quotas: []provider.Quota{{Max: 2, Window: time.Hour, Source: "Capped allows 2 posts an hour"}}}}
		e.a.Providers.Register(capped)
		ch, err := e.a.Channels.Connect(ctx, e.owner, e.ws, "capped", map[string]string{"handle": "capped"})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		post := func(text string) model.Post {
			p, err := e.a.Compose.Create(ctx, e.owner, e.ws, compose.Draft{Base: model.Content{Text: text}, Channels: []string{ch.ID}})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		for i, d := range []time.Duration{10 * time.Minute, 20 * time.Minute} {
			p := post(fmt.Sprint("planned ", i))
			if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: now.Add(d)}); err != nil {
				t.Fatal(err)
			}
		}
		third := post("third")
		warn, err := e.a.Publish.QuotaWarnings(ctx, e.owner, e.ws, third.ID, publish.Request{Mode: publish.ModeAt, At: now.Add(30 * time.Minute)})
		if err != nil || len(warn) != 1 || !strings.Contains(warn[0], "Capped allows 2 posts an hour") || !strings.Contains(warn[0], "3 posts") {
			t.Errorf("third post in the hour: %q %v", warn, err)
		}
		warn, err = e.a.Publish.QuotaWarnings(ctx, e.owner, e.ws, third.ID, publish.Request{Mode: publish.ModeAt, At: now.Add(3 * time.Hour)})
		if err != nil || len(warn) != 0 {
			t.Errorf("a post hours later: %q %v", warn, err)
		}
	})
}
