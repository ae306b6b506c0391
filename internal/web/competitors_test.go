package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The competitors page: linked from analytics; following an account on the
// demo network, a typo in the handle and a second follow of the same
// account as messages on the form; the first read ("refresh now") fills
// the comparison table, with the own channel beside it, and its charts;
// the comparison as CSV; unfollowing; a viewer sees the page without the
// forms and cannot post them.
func TestCompetitorPages(t *testing.T) {
	se := newScheduleEnv(t)
	e, ws := se.env, se.ws.ID
	base := "/w/" + ws + "/analytics/competitors"
	if p := se.c.get("/w/" + ws + "/analytics"); !strings.Contains(p.body, `href="`+base+`?from=`) {
		t.Fatal("the analytics page does not link to the comparison")
	}
	p := se.c.get(base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Follow a competitor below", "Follow an account", "Demo network (fake)", "Bluesky", "Mastodon", "Nostr")

	p = se.c.post(base, url.Values{"network": {"fake"}, "handle": {"nobody-here"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "demo account @nobody-here was found")
	p = se.c.post(base, url.Values{"network": {"telegram"}, "handle": {"rival"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "cannot follow competitors there")
	p = se.c.submit(base, url.Values{"network": {"fake"}, "handle": {"@rival"}, "label": {"direct"}})
	mustContain(t, p, "Herald now follows @rival on fake", "not yet")
	p = se.c.post(base, url.Values{"network": {"fake"}, "handle": {"rival"}})
	wantStatus(t, p, http.StatusConflict)
	mustContain(t, p, "already follows @rival")

	list, err := e.a.Competitors.List(t.Context(), e.actor("owner@example.test"), ws)
	if err != nil || len(list) != 1 {
		t.Fatalf("followed: %v %v", list, err)
	}
	id := list[0].ID
	p = se.c.submit(base+"/"+id+"/refresh", nil)
	mustContain(t, p, "Herald read @rival just now", "Average engagements per post", "your channel", "Acme NY")
	row := between(p.body, `data-row="`+id+`"`, `</tr>`)
	if strings.Contains(between(row, "data-followers>", "<"), "not available") || strings.Contains(between(row, "data-engagement>", "<"), "not available") {
		t.Fatalf("the competitor's row after a read: %s", row)
	}
	csv := se.c.get(base + ".csv")
	if csv.status != http.StatusOK || !strings.HasPrefix(csv.body, "network,account,name,own_channel") || !strings.Contains(csv.body, "fake,'@acme,Acme NY,true,") || !strings.Contains(csv.body, "fake,'@rival,Rival,false,direct,") {
		t.Fatalf("CSV %d: %q", csv.status, csv.body)
	}

	viewer := e.client()
	e.member("owner@example.test", ws, "viewer@example.test", "viewer")
	viewer.signIn("viewer@example.test", testPassword)
	p = viewer.get(base)
	wantStatus(t, p, http.StatusOK)
	if strings.Contains(p.body, "Follow an account") || strings.Contains(p.body, "Refresh now") {
		t.Fatal("a viewer sees the forms")
	}
	wantStatus(t, viewer.post(base+"/"+id+"/delete", nil), http.StatusForbidden)

	p = se.c.submit(base+"/"+id+"/delete", nil)
	mustContain(t, p, "no longer follows that account", "No competitors yet")
}
