package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// In a real browser: the analytics page shows a channel's daily reach;
// from there to the comparison, follow an account with the form, read it
// now, and see the table and both charts, without console errors.
func TestBrowserCompetitors(t *testing.T) {
	b := browseAsOwner(t)
	ch, err := b.a.Channels.Connect(t.Context(), b.actor, b.ws.ID, "fake", map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	known := func(v int64) model.Count { return model.Count{Value: v, Known: true} }
	err = b.a.Store.InTx(t.Context(), func(tx *store.Tx) error {
		return tx.AddAccountMetrics(t.Context(), model.AccountMetricSnapshot{ID: ids.New(), WorkspaceID: b.ws.ID, ChannelID: ch.ID,
			TakenAt: time.Now().Add(-time.Hour), Source: "test", Followers: known(1200), Reach: known(4321), Impressions: known(9876)})
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	step(t, b.ctx, "open analytics", chromedp.Navigate(b.base+"/w/"+b.ws.ID+"/analytics"))
	wantText(t, b.ctx, "td[data-account-reach]", "4321")
	shoot(t, b.ctx, dir, "analytics")
	step(t, b.ctx, "open the comparison from analytics",
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
