package web_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserIdeasAndImport captures an idea in headless Chromium, turns it
// into a draft for a channel and lands in the composer, then imports a
// small CSV: the dry run, then the import with import.js streaming progress
// into the <progress> bar until it is full.
func TestBrowserIdeasAndImport(t *testing.T) {
	ob := browseAsOwner(t)
	a, base, w, tctx := ob.a, ob.base, ob.ws, ob.ctx
	ctx := context.Background()
	ch, err := a.Channels.Connect(ctx, ob.actor, w.ID, "fake", map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	shots := screenshotDir(t)
	console := ob.console

	step(t, tctx, "capture an idea",
		chromedp.Navigate(base+"/w/"+w.ID+"/ideas"),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), "Show the team at work"),
		chromedp.SendKeys(chromedp.ID("link"), "https://example.com/team"),
		chromedp.Click(chromedp.CSS(`[data-capture]`)),
	)
	wantText(t, tctx, ".flash", "The idea is saved.")
	wantText(t, tctx, "[data-idea] .idea-text", "Show the team at work")
	shoot(t, tctx, shots, "ideas-board")

	step(t, tctx, "make a draft of it",
		chromedp.Click(chromedp.CSS(`[data-idea] [data-draft-panel] summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-idea] input[name=channel][value="`+ch.ID+`"]`)),
		chromedp.Click(chromedp.CSS(`[data-idea] input[name=channel][value="`+ch.ID+`"]`)),
		chromedp.Click(chromedp.CSS(`[data-idea] [data-draft-panel] button[type=submit]`)),
	)
	composer := regexp.MustCompile(`^/w/` + w.ID + `/posts/[0-9a-z]{26}/edit$`)
	for deadline := time.Now().Add(15 * time.Second); !composer.MatchString(location(t, tctx)); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after making a draft the browser is at %s, want the composer", location(t, tctx))
		}
	}

	file := filepath.Join(t.TempDir(), "plan.csv")
	csv := "text,channels\nSpring is here," + ch.ID + "\nSummer is near," + ch.ID + "\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	step(t, tctx, "check a CSV file",
		chromedp.Navigate(base+"/w/"+w.ID+"/posts/import"),
		chromedp.WaitVisible(chromedp.ID("file")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.Click(chromedp.CSS(`button[name=mode][value=check]`)),
	)
	wantText(t, tctx, "[data-import-report] h2", "The file is ready to import")
	step(t, tctx, "import it", chromedp.Click(chromedp.CSS(`[data-import-button]`)))
	wantText(t, tctx, "[data-import-status]", "Imported 2 posts as drafts.")
	full, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`(() => { const b = document.querySelector('[data-import-bar]'); return b.max > 1 && b.value === b.max; })()`))
	if err != nil || !full {
		t.Errorf("the progress bar is not full after the import (%v)", err)
	}
	shoot(t, tctx, shots, "import-done")

	step(t, tctx, "see the imported posts",
		chromedp.Click(chromedp.CSS(`[data-import-status] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-post]`)),
	)
	wantText(t, tctx, ".post-list", "Summer is near")
	shoot(t, tctx, shots, "posts-list")
	console.check(t)
}
