package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var shareURL = regexp.MustCompile(`/share/report/([A-Za-z0-9_-]{20,})`)

// The reports pages: the PDF download from the analytics page, schedules
// with field errors, pause and "send now" without a mail server, and a
// read-only link that works without an account until it is revoked or
// expires, while a changed, revoked or expired one reveals nothing.
func TestReportPages(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	ws := e.workspace("owner@example.test", "Acme Reports")
	base := "/w/" + ws.ID
	mustContain(t, c.get(base+"/analytics"), "Download PDF", "Scheduled reports and links")
	p := c.get(base + "/analytics.pdf?from=2026-11-01&to=2026-11-30")
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(p.body, "%PDF-") ||
		!strings.Contains(p.header.Get("Content-Disposition"), "report-2026-11-01-2026-11-30.pdf") {
		t.Fatalf("pdf: %d %v", p.status, p.header)
	}
	wantStatus(t, c.get(base+"/analytics.pdf?from=yesterday"), http.StatusBadRequest)
	mustContain(t, c.get(base+"/reports"), "Branding", "Reports by e-mail", "Read-only report links", "No report is e-mailed yet")

	p = c.post(base+"/reports/settings", url.Values{"brand_color": {"blue"}, "logo_id": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "brand_color"); !strings.Contains(msg, "six hexadecimal digits") {
		t.Errorf("brand colour error %q", msg)
	}
	mustContain(t, c.submit(base+"/reports/settings", url.Values{"brand_color": {"#aa3366"}, "logo_id": {""}}), "branding is saved")

	sched := url.Values{"name": {"Weekly for Acme"}, "frequency": {"weekly"}, "weekday": {"monday"}, "month_day": {"1"}, "hour": {"25"},
		"zone": {"Europe/Berlin"}, "recipients": {"ada@example.com\nbob@example.com"}}
	p = c.post(base+"/reports/schedules", sched)
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "hour"); !strings.Contains(msg, "0 to 23") {
		t.Errorf("hour error %q", msg)
	}
	sched.Set("hour", "9")
	sched.Set("recipients", "ada@example.com\nnot-an-address")
	if msg := fieldError(t, c.post(base+"/reports/schedules", sched).body, "recipients"); !strings.Contains(msg, "not-an-address") {
		t.Errorf("recipients error %q", msg)
	}
	sched.Set("recipients", "ada@example.com\nbob@example.com")
	p = c.submit(base+"/reports/schedules", sched)
	mustContain(t, p, "goes out first on Monday", "Weekly for Acme", "Mondays at 09:00 (Europe/Berlin)", "ada@example.com, bob@example.com")
	list, err := e.a.Reports.Schedules(context.Background(), e.actor("owner@example.test"), ws.ID)
	if err != nil || len(list) != 1 {
		t.Fatal(list, err)
	}
	id := list[0].ID
	mustContain(t, c.get(base+"/reports/schedules/"+id), "Report schedule: Weekly for Acme")
	sched.Set("name", "Weekly digest")
	mustContain(t, c.submit(base+"/reports/schedules/"+id, sched), "schedule is saved", "Weekly digest")
	mustContain(t, c.submit(base+"/reports/schedules/"+id+"/pause", nil), "is paused")
	mustContain(t, c.submit(base+"/reports/schedules/"+id+"/resume", nil), "running again")
	mustContain(t, c.submit(base+"/reports/schedules/"+id+"/send", nil), "No mail server is set up")
	if p := c.get(base + "/reports"); !strings.Contains(p.body, "data-last-error") {
		t.Error("the failed send does not show on the schedule")
	}
	mustContain(t, c.submit(base+"/reports/schedules/"+id+"/delete", nil), "schedule is deleted", "No report is e-mailed yet")
	wantStatus(t, c.get(base+"/reports/schedules/"+id), http.StatusNotFound)

	share := url.Values{"share_name": {""}, "period": {"fixed"}, "from": {"2026-11-01"}, "to": {"2026-11-30"}, "days": {"7"}}
	if msg := fieldError(t, c.post(base+"/reports/shares", share).body, "share_name"); !strings.Contains(msg, "the client it is for") {
		t.Errorf("share name error %q", msg)
	}
	share.Set("share_name", "Acme Bakery")
	p = c.post(base+"/reports/shares", share)
	wantStatus(t, p, http.StatusOK)
	m := shareURL.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no link shown: %s", alertText(p.body))
	}
	token := m[1]
	anon := e.client()
	p = anon.get("/share/report/" + token)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Acme Reports", "1 Nov 2026 – 30 Nov 2026", "No data yet for this period", "Download PDF", "How each figure is computed")
	if p := anon.get("/share/report/" + token + "/pdf"); p.status != http.StatusOK || !strings.HasPrefix(p.body, "%PDF-") {
		t.Fatalf("shared pdf: %d", p.status)
	}
	nothing := func(path string) {
		t.Helper()
		p := anon.get(path)
		if p.status != http.StatusNotFound || strings.Contains(p.body, "Acme") || !strings.Contains(p.body, "does not work") {
			t.Fatalf("%s: %d %q", path, p.status, p.body)
		}
	}
	nothing("/share/report/" + token[:len(token)-2] + "xx")
	nothing("/share/report/" + token[:len(token)-2] + "xx/pdf")

	shares, err := e.a.Reports.Shares(context.Background(), e.actor("owner@example.test"), ws.ID)
	if err != nil || len(shares) != 1 {
		t.Fatal(shares, err)
	}
	mustContain(t, c.submit(base+"/reports/shares/"+shares[0].ID+"/revoke", nil), "link is revoked")
	nothing("/share/report/" + token)
	nothing("/share/report/" + token + "/pdf")

	share.Set("period", "rolling")
	share.Set("rolling_days", "28")
	share.Set("days", "1")
	token = shareURL.FindStringSubmatch(c.post(base+"/reports/shares", share).body)[1]
	wantStatus(t, anon.get("/share/report/"+token), http.StatusOK)
	e.a.Reports.Now = func() time.Time { return time.Now().AddDate(0, 0, 2) }
	nothing("/share/report/" + token)
}
