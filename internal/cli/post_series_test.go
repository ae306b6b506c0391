package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"herald/internal/channel"
	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/count"
	"herald/internal/provider/fake"
	"herald/internal/publish"
)

func TestPostRepeatAndEvergreenSeries(t *testing.T) {
	r := newRemote(t)
	ctx := context.Background()
	ch := r.chans[0]
	if _, err := r.app.Channels.Update(ctx, r.owner, r.ws, ch.ID, channel.Settings{Name: ch.Name, TimeZone: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	p, err := r.app.Compose.Create(ctx, r.owner, r.ws, compose.Draft{Base: model.Content{Text: "Tip of the week"}, Channels: []string{ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	series := func() model.Series {
		t.Helper()
		got, err := r.app.Compose.Get(ctx, r.owner, r.ws, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Series
	}
	if res := r.post(t, "repeat", p.ID, "--workspace", r.ws); res.code == 0 || !strings.Contains(res.stderr, "exactly one of") {
		t.Fatalf("no choice: %+v", res)
	}
	res := r.post(t, "repeat", p.ID, "--workspace", r.ws, "--weekly", "mon,tue,wed,thu,fri", "--count", "10")
	if res.code != 0 || !strings.Contains(res.stdout, "every weekday at this time, 10 times (America/New_York)") {
		t.Fatalf("weekly: %+v", res)
	}
	if s := series(); s.Recurrence != "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10" || s.RecurZone != "America/New_York" {
		t.Fatalf("saved %+v", s)
	}
	res = r.post(t, "repeat", p.ID, "--workspace", r.ws, "--monthly", "last", "--until", "2037-12-31", "--zone", "Europe/Berlin")
	if res.code != 0 || !strings.Contains(res.stdout, "every month on the last day at this time, until 31 December 2037 (Europe/Berlin)") {
		t.Fatalf("monthly: %+v", res)
	}
	if res = r.post(t, "repeat", p.ID, "--workspace", r.ws, "--rule", "FREQ=DAILY;INTERVAL=2"); res.code != 0 || !strings.Contains(res.stdout, "every 2 days") {
		t.Fatalf("rule: %+v", res)
	}
	if res = r.post(t, "repeat", p.ID, "--workspace", r.ws, "--weekly", "someday"); res.code == 0 || !strings.Contains(res.stderr, "not a weekday") {
		t.Fatalf("bad weekday: %+v", res)
	}
	if res = r.post(t, "repeat", p.ID, "--workspace", r.ws, "--daily", "--count", "3", "--until", "2037-01-01"); res.code == 0 || !strings.Contains(res.stderr, "not both") {
		t.Fatalf("count and until: %+v", res)
	}
	if res = r.post(t, "repeat", p.ID, "--workspace", r.ws, "--off"); res.code != 0 || !strings.Contains(res.stdout, "does not repeat") || series().Recurrence != "" {
		t.Fatalf("off: %+v", res)
	}

	// Evergreen; repeat --off keeps it, evergreen --off ends it.
	if res = r.post(t, "evergreen", p.ID, "--workspace", r.ws, "--gap", "30m"); res.code == 0 || !strings.Contains(res.stderr, "at least an hour") {
		t.Fatalf("short gap: %+v", res)
	}
	res = r.post(t, "evergreen", p.ID, "--workspace", r.ws, "--gap", "72h", "--max", "5")
	if res.code != 0 || !strings.Contains(res.stdout, "evergreen: again at least 3 days after each time it goes out, 5 times in all") {
		t.Fatalf("evergreen: %+v", res)
	}
	if res = r.post(t, "repeat", p.ID, "--workspace", r.ws, "--off"); res.code != 0 || series().EvergreenGap != 72*time.Hour {
		t.Fatalf("repeat --off dropped evergreen: %+v %+v", res, series())
	}
	if res = r.post(t, "evergreen", p.ID, "--workspace", r.ws, "--off"); res.code != 0 || series().EvergreenGap != 0 {
		t.Fatalf("evergreen --off: %+v %+v", res, series())
	}
}

func TestPostScheduleQuotaWarnings(t *testing.T) {
	r := newRemote(t)
	ctx := context.Background()
	capped := fake.New()
	capped.As = &provider.Info{Network: "capped", Name: "Capped", Capabilities: []provider.Capability{provider.CapPublish},
		Limits: provider.Limits{Text: count.Rule{Method: count.Graphemes, Max: 500},
			Quotas: []provider.Quota{{Max: 1, Window: time.Hour, Source: "Capped allows 1 post an hour"}}}}
	r.app.Providers.Register(capped)
	ch, err := r.app.Channels.Connect(ctx, r.owner, r.ws, "capped", map[string]string{"handle": "capped"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Minute)
	first, err := r.app.Compose.Create(ctx, r.owner, r.ws, compose.Draft{Base: model.Content{Text: "One"}, Channels: []string{ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.app.Publish.Schedule(ctx, r.owner, r.ws, first.ID, publish.Request{Mode: publish.ModeAt, At: at}); err != nil {
		t.Fatal(err)
	}
	second, err := r.app.Compose.Create(ctx, r.owner, r.ws, compose.Draft{Base: model.Content{Text: "Two"}, Channels: []string{ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	res := r.post(t, "schedule", second.ID, "--workspace", r.ws, "--at", at.Add(10*time.Minute).Format(time.RFC3339))
	if res.code != 0 || !strings.Contains(res.stdout, "scheduled") || !strings.Contains(res.stderr, "warning: ") ||
		!strings.Contains(res.stderr, "Capped allows 1 post an hour") {
		t.Fatalf("warnings: %+v", res)
	}
}
