package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserScheduleAndPause saves a draft in headless Chromium, schedules
// it a few seconds ahead from the composer's panel, waits for the worker to
// publish it to the fake network, then pauses the workspace, finds the
// banner on another page and resumes.
func TestBrowserScheduleAndPause(t *testing.T) {
	ob := browseAsOwner(t)
	a, base, w, tctx := ob.a, ob.base, ob.ws, ob.ctx
	ctx := context.Background()
	ch, err := a.Channels.Connect(ctx, ob.actor, w.ID, "fake", map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	console := ob.console

	step(t, tctx, "save a draft",
		chromedp.Navigate(base+"/w/"+w.ID+"/posts/new"),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.Click(chromedp.CSS(`input[name=channel][value="`+ch.ID+`"]`)),
		chromedp.SendKeys(chromedp.ID("text"), "Doors open at nine"),
		chromedp.Click(chromedp.CSS(`[data-save]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-schedule-panel]`)),
	)
	editPath := location(t, tctx)

	at := time.Now().UTC().Add(5 * time.Second)
	fill := fmt.Sprintf(`(() => { const f = document.querySelector('[data-schedule-form]');
		f.querySelector('#date').value = %q; f.querySelector('#time').value = %q; f.querySelector('#zone').value = 'UTC'; })()`,
		at.Format("2006-01-02"), at.Format("15:04:05"))
	step(t, tctx, "schedule a few seconds ahead",
		chromedp.Evaluate[chromedp.Void](fill),
		chromedp.Click(chromedp.CSS(`[data-schedule]`)),
	)
	wantText(t, tctx, `.flash`, "Scheduled for")
	wantText(t, tctx, `[data-schedule-panel] [data-status]`, "Scheduled")

	published := false
	for deadline := time.Now().Add(45 * time.Second); time.Now().Before(deadline) && !published; time.Sleep(time.Second) {
		if err := chromedp.Do(tctx, chromedp.Navigate(base+editPath)); err != nil {
			continue
		}
		status, err := chromedp.Run(tctx, chromedp.Evaluate[string](`(document.querySelector('[data-schedule-panel] [data-status]') || {}).innerText || ''`))
		published = err == nil && strings.Contains(status, "Published")
	}
	if !published {
		body, _ := chromedp.Run(tctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 1500)`))
		t.Fatalf("the post was not published within 45 s:\n%s", body)
	}

	step(t, tctx, "pause the workspace",
		chromedp.Navigate(base+"/w/"+w.ID+"/publishing"),
		chromedp.WaitVisible(chromedp.ID("reason")),
		chromedp.SendKeys(chromedp.ID("reason"), "Checking a complaint"),
		chromedp.Click(chromedp.CSS(`[data-pause-submit]`)),
	)
	wantText(t, tctx, `[data-pause-banner]`, "Checking a complaint")
	step(t, tctx, "open another page", chromedp.Navigate(base+"/w/"+w.ID+"/channels"))
	wantText(t, tctx, `[data-pause-banner]`, "Publishing is paused for this workspace")

	step(t, tctx, "resume",
		chromedp.Navigate(base+"/w/"+w.ID+"/resume"),
		chromedp.WaitVisible(chromedp.CSS(`[data-resume]`)),
		chromedp.Click(chromedp.CSS(`[data-resume]`)),
	)
	wantText(t, tctx, `.flash`, "Publishing has resumed")
	gone, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.querySelector('[data-pause-banner]') === null`))
	if err != nil || !gone {
		t.Fatalf("the banner stays after resuming (%v)", err)
	}
	console.check(t)
}
