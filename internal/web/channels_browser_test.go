package web_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/channel"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/fake"
	"herald/internal/testenv"
)

// browserChannel is one network the channel journey connects from the UI.
// Adding a network to the journey is one more entry in browserChannels:
// the connect form is filled from fields, or OAuth networks are signed in
// through their own pages.
type browserChannel struct {
	network string
	// setup registers what the network needs (a provider of the test's own,
	// a network app, a peer) and returns the fields of its connect form,
	// keyed by field name.
	setup func(t *testing.T, j *channelJourney) map[string]string
	// oauth networks connect with their "Connect with …" button; signIn then
	// completes the network's own pages (nil: the network grants at once).
	oauth  bool
	signIn func(t *testing.T, ctx context.Context)
	handle string // what the channel is called once connected
	// check is what "Test connection" answers first.
	check string
}

// channelJourney is the state the entries share.
type channelJourney struct {
	a    *app.App
	base string // Herald's URL
	run  string // a random tag for unique names
	fake *fake.Provider
}

var browserChannels = []browserChannel{
	{network: "fake", handle: "@acme", check: "Account @acme is suspended (code 64)",
		setup: func(t *testing.T, j *channelJourney) map[string]string {
			j.fake.Fail(fake.Failure{Op: "check", Trait: provider.Permanent, Message: "account @acme is suspended (code 64)"})
			return map[string]string{"handle": "acme"}
		}},
	{network: "bluesky", handle: "@alice.test", check: "Connected as @alice.test",
		setup: func(t *testing.T, j *channelJourney) map[string]string {
			env, ok := testenv.ReadPeer("bsky")
			if !ok {
				if os.Getenv("HERALD_E2E") != "" {
					t.Fatal("the Bluesky PDS peer is not up (../shared/peers/bsky/up.sh)")
				}
				return nil // skipped: no local PDS
			}
			return map[string]string{"identifier": env["BSKY_ALICE_HANDLE"], "app_password": env["BSKY_ALICE_APP_PASSWORD"], "service": env["BSKY_PDS_URL"]}
		}},
	{network: "mastodon", oauth: true, check: "Connected as @ada@",
		setup: func(t *testing.T, j *channelJourney) map[string]string {
			srv := fakeMastodon(t)
			return map[string]string{"instance": srv.URL}
		},
		signIn: func(t *testing.T, ctx context.Context) {
			step(t, ctx, "authorize Herald on the Mastodon server",
				chromedp.WaitVisible(chromedp.ID("authorize")),
				chromedp.Click(chromedp.ID("authorize")),
			)
		}},
	{network: "testoauth", oauth: true, handle: "@alice", check: "This channel type has nothing to check",
		setup: func(t *testing.T, j *channelJourney) map[string]string {
			j.a.Providers.Register(newOAuthNet(t, "testoauth", "Test OAuth"))
			if err := j.a.Channels.PutApp(context.Background(), model.Actor{IsAdmin: true, Via: "cli"}, "",
				channel.AppInput{Network: "testoauth", ClientID: "herald-browser", ClientSecret: "secret"}); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
}

// TestBrowserChannels connects each network of browserChannels from the UI,
// tests the connection and sees the answer, opens the network apps page
// with its redirect URI, and disconnects through the confirmation step. It
// needs Chromium; without it the test skips, unless HERALD_BROWSER_TESTS=1.
func TestBrowserChannels(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		requireOrSkip(t, "Chromium is not installed (/usr/bin/chromium or chromium on PATH)")
	}
	// The test networks' token endpoints listen on loopback.
	a, base := startHerald(t, func(c *config.Config) { c.AllowPrivate = true })
	j := &channelJourney{a: a, base: base, run: strings.ToLower(randomHex(4)), fake: fake.New()}
	a.Providers.Register(j.fake)
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
	var chans []browserChannel
	var fields []map[string]string
	for _, bc := range browserChannels {
		f := bc.setup(t, j)
		if bc.network == "bluesky" && f == nil {
			t.Log("the Bluesky PDS peer is not up; its step is skipped")
			continue
		}
		if inst := f["instance"]; inst != "" && bc.handle == "" {
			bc.handle = "@ada@" + strings.TrimPrefix(inst, "http://")
		}
		chans, fields = append(chans, bc), append(fields, f)
	}

	bctx, console := newBrowser(t, chromium)
	tctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
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
	step(t, tctx, "open the channels page",
		chromedp.Navigate(base+channels),
		chromedp.WaitVisible(chromedp.ID("connect-title")),
	)
	wantText(t, tctx, "main", "No channels yet")
	shoot(t, tctx, shots, "channels-empty")

	for i, bc := range chans {
		connect := `#network-list a[href="` + channels + `/new/` + bc.network + `"]`
		instance := fields[i]["instance"]
		if bc.oauth && instance == "" {
			connect = `#network-list form[action="` + channels + `/oauth/` + bc.network + `"] button`
		}
		step(t, tctx, "open the channels page to connect "+bc.network,
			chromedp.Navigate(base+channels),
			chromedp.WaitVisible(chromedp.CSS(connect)),
		)
		if i == 0 {
			// The search box narrows the list of networks.
			step(t, tctx, "search for the network",
				chromedp.SendKeys(chromedp.ID("network-filter"), bc.network),
				chromedp.WaitVisible(chromedp.CSS(connect)),
			)
			hidden, err := chromedp.Run(tctx, chromedp.Evaluate[int](`[...document.querySelectorAll('#network-list [data-filter-item]')].filter(e => e.hidden).length`))
			if err != nil || hidden == 0 {
				t.Errorf("searching for %s hid no other network (%d, %v)", bc.network, hidden, err)
			}
		}
		step(t, tctx, "connect "+bc.network, chromedp.Click(chromedp.CSS(connect)))
		if instance != "" {
			step(t, tctx, "name the "+bc.network+" server",
				chromedp.WaitVisible(chromedp.ID("instance")),
				chromedp.SendKeys(chromedp.ID("instance"), instance),
				chromedp.Click(chromedp.CSS(`form[action$="/oauth/`+bc.network+`"] button[type=submit]`)),
			)
		}
		if bc.oauth {
			if bc.signIn != nil {
				bc.signIn(t, tctx)
			}
		} else {
			step(t, tctx, "the connect form of "+bc.network, chromedp.WaitVisible(chromedp.CSS(`form[data-connect-form]`)))
			for name, value := range fields[i] {
				step(t, tctx, "fill "+name, chromedp.Clear(chromedp.ID(name)), chromedp.SendKeys(chromedp.ID(name), value))
			}
			shoot(t, tctx, shots, "connect-"+bc.network)
			step(t, tctx, "submit the connect form", chromedp.Click(chromedp.CSS(`form[data-connect-form] button[type=submit]`)))
		}
		wantText(t, tctx, ".flash", bc.handle+" is connected")
		path := location(t, tctx)
		if !channelPathRe.MatchString(path) {
			t.Fatalf("after connecting %s the browser is at %s", bc.network, path)
		}
		step(t, tctx, "test the connection of "+bc.handle,
			chromedp.Click(chromedp.CSS(`form[action$="/test"] button[type=submit]`)),
		)
		wantText(t, tctx, "[data-test-result]", bc.check)
		shoot(t, tctx, shots, "tested-"+bc.network)
	}

	step(t, tctx, "the channel list", chromedp.Navigate(base+channels), chromedp.WaitVisible(chromedp.CSS(".channel-list")))
	for _, bc := range chans {
		wantText(t, tctx, "main", bc.handle)
	}
	wantText(t, tctx, "main", "account @acme is suspended (code 64)")
	shoot(t, tctx, shots, "channels")

	// The network apps page shows the exact redirect URI to register.
	step(t, tctx, "open the network apps page",
		chromedp.Click(chromedp.CSS(`a[href="`+channels+`/apps"]`)),
		chromedp.WaitVisible(chromedp.ID("app-form")),
	)
	redirect, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.getElementById('redirect-testoauth').value`))
	if err != nil || redirect != base+"/oauth/callback/testoauth" {
		t.Fatalf("redirect URI on the apps page: %q, %v", redirect, err)
	}
	wantText(t, tctx, "#setup-testoauth", "Using the installation's app")
	shoot(t, tctx, shots, "network-apps")
	step(t, tctx, "the installation's apps", chromedp.Navigate(base+"/admin/apps"), chromedp.WaitVisible(chromedp.ID("setup-testoauth")))
	wantText(t, tctx, "#setup-testoauth", "herald-browser")

	// Disconnecting asks first.
	step(t, tctx, "open the disconnect confirmation",
		chromedp.Navigate(base+channels),
		chromedp.WaitVisible(chromedp.CSS(`[data-channel="@acme"] .confirm summary`)),
		chromedp.Click(chromedp.CSS(`[data-channel="@acme"] .confirm summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-channel="@acme"] .confirm-panel button[type=submit]`)),
	)
	shoot(t, tctx, shots, "disconnect-confirm")
	step(t, tctx, "disconnect", chromedp.Click(chromedp.CSS(`[data-channel="@acme"] .confirm-panel button[type=submit]`)))
	wantText(t, tctx, ".flash", "@acme is disconnected")

	// At phone width nothing runs off the side.
	step(t, tctx, "phone width",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(base+channels),
		chromedp.WaitVisible(chromedp.ID("connect-title")),
	)
	right, err := chromedp.Run(tctx, chromedp.Evaluate[float64](`Math.max(...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right))`))
	if err != nil || right > 390.5 {
		t.Errorf("the channels page reaches %.0f px on a 390 px phone (%v)", right, err)
	}
	shoot(t, tctx, shots, "channels-phone")
	console.check(t)
}
