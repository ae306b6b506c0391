package report_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider/fake"
	"herald/internal/report"
	"herald/internal/store"
	"herald/internal/testenv"
)

// publish puts a post out on ch at the given time with a read of likes.
func publish(t *testing.T, f *fixture, ch model.Channel, at time.Time, text string, likes int64) {
	t.Helper()
	ctx := context.Background()
	p, err := f.a.Compose.Create(ctx, f.owner, f.ws, compose.Draft{Base: model.Content{Text: text}, Channels: []string{ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	tg := p.Targets[0]
	err = f.a.Store.InTx(ctx, func(tx *store.Tx) error {
		gen, err := tx.ScheduleTarget(ctx, tg.ID, at, "UTC", false, at)
		if err != nil {
			return err
		}
		if _, err := tx.ClaimTarget(ctx, tg.ID, gen, at, at.Add(time.Minute)); err != nil {
			return err
		}
		if err := tx.FinishTarget(ctx, tg.ID, gen, store.TargetOutcome{Status: model.TargetPublished, RemoteID: "r-" + tg.ID, PublishedAt: at,
			Done: []model.RemotePost{{ID: "r-" + tg.ID, PublishedAt: at}}}, at); err != nil {
			return err
		}
		return tx.AddPostMetrics(ctx, []model.PostMetricSnapshot{{ID: ids.New(), WorkspaceID: f.ws, ChannelID: ch.ID, PostID: p.ID, TargetID: tg.ID,
			TakenAt: at.Add(time.Hour), Source: "test", Likes: model.Count{Value: likes, Known: true}}})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A report carries the overview's figures with names, and engagements by
// day of publishing; an empty period has no data and no NaN anywhere.
func TestReportFigures(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		f := setup(t, cfg)
		f.a.Providers.Register(fake.New())
		f.now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		ch, err := f.a.Channels.Connect(ctx, f.owner, f.ws, "fake", map[string]string{"handle": "acme"})
		if err != nil {
			t.Fatal(err)
		}
		from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		empty, err := f.svc.Report(ctx, f.owner, f.ws, from, from.AddDate(0, 0, 7))
		if err != nil || empty.HasData {
			t.Fatalf("empty: %+v %v", empty, err)
		}
		for _, k := range empty.KPIs {
			if k.Key != "posts" && k.Key != "frequency" && k.Value != report.NotAvailable { // none is a count: 0
				t.Errorf("empty %s = %q, want %q", k.Key, k.Value, report.NotAvailable)
			}
		}
		publish(t, f, ch, from.Add(26*time.Hour), "First", 7)
		publish(t, f, ch, from.Add(28*time.Hour), "Second", 5)
		publish(t, f, ch, from.Add(74*time.Hour), "Third", 30)
		r, err := f.svc.Report(ctx, f.owner, f.ws, from, from.AddDate(0, 0, 7))
		if err != nil {
			t.Fatal(err)
		}
		kpi := map[string]string{}
		for _, k := range r.KPIs {
			kpi[k.Key] = k.Value
		}
		if !r.HasData || kpi["posts"] != "3" || kpi["engagements"] != "42" || kpi["impressions"] != report.NotAvailable {
			t.Fatalf("figures %v", kpi)
		}
		if len(r.Channels) != 1 || r.Channels[0].Name != ch.Name || len(r.Top) != 3 || r.Top[0].Text != "Third" || r.Top[0].Channel != ch.Name {
			t.Fatalf("channels %+v, top %+v", r.Channels, r.Top)
		}
		if len(r.Campaigns) != 1 || r.Campaigns[0].Name != "No campaign" || r.Campaigns[0].K.Posts != 3 || r.Campaigns[0].K.Engagements.V != 42 {
			t.Fatalf("campaigns %+v", r.Campaigns)
		}
		if len(r.Days) != 7 || r.Days[1].Posts != 2 || r.Days[1].Engagements.V != 12 || r.Days[3].Engagements.V != 30 || r.Days[0].Engagements.Known {
			t.Fatalf("days %+v", r.Days)
		}
		doc, err := report.Render(r)
		if err != nil || len(doc) < 1000 {
			t.Fatalf("render: %d bytes, %v", len(doc), err)
		}
		if _, err := f.svc.Report(ctx, f.owner, f.ws, from, from); model.AsError(err) == nil || model.AsError(err).Field != "from" {
			t.Errorf("an empty span: %v", err)
		}
	})
}

// A report link shows the report until it expires or is revoked; a
// changed token shows nothing. Bad input names its field.
func TestShareLinks(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		f := setup(t, cfg)
		f.now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		for field, in := range map[string]report.ShareInput{
			"name":         {From: "2026-11-01", To: "2026-11-30"},
			"from":         {Name: "Client", From: "November", To: "2026-11-30"},
			"to":           {Name: "Client", From: "2026-11-01", To: "2026-10-30"},
			"rolling_days": {Name: "Client", RollingDays: 400},
			"days":         {Name: "Client", RollingDays: 7, Days: -1},
		} {
			if _, _, err := f.svc.CreateShare(ctx, f.owner, f.ws, in); model.AsError(err) == nil || model.AsError(err).Field != field {
				t.Errorf("%s: %v", field, err)
			}
		}
		sh, token, err := f.svc.CreateShare(ctx, f.owner, f.ws, report.ShareInput{Name: "Client", From: "2026-11-01", To: "2026-11-30", Days: 7})
		if err != nil {
			t.Fatal(err)
		}
		r, got, err := f.svc.Shared(ctx, token)
		if err != nil || got.ID != sh.ID || r.Workspace != "Acme" || r.Label() != "1 Nov 2026 – 30 Nov 2026" {
			t.Fatalf("shared: %+v %q %v", got, r.Label(), err)
		}
		if doc, _, err := f.svc.SharedPDF(ctx, token); err != nil || len(doc) == 0 {
			t.Fatalf("shared pdf: %v", err)
		}
		tampered := token[:len(token)-1] + string("ab"[map[bool]int{true: 1}[token[len(token)-1] == 'a']])
		for name, tok := range map[string]string{"tampered": tampered, "short": "abc", "empty": ""} {
			if _, _, err := f.svc.Shared(ctx, tok); !errors.Is(err, report.ErrNoShare) {
				t.Errorf("%s token: %v", name, err)
			}
		}
		f.now = f.now.AddDate(0, 0, 8)
		if _, _, err := f.svc.Shared(ctx, token); !errors.Is(err, report.ErrNoShare) {
			t.Errorf("expired: %v", err)
		}
		_, rolling, err := f.svc.CreateShare(ctx, f.owner, f.ws, report.ShareInput{Name: "Live", RollingDays: 28})
		if err != nil {
			t.Fatal(err)
		}
		if r, _, err := f.svc.Shared(ctx, rolling); err != nil || r.To.Sub(r.From) != 28*24*time.Hour {
			t.Fatalf("rolling: %v %v", r.To.Sub(r.From), err)
		}
		list, err := f.svc.Shares(ctx, f.owner, f.ws)
		if err != nil || len(list) != 2 {
			t.Fatalf("shares %v %v", list, err)
		}
		if err := f.svc.RevokeShare(ctx, f.owner, f.ws, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Shared(ctx, rolling); !errors.Is(err, report.ErrNoShare) {
			t.Errorf("revoked: %v", err)
		}
		if err := f.svc.RevokeShare(ctx, f.owner, f.ws, list[0].ID); model.KindOf(err) != model.KindNotFound {
			t.Errorf("revoked twice: %v", err)
		}
	})
}

// Branding: a colour as #rrggbb and a logo that is an image of the
// workspace's library; anything else names its field.
func TestReportSettings(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		f := setup(t, cfg)
		st, err := f.svc.Settings(ctx, f.owner, f.ws)
		if err != nil || st.BrandColor != report.DefaultColor {
			t.Fatalf("default: %+v %v", st, err)
		}
		for field, in := range map[string][2]string{"brand_color": {"red", ""}, "logo_id": {"#112233", ids.New()}} {
			if _, err := f.svc.SaveSettings(ctx, f.owner, f.ws, in[0], in[1]); model.AsError(err) == nil || model.AsError(err).Field != field {
				t.Errorf("%s: %v", field, err)
			}
		}
		if _, err := f.svc.SaveSettings(ctx, f.owner, f.ws, " #AA3366 ", ""); err != nil {
			t.Fatal(err)
		}
		if st, _ := f.svc.Settings(ctx, f.owner, f.ws); st.BrandColor != "#aa3366" {
			t.Errorf("saved colour %q", st.BrandColor)
		}
	})
}
