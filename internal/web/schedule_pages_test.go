package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"herald/internal/calendar"
	"herald/internal/channel"
	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/publish"
)

// scheduleEnv is a workspace with one fake channel in New York and a saved
// draft for it.
type scheduleEnv struct {
	*env
	c    *client
	ws   model.Workspace
	ch   model.Channel
	post model.Post
}

func newScheduleEnv(t *testing.T) *scheduleEnv {
	t.Helper()
	e := newEnv(t)
	se := &scheduleEnv{env: e, c: e.owner(), ws: e.workspace("owner@example.test", "Acme")}
	ctx, owner := context.Background(), e.actor("owner@example.test")
	var err error
	if se.ch, err = e.a.Channels.Connect(ctx, owner, se.ws.ID, "fake", map[string]string{"handle": "acme"}); err != nil {
		t.Fatal(err)
	}
	if se.ch, err = e.a.Channels.Update(ctx, owner, se.ws.ID, se.ch.ID, channel.Settings{Name: "Acme NY", TimeZone: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	if se.post, err = e.a.Compose.Create(ctx, owner, se.ws.ID, compose.Draft{Base: model.Content{Text: "Spring sale"}, Channels: []string{se.ch.ID}}); err != nil {
		t.Fatal(err)
	}
	return se
}

func (se *scheduleEnv) schedule(vals url.Values) page {
	se.t.Helper()
	return se.c.post("/w/"+se.ws.ID+"/posts/"+se.post.ID+"/schedule", vals)
}

func (se *scheduleEnv) target() model.Target {
	se.t.Helper()
	p, err := se.a.Compose.Get(context.Background(), se.actor("owner@example.test"), se.ws.ID, se.post.ID)
	if err != nil {
		se.t.Fatal(err)
	}
	return p.Targets[0]
}

func TestSchedulePanelShowsOnSavedPost(t *testing.T) {
	se := newScheduleEnv(t)
	p := se.c.get("/w/" + se.ws.ID + "/posts/" + se.post.ID + "/edit")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Publishing", "Acme NY", "Publish now", "Schedule", "Add to queue")
	if !strings.Contains(p.body, `value="America/New_York"`) {
		t.Error("the zone field does not default to the channel's zone")
	}
	// A viewer may not schedule: no buttons.
	se.member("owner@example.test", se.ws.ID, "viewer@example.test", model.RoleViewer)
	v := se.client()
	v.signIn("viewer@example.test", testPassword)
	vp := v.get("/w/" + se.ws.ID + "/posts/" + se.post.ID + "/edit")
	wantStatus(t, vp, http.StatusOK)
	if strings.Contains(vp.body, "data-publish-now") {
		t.Error("a viewer sees the publish buttons")
	}
	if r := v.post("/w/"+se.ws.ID+"/posts/"+se.post.ID+"/schedule", url.Values{"mode": {"now"}}); r.status != http.StatusForbidden {
		t.Errorf("viewer scheduling: status %d, want 403", r.status)
	}
}

func TestScheduleAtLocalTime(t *testing.T) {
	se := newScheduleEnv(t)
	day := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	p := se.schedule(url.Values{"mode": {"at"}, "date": {day}, "time": {"09:30"}, "zone": {"America/New_York"}})
	wantStatus(t, p, http.StatusSeeOther)
	tg := se.target()
	ny, _ := time.LoadLocation("America/New_York")
	if tg.Status != model.TargetScheduled || tg.ScheduledAt.In(ny).Format("2006-01-02 15:04") != day+" 09:30" {
		t.Fatalf("target %s at %s", tg.Status, tg.ScheduledAt)
	}
	page := se.c.open(p.location())
	mustContain(t, page, "Scheduled for", "planned", "Cancel")
	// Cancel takes it back to draft.
	wantStatus(t, se.c.post("/w/"+se.ws.ID+"/posts/"+se.post.ID+"/cancel", nil), http.StatusSeeOther)
	if tg := se.target(); tg.Status != model.TargetDraft {
		t.Fatalf("after cancel: %s", tg.Status)
	}
}

func TestScheduleGapOffersInstants(t *testing.T) {
	se := newScheduleEnv(t)
	// 8 March 2037: clocks in New York jump from 2:00 to 3:00.
	p := se.schedule(url.Values{"mode": {"at"}, "date": {"2037-03-08"}, "time": {"02:30"}, "zone": {"America/New_York"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "does not exist", "choose one of these instead")
	if !strings.Contains(p.body, `name="at" value="2037-03-08T07:00:00Z"`) {
		t.Fatalf("the instant after the gap is not offered: %s", alertText(p.body))
	}
	ok := se.schedule(url.Values{"mode": {"at"}, "at": {"2037-03-08T07:00:00Z"}, "zone": {"America/New_York"}})
	wantStatus(t, ok, http.StatusSeeOther)
	if tg := se.target(); !tg.ScheduledAt.Equal(time.Date(2037, 3, 8, 7, 0, 0, 0, time.UTC)) {
		t.Fatalf("scheduled at %s", tg.ScheduledAt)
	}
}

func TestScheduleAmbiguousOffersBothOffsets(t *testing.T) {
	se := newScheduleEnv(t)
	// 1 November 2037: 1:30 happens twice in New York.
	p := se.schedule(url.Values{"mode": {"at"}, "date": {"2037-11-01"}, "time": {"01:30"}, "zone": {"America/New_York"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "happens twice", "-04:00", "-05:00")
	for _, v := range []string{"2037-11-01T05:30:00Z", "2037-11-01T06:30:00Z"} {
		if !strings.Contains(p.body, `value="`+v+`"`) {
			t.Errorf("option %s is not offered", v)
		}
	}
}

func TestSchedulePastTime(t *testing.T) {
	se := newScheduleEnv(t)
	p := se.schedule(url.Values{"mode": {"at"}, "date": {"2020-01-01"}, "time": {"09:00"}, "zone": {"America/New_York"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "has already passed")
}

func TestSchedulePausedNeedsConfirmation(t *testing.T) {
	se := newScheduleEnv(t)
	wantStatus(t, se.c.post("/w/"+se.ws.ID+"/pause", url.Values{"reason": {"Brand review"}}), http.StatusSeeOther)
	p := se.schedule(url.Values{"mode": {"now"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "Publishing is paused for this workspace", "Brand review", "Publish anyway")
	ok := se.schedule(url.Values{"mode": {"now"}, "confirm_paused": {"1"}})
	wantStatus(t, ok, http.StatusSeeOther)
	if tg := se.target(); tg.Status != model.TargetScheduled {
		t.Fatalf("confirmed: %s", tg.Status)
	}
}

func TestScheduleQueueNeedsSlots(t *testing.T) {
	se := newScheduleEnv(t)
	p := se.schedule(url.Values{"mode": {"queue"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "no posting slots")
}

func TestQueuePageSlotsAndOrder(t *testing.T) {
	se := newScheduleEnv(t)
	base := "/w/" + se.ws.ID + "/channels/" + se.ch.ID + "/queue"
	wantStatus(t, se.c.get("/w/"+se.ws.ID+"/channels/"+se.ch.ID), http.StatusOK)
	p := se.c.get(base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Queue for Acme NY", "Posting slots", "America/New_York")
	slots := url.Values{"slot_rows": {"2"}, "slot_day_0": {"1"}, "slot_time_0": {"09:30"}, "slot_day_1": {"3"}, "slot_time_1": {"14:00"}, "op": {"save"}}
	wantStatus(t, se.c.post(base+"/slots", slots), http.StatusSeeOther)
	ctx, owner := context.Background(), se.actor("owner@example.test")
	second, err := se.a.Compose.Create(ctx, owner, se.ws.ID, compose.Draft{Base: model.Content{Text: "Second post"}, Channels: []string{se.ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{se.post.ID, second.ID} {
		if _, err := se.a.Publish.Schedule(ctx, owner, se.ws.ID, id, publish.Request{Mode: publish.ModeQueue}); err != nil {
			t.Fatal(err)
		}
	}
	p = se.c.get(base)
	mustContain(t, p, "Spring sale", "Second post", "Share next")
	// Preview a change: only Mondays; the Wednesday post moves.
	prev := url.Values{"slot_rows": {"2"}, "slot_day_0": {"1"}, "slot_time_0": {"09:30"}, "slot_day_1": {"3"}, "slot_time_1": {"14:00"},
		"slot_remove_1": {"1"}, "op": {"preview"}}
	pp := se.c.post(base+"/slots", prev)
	wantStatus(t, pp, http.StatusOK)
	mustContain(t, pp, "Saving moves", "→")
	qu, _ := se.a.Publish.ChannelQueue(ctx, owner, se.ws.ID, se.ch.ID)
	if len(qu.Slots) != 2 {
		t.Fatalf("preview saved the slots: %v", qu.Slots)
	}
	// Share the second post next.
	secondTarget := qu.Queued[1]
	wantStatus(t, se.c.post(base+"/order", url.Values{"move": {"next:" + secondTarget.ID}}), http.StatusSeeOther)
	qu, _ = se.a.Publish.ChannelQueue(ctx, owner, se.ws.ID, se.ch.ID)
	if qu.Queued[0].ID != secondTarget.ID {
		t.Fatalf("share next did not move it first")
	}
	// Move it down again, and then drag-and-drop order puts it first.
	wantStatus(t, se.c.post(base+"/order", url.Values{"move": {"down:" + secondTarget.ID}}), http.StatusSeeOther)
	qu, _ = se.a.Publish.ChannelQueue(ctx, owner, se.ws.ID, se.ch.ID)
	if qu.Queued[1].ID != secondTarget.ID {
		t.Fatalf("move down did not move it")
	}
	wantStatus(t, se.c.post(base+"/order", url.Values{"order": {qu.Queued[1].ID + "," + qu.Queued[0].ID}}), http.StatusSeeOther)
	qu, _ = se.a.Publish.ChannelQueue(ctx, owner, se.ws.ID, se.ch.ID)
	if qu.Queued[0].ID != secondTarget.ID {
		t.Fatalf("order did not apply")
	}
	// Removing every slot while posts are queued is refused on the form.
	none := url.Values{"slot_rows": {"1"}, "slot_day_0": {"1"}, "slot_time_0": {"09:30"}, "slot_remove_0": {"1"}, "op": {"save"}}
	bad := se.c.post(base+"/slots", none)
	wantStatus(t, bad, http.StatusBadRequest)
	mustContain(t, bad, "keep at least one slot")
}

func TestPauseBannerAndResume(t *testing.T) {
	se := newScheduleEnv(t)
	ctx, owner := context.Background(), se.actor("owner@example.test")
	day := time.Now().AddDate(0, 1, 0)
	if _, err := se.a.Publish.Schedule(ctx, owner, se.ws.ID, se.post.ID, publish.Request{Mode: publish.ModeAt, At: day, Zone: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	// A reason is required.
	bad := se.c.post("/w/"+se.ws.ID+"/pause", url.Values{"reason": {" "}})
	wantStatus(t, bad, http.StatusBadRequest)
	wantStatus(t, se.c.post("/w/"+se.ws.ID+"/pause", url.Values{"reason": {"Crisis review"}}), http.StatusSeeOther)
	wantStatus(t, se.c.post("/w/"+se.ws.ID+"/pause", url.Values{"reason": {"Token rotation"}, "channel": {se.ch.ID}}), http.StatusSeeOther)
	for _, path := range []string{"/w/" + se.ws.ID, "/w/" + se.ws.ID + "/posts", "/w/" + se.ws.ID + "/channels"} {
		p := se.c.get(path)
		wantStatus(t, p, http.StatusOK)
		mustContain(t, p, "Publishing is paused for this workspace", "Crisis review", "owner@example.test", "Acme NY", "Token rotation")
	}
	if tg := se.target(); tg.Status != model.TargetPaused {
		t.Fatalf("target %s, want paused", tg.Status)
	}
	mustContain(t, se.c.get("/w/"+se.ws.ID+"/posts"), "Paused")
	mustContain(t, se.c.get("/w/"+se.ws.ID+"/posts/"+se.post.ID+"/edit"), "Paused")
	// Resume the workspace: the channel pause still holds the post.
	rp := se.c.get("/w/" + se.ws.ID + "/resume")
	wantStatus(t, rp, http.StatusOK)
	mustContain(t, rp, "Resume publishing for the workspace", "Spring sale")
	wantStatus(t, se.c.post("/w/"+se.ws.ID+"/resume", url.Values{"choice": {"shift"}}), http.StatusSeeOther)
	if tg := se.target(); tg.Status != model.TargetPaused {
		t.Fatalf("after the workspace resume: %s, want still paused by the channel", tg.Status)
	}
	tg := se.target()
	wantStatus(t, se.c.post("/w/"+se.ws.ID+"/resume", url.Values{"channel": {se.ch.ID}, "choice": {"review"}, "choice_" + tg.ID: {"shift"}}), http.StatusSeeOther)
	if tg := se.target(); tg.Status != model.TargetScheduled {
		t.Fatalf("after resume: %s", tg.Status)
	}
	if p := se.c.get("/w/" + se.ws.ID); strings.Contains(p.body, "data-pause-banner") {
		t.Error("the banner stays after resuming")
	}
}

// The calendar's keyboard path: the Move form puts a post on another day;
// a bad date and a past day are refused with the reason on the page.
func TestCalendarPageAndMoveForm(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	base := "/w/" + w.ID + "/calendar"
	mustContain(t, c.open(base), "Calendar", "days without posts")
	p := c.open(base + "?zone=Mars/Olympus")
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "is not a time zone")
	p = c.post(base+"/move", url.Values{"target": {"01ARZ3NDEKTSV4RRFFQ69G5FAV"}, "date": {"2027-03-16"}})
	wantStatus(t, p, http.StatusNotFound)
}

// Calendar entries from the page: added, shown on their day, refused with
// the typed values kept, removed.
func TestCalendarEntriesPage(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	base := "/w/" + w.ID + "/calendar"
	back := "date=2027-07-01"
	p := c.post(base+"/entries", url.Values{"kind": {"holiday"}, "title": {"Founders' day"}, "starts": {"2027-07-09"}, "ends": {"2027-07-08"}, "back": {back}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "is before the first")
	if !strings.Contains(p.body, `value="Founders&#39; day"`) {
		t.Fatal("the typed title is not kept after a refusal")
	}
	p = c.submit(base+"/entries", url.Values{"kind": {"holiday"}, "title": {"Founders' day"}, "starts": {"2027-07-09"}, "back": {back}})
	mustContain(t, p, "is on the calendar", "Founders' day")
	if !strings.Contains(p.body, `data-date="2027-07-09"`) {
		t.Fatal("not back on July 2027")
	}
	list, err := e.a.Calendar.View(context.Background(), e.actor("owner@example.test"), w.ID, calendar.Query{Date: "2027-07-01"})
	if err != nil || len(list.Entries) != 1 {
		t.Fatalf("entries %v %v", list.Entries, err)
	}
	p = c.submit(base+"/entries/"+list.Entries[0].ID+"/delete", url.Values{"back": {back}})
	mustContain(t, p, "The calendar entry is removed.")
}

// A time picked on the calendar (a free slot or "write a post for this
// day") reaches the scheduling panel through writing and saving the draft.
func TestComposerPresetFromCalendar(t *testing.T) {
	se := newScheduleEnv(t)
	newPage := "/w/" + se.ws.ID + "/posts/new?channel=" + se.ch.ID + "&at=2027-03-10T09:00&zone=America%2FNew_York"
	p := se.c.get(newPage)
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.body, `action="/w/`+se.ws.ID+`/posts/new?at=2027-03-10T09%3A00&amp;zone=America%2FNew_York"`) {
		t.Fatal("the composer form does not carry the calendar's time")
	}
	saved := se.c.post("/w/"+se.ws.ID+"/posts/new?at=2027-03-10T09%3A00&zone=America%2FNew_York",
		url.Values{"text": {"Preset from the calendar"}, "channel": {se.ch.ID}})
	if saved.status != http.StatusSeeOther || !strings.HasSuffix(saved.location(), "/edit?at=2027-03-10T09%3A00&zone=America%2FNew_York") {
		t.Fatalf("save answered %d to %q", saved.status, saved.location())
	}
	edit := se.c.get(saved.location())
	if !strings.Contains(edit.body, `value="2027-03-10"`) || !strings.Contains(edit.body, `value="09:00"`) {
		t.Fatal("the scheduling panel does not start at the calendar's time")
	}
	// Malformed presets are dropped, not passed on.
	if p := se.c.get("/w/" + se.ws.ID + "/posts/new?at=tomorrow"); strings.Contains(p.body, "at=tomorrow") {
		t.Fatal("a malformed preset was carried")
	}
}

// The calendar's filters narrow what it shows.
func TestCalendarFilters(t *testing.T) {
	se := newScheduleEnv(t)
	ctx, owner := context.Background(), se.actor("owner@example.test")
	if _, err := se.a.Compose.Update(ctx, owner, se.ws.ID, se.post.ID, se.post.Version, compose.Draft{Base: se.post.Base,
		Channels: []string{se.ch.ID}, Labels: []string{"spring"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := se.a.Publish.Schedule(ctx, owner, se.ws.ID, se.post.ID, publish.Request{Mode: publish.ModeAt, At: time.Date(2027, 4, 6, 13, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	base := "/w/" + se.ws.ID + "/calendar?date=2027-04-01"
	mustContain(t, se.c.get(base), "Spring sale", "1 post ")
	mustContain(t, se.c.get(base+"&label=spring"), "Spring sale")
	mustContain(t, se.c.get(base+"&label=autumn"), "0 posts")
	mustContain(t, se.c.get(base+"&status=published"), "0 posts")
	mustContain(t, se.c.get(base+"&view=list&channel="+se.ch.ID), "Spring sale", "Tuesday 6 April 2027")
}
