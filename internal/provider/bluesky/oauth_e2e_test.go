package bluesky

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/internal/platform/httpclient"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/testenv"
)

// TestE2EOAuthConnectAndPublishOnLocalPDS signs alice in with atproto OAuth
// against the local PDS (discovery, PAR, PKCE, DPoP), completing the PDS's
// own sign-in and consent pages in headless Chromium, then publishes with
// the DPoP-bound tokens, refreshes them and publishes again.
func TestE2EOAuthConnectAndPublishOnLocalPDS(t *testing.T) {
	env := peerEnv(t)
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		testenv.Missing(t, "Chromium is not installed at /usr/bin/chromium")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	p := New(Options{HTTPClient: httpclient.New(httpclient.Options{AllowPrivate: true}), DefaultService: env["BSKY_PDS_URL"], PLC: env["BSKY_PLC_URL"]})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	callbacks := make(chan url.Values, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		callbacks <- r.URL.Query()
		fmt.Fprint(w, "<!doctype html><title>back in Herald</title><p>back</p>")
	})}
	go srv.Serve(ln)
	defer srv.Close()
	client := provider.OAuthClient{RedirectURI: fmt.Sprintf("http://%s/oauth/callback/bluesky", ln.Addr()), Name: "Herald test"}

	_, err = p.StartOAuth(ctx, "not a handle", client)
	wantTrait(t, err, provider.Permanent)
	start, err := p.StartOAuth(ctx, "@"+env["BSKY_ALICE_HANDLE"], client)
	if err != nil {
		t.Fatal(err)
	}
	if start.State == "" || start.Data == "" {
		t.Fatalf("start: %+v", start)
	}

	bctx := oauthBrowser(t)
	signIn(t, bctx, start.URL, env["BSKY_ALICE_PASSWORD"])
	var cb url.Values
	select {
	case cb = <-callbacks:
	case <-ctx.Done():
		t.Fatal("the PDS never sent the browser back to the callback")
	}

	forged := url.Values{"state": {cb.Get("state")}, "code": {cb.Get("code")}, "iss": {"https://evil.example"}}
	_, err = p.CompleteOAuth(ctx, start.Data, client, forged)
	wantTrait(t, err, provider.Permanent) // the issuer must be the one the request went to
	acct, err := p.CompleteOAuth(ctx, start.Data, client, cb)
	if err != nil {
		t.Fatal(err)
	}
	if acct.RemoteID != env["BSKY_ALICE_DID"] || acct.Handle != "@"+env["BSKY_ALICE_HANDLE"] || acct.Credentials[CredDPoPKey] == "" {
		t.Fatalf("account: %s %s", acct.RemoteID, acct.Handle)
	}
	if st, err := p.Check(ctx, acct); err != nil || !st.OK {
		t.Fatalf("check: %+v %v", st, err)
	}
	publish := func(text string) {
		t.Helper()
		post := provider.Post{Key: ids.New(), Segments: []provider.Segment{{Text: text,
			Media: []provider.Media{{ID: "png", ContentType: "image/png", Data: pngBytes(t, 32, 24), Alt: "a test pattern"}}}}}
		got, err := p.Publish(ctx, acct, post)
		if err != nil {
			t.Fatalf("publish %q: %v", text, err)
		}
		n := countRkeys(t, raw(t, env, ""), acct.RemoteID, []string{rkeyOf(got[0].ID)})
		if n[rkeyOf(got[0].ID)] != 1 {
			t.Fatalf("post %s is not in alice's repo", got[0].ID)
		}
	}
	publish("Posted by Herald over OAuth with DPoP")

	creds, _, err := p.RefreshAuth(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	if creds[CredRefreshJWT] == "" || creds[CredRefreshJWT] == acct.Credentials[CredRefreshJWT] || creds[CredDPoPKey] != acct.Credentials[CredDPoPKey] {
		t.Fatal("refresh did not rotate the refresh token or lost the DPoP key")
	}
	old := acct.Credentials
	acct.Credentials = creds
	publish("Posted again after refreshing the OAuth session")
	_, _, err = p.RefreshAuth(ctx, provider.Account{RemoteID: acct.RemoteID, Settings: acct.Settings, Credentials: old})
	wantTrait(t, err, provider.AuthExpired) // a used refresh token is refused
}

// oauthBrowser starts headless Chromium for the test.
func oauthBrowser(t *testing.T) context.Context {
	t.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath("/usr/bin/chromium"), chromedp.Flag("headless", true), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancelAlloc)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// signIn opens the PDS's sign-in page and completes it.
func signIn(t *testing.T, bctx context.Context, authURL, password string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(bctx, 60*time.Second)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.Navigate(authURL))
	if err == nil {
		err = testenv.PDSSignIn(ctx, password)
	}
	if err != nil {
		text, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 1500) : ''`))
		t.Fatalf("PDS sign-in: %v\npage text: %s", err, text)
	}
}
