package web_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/internal/account"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/platform/httpclient"
	"herald/internal/provider/bluesky"
	"herald/internal/testenv"
)

// TestBrowserBlueskyOAuth connects Bluesky with atproto OAuth from the UI:
// the handle on the connect page, the local PDS's own sign-in and consent
// pages, back to Herald's callback, and a connection test that goes out
// with the DPoP-bound tokens. It needs Chromium and the bsky peer; without
// them it skips, unless HERALD_BROWSER_TESTS=1 or HERALD_E2E is set.
func TestBrowserBlueskyOAuth(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		requireOrSkip(t, "Chromium is not installed (/usr/bin/chromium or chromium on PATH)")
	}
	env, ok := testenv.ReadPeer("bsky")
	if !ok {
		if os.Getenv("HERALD_BROWSER_TESTS") == "1" {
			t.Fatal("HERALD_BROWSER_TESTS=1 but the Bluesky PDS peer is not up (../shared/peers/bsky/up.sh)")
		}
		testenv.Missing(t, "the Bluesky PDS peer is not up (../shared/peers/bsky/up.sh)")
	}
	// The PDS and its PLC directory listen on loopback; Herald's base URL is
	// http://127.0.0.1:…, so it signs in as atproto's development client.
	a, base := startHerald(t, func(c *config.Config) { c.AllowPrivate = true })
	a.Providers.Register(bluesky.New(bluesky.Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true}),
		DefaultService: env["BSKY_PDS_URL"], PLC: env["BSKY_PLC_URL"]}))
	ctx := context.Background()
	owner, err := a.Accounts.Setup(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: "owner@example.test", Name: "Olivia Owner", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	w, err := a.Workspaces.Create(ctx, model.Actor{UserID: owner.ID, Email: owner.Email, IsAdmin: true, Via: "cli"}, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	channels := "/w/" + w.ID + "/channels"

	bctx, _ := newBrowser(t, chromium)
	tctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	shots := screenshotDir(t)
	step(t, tctx, "sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), owner.Email),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	wantPath(t, tctx, "/w/"+w.ID)
	step(t, tctx, "the Bluesky connect page offers OAuth",
		chromedp.Navigate(base+channels+"/new/bluesky"),
		chromedp.WaitVisible(chromedp.CSS(`form[data-oauth-flow-form] #handle`)),
		chromedp.SendKeys(chromedp.ID("handle"), env["BSKY_ALICE_HANDLE"]),
	)
	shoot(t, tctx, shots, "connect-bluesky-oauth")
	step(t, tctx, "continue to the PDS", chromedp.Click(chromedp.CSS(`form[data-oauth-flow-form] button[type=submit]`)))
	if err := testenv.PDSSignIn(tctx, env["BSKY_ALICE_PASSWORD"]); err != nil {
		shoot(t, tctx, shots, "bluesky-sign-in-failed")
		text, _ := chromedp.Run(tctx, chromedp.Evaluate[string](`location.href + "\n" + (document.body ? document.body.innerText.slice(0, 1500) : '')`))
		t.Fatalf("the PDS sign-in: %v\npage: %s", err, text)
	}
	wantText(t, tctx, ".flash", "@"+env["BSKY_ALICE_HANDLE"]+" is connected")
	if path := location(t, tctx); !channelPathRe.MatchString(path) {
		t.Fatalf("after connecting the browser is at %s", path)
	}
	step(t, tctx, "test the connection",
		chromedp.Click(chromedp.CSS(`form[action$="/test"] button[type=submit]`)),
	)
	wantText(t, tctx, "[data-test-result]", "Connected as @"+env["BSKY_ALICE_HANDLE"])
	shoot(t, tctx, shots, "tested-bluesky-oauth")
}
