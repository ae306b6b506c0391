package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"herald/internal/model"
	"herald/internal/publish"
)

var feedURLRe = regexp.MustCompile(`value="(http[^"]+/ical/[^"]+\.ics)"`)

// A private iCalendar feed: made on its page (address shown once), read
// by a calendar app without a session and parsed by an independent
// iCalendar parser, with the scheduled post at its UTC time; revoked or
// tampered addresses answer a bare 404.
func TestICalFeed(t *testing.T) {
	se := newScheduleEnv(t)
	ctx, owner := context.Background(), se.actor("owner@example.test")
	at := time.Now().UTC().Add(10 * 24 * time.Hour).Truncate(time.Minute)
	if _, err := se.a.Publish.Schedule(ctx, owner, se.ws.ID, se.post.ID, publish.Request{Mode: publish.ModeAt, At: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := se.a.Calendar.SaveEntry(ctx, owner, se.ws.ID, model.CalendarEntry{Kind: "holiday", Title: "Bank holiday; shop closed, all day",
		Starts: at.Format(time.DateOnly)}); err != nil {
		t.Fatal(err)
	}
	base := "/w/" + se.ws.ID + "/calendar/feeds"
	mustContain(t, se.c.get(base), "Your private calendar feeds")
	p := se.c.post(base, map[string][]string{"name": {strings.Repeat("x", 61)}})
	wantStatus(t, p, http.StatusBadRequest)
	p = se.c.post(base, map[string][]string{"name": {"Google Calendar"}})
	wantStatus(t, p, http.StatusOK)
	m := feedURLRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no feed address shown: %s", text(p.body))
	}
	feed := m[1]
	if strings.Contains(se.c.get(base).body, feed) {
		t.Fatal("the feed's address is shown again")
	}

	resp, err := http.Get(feed) // a calendar app: no cookies
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	cal, err := goical.NewDecoder(strings.NewReader(string(body))).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, body)
	}
	var post, holiday bool
	for _, ev := range cal.Events() {
		summary, _ := ev.Props.Text(goical.PropSummary)
		start, err := ev.DateTimeStart(time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.Contains(summary, "Spring sale"):
			post = start.Equal(at) && strings.Contains(summary, "[Acme NY]")
			if uid, _ := ev.Props.Text(goical.PropUID); uid != se.post.Targets[0].ID+"@herald" {
				t.Errorf("UID %q", uid)
			}
		case summary == "Holiday: Bank holiday; shop closed, all day":
			holiday = true
		}
	}
	if !post || !holiday {
		t.Fatalf("post found %v, holiday found %v in:\n%s", post, holiday, body)
	}

	for _, bad := range []string{feed[:len(feed)-8] + "AAAA.ics", strings.Replace(feed, "/ical/", "/ical/x", 1)} {
		r, err := http.Get(bad)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 404 || strings.Contains(string(b), "Acme") {
			t.Fatalf("tampered address: %d %s", r.StatusCode, b)
		}
	}
	feeds, err := se.a.Calendar.Feeds(ctx, owner, se.ws.ID)
	if err != nil || len(feeds) != 1 || feeds[0].LastUsedAt.IsZero() {
		t.Fatalf("feeds %+v %v", feeds, err)
	}
	mustContain(t, se.c.submit(base+"/"+feeds[0].ID+"/revoke", nil), "The feed is revoked")
	if r, _ := http.Get(feed); r.StatusCode != 404 {
		t.Fatalf("revoked feed answers %d", r.StatusCode)
	}
}

var shareURLRe = regexp.MustCompile(`value="(http[^"]+/share/calendar/[^"]+)"`)

// A client link shows the calendar read-only without an account; changed,
// expired and revoked links show a plain page that names nothing.
func TestCalendarClientLink(t *testing.T) {
	se := newScheduleEnv(t)
	ctx, owner := context.Background(), se.actor("owner@example.test")
	at := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Minute)
	if _, err := se.a.Publish.Schedule(ctx, owner, se.ws.ID, se.post.ID, publish.Request{Mode: publish.ModeAt, At: at}); err != nil {
		t.Fatal(err)
	}
	base := "/w/" + se.ws.ID + "/calendar"
	p := se.c.post(base+"/shares", map[string][]string{"share_name": {"Acme Bakery"}, "days": {"0"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "A link lasts 1 to 365 days")
	p = se.c.post(base+"/shares", map[string][]string{"share_name": {"Acme Bakery"}, "days": {"30"}})
	wantStatus(t, p, http.StatusOK)
	m := shareURLRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no link shown: %s", text(p.body))
	}
	link := m[1] + "?view=list&date=" + at.Format(time.DateOnly)
	get := func(u string) (int, string) {
		r, err := http.Get(u) // no session
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		return r.StatusCode, string(b)
	}
	status, body := get(link)
	if status != 200 || !strings.Contains(body, "Spring sale") || !strings.Contains(body, "Shared with Acme Bakery") || strings.Contains(body, "/edit") {
		t.Fatalf("shared view: %d %s", status, text(body))
	}
	if status, body := get(strings.Replace(link, "/calendar/", "/calendar/x", 1)); status != 404 || strings.Contains(body, "Acme") {
		t.Fatalf("changed link: %d %s", status, body)
	}
	if _, err := se.a.Store.DB().ExecContext(ctx, `UPDATE calendar_shares SET expires_at = $1`, "2020-01-01T00:00:00.000000Z"); err != nil {
		t.Fatal(err)
	}
	if status, _ := get(link); status != 404 {
		t.Fatalf("expired link answers %d", status)
	}
	shares, err := se.a.Calendar.Shares(ctx, owner, se.ws.ID)
	if err != nil || len(shares) != 1 {
		t.Fatal(shares, err)
	}
	mustContain(t, se.c.submit(base+"/shares/"+shares[0].ID+"/revoke", nil), "The link is revoked")
}

// A client link that allows review shows a Review button on posts waiting
// for approval; it opens the external review page, where the client
// approves; revoking the link ends that page too, and a link without
// review offers none.
func TestCalendarClientLinkReview(t *testing.T) {
	se := newScheduleEnv(t)
	ctx, owner := context.Background(), se.actor("owner@example.test")
	if _, err := se.a.Approvals.SaveWorkflow(ctx, owner, se.ws.ID, model.Workflow{AppliesUsers: []string{owner.UserID},
		Steps: []model.ApprovalStep{{Name: "Client", External: true}}}); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Minute)
	if _, err := se.a.Publish.Schedule(ctx, owner, se.ws.ID, se.post.ID, publish.Request{Mode: publish.ModeAt, At: at}); err != nil {
		t.Fatal(err)
	}
	base := "/w/" + se.ws.ID + "/calendar"
	shareLink := func(review bool) string {
		vals := map[string][]string{"share_name": {"Acme Bakery"}, "days": {"30"}}
		if review {
			vals["can_review"] = []string{"1"}
		}
		p := se.c.post(base+"/shares", vals)
		m := shareURLRe.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no link shown: %s", text(p.body))
		}
		return strings.TrimPrefix(m[1], se.srv.URL)
	}
	plain, reviewing := shareLink(false), shareLink(true)
	client := se.client()
	list := "?view=list&date=" + at.Format(time.DateOnly)
	if p := client.get(plain + list); strings.Contains(p.body, "data-review-post") {
		t.Fatal("a read-only link offers review")
	}
	wantStatus(t, client.get(plain+"/review/"+se.post.ID), http.StatusNotFound)
	p := client.get(reviewing + list)
	mustContain(t, p, "posts waiting for approval have a Review button")
	if !strings.Contains(p.body, `data-review-post="`+se.post.ID+`"`) || !strings.Contains(p.body, `data-approval="pending"`) {
		t.Fatalf("no Review button: %s", text(p.body))
	}
	p = client.get(reviewing + "/review/" + se.post.ID)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/review/") {
		t.Fatalf("review redirect: %d %q", p.status, p.location())
	}
	review := p.location()
	p = client.get(review)
	mustContain(t, p, "Spring sale", "Your decision")
	mustContain(t, client.submit(review+"/decide", url.Values{"decision": {"approve"}, "version": {"1"}}), "your decision is recorded")
	if got, _ := se.a.Compose.Get(ctx, owner, se.ws.ID, se.post.ID); got.Approval != model.ApprovalApproved {
		t.Fatalf("after the client's approval: %q", got.Approval)
	}
	shares, _ := se.a.Calendar.Shares(ctx, owner, se.ws.ID)
	for _, s := range shares {
		if s.CanReview {
			mustContain(t, se.c.submit(base+"/shares/"+s.ID+"/revoke", nil), "The link is revoked")
		}
	}
	wantStatus(t, client.get(review), http.StatusNotFound)
}
