package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herald/internal/links"
	"herald/internal/model"
)

// The conversion settings page: turning tracking on shows the secret once
// and the snippet with the site key; a click through a tracked link lands
// with hclid; the snippet's endpoint accepts a conversion only from an
// allowed origin, de-duplicates event IDs and records one without a click
// as unattributed; the link page, the analytics cards and the KPI CSV
// count them.
func TestConversionPages(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	ws := e.workspace("owner@example.test", "Shop").ID
	base := "/w/" + ws + "/settings/conversions"
	p := c.get(base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Tracking is off", "No conversions yet")

	p = c.post(base, url.Values{"enabled": {"1"}, "window_days": {"0"}, "origins": {"https://shop.example"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "window_days"); !strings.Contains(msg, "1 to 90") {
		t.Fatalf("window error %q", msg)
	}
	p = c.post(base, url.Values{"enabled": {"1"}, "window_days": {"7"}, "origins": {"shop.example/checkout"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "origins")

	p = c.post(base, url.Values{"enabled": {"1"}, "window_days": {"7"}, "origins": {"https://shop.example\nhttp://127.0.0.1:9"}})
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Tracking is on", "Signing secret", "Copy it now")
	site := regexp.MustCompile(`data-site-key>([^<]+)<`).FindStringSubmatch(p.body)
	if site == nil || !strings.Contains(p.body, `data-site=&#34;`+site[1]) {
		t.Fatalf("no snippet with the site key: %s", text(p.body))
	}
	if !regexp.MustCompile(`value="hcs_[0-9a-f]{64}"`).MatchString(p.body) {
		t.Fatal("the new secret is not shown")
	}
	if p = c.open(base); strings.Contains(p.body, "hcs_") {
		t.Fatal("the secret is shown again")
	}

	ctx := context.Background()
	l, err := e.a.Links.Create(ctx, e.actor("owner@example.test"), ws, links.NewLink{URL: "https://shop.example/", Campaign: "spring"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/l/"+l.Code, nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	visit := c.do(req) // a person's click: curl-like agents count as bots
	loc, _ := url.Parse(visit.location())
	hclid := loc.Query().Get("hclid")
	if visit.status != http.StatusFound || hclid == "" {
		t.Fatalf("redirect %d to %q", visit.status, visit.location())
	}

	collect := func(origin, body string) (int, map[string]string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/c/collect?site="+site[1], strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out := map[string]string{}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out, resp.Header
	}
	status, out, h := collect("https://shop.example", `{"event_id":"o-1","name":"purchase","value":20,"currency":"EUR","click_id":"`+hclid+`"}`)
	if status != http.StatusCreated || out["attribution"] != model.AttributedToClick || h.Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Fatalf("collect: %d %v %v", status, out, h)
	}
	if status, out, _ = collect("https://shop.example", `{"event_id":"o-1"}`); status != http.StatusOK || out["status"] != "duplicate" {
		t.Fatalf("duplicate: %d %v", status, out)
	}
	if status, out, _ = collect("https://shop.example", `{"event_id":"o-2","name":"signup"}`); status != http.StatusCreated || out["reason"] != "no click ID" {
		t.Fatalf("no click: %d %v", status, out)
	}
	if status, out, h = collect("https://evil.example", `{"event_id":"o-3"}`); status != http.StatusForbidden || h.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("other origin: %d %v", status, out)
	}
	if status, out, _ = collect("https://shop.example", `{"event_id":"o-4","value":1,"currency":"EURO"}`); status != http.StatusBadRequest || out["field"] != "currency" {
		t.Fatalf("bad currency: %d %v", status, out)
	}
	if status, _, _ = collect("https://shop.example", `{"event_id":"`+strings.Repeat("x", 5000)+`"}`); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("large body: %d", status)
	}

	p = c.open(base)
	mustContain(t, p, "A click on link "+l.Code, "Unattributed: no click ID", "20 EUR")
	p = c.open("/w/" + ws + "/links/" + l.ID)
	if !strings.Contains(p.body, "data-conversions>1<") {
		t.Fatalf("link page: %s", text(p.body))
	}
	if err := e.a.Links.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	p = c.open("/w/" + ws + "/analytics")
	if v := between(p.body, `data-kpi="conversions"`, `</div>`); !strings.Contains(v, ">2<") {
		t.Fatalf("conversions card: %s", v)
	}
	if v := between(p.body, `data-kpi="conversion_rate"`, `</div>`); !strings.Contains(v, ">100.00%<") {
		t.Fatalf("conversion rate card: %s", v)
	}
	p = c.get("/w/" + ws + "/analytics.csv?table=kpis")
	if !strings.Contains(p.body, "conversions,Conversions,2,") || !strings.Contains(p.body, "conversion_rate,Conversion rate,100.00%") {
		t.Fatalf("kpi csv: %s", p.body)
	}
}
