package web_test

import (
	"context"
	"encoding/csv"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"herald/internal/channel"
	"herald/internal/links"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// readCSV checks that p is a CSV download named filename and returns its
// rows.
func readCSV(t *testing.T, p page, filename string) [][]string {
	t.Helper()
	wantStatus(t, p, http.StatusOK)
	if ct := p.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("%s: Content-Type %q", p.url, ct)
	}
	if cd := p.header.Get("Content-Disposition"); cd != `attachment; filename="`+filename+`"` {
		t.Fatalf("%s: Content-Disposition %q, want the file %s", p.url, cd, filename)
	}
	rows, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil {
		t.Fatalf("%s: not CSV: %v\n%s", p.url, err, p.body)
	}
	return rows
}

// strangerClient signs in someone who is not a member of any workspace.
func strangerClient(e *env) *client {
	e.t.Helper()
	e.user("stranger@example.test")
	s := e.client()
	s.signIn("stranger@example.test", testPassword)
	return s
}

// The conversions CSV: every conversion that occurred in the period (by
// default the last 28 days), oldest first, with its attribution in words
// and as data; a cell that a spreadsheet would run is escaped; a bad date
// names its field; a viewer downloads it like the page, a stranger gets
// the page's 404.
func TestConversionsCSV(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	ws := e.workspace("owner@example.test", "Shop").ID
	ctx, owner := context.Background(), e.actor("owner@example.test")
	l, err := e.a.Links.Create(ctx, owner, ws, links.NewLink{URL: "https://shop.example/", Campaign: "spring"})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -3)
	recent := day.Add(10 * time.Hour)
	conv := func(event string, at time.Time, f func(*model.Conversion)) model.Conversion {
		c := model.Conversion{ID: ids.New(), WorkspaceID: ws, EventID: event, Name: "signup", OccurredAt: at, ReceivedAt: at.Add(time.Minute),
			Source: model.ConversionViaAPI, Attribution: model.Unattributed, Reason: "no click ID"}
		if f != nil {
			f(&c)
		}
		return c
	}
	list := []model.Conversion{
		conv("=SUM(A1)", recent, func(c *model.Conversion) {
			c.Name, c.Value, c.Currency, c.Source = "purchase", "49.90", "EUR", model.ConversionViaSnippet
			c.Attribution, c.Reason, c.LinkID, c.Campaign, c.UTMSource = model.AttributedToClick, "", l.ID, "spring", "mastodon"
			c.ClickID, c.ClickedAt = "click-1", recent.Add(-time.Hour)
		}),
		conv("later", recent.Add(24*time.Hour), nil),
		conv("old", day.AddDate(0, 0, -40), nil), // outside the last 28 days
	}
	err = e.a.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, c := range list {
			if _, err := tx.InsertConversion(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	base := "/w/" + ws + "/conversions.csv"
	if p := c.open("/w/" + ws + "/settings/conversions"); !strings.Contains(p.body, `href="`+base+`"`) || !strings.Contains(text(p.body), "Last 28 days as CSV") {
		t.Fatal("the conversions page has no CSV link")
	}
	today := time.Now().UTC()
	rows := readCSV(t, c.get(base), "conversions-"+today.AddDate(0, 0, -27).Format(time.DateOnly)+"-"+today.Format(time.DateOnly)+".csv")
	header := []string{"occurred_at", "received_at", "event_id", "name", "value", "currency", "via", "credited_to", "attribution", "reason",
		"link", "campaign", "utm_source", "clicked_at"}
	if len(rows) != 3 || !reflect.DeepEqual(rows[0], header) {
		t.Fatalf("rows %q", rows)
	}
	want := []string{recent.Format(time.RFC3339), recent.Add(time.Minute).Format(time.RFC3339), "'=SUM(A1)", "purchase", "49.90", "EUR", "Snippet",
		"A click on link " + l.Code, model.AttributedToClick, "", l.Code, "spring", "mastodon", recent.Add(-time.Hour).Format(time.RFC3339)}
	if !reflect.DeepEqual(rows[1], want) {
		t.Fatalf("first row\n got %q\nwant %q", rows[1], want)
	}
	if r := rows[2]; r[2] != "later" || r[6] != "Server" || r[7] != "Unattributed: no click ID" || r[8] != model.Unattributed || r[9] != "no click ID" ||
		r[10] != "" || r[13] != "" {
		t.Fatalf("unattributed row %q", r)
	}
	// A period that reaches back further includes the old one, first.
	from := day.AddDate(0, 0, -41).Format(time.DateOnly)
	rows = readCSV(t, c.get(base+"?from="+from+"&to="+day.Format(time.DateOnly)), "conversions-"+from+"-"+day.Format(time.DateOnly)+".csv")
	if len(rows) != 3 || rows[1][2] != "old" || rows[2][2] != "'=SUM(A1)" {
		t.Fatalf("longer period: %q", rows)
	}

	p := c.get(base + "?from=yesterday")
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, `"from" must be a date as YYYY-MM-DD, not "yesterday"`)
	p = c.get(base + "?from=2026-03-10&to=2026-03-01")
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, `"to" must not be before "from"`)

	e.member("owner@example.test", ws, "viewer@example.test", model.RoleViewer)
	v := e.client()
	v.signIn("viewer@example.test", testPassword)
	wantStatus(t, v.open("/w/"+ws+"/settings/conversions"), http.StatusOK)
	if rows := readCSV(t, v.get(base), "conversions-"+today.AddDate(0, 0, -27).Format(time.DateOnly)+"-"+today.Format(time.DateOnly)+".csv"); len(rows) != 3 {
		t.Fatalf("viewer's rows %q", rows)
	}
	s := strangerClient(e)
	wantStatus(t, s.open("/w/"+ws+"/settings/conversions"), http.StatusNotFound)
	if p := s.get(base); p.status != http.StatusNotFound || strings.Contains(p.body, "purchase") {
		t.Fatalf("a stranger's download: %d %q", p.status, p.body)
	}
}

// A link's clicks per day and referrers as CSV: the page's figures, a
// referrer that looks like a formula escaped, an unknown table refused
// by name, and the page's 404 for a stranger.
func TestLinkStatsCSV(t *testing.T) {
	le := newLinkEnv(t)
	ctx, c := context.Background(), le.c
	l, err := le.a.Links.Create(ctx, le.actor("owner@example.test"), le.ws.ID, links.NewLink{URL: "https://example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		le.click(l.Code, "Mozilla/5.0 Firefox/128.0")
	}
	if err := le.a.Links.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := le.a.Store.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.InsertClicks(ctx, []model.Click{{ID: ids.New(), LinkID: l.ID, At: now, Referrer: "=cmd|' /C calc'!A0"}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	page := le.base + "/" + l.ID
	base := page + "/clicks.csv"
	p := c.open(page)
	for _, want := range []string{`href="` + base + `?table=days"`, `href="` + base + `?table=referrers"`} {
		if !strings.Contains(p.body, want) {
			t.Fatalf("the link page lacks %s", want)
		}
	}
	mustContain(t, p, "Clicks per day as CSV", "Where people came from as CSV")

	rows := readCSV(t, c.get(base+"?table=days"), "link-"+l.Code+"-days.csv")
	if want := [][]string{{"day", "human_clicks"}, {now.Format(time.DateOnly), "3"}}; !reflect.DeepEqual(rows, want) {
		t.Fatalf("days %q, want %q", rows, want)
	}
	rows = readCSV(t, c.get(base+"?table=referrers"), "link-"+l.Code+"-referrers.csv")
	if want := [][]string{{"referrer", "human_clicks", "share_pct"}, {"Direct or unknown", "2", "67"}, {"'=cmd|' /C calc'!A0", "1", "33"}}; !reflect.DeepEqual(rows, want) {
		t.Fatalf("referrers %q, want %q", rows, want)
	}

	for _, q := range []string{"?table=secrets", ""} {
		p := c.get(base + q)
		wantStatus(t, p, http.StatusBadRequest)
		mustContain(t, p, "is not a table; one of days, referrers")
	}
	wantStatus(t, c.get(le.base+"/"+ids.New()+"/clicks.csv?table=days"), http.StatusNotFound)

	s := strangerClient(le.env)
	wantStatus(t, s.open(page), http.StatusNotFound)
	if p := s.get(base + "?table=referrers"); p.status != http.StatusNotFound || strings.Contains(p.body, "Direct or unknown") {
		t.Fatalf("a stranger's download: %d %q", p.status, p.body)
	}
}

// A channel's best-times heatmap as CSV: a row per weekday and hour with
// the page's score and confidence, the channel's name escaped when it
// looks like a formula, the page's 404 for an unknown channel or a
// stranger.
func TestBestTimesCSV(t *testing.T) {
	se := newScheduleEnv(t)
	e, ws, c := se.env, se.ws.ID, se.c
	ctx, owner := context.Background(), e.actor("owner@example.test")
	ch, err := e.a.Channels.Update(ctx, owner, ws, se.ch.ID, channel.Settings{Name: "=Acme NY", TimeZone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	page := "/w/" + ws + "/analytics/best-times/" + ch.ID
	base := page + "/heatmap.csv"
	p := c.open(page)
	if !strings.Contains(p.body, `href="`+base+`"`) {
		t.Fatal("the best-times page has no CSV link")
	}
	mustContain(t, p, "Heatmap as CSV")

	res, _, err := e.a.Metrics.BestTimes(ctx, owner, ws, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, c.get(base), "best-times-"+ch.ID+".csv")
	if want := []string{"channel", "weekday", "hour", "time_zone", "score", "confidence", "posts", "source"}; len(rows) != 1+7*24 || !reflect.DeepEqual(rows[0], want) {
		t.Fatalf("%d rows, header %q", len(rows), rows[0])
	}
	// Monday 09:00 is row 1 + 24 + 9.
	r, cell := rows[1+24+9], res.Cells[1][9]
	if r[0] != "'=Acme NY" || r[1] != "Mon" || r[2] != "9" || r[3] != "America/New_York" || r[6] != strconv.Itoa(cell.Posts) || r[7] != cell.Source {
		t.Fatalf("Monday 9:00: %q", r)
	}
	for i, want := range map[int]float64{4: cell.Score, 5: cell.Confidence} {
		got, err := strconv.ParseFloat(r[i], 64)
		if err != nil || math.Abs(got-want) > 1e-4 {
			t.Fatalf("Monday 9:00 column %s: %q, want %v", rows[0][i], r[i], want)
		}
	}
	if rows[1][1] != "Sun" || rows[1][2] != "0" || rows[168][1] != "Sat" || rows[168][2] != "23" {
		t.Fatalf("order: %q … %q", rows[1], rows[168])
	}

	wantStatus(t, c.get("/w/"+ws+"/analytics/best-times/"+ids.New()+"/heatmap.csv"), http.StatusNotFound)
	wantStatus(t, c.get("/w/"+ws+"/analytics/best-times/not-an-id/heatmap.csv"), http.StatusNotFound)
	s := strangerClient(e)
	wantStatus(t, s.open(page), http.StatusNotFound)
	if p := s.get(base); p.status != http.StatusNotFound || strings.Contains(p.body, "Acme NY") {
		t.Fatalf("a stranger's download: %d %q", p.status, p.body)
	}
}
