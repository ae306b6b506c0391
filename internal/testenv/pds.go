package testenv

import (
	"context"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// PDSSignIn completes the PDS's sign-in page (the handle is prefilled
// from the login hint) and its consent page. The pages are a JS app that
// may still be starting when the password field shows, so the password is
// sent again until the consent page appears.
func PDSSignIn(ctx context.Context, password string) error {
	authorize := `[...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'Authorize')`
	var err error
	for try := 0; try < 5; try++ {
		if err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`input[type=password]`))); err != nil {
			return err
		}
		if typed, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`input[type=password]`))); typed == "" {
			if err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`input[type=password]`), password)); staleNode(err) {
				continue
			} else if err != nil {
				return err
			}
		}
		if err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[type=submit]`))); staleNode(err) {
			continue
		} else if err != nil {
			return err
		}
		if _, err = chromedp.Run(ctx, chromedp.Poll[bool](authorize+` !== undefined`, chromedp.WithPollingTimeout(5*time.Second))); err == nil {
			break
		}
	}
	if err != nil {
		return err
	}
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { `+authorize+`.click(); return true })()`))
	return err
}

// staleNode says whether err is the browser's answer to an element the
// PDS's page rendered again between finding it and acting on it: worth
// another try.
func staleNode(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "Could not find node") || strings.Contains(msg, "No node with given id") ||
		strings.Contains(msg, "Node is detached")
}
