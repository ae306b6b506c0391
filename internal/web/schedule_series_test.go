package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/count"
	"herald/internal/provider/fake"
	"herald/internal/publish"
	"herald/internal/store"
)

func (se *scheduleEnv) series(vals url.Values) page {
	se.t.Helper()
	return se.c.post("/w/"+se.ws.ID+"/posts/"+se.post.ID+"/series", vals)
}

func (se *scheduleEnv) saved() model.Series {
	se.t.Helper()
	p, err := se.a.Compose.Get(context.Background(), se.actor("owner@example.test"), se.ws.ID, se.post.ID)
	if err != nil {
		se.t.Fatal(err)
	}
	return p.Series
}

func TestSeriesRepeatForm(t *testing.T) {
	se := newScheduleEnv(t)
	edit := "/w/" + se.ws.ID + "/posts/" + se.post.ID + "/edit"
	p := se.c.get(edit)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Repeat and evergreen", "does not repeat", "Save repeat", "Save evergreen")

	// Weekly on weekdays, ten times, in the zone the panel offers.
	r := se.series(url.Values{"series": {"repeat"}, "repeat": {"weekly"}, "weekday": {"mon", "tue", "wed", "thu", "fri"},
		"repeat_end": {"count"}, "repeat_count": {"10"}, "series_zone": {"America/New_York"}})
	wantStatus(t, r, http.StatusSeeOther)
	if s := se.saved(); s.Recurrence != "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10" || s.RecurZone != "America/New_York" {
		t.Fatalf("saved %+v", s)
	}
	p = se.c.open(r.location())
	mustContain(t, p, "The post repeats every weekday at this time, 10 times", "Repeats: every weekday at this time, 10 times")
	// The form opens as it was chosen.
	if !strings.Contains(p.body, `name="repeat" value="weekly" checked`) || !strings.Contains(p.body, `value="fri" checked`) {
		t.Error("the saved weekly repeat does not open as weekly on the chosen days")
	}

	// Mistakes come back on the field at fault, with what was typed.
	bad := se.series(url.Values{"series": {"repeat"}, "repeat": {"monthly"}, "month_day": {"15"}, "repeat_end": {"until"},
		"repeat_until": {"someday"}, "series_zone": {"America/New_York"}})
	wantStatus(t, bad, http.StatusBadRequest)
	if !strings.Contains(bad.body, `id="repeat_until-error"`) || !strings.Contains(bad.body, `name="repeat" value="monthly" checked`) {
		t.Fatalf("until error: %s", alertText(bad.body))
	}
	custom := se.series(url.Values{"series": {"repeat"}, "repeat": {"custom"}, "rule": {"FREQ=SOMETIMES"}, "series_zone": {"America/New_York"}})
	wantStatus(t, custom, http.StatusBadRequest)
	if !strings.Contains(custom.body, `id="rule-error"`) || !strings.Contains(custom.body, `value="FREQ=SOMETIMES"`) {
		t.Fatalf("custom error: %s", alertText(custom.body))
	}
	zone := se.series(url.Values{"series": {"repeat"}, "repeat": {"daily"}, "series_zone": {"EST"}})
	wantStatus(t, zone, http.StatusBadRequest)
	mustContain(t, zone, "IANA")

	// A custom rule, then off.
	wantStatus(t, se.series(url.Values{"series": {"repeat"}, "repeat": {"custom"}, "rule": {"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1"},
		"series_zone": {"Europe/Berlin"}}), http.StatusSeeOther)
	p = se.c.get(edit)
	mustContain(t, p, "BYSETPOS=1", "Europe/Berlin")
	wantStatus(t, se.series(url.Values{"series": {"repeat"}, "repeat": {"none"}}), http.StatusSeeOther)
	if s := se.saved(); s.Recurrence != "" {
		t.Fatalf("not turned off: %+v", s)
	}

	// A viewer sees the state but no forms, and may not save.
	se.member("owner@example.test", se.ws.ID, "viewer@example.test", model.RoleViewer)
	v := se.client()
	v.signIn("viewer@example.test", testPassword)
	vp := v.get(edit)
	mustContain(t, vp, "Repeat and evergreen")
	if strings.Contains(vp.body, "data-repeat-form") {
		t.Error("a viewer sees the repeat form")
	}
	if r := v.post("/w/"+se.ws.ID+"/posts/"+se.post.ID+"/series", url.Values{"series": {"repeat"}, "repeat": {"none"}}); r.status != http.StatusForbidden {
		t.Errorf("viewer saving a series: %d, want 403", r.status)
	}
}

func TestSeriesEvergreenFormAndContinuation(t *testing.T) {
	se := newScheduleEnv(t)
	edit := "/w/" + se.ws.ID + "/posts/" + se.post.ID + "/edit"
	short := se.series(url.Values{"series": {"evergreen"}, "evergreen_gap": {"30"}, "evergreen_unit": {"hours"}})
	wantStatus(t, short, http.StatusSeeOther) // 30 hours is fine
	bad := se.series(url.Values{"series": {"evergreen"}, "evergreen_gap": {"soon"}, "evergreen_unit": {"days"}})
	wantStatus(t, bad, http.StatusBadRequest)
	if !strings.Contains(bad.body, `id="evergreen_gap-error"`) {
		t.Fatalf("gap error: %s", alertText(bad.body))
	}
	r := se.series(url.Values{"series": {"evergreen"}, "evergreen_gap": {"3"}, "evergreen_unit": {"days"}, "evergreen_max": {"5"}})
	wantStatus(t, r, http.StatusSeeOther)
	if s := se.saved(); s.EvergreenGap != 72*time.Hour || s.EvergreenMax != 5 {
		t.Fatalf("saved %+v", s)
	}
	p := se.c.open(r.location())
	mustContain(t, p, "Evergreen: goes out again at least 3 days after each time it goes out, 5 times in all", "Stop re-posting")
	// Turning the repeat off keeps evergreen; "Stop re-posting" ends it.
	wantStatus(t, se.series(url.Values{"series": {"repeat"}, "repeat": {"none"}}), http.StatusSeeOther)
	if s := se.saved(); s.EvergreenGap != 72*time.Hour {
		t.Fatalf("repeat off dropped evergreen: %+v", s)
	}
	wantStatus(t, se.series(url.Values{"series": {"evergreen"}, "op": {"off"}}), http.StatusSeeOther)
	if s := se.saved(); s.EvergreenGap != 0 {
		t.Fatalf("evergreen not off: %+v", s)
	}

	// A post continued by another links to it, and the copy back to the first.
	ctx, owner := context.Background(), se.actor("owner@example.test")
	// The publisher makes the copy once the first has gone out; do it
	// directly, as it does.
	var next model.Post
	err := se.a.Store.InTx(ctx, func(tx *store.Tx) error {
		first, err := se.a.Compose.Get(ctx, owner, se.ws.ID, se.post.ID)
		if err != nil {
			return err
		}
		if next, err = se.a.Compose.Continue(ctx, tx, first); err != nil {
			return err
		}
		_, err = tx.ClaimContinuation(ctx, first.ID, next.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p = se.c.get(edit)
	if !strings.Contains(p.body, `href="/w/`+se.ws.ID+`/posts/`+next.ID+`/edit" data-continued-by`) {
		t.Error("no link to the post that continues it")
	}
	mustContain(t, se.c.get("/w/"+se.ws.ID+"/posts/"+next.ID+"/edit"), "Part of a series", "the first post")
}

// Scheduling past a network's cap goes through, with the warning shown.
func TestScheduleQuotaWarningFlash(t *testing.T) {
	se := newScheduleEnv(t)
	ctx, owner := context.Background(), se.actor("owner@example.test")
	capped := fake.New()
	capped.As = &provider.Info{Network: "capped", Name: "Capped", Capabilities: []provider.Capability{provider.CapPublish},
		Limits: provider.Limits{Text: count.Rule{Method: count.Graphemes, Max: 500},
			Quotas: []provider.Quota{{Max: 1, Window: time.Hour, Source: "Capped allows 1 post an hour"}}}}
	se.a.Providers.Register(capped)
	ch, err := se.a.Channels.Connect(ctx, owner, se.ws.ID, "capped", map[string]string{"handle": "capped"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Minute)
	first, err := se.a.Compose.Create(ctx, owner, se.ws.ID, compose.Draft{Base: model.Content{Text: "First"}, Channels: []string{ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := se.a.Publish.Schedule(ctx, owner, se.ws.ID, first.ID, publish.Request{Mode: publish.ModeAt, At: at}); err != nil {
		t.Fatal(err)
	}
	second, err := se.a.Compose.Create(ctx, owner, se.ws.ID, compose.Draft{Base: model.Content{Text: "Second"}, Channels: []string{ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	r := se.c.post("/w/"+se.ws.ID+"/posts/"+second.ID+"/schedule", url.Values{"mode": {"at"}, "at": {at.Add(10 * time.Minute).Format(time.RFC3339)}, "zone": {"UTC"}})
	wantStatus(t, r, http.StatusSeeOther)
	p := se.c.open(r.location())
	mustContain(t, p, "Scheduled for", "Over a network's posting limit", "Capped allows 1 post an hour")
	if !strings.Contains(p.body, "alert-warning flash") {
		t.Error("the warning is not shown as a warning")
	}
	got, err := se.a.Compose.Get(ctx, owner, se.ws.ID, second.ID)
	if err != nil || got.Targets[0].Status != model.TargetScheduled {
		t.Fatalf("the warned schedule did not go through: %v %v", got.Targets, err)
	}
}
