package metrics_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"herald/internal/config"
	"herald/internal/conversion"
	"herald/internal/links"
	"herald/internal/metrics"
	"herald/internal/platform/hooksig"
	"herald/internal/testenv"
)

// Conversions and conversion rate match a hand computation: all
// conversions of the period count, the rate is the attributed ones over
// human clicks; both are unknown for a workspace that never tracked
// conversions, and the rate is unknown without clicks.
func TestConversionKPIs(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		a, owner, w := newApp(t, cfg, nil)
		ch, _ := a.Channels.Connect(ctx, owner, w.ID, "fake", map[string]string{"handle": "a"})
		from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 0, 14)
		published(t, a, owner, w.ID, ch, from.Add(24*time.Hour))

		o, err := a.Metrics.Overview(ctx, owner, w.ID, from, to)
		if err != nil || o.Current.Conversions.Known || o.Current.ConversionRate.Known {
			t.Fatalf("without tracking: %+v %v", o.Current, err)
		}
		_, secret, err := a.Conversions.Save(ctx, owner, w.ID, conversion.SettingsInput{Enabled: true, WindowDays: 7})
		if err != nil {
			t.Fatal(err)
		}
		if o, _ = a.Metrics.Overview(ctx, owner, w.ID, from, to); o.Current.Conversions != (known(0)) || o.Current.ConversionRate.Known {
			t.Fatalf("tracking, nothing yet: %+v", o.Current)
		}

		now := from.Add(3 * 24 * time.Hour)
		a.Links.Now = func() time.Time { return now }
		a.Conversions.Now = a.Links.Now
		l, err := a.Links.Create(ctx, owner, w.ID, links.NewLink{URL: "https://shop.example/", ChannelID: ch.ID})
		if err != nil {
			t.Fatal(err)
		}
		for range 4 { // four people click
			req := httptest.NewRequest(http.MethodGet, "/l/"+l.Code, nil)
			req.SetPathValue("code", l.Code)
			req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
			a.Links.Redirect().ServeHTTP(httptest.NewRecorder(), req)
		}
		if err := a.Links.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		body := []byte(`{}`)
		sig, err := a.Conversions.Verify(ctx, w.ID, hooksig.Sign(secret, now, body), body)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range []conversion.Event{{EventID: "a", Link: l.Code}, {EventID: "b", Link: l.Code}, {EventID: "c"}} {
			if _, _, err := a.Conversions.Record(ctx, sig, ev); err != nil {
				t.Fatal(err)
			}
		}
		o, err = a.Metrics.Overview(ctx, owner, w.ID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		// 3 conversions; 2 attributed ÷ 4 human clicks.
		if o.Current.Conversions != known(3) || o.Current.ConversionRate != known(0.5) {
			t.Fatalf("workspace: conversions %+v rate %+v", o.Current.Conversions, o.Current.ConversionRate)
		}
		if k := o.ByChannel[ch.ID]; k.Conversions != known(2) || k.ConversionRate != known(0.5) {
			t.Fatalf("channel: conversions %+v rate %+v", k.Conversions, k.ConversionRate)
		}
		if o.Previous.Conversions != known(0) || o.Previous.ConversionRate.Known {
			t.Fatalf("the period before: %+v %+v", o.Previous.Conversions, o.Previous.ConversionRate)
		}
	})
}

func known(v float64) metrics.Value { return metrics.Value{V: v, Known: true} }
