package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/internal/account"
	"herald/internal/model"
)

// TestBrowserScheduleAndPause saves a draft in headless Chromium, schedules
// it a few seconds ahead from the composer's panel, waits for the worker to
// publish it to the fake network, then pauses the workspace, finds the
// banner on another page and resumes.
func TestBrowserScheduleAndPause(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		requireOrSkip(t, "Chromium is not installed (/usr/bin/chromium or chromium on PATH)")
	}
	a, base := startHerald(t)
	ctx := context.Background()
	owner, err := a.Accounts.Setup(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: "owner@example.test", Name: "Olivia Owner", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	actor := model.Actor{UserID: owner.ID, Email: owner.Email, IsAdmin: true, Via: "cli"}
	w, err := a.Workspaces.Create(ctx, actor, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := a.Channels.Connect(ctx, actor, w.ID, "fake", map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}

	bctx, console := newBrowser(t, chromium)
	tctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	defer cancel()
	step(t, tctx, "sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), owner.Email),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	wantPath(t, tctx, "/w/"+w.ID)

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
