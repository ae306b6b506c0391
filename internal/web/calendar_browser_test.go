package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/internal/channel"
	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/publish"
)

// TestBrowserCalendarDrag drags a post on the month view onto another day
// in headless Chromium, then moves it once more with its Move button: it
// keeps its 9:00 in the channel's zone (New York) across the DST change
// and its job is planned again each time (new generation, one live job).
func TestBrowserCalendarDrag(t *testing.T) {
	ob := browseAsOwner(t)
	a, base, w, tctx := ob.a, ob.base, ob.ws, ob.ctx
	ctx := context.Background()
	ch, err := a.Channels.Connect(ctx, ob.actor, w.ID, "fake", map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Channels.Update(ctx, ob.actor, w.ID, ch.ID, channel.Settings{Name: ch.Name, TimeZone: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	p, err := a.Compose.Create(ctx, ob.actor, w.ID, compose.Draft{Base: model.Content{Text: "Spring menu tasting"}, Channels: []string{ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Publish.Schedule(ctx, ob.actor, w.ID, p.ID, publish.Request{Mode: publish.ModeAt, At: time.Date(2027, 3, 10, 14, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	before, _ := a.Compose.Get(ctx, ob.actor, w.ID, p.ID)

	step(t, tctx, "open March 2027",
		chromedp.Navigate(base+"/w/"+w.ID+"/calendar?date=2027-03-01"),
		chromedp.WaitVisible(chromedp.CSS(`td[data-date="2027-03-10"] [data-target]`)),
	)
	wantText(t, tctx, `td[data-date="2027-03-10"] .cal-item`, "09:00")
	drag := `(() => {
		const item = document.querySelector('td[data-date="2027-03-10"] [data-target]');
		const day = document.querySelector('td[data-date="2027-03-16"]');
		const dt = new DataTransfer();
		item.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
		day.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
		day.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
	})()`
	step(t, tctx, "drag it to the 16th", chromedp.Evaluate[chromedp.Void](drag))
	wantText(t, tctx, `.flash`, "Moved to")
	wantText(t, tctx, `td[data-date="2027-03-16"] .cal-item`, "09:00")

	// The keyboard's way: the item's Move button opens the dialog.
	step(t, tctx, "move it with the Move button",
		chromedp.Focus(chromedp.CSS(`td[data-date="2027-03-16"] [data-move]`)),
		chromedp.Click(chromedp.CSS(`td[data-date="2027-03-16"] [data-move]`)),
		chromedp.WaitVisible(chromedp.ID("cal-move-date")),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('cal-move-date').value = '2027-03-17'`),
		chromedp.Click(chromedp.CSS(`#cal-move-dialog button[type=submit]`)),
	)
	wantText(t, tctx, `td[data-date="2027-03-17"] .cal-item`, "09:00")

	after, err := a.Compose.Get(ctx, ob.actor, w.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	tg := after.Targets[0]
	if want := time.Date(2027, 3, 17, 13, 0, 0, 0, time.UTC); !tg.ScheduledAt.Equal(want) {
		t.Fatalf("moved to %s, want %s (9:00 EDT)", tg.ScheduledAt, want)
	}
	if tg.Generation != before.Targets[0].Generation+2 || tg.Status != model.TargetScheduled {
		t.Fatalf("generation %d → %d, status %s: the job was not planned again", before.Targets[0].Generation, tg.Generation, tg.Status)
	}
	var jobs int
	if err := a.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind = 'publish.target' AND scheduled_at > $1`,
		time.Date(2027, 3, 17, 0, 0, 0, 0, time.UTC)).Scan(&jobs); err != nil || jobs != 1 {
		t.Fatalf("%d jobs planned on or after the new day, want the one of the new generation (%v)", jobs, err)
	}
}
