package api_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"herald/internal/conversion"
	"herald/internal/links"
	"herald/internal/platform/hooksig"
)

func TestConversionsAPI(t *testing.T) {
	each(t, func(h *harness) {
		ctx := context.Background()
		owner := h.admin("owner@example.test")
		w, err := h.app.Workspaces.Create(ctx, actorOf(owner), "Shop")
		if err != nil {
			t.Fatal(err)
		}
		l, err := h.app.Links.Create(ctx, actorOf(owner), w.ID, links.NewLink{URL: "https://shop.example/", Campaign: "spring"})
		if err != nil {
			t.Fatal(err)
		}
		_, secret, err := h.app.Conversions.Save(ctx, actorOf(owner), w.ID, conversion.SettingsInput{Enabled: true, WindowDays: 7})
		if err != nil {
			t.Fatal(err)
		}
		// A visit through the short link lands with its click ID.
		req, _ := http.NewRequest(http.MethodGet, h.url+"/l/"+l.Code, nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 Firefox/128.0")
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		hclid := loc.Query().Get("hclid")
		if hclid == "" {
			t.Fatalf("no click ID in %s", loc)
		}
		path := "/api/v1/workspaces/" + w.ID + "/conversions"
		send := func(body, sig string) response {
			t.Helper()
			return h.do(http.MethodPost, path, "", raw(body), hooksig.Header, sig)
		}
		signed := func(body string) response {
			t.Helper()
			return send(body, hooksig.Sign(secret, time.Now(), []byte(body)))
		}
		good := `{"event_id":"order-1042","name":"purchase","value":49.9,"currency":"EUR","click_id":"` + hclid + `"}`
		r := signed(good).want(t, http.StatusCreated)
		a := r.json["attribution"].(map[string]any)
		if a["status"] != "attributed" || a["by"] != "click" || a["link_id"] != l.ID || a["campaign"] != "spring" || r.json["value"] != "49.9" ||
			r.json["duplicate"] != false {
			t.Fatalf("recorded %s", r.body)
		}
		first := r.str("id")
		r = signed(`{"event_id":"order-1042","name":"again"}`).want(t, http.StatusOK)
		if r.str("id") != first || r.str("name") != "purchase" || r.json["duplicate"] != true {
			t.Fatalf("duplicate %s", r.body)
		}
		send(good, hooksig.Sign("hcs_wrong", time.Now(), []byte(good))).wantProblem(t, http.StatusUnauthorized, "unauthorized", "")
		send(good, hooksig.Sign(secret, time.Now().Add(-6*time.Minute), []byte(good))).wantProblem(t, http.StatusUnauthorized, "unauthorized", "")
		h.do(http.MethodPost, path, "", raw(good)).wantProblem(t, http.StatusUnauthorized, "unauthorized", "")
		signed(`{"event_id":"e2","click_id":"0123456789abcdef-1"}`).wantProblem(t, http.StatusBadRequest, "validation", "click_id")
		signed(`{"event_id":"e3","link":"ZZZZZZZZZZ"}`).wantProblem(t, http.StatusBadRequest, "validation", "link")
		signed(`{"event_id":"e4","value":5,"currency":"XYZ"}`).wantProblem(t, http.StatusBadRequest, "validation", "currency")
		signed(`{"event_id":"e5","value":-5,"currency":"EUR"}`).wantProblem(t, http.StatusBadRequest, "validation", "value")
		signed(`{"event_id":"e6","order":"extra"}`).want(t, http.StatusBadRequest)
		r = signed(`{"event_id":"e7","utm_campaign":"spring"}`).want(t, http.StatusCreated)
		if a := r.json["attribution"].(map[string]any); a["by"] != "campaign" || a["link_id"] != l.ID {
			t.Fatalf("campaign %s", r.body)
		}
		if _, _, err := h.app.Conversions.Save(ctx, actorOf(owner), w.ID, conversion.SettingsInput{WindowDays: 7}); err != nil {
			t.Fatal(err)
		}
		signed(`{"event_id":"e8"}`).wantProblem(t, http.StatusForbidden, "forbidden", "")
	})
}
