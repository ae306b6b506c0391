package conversion_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/conversion"
	"herald/internal/links"
	"herald/internal/model"
	"herald/internal/platform/hooksig"
	"herald/internal/testenv"
)

// fixture is a Herald on a fresh database with an owner, a workspace and
// a clock the test moves.
type fixture struct {
	a      *app.App
	actor  model.Actor
	ws     string
	now    time.Time
	secret string
}

func newFixture(t *testing.T, cfg config.Config) *fixture {
	t.Helper()
	cfg.Roles = []string{"web"}
	cfg.BaseURL = "http://herald.test"
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: "owner@example.test", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{a: a, actor: model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "cli"},
		now: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	w, err := a.Workspaces.Create(ctx, f.actor, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	f.ws = w.ID
	clock := func() time.Time { return f.now }
	a.Links.Now, a.Conversions.Now = clock, clock
	return f
}

// enable turns tracking on with a window and keeps the signing secret.
func (f *fixture) enable(t *testing.T, days int) model.ConversionSettings {
	t.Helper()
	st, sec, err := f.a.Conversions.Save(context.Background(), f.actor, f.ws, conversion.SettingsInput{Enabled: true, WindowDays: days,
		Origins: []string{"https://shop.example/", "http://127.0.0.1:8080"}})
	if err != nil {
		t.Fatal(err)
	}
	if sec != "" {
		f.secret = sec
	}
	return st
}

func (f *fixture) link(t *testing.T, target, campaign string) model.Link {
	t.Helper()
	l, err := f.a.Links.Create(context.Background(), f.actor, f.ws, links.NewLink{URL: target, Campaign: campaign})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// click follows a short link as a browser and returns the Location.
func (f *fixture) click(t *testing.T, l model.Link) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/l/"+l.Code, nil)
	req.SetPathValue("code", l.Code)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	rec := httptest.NewRecorder()
	f.a.Links.Redirect().ServeHTTP(rec, req)
	if rec.Code != http.StatusFound {
		t.Fatalf("redirect: %d", rec.Code)
	}
	return rec.Header().Get("Location")
}

// clickID follows a link and returns the hclid it carried.
func (f *fixture) clickID(t *testing.T, l model.Link) string {
	t.Helper()
	u, err := url.Parse(f.click(t, l))
	if err != nil {
		t.Fatal(err)
	}
	id := u.Query().Get("hclid")
	if id == "" {
		t.Fatalf("no hclid in %s", u)
	}
	return id
}

// send records an event as the website's server does, signed now.
func (f *fixture) send(t *testing.T, ev conversion.Event) (model.Conversion, bool, error) {
	t.Helper()
	ctx := context.Background()
	body := []byte(`{"event_id":"` + ev.EventID + `"}`)
	sig, err := f.a.Conversions.Verify(ctx, f.ws, hooksig.Sign(f.secret, f.now, body), body)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return f.a.Conversions.Record(ctx, sig, ev)
}

func TestRedirectAddsClickIDOnlyWhenEnabled(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		f := newFixture(t, cfg)
		l := f.link(t, "https://shop.example/p?colour=red#reviews", "spring")
		if got := f.click(t, l); got != l.URL {
			t.Fatalf("without tracking: Location %q, want the target %q unchanged", got, l.URL)
		}
		f.enable(t, 7)
		got := f.click(t, l)
		rest, frag, _ := strings.Cut(l.URL, "#")
		if !strings.HasPrefix(got, rest+"&hclid=") || !strings.HasSuffix(got, "#"+frag) {
			t.Fatalf("with tracking: Location %q, want %q plus &hclid=… before #%s", got, rest, frag)
		}
		if _, _, err := f.a.Conversions.Save(context.Background(), f.actor, f.ws, conversion.SettingsInput{WindowDays: 7}); err != nil {
			t.Fatal(err)
		}
		if got := f.click(t, l); got != l.URL {
			t.Fatalf("after turning tracking off: Location %q, want %q", got, l.URL)
		}
	})
}

func TestAttributionByClick(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		f := newFixture(t, cfg)
		f.enable(t, 7)
		l := f.link(t, "https://shop.example/", "spring")
		id := f.clickID(t, l)
		clickedAt := f.now
		f.now = f.now.Add(6 * 24 * time.Hour)
		// The click is still in the journal: attribution flushes it first.
		c, dup, err := f.send(t, conversion.Event{EventID: "order-1", Name: "purchase", Value: ptr(49.9), Currency: "EUR", ClickID: id})
		if err != nil || dup {
			t.Fatalf("record: dup %v err %v", dup, err)
		}
		if c.Attribution != model.AttributedToClick || c.LinkID != l.ID || c.Campaign != "spring" || !c.ClickedAt.Equal(clickedAt) ||
			c.Value != "49.9" || c.Currency != "EUR" || c.Source != model.ConversionViaAPI {
			t.Fatalf("conversion %+v", c)
		}
		// Eight days after the click: outside the 7-day window.
		late := f.now.Add(-6 * 24 * time.Hour).Add(8 * 24 * time.Hour).Format(time.RFC3339)
		f.now = f.now.Add(2 * 24 * time.Hour)
		c, _, err = f.send(t, conversion.Event{EventID: "order-2", ClickID: id, OccurredAt: late})
		if err != nil || c.Attribution != model.Unattributed || c.Reason != conversion.ReasonOutsideWindow || c.LinkID != "" {
			t.Fatalf("outside window: %+v, %v", c, err)
		}
		// The same event again is a duplicate and the first is kept.
		again, dup, err := f.send(t, conversion.Event{EventID: "order-1", Name: "refund", ClickID: id})
		if err != nil || !dup || again.Name != "purchase" || again.ID == "" {
			t.Fatalf("duplicate: %+v dup %v err %v", again, dup, err)
		}
		list, err := f.a.Conversions.List(context.Background(), f.actor, f.ws, "", 10)
		if err != nil || len(list) != 2 {
			t.Fatalf("list: %d conversions, err %v", len(list), err)
		}
		if n, err := f.a.Conversions.LinkCount(context.Background(), f.actor, f.ws, l.ID); err != nil || n != 1 {
			t.Fatalf("link count %d, %v", n, err)
		}
	})
}

func TestLastClickWinsInCampaign(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		f := newFixture(t, cfg)
		f.enable(t, 7)
		first := f.link(t, "https://shop.example/a", "spring")
		second := f.link(t, "https://shop.example/b", "spring")
		f.click(t, first)
		f.now = f.now.Add(time.Hour)
		f.click(t, second)
		f.now = f.now.Add(time.Hour)
		if err := f.a.Links.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		c, _, err := f.send(t, conversion.Event{EventID: "signup-1", Name: "signup", UTMCampaign: "spring", UTMSource: "mastodon"})
		if err != nil || c.Attribution != model.AttributedToCampaign || c.LinkID != second.ID || c.Campaign != "spring" || c.UTMSource != "mastodon" {
			t.Fatalf("campaign: %+v, %v", c, err)
		}
		c, _, err = f.send(t, conversion.Event{EventID: "signup-2", Link: "http://herald.test/l/" + first.Code})
		if err != nil || c.Attribution != model.AttributedToLink || c.LinkID != first.ID || c.ClickedAt.IsZero() {
			t.Fatalf("link: %+v, %v", c, err)
		}
		c, _, err = f.send(t, conversion.Event{EventID: "signup-3"})
		if err != nil || c.Attribution != model.Unattributed || c.Reason != conversion.ReasonNoClick {
			t.Fatalf("nothing named: %+v, %v", c, err)
		}
	})
}

func TestBadEventsNameTheField(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		f := newFixture(t, cfg)
		f.enable(t, 7)
		for _, tc := range []struct {
			ev    conversion.Event
			field string
		}{
			{conversion.Event{}, "event_id"},
			{conversion.Event{EventID: strings.Repeat("x", 201)}, "event_id"},
			{conversion.Event{EventID: "e", Value: ptr(-1), Currency: "EUR"}, "value"},
			{conversion.Event{EventID: "e", Value: ptr(10), Currency: "EURO"}, "currency"},
			{conversion.Event{EventID: "e", Value: ptr(10), Currency: "eur"}, "currency"},
			{conversion.Event{EventID: "e", Value: ptr(10)}, "currency"},
			{conversion.Event{EventID: "e", Currency: "EUR"}, "value"},
			{conversion.Event{EventID: "e", OccurredAt: "yesterday"}, "occurred_at"},
			{conversion.Event{EventID: "e", OccurredAt: "2026-03-12T12:00:00Z"}, "occurred_at"},
			{conversion.Event{EventID: "e", ClickID: "0123456789abcdef-zz"}, "click_id"},
			{conversion.Event{EventID: "e", ClickID: "NOT A CLICK"}, "click_id"},
			{conversion.Event{EventID: "e", Link: "AAAAAAAAAA"}, "link"},
			{conversion.Event{EventID: "e", UTMCampaign: "nobody"}, "utm_campaign"},
			{conversion.Event{EventID: "e", UTMSource: "bluesky"}, "utm_campaign"},
		} {
			_, _, err := f.send(t, tc.ev)
			testenv.WantKind(t, err, model.KindInvalid, tc.field)
		}
		if list, _ := f.a.Conversions.List(context.Background(), f.actor, f.ws, "", 10); len(list) != 0 {
			t.Fatalf("refused events were stored: %+v", list)
		}
	})
}

func TestVerifySignature(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		f := newFixture(t, cfg)
		ctx := context.Background()
		body := []byte(`{"event_id":"e1"}`)
		_, err := f.a.Conversions.Verify(ctx, f.ws, hooksig.Sign("hcs_guess", f.now, body), body)
		testenv.WantKind(t, err, model.KindUnauthorized, "")
		f.enable(t, 7)
		for name, header := range map[string]string{
			"missing":    "",
			"malformed":  "v1=abc",
			"wrong key":  hooksig.Sign("hcs_guess", f.now, body),
			"other body": hooksig.Sign(f.secret, f.now, []byte(`{"event_id":"e2"}`)),
			"stale":      hooksig.Sign(f.secret, f.now.Add(-6*time.Minute), body),
		} {
			if _, err := f.a.Conversions.Verify(ctx, f.ws, header, body); model.KindOf(err) != model.KindUnauthorized {
				t.Errorf("%s: %v, want unauthorized", name, err)
			}
		}
		if _, err := f.a.Conversions.Verify(ctx, f.ws, hooksig.Sign(f.secret, f.now.Add(-4*time.Minute), body), body); err != nil {
			t.Fatalf("4 minutes old: %v", err)
		}
		old := f.secret
		sec, err := f.a.Conversions.RotateSecret(ctx, f.actor, f.ws)
		if err != nil || sec == "" || sec == old {
			t.Fatalf("rotate: %q %v", sec, err)
		}
		if _, err := f.a.Conversions.Verify(ctx, f.ws, hooksig.Sign(old, f.now, body), body); model.KindOf(err) != model.KindUnauthorized {
			t.Fatalf("the old secret still works: %v", err)
		}
		if _, err := f.a.Conversions.Verify(ctx, f.ws, hooksig.Sign(sec, f.now, body), body); err != nil {
			t.Fatalf("new secret: %v", err)
		}
		entries, err := f.a.Store.Read().ListAudit(ctx, model.AuditFilter{WorkspaceID: f.ws, Action: "conversion.", Limit: 10})
		if err != nil || len(entries) != 2 || entries[0].Action != "conversion.secret.rotate" || entries[1].Action != "conversion.settings.update" ||
			strings.Contains(entries[1].Details, f.secret) {
			t.Fatalf("audit entries %+v, %v", entries, err)
		}
	})
}

func TestSettingsValidation(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		f := newFixture(t, cfg)
		ctx := context.Background()
		for _, tc := range []struct {
			in    conversion.SettingsInput
			field string
		}{
			{conversion.SettingsInput{WindowDays: 0}, "window_days"},
			{conversion.SettingsInput{WindowDays: 91}, "window_days"},
			{conversion.SettingsInput{WindowDays: 7, Origins: []string{"shop.example"}}, "origins"},
			{conversion.SettingsInput{WindowDays: 7, Origins: []string{"https://shop.example/checkout"}}, "origins"},
			{conversion.SettingsInput{WindowDays: 7, Origins: []string{"ftp://shop.example"}}, "origins"},
		} {
			_, _, err := f.a.Conversions.Save(ctx, f.actor, f.ws, tc.in)
			testenv.WantKind(t, err, model.KindInvalid, tc.field)
		}
		st := f.enable(t, 30)
		if !st.Enabled || st.WindowDays != 30 || st.SiteKey == "" || strings.Join(st.Origins, " ") != "https://shop.example http://127.0.0.1:8080" {
			t.Fatalf("settings %+v", st)
		}
		again, sec, err := f.a.Conversions.Save(ctx, f.actor, f.ws, conversion.SettingsInput{Enabled: true, WindowDays: 7})
		if err != nil || sec != "" || again.SiteKey != st.SiteKey {
			t.Fatalf("second save: secret %q, site key %q → %q, %v", sec, st.SiteKey, again.SiteKey, err)
		}
	})
}

func ptr(v float64) *float64 { return &v }

// InPeriod lists the conversions that occurred in [from, to), oldest
// first; an inverted period names "to", and more conversions than the cap
// are refused (naming "from") rather than cut short. Someone outside the
// workspace is refused before anything is read.
func TestInPeriod(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		f := newFixture(t, cfg)
		f.enable(t, 7)
		ctx := context.Background()
		for i, at := range []string{"2026-03-08T09:00:00Z", "2026-03-01T00:00:00Z", "2026-02-28T23:59:59Z", "2026-03-09T23:00:00Z"} {
			if _, _, err := f.send(t, conversion.Event{EventID: "order-" + strconv.Itoa(i), OccurredAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
		list, err := f.a.Conversions.InPeriod(ctx, f.actor, f.ws, from, to)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range list {
			got = append(got, c.EventID)
		}
		if strings.Join(got, " ") != "order-1 order-0" {
			t.Fatalf("in period: %q, want order-1 then order-0", got)
		}
		_, err = f.a.Conversions.InPeriod(ctx, f.actor, f.ws, to, from)
		testenv.WantKind(t, err, model.KindInvalid, "to")
		f.a.Conversions.MaxPeriod = 2
		if list, err := f.a.Conversions.InPeriod(ctx, f.actor, f.ws, from, to); err != nil || len(list) != 2 {
			t.Fatalf("at the cap: %d, %v", len(list), err)
		}
		f.a.Conversions.MaxPeriod = 1
		_, err = f.a.Conversions.InPeriod(ctx, f.actor, f.ws, from, to)
		testenv.WantKind(t, err, model.KindInvalid, "from")

		u, err := f.a.Accounts.CreateUser(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: "stranger@example.test", Name: "S", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Conversions.InPeriod(ctx, model.Actor{UserID: u.ID, Email: u.Email, Via: "web"}, f.ws, from, to); err == nil ||
			model.KindOf(err) == model.KindInvalid {
			t.Fatalf("a stranger: %v", err)
		}
	})
}
