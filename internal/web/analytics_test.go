package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/publish"
	"herald/internal/store"
)

// The analytics page: "no data yet" for an empty period, the KPIs with
// their formulas once a post has metrics, the figures by campaign, best
// times for a channel and "use best times" filling its posting slots; a
// bad date is a clear error.
func TestAnalyticsPages(t *testing.T) {
	se := newScheduleEnv(t)
	e, ws := se.env, se.ws.ID
	ctx, owner := context.Background(), e.actor("owner@example.test")
	p := se.c.get("/w/" + ws + "/analytics")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "No data yet for this period", "Engagement rate (impressions)", "Response time (minutes)", "not available")
	wantStatus(t, se.c.get("/w/"+ws+"/analytics?from=yesterday"), http.StatusBadRequest)

	at := time.Now().UTC().Add(-48 * time.Hour)
	if _, err := e.a.Publish.Schedule(ctx, owner, ws, se.post.ID, publish.Request{Mode: publish.ModeAt, At: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	tg := se.target()
	err := e.a.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ClaimTarget(ctx, tg.ID, tg.Generation, time.Now().Add(time.Hour), time.Now().Add(2*time.Hour)); err != nil {
			return err
		}
		if err := tx.FinishTarget(ctx, tg.ID, tg.Generation, store.TargetOutcome{Status: model.TargetPublished, PublishedAt: at}, at); err != nil {
			return err
		}
		return tx.AddPostMetrics(ctx, []model.PostMetricSnapshot{{ID: ids.New(), WorkspaceID: ws, ChannelID: se.ch.ID, PostID: se.post.ID,
			TargetID: tg.ID, TakenAt: at.Add(time.Hour), Source: "test", Likes: model.Count{Value: 7, Known: true},
			Views: model.Count{Value: 100, Known: true}, Reach: model.Count{Value: 40, Known: true}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	p = se.c.get("/w/" + ws + "/analytics")
	if v := between(p.body, `data-kpi="engagements"`, `</div>`); !strings.Contains(v, ">7<") {
		t.Fatalf("engagements card: %s", v)
	}
	mustContain(t, p, "7.00%", "Spring sale", "Engagements per channel", "By content pillar", "No pillar")
	if !strings.Contains(p.body, "<td data-reach>40</td>") || !strings.Contains(p.body, `<td data-account-reach><span class="muted" title="not available">n/a</span></td>`) {
		t.Fatalf("channel row's reach: %s", between(p.body, `data-channel-kpis`, `</table>`))
	}
	if row := between(p.body, `data-group="campaign"`, `</table>`); !strings.Contains(row, "<tr><td>No campaign</td><td>1</td><td>7</td>") {
		t.Fatalf("campaign table without links: %s", row)
	}
	campaignTable(t, se)
	mustContain(t, se.c.get("/w/"+ws+"/posts/"+se.post.ID+"/activity"), "Engagements at each read", "n/a")
	p = se.c.get("/w/" + ws + "/analytics.csv?table=channels")
	if p.status != http.StatusOK || !strings.Contains(p.body, "channel,posts,engagements") || !strings.Contains(p.body, "Acme NY,1,7,100,40,0.07") {
		t.Fatalf("channels CSV: %d %q", p.status, p.body)
	}
	p = se.c.get("/w/" + ws + "/analytics.csv?table=pillars")
	if p.status != http.StatusOK || !strings.HasPrefix(p.body, "pillar,posts,engagements,engagements_per_post") || !strings.Contains(p.body, "No pillar,1,7,7,100,40,0.07,") {
		t.Fatalf("pillars CSV: %d %q", p.status, p.body)
	}
	if b := se.c.get("/w/" + ws + "/analytics").body; !strings.Contains(b, "analytics.csv?table=campaigns&amp;from=") || !strings.Contains(b, "By campaign as CSV") {
		t.Fatal("no CSV link for the campaign table")
	}
	p = se.c.get("/w/" + ws + "/analytics.csv?table=secrets")
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "kpis, channels, posts, pillars, labels, campaigns")
	p = se.c.get("/w/" + ws + "/analytics/best-times/" + se.ch.ID)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Not enough history yet", "Best slots")
	p = se.c.submit("/w/"+ws+"/analytics/best-times/"+se.ch.ID+"/slots", url.Values{"per_week": {"5"}})
	mustContain(t, p, "its 5 best times a week")
	slots, err := e.a.Store.Read().Slots(ctx, se.ch.ID)
	if err != nil || len(slots) != 5 {
		t.Fatalf("slots after using best times: %v %v", slots, err)
	}
}

// campaignTable gives the published post two tracked links in different
// campaigns (one name with markup) and checks that the by-campaign table
// shows the post in each, escaped, and no longer under "No campaign".
func campaignTable(t *testing.T, se *scheduleEnv) {
	t.Helper()
	ctx, ws, now := context.Background(), se.ws.ID, time.Now().UTC()
	err := se.env.a.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, c := range []string{`<b>Spring</b> & "sale"`, "News"} {
			l := model.Link{ID: ids.New(), WorkspaceID: ws, Code: ids.New(), URL: "https://example.com/", PostID: se.post.ID,
				ChannelID: se.ch.ID, Campaign: c, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateLink(ctx, l, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p := se.c.get("/w/" + ws + "/analytics")
	wantStatus(t, p, http.StatusOK)
	table := between(p.body, `data-group="campaign"`, `</table>`)
	for _, want := range []string{`<th scope="col">Campaign</th>`, "<tr><td>News</td><td>1</td><td>7</td>",
		"<tr><td>&lt;b&gt;Spring&lt;/b&gt; &amp; &#34;sale&#34;</td><td>1</td><td>7</td>"} {
		if !strings.Contains(table, want) {
			t.Fatalf("campaign table lacks %q: %s", want, table)
		}
	}
	if strings.Contains(table, "No campaign") || strings.Contains(p.body, "<b>Spring</b>") {
		t.Fatalf("campaign table: %s", table)
	}
}
