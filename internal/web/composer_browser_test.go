package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/internal/provider"
)

// TestBrowserComposer writes one post for a Bluesky and a Mastodon channel
// in headless Chromium: it types past Bluesky's 300-character limit with
// emoji ZWJ sequences and sees the error appear and clear exactly at the
// limit, adds an image with alt text, splits the text into a thread, looks
// at each network's preview, saves the draft and finds it again.
func TestBrowserComposer(t *testing.T) {
	ob := browseAsOwner(t)
	a, base, w, tctx, console := ob.a, ob.base, ob.ws, ob.ctx, ob.console
	for _, network := range []provider.Network{"bluesky", "mastodon"} {
		real, err := a.Providers.Get(network)
		if err != nil {
			t.Fatal(err)
		}
		a.Providers.Register(standIn(real.Info()))
	}
	ctx := context.Background()
	bsky, err := a.Channels.Connect(ctx, ob.actor, w.ID, "bluesky", map[string]string{"handle": "acme.bsky.social"})
	if err != nil {
		t.Fatal(err)
	}
	masto, err := a.Channels.Connect(ctx, ob.actor, w.ID, "mastodon", map[string]string{"handle": "acme@mastodon.example"})
	if err != nil {
		t.Fatal(err)
	}
	shots := screenshotDir(t)

	step(t, tctx, "open the composer and pick both channels",
		chromedp.Navigate(base+"/w/"+w.ID+"/posts/new"),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.Click(chromedp.CSS(`input[name=channel][value="`+bsky.ID+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name=channel][value="`+masto.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-tab="`+bsky.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-tab="`+masto.ID+`"]`)),
	)

	// 300 graphemes, every tenth a family emoji of seven code points: at
	// the limit, not over it.
	fill := fmt.Sprintf(`(() => { const t = document.getElementById('text'); t.value = %q; t.focus();
		t.setSelectionRange(t.value.length, t.value.length); t.dispatchEvent(new Event('input', {bubbles: true})); })()`, graphemes(300))
	step(t, tctx, "write 300 graphemes with ZWJ emoji", chromedp.Evaluate[chromedp.Void](fill))
	wantText(t, tctx, `[data-counter="`+bsky.ID+`"]`, "Bluesky 300/300")
	wantNoError(t, tctx, bsky.ID)

	step(t, tctx, "type one more character", chromedp.SendKeys(chromedp.ID("text"), "!"))
	wantText(t, tctx, `[data-counter="`+bsky.ID+`"]`, "Bluesky 301/300")
	wantText(t, tctx, `[data-panel="`+bsky.ID+`"] [data-error="too_long"]`, "The post is 301 characters; Bluesky allows 300")
	wantNoError(t, tctx, masto.ID)
	shoot(t, tctx, shots, "composer-over-limit")

	step(t, tctx, "delete it again", chromedp.SendKeys(chromedp.ID("text"), "\b"))
	wantText(t, tctx, `[data-counter="`+bsky.ID+`"]`, "Bluesky 300/300")
	wantNoError(t, tctx, bsky.ID)

	addImage(t, tctx, shots, bsky.ID)

	// More words take the text over the limit again; splitting makes a
	// thread every picked network accepts.
	step(t, tctx, "write on past the limit", chromedp.SendKeys(chromedp.ID("text"), " and a few more words for a second part"))
	wantText(t, tctx, `[data-panel="`+bsky.ID+`"] [data-error="too_long"]`, "Bluesky allows 300")
	step(t, tctx, "split into a thread",
		chromedp.Click(chromedp.CSS(`[data-split]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-thread-part] textarea`)),
	)
	wantText(t, tctx, `[data-panel="`+bsky.ID+`"] [data-preview="bluesky"]`, "1/2")
	wantNoError(t, tctx, bsky.ID)

	step(t, tctx, "look at the Mastodon preview",
		chromedp.Click(chromedp.CSS(`[data-tab="`+masto.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-panel="`+masto.ID+`"] [data-preview="mastodon"]`)),
	)
	wantText(t, tctx, `[data-panel="`+masto.ID+`"] .pv-head`, "@acme@mastodon.example")
	shoot(t, tctx, shots, "composer-mastodon-preview")
	step(t, tctx, "look at the Bluesky preview",
		chromedp.Click(chromedp.CSS(`[data-tab="`+bsky.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-panel="`+bsky.ID+`"] [data-preview="bluesky"]`)),
	)
	shoot(t, tctx, shots, "composer-bluesky-preview")

	step(t, tctx, "save the draft", chromedp.Click(chromedp.CSS(`[data-save]`)))
	wantText(t, tctx, ".flash", "Draft saved")
	path := location(t, tctx)
	if !regexp.MustCompile(`^/w/[0-9a-z]{26}/posts/[0-9a-z]{26}/edit$`).MatchString(path) {
		t.Fatalf("after saving the browser is at %s", path)
	}

	step(t, tctx, "find the draft in the posts list",
		chromedp.Navigate(base+"/w/"+w.ID+"/posts"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="`+path+`"]`)),
		chromedp.Click(chromedp.CSS(`a[href="`+path+`"]`)),
		chromedp.WaitVisible(chromedp.ID("text")),
	)
	got, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.getElementById('text').value`))
	if err != nil || got == "" || !strings.HasPrefix(graphemes(300), got[:10]) {
		t.Errorf("the saved draft's first part is %q (%v), want the start of the text written", got, err)
	}
	parts, err := chromedp.Run(tctx, chromedp.Evaluate[string](`[...document.querySelectorAll('[data-thread-text]')].map(t => t.value).join('|')`))
	if err != nil || !strings.Contains(parts, "second part") {
		t.Errorf("the saved draft's thread parts are %q (%v), want the second part", parts, err)
	}
	wantAlt(t, tctx, `[data-panel="`+bsky.ID+`"] .pv-media img`)
	alt, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.querySelector('[data-media-list] [data-alt]').value`))
	if err != nil || alt != "Boats in the harbour at dawn" {
		t.Errorf("the saved draft's alt text is %q (%v)", alt, err)
	}
	shoot(t, tctx, shots, "composer-saved")
	console.check(t)
}

// wantNoError waits until the channel's panel reports nothing refused.
func wantNoError(t *testing.T, ctx context.Context, channelID string) {
	t.Helper()
	wantText(t, ctx, `[data-panel="`+channelID+`"] [data-ok]`, "Nothing")
}

// addImage uploads a PNG through the composer's media dialog and writes
// its alt text; Bluesky requires one, so the check appears until it is
// there.
func addImage(t *testing.T, ctx context.Context, dir string, bskyID string) {
	t.Helper()
	path := filepath.Join(dir, "harbour.png")
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "open the media dialog and upload an image",
		chromedp.Click(chromedp.CSS(`[data-add-media]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-dropzone]`)),
		chromedp.SetUploadFiles(chromedp.CSS(`[data-file-input]`), []string{path}),
		chromedp.WaitVisible(chromedp.CSS(`[data-media-list] [data-alt]`)),
	)
	wantText(t, ctx, `[data-panel="`+bskyID+`"] [data-error="alt_missing"]`, "requires alt text")
	step(t, ctx, "write the alt text", chromedp.SendKeys(chromedp.CSS(`[data-media-list] [data-alt]`), "Boats in the harbour at dawn"))
	wantNoError(t, ctx, bskyID)
	wantAlt(t, ctx, `[data-panel="`+bskyID+`"] .pv-media img`)
}

// wantAlt waits for an image matching sel whose alt text is the one written.
func wantAlt(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const i = document.querySelector(%q); return i ? i.alt : ''; })()`, sel)
	var got string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got, _ = chromedp.Run(ctx, chromedp.Evaluate[string](js)); got == "Boats in the harbour at dawn" {
			return
		}
	}
	t.Fatalf("%s has alt %q, want the alt text written", sel, got)
}
