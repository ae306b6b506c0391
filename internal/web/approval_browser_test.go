package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/internal/account"
	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/publish"
	"herald/internal/store"
)

// TestBrowserApprovals walks a Contributor's post through a two-step
// approval in headless Chromium: she sends it, the approval request
// reaches the owner (step 1) by e-mail in mailpit, the owner approves it
// from "needs my approval", the client (step 2) approves through the
// signed link e-mailed to her, without an account. An edit afterwards
// starts approval again, and the post, scheduled while still unapproved,
// is not published at its time and shows "Approval expired".
func TestBrowserApprovals(t *testing.T) {
	mp, why := findMailpit(t)
	if why != "" {
		requireOrSkip(t, why)
	}
	ob := browseAsOwner(t)
	a, base, w, tctx := ob.a, ob.base, ob.ws, ob.ctx
	ctx := context.Background()
	port, _ := strconv.Atoi(mp.smtpPort)
	if err := a.Mail.SaveSettings(ctx, ob.actor, model.MailSettings{Host: "127.0.0.1", Port: port, From: "herald@example.test", TLS: "none"}); err != nil {
		t.Fatal(err)
	}
	run := strings.ToLower(randomHex(4))
	client := "clara+" + run + "@client.example"
	cora, err := a.Accounts.CreateUser(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: "cora+" + run + "@example.test", Name: "Cora Contributor", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.AddMember(ctx, w.ID, cora.ID, model.RoleContributor, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	ch, err := a.Channels.Connect(ctx, ob.actor, w.ID, "fake", map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Approvals.SaveWorkflow(ctx, ob.actor, w.ID, model.Workflow{AppliesRoles: []model.Role{model.RoleContributor},
		Steps: []model.ApprovalStep{{Name: "Brand team", Roles: []model.Role{model.RoleOwner}}, {Name: "Client", External: true}}}); err != nil {
		t.Fatal(err)
	}
	coraActor := model.Actor{UserID: cora.ID, Email: cora.Email, Via: "web"}
	text := "Spring menu " + run + " is here"
	p, err := a.Compose.Create(ctx, coraActor, w.ID, compose.Draft{Base: model.Content{Text: text}, Channels: []string{ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	edit := base + "/w/" + w.ID + "/posts/" + p.ID + "/edit"
	shots := screenshotDir(t)

	// Cora, in a browser context of her own.
	cctx := otherBrowser(t, tctx)
	step(t, cctx, "cora signs in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), cora.Email),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".sidebar")),
	)
	step(t, cctx, "cora sends her post for approval",
		chromedp.Navigate(edit),
		chromedp.WaitVisible(chromedp.CSS(`[data-approval-submit]`)),
		chromedp.Click(chromedp.CSS(`[data-approval-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	wantText(t, cctx, "[data-approval-panel]", "step 1 of 2: Brand team")
	mp.waitForMailWith(t, ob.owner.Email, "waits for your approval (step 1 of 2: Brand team)", run)
	step(t, cctx, "cora invites the client",
		chromedp.Click(chromedp.CSS(`.approval-reviewers summary`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=reviewer_name]`), "Clara Client"),
		chromedp.SendKeys(chromedp.CSS(`input[name=reviewer_email]`), client),
		chromedp.Click(chromedp.CSS(`[data-reviewer-invite] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	wantText(t, cctx, ".flash", "Review link for Clara Client")
	shoot(t, cctx, shots, "approval-panel")

	// The owner decides step 1 from the queue.
	step(t, tctx, "the owner opens needs-my-approval",
		chromedp.Navigate(base+"/w/"+w.ID+"/approvals"),
		chromedp.WaitVisible(chromedp.CSS(`[data-waiting="`+p.ID+`"] a`)),
	)
	shoot(t, tctx, shots, "approvals-queue")
	step(t, tctx, "the owner approves step 1",
		chromedp.Click(chromedp.CSS(`[data-waiting="`+p.ID+`"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-approval-decide] button[value=approve]`)),
		chromedp.Click(chromedp.CSS(`[data-approval-decide] button[value=approve]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	wantText(t, tctx, "[data-approval-panel]", "step 2 of 2: Client")

	// The client, with no account, through the e-mailed link.
	mail := mp.waitForMailWith(t, client, "waits for your approval (step 2 of 2: Client)")
	link := regexp.MustCompile(`https?://\S+/review/\S+`).FindString(mail)
	if !strings.HasPrefix(link, base) {
		t.Fatalf("no review link to %s in the client's e-mail", base)
	}
	rctx := otherBrowser(t, tctx)
	step(t, rctx, "the client opens the review link",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`[data-preview] .pv-text`)),
	)
	wantText(t, rctx, "[data-preview] .pv-text", text)
	shoot(t, rctx, shots, "review-page")
	step(t, rctx, "the client approves",
		chromedp.Click(chromedp.CSS(`[data-review-decide] button[value=approve]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-review-notice]`)),
	)
	wantText(t, rctx, ".review-state", "approved")
	step(t, rctx, "a tampered link shows nothing", chromedp.Navigate(link+"0"), chromedp.WaitVisible(chromedp.CSS("body")))
	wantText(t, rctx, "body", "This review link does not work")

	// An edit after approval starts again.
	step(t, cctx, "cora sees it approved, then edits it",
		chromedp.Navigate(edit),
		chromedp.WaitVisible(chromedp.CSS(`[data-approval-state]`)),
	)
	wantText(t, cctx, "[data-approval-state]", "approved")
	step(t, cctx, "cora edits the approved post",
		chromedp.SendKeys(chromedp.ID("text"), " (now with prices)"),
		chromedp.Click(chromedp.CSS(`[data-save]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-approval-state]`)),
	)
	wantText(t, cctx, "[data-approval-state]", "waiting for approval")
	wantText(t, cctx, "[data-approval-panel]", "step 1 of 2: Brand team")

	// Left unapproved, it is not published at its time.
	if _, err := a.Publish.Schedule(ctx, ob.actor, w.ID, p.ID, publish.Request{Mode: publish.ModeAt, At: time.Now().Add(3 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		got, _ := a.Compose.Get(ctx, ob.actor, w.ID, p.ID)
		if got.Targets[0].Status == model.TargetExpired {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("target is %s, want approval_expired", got.Targets[0].Status)
		}
	}
	step(t, cctx, "cora sees approval expired", chromedp.Navigate(edit), chromedp.WaitVisible(chromedp.CSS(".target-chips")))
	wantText(t, cctx, ".target-chips", "Approval expired")
	ob.console.check(t)
}

// otherBrowser opens a browser context with cookies of its own in the
// same Chromium.
func otherBrowser(t *testing.T, parent context.Context) context.Context {
	t.Helper()
	c, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(c); err != nil {
		t.Fatal(err)
	}
	return c
}

// waitForMailWith polls mailpit until a message to addr holding every one
// of parts arrives, and returns its text.
func (m mailpit) waitForMailWith(t *testing.T, addr string, parts ...string) string {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		var found struct{ Messages []struct{ ID string } }
		if getJSON(c, m.api+"/api/v1/search?query="+url.QueryEscape("to:"+addr), &found) != nil {
			continue
		}
		for _, f := range found.Messages {
			var msg struct{ Text string }
			if getJSON(c, m.api+"/api/v1/message/"+url.PathEscape(f.ID), &msg) == nil && containsAll(msg.Text, parts) {
				return msg.Text
			}
		}
	}
	t.Fatalf("no e-mail to %s with %q arrived in mailpit within 30s", addr, parts)
	return ""
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
