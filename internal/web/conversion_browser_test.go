package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"

	"herald/internal/links"
	"herald/internal/model"
)

// shopSite is the workspace's own website: an httptest server whose pages
// include Herald's snippet, the way a customer pastes it.
type shopSite struct {
	mu      sync.Mutex
	snippet string // the <script> tags from the settings page
	srv     *httptest.Server
}

func (s *shopSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	snippet := s.snippet
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch r.URL.Path {
	case "/":
		fmt.Fprintf(w, `<!doctype html><title>Shop</title>%s<h1 id="landed">Spring collection</h1>`, snippet)
	case "/thanks":
		fmt.Fprintf(w, `<!doctype html><title>Thanks</title>%s<p id="result">sending</p>
<script>herald('conversion', {id: 'order-1042', name: 'purchase', value: 49.9, currency: 'EUR'})
  .then(function (r) { document.getElementById('result').textContent = r.status + ' ' + r.attribution; })
  .catch(function (e) { document.getElementById('result').textContent = 'failed ' + e; });</script>`, snippet)
	case "/favicon.ico":
		w.WriteHeader(http.StatusNoContent) // browsers ask; a 404 would show as a console error
	default:
		http.NotFound(w, r)
	}
}

// TestBrowserConversionSnippet: the owner turns conversion tracking on in
// the settings page, allowing the shop's origin; a visitor follows a
// tracked link, lands on the shop with hclid, and the shop's thank-you page
// reports a purchase through the snippet; Herald credits it to the link and
// the analytics page shows the conversion and a conversion rate of 100 %.
func TestBrowserConversionSnippet(t *testing.T) {
	ob := browseAsOwner(t)
	a, base, ws, tctx := ob.a, ob.base, ob.ws.ID, ob.ctx
	shop := &shopSite{}
	shop.srv = httptest.NewServer(shop)
	t.Cleanup(shop.srv.Close)

	settings := base + "/w/" + ws + "/settings/conversions"
	step(t, tctx, "turn tracking on",
		chromedp.Navigate(settings),
		chromedp.WaitVisible(chromedp.ID("origins")),
		chromedp.Click(chromedp.CSS(`input[name=enabled]`)),
		chromedp.SendKeys(chromedp.ID("origins"), shop.srv.URL),
		chromedp.Click(chromedp.CSS(`form[action$="/settings/conversions"] button[type=submit]`)),
	)
	wantText(t, tctx, "[data-conversion-status]", "Tracking is on")
	snippet, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.querySelector('[data-snippet]').value`))
	if err != nil || !strings.Contains(snippet, "/c.js") {
		t.Fatalf("snippet %q: %v", snippet, err)
	}
	// The pasted part: the script and the queue stub, not the example call.
	shop.mu.Lock()
	shop.snippet = html.UnescapeString(snippet[:strings.Index(snippet, "<!--")])
	shop.mu.Unlock()

	l, err := a.Links.Create(context.Background(), ob.actor, ws, links.NewLink{URL: shop.srv.URL + "/", Campaign: "spring"})
	if err != nil {
		t.Fatal(err)
	}
	// Herald counts HeadlessChrome as a bot; the visitor is a person.
	step(t, tctx, "follow the tracked link",
		chromedp.Emulate(desktopChrome{}),
		chromedp.Navigate(a.Links.ShortURL(l)),
		chromedp.WaitVisible(chromedp.ID("landed")),
	)
	kept, err := chromedp.Run(tctx, chromedp.Evaluate[string](`(function(){ var v = JSON.parse(localStorage.getItem('herald_hclid') || '{}'); return v.id || ''; })()`))
	if err != nil || kept == "" {
		t.Fatalf("the snippet kept no click ID (%v); landed at %s", err, location(t, tctx))
	}
	step(t, tctx, "convert", chromedp.Navigate(shop.srv.URL+"/thanks"))
	wantText(t, tctx, "#result", "recorded click")

	list, err := a.Conversions.List(context.Background(), ob.actor, ws, "", 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("conversions %+v, %v", list, err)
	}
	if c := list[0]; c.Attribution != model.AttributedToClick || c.LinkID != l.ID || c.ClickID != kept || c.Source != model.ConversionViaSnippet ||
		c.Value != "49.9" || c.Currency != "EUR" {
		t.Fatalf("conversion %+v", c)
	}
	step(t, tctx, "reload the thank-you page", chromedp.Navigate(shop.srv.URL+"/thanks"))
	wantText(t, tctx, "#result", "duplicate click")

	step(t, tctx, "open analytics", chromedp.Navigate(base+"/w/"+ws+"/analytics"))
	wantText(t, tctx, `[data-kpi="conversions"] [data-value]`, "1")
	wantText(t, tctx, `[data-kpi="conversion_rate"] [data-value]`, "100.00%")
	step(t, tctx, "open the settings", chromedp.Navigate(settings))
	wantText(t, tctx, "[data-conversions]", "A click on link "+l.Code)
	shoot(t, tctx, screenshotDir(t), "conversion-settings")
	ob.console.check(t)
}

// desktopChrome is a desktop Chrome's user agent and the test window's size.
type desktopChrome struct{}

func (desktopChrome) Device() device.Info {
	return device.Info{Name: "Desktop Chrome", Width: 1280, Height: 900, Scale: 1,
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}
}
