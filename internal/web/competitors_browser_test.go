package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// In a real browser: from the analytics page to the comparison, follow an
// account with the form, read it now, and see the table and both charts,
// without console errors.
func TestBrowserCompetitors(t *testing.T) {
	b := browseAsOwner(t)
	if _, err := b.a.Channels.Connect(t.Context(), b.actor, b.ws.ID, "fake", map[string]string{"handle": "acme"}); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	step(t, b.ctx, "open the comparison from analytics",
		chromedp.Navigate(b.base+"/w/"+b.ws.ID+"/analytics"),
		chromedp.Click(chromedp.CSS(`a[data-competitors-link]`)),
		chromedp.WaitVisible(chromedp.ID("handle")),
	)
	step(t, b.ctx, "follow an account",
		chromedp.SetValue(chromedp.ID("network"), "fake"),
		chromedp.SendKeys(chromedp.ID("handle"), "@rival"),
		chromedp.SendKeys(chromedp.ID("label"), "direct"),
		chromedp.Click(chromedp.CSS(`form[action$="/analytics/competitors"] button[type=submit]`)),
	)
	wantText(t, b.ctx, ".flash", "Herald now follows @rival on fake")
	step(t, b.ctx, "read it now",
		chromedp.Click(chromedp.CSS(`form[action$="/refresh"] button`)),
	)
	wantText(t, b.ctx, ".flash", "Herald read @rival just now")
	wantText(t, b.ctx, "table[data-comparison]", "your channel")
	step(t, b.ctx, "both charts are drawn", chromedp.WaitVisible(chromedp.CSS(`figure svg`)))
	shoot(t, b.ctx, dir, "competitors")
	b.console.check(t)
}
