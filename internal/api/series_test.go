package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/internal/provider"
	"herald/internal/provider/count"
	"herald/internal/provider/fake"
)

func TestSeriesAPI(t *testing.T) {
	each(t, func(h *harness) {
		ada, tok, base, ch := h.newYorkChannel(t)
		id := h.do(http.MethodPost, base+"/posts", tok, map[string]any{"base": map[string]any{"text": "Weekly tip"}, "channels": []string{ch}}).want(t, 201).str("id")
		series := base + "/posts/" + id + "/series"

		// A new post neither repeats nor recycles: every field is null.
		got := h.do(http.MethodGet, base+"/posts/"+id, tok, nil).want(t, 200)
		if s := got.json["series"].(map[string]any); s["recurrence"] != nil || s["evergreen_gap_seconds"] != nil {
			t.Fatalf("fresh series: %s", got.body)
		}

		// A preset, read in the channel's zone by default.
		r := h.do(http.MethodPut, series, tok, map[string]any{"preset": map[string]any{"repeat": "weekly", "weekdays": []string{"mon", "tue", "wed", "thu", "fri"}, "count": 10}}).want(t, 200)
		s := r.json["series"].(map[string]any)
		if s["recurrence"] != "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10" || s["zone"] != "America/New_York" ||
			s["description"] != "every weekday at this time, 10 times" {
			t.Fatalf("preset: %s", r.body)
		}
		// A raw rule in a zone given.
		r = h.do(http.MethodPut, series, tok, map[string]any{"recurrence": "FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20371231", "zone": "Europe/Berlin"}).want(t, 200)
		if s := r.json["series"].(map[string]any); s["zone"] != "Europe/Berlin" || !strings.HasPrefix(s["recurrence"].(string), "FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=") {
			t.Fatalf("rule: %s", r.body)
		}
		// Mistakes name the field at fault.
		h.do(http.MethodPut, series, tok, map[string]any{"recurrence": "FREQ=SOMETIMES"}).wantProblem(t, 400, "validation", "recurrence")
		h.do(http.MethodPut, series, tok, map[string]any{"recurrence": "FREQ=DAILY", "preset": map[string]any{"repeat": "daily"}}).
			wantProblem(t, 400, "validation", "preset")
		h.do(http.MethodPut, series, tok, map[string]any{"preset": map[string]any{"repeat": "daily", "weekdays": []string{"mon"}}}).
			wantProblem(t, 400, "validation", "preset.weekdays")
		h.do(http.MethodPut, series, tok, map[string]any{"preset": map[string]any{"repeat": "weekly", "count": 3, "until": "2037-01-01"}}).
			wantProblem(t, 400, "validation", "preset.until")
		h.do(http.MethodPut, series, tok, map[string]any{"preset": map[string]any{"repeat": "hourly"}}).wantProblem(t, 400, "validation", "preset.repeat")
		h.do(http.MethodPut, series, tok, map[string]any{"recurrence": "FREQ=DAILY", "zone": "EST"}).wantProblem(t, 400, "validation", "zone")
		h.do(http.MethodPut, series, tok, map[string]any{"evergreen_gap_seconds": 600}).wantProblem(t, 400, "validation", "evergreen_gap_seconds")
		h.do(http.MethodPut, series, tok, map[string]any{"evergreen_max": 3}).wantProblem(t, 400, "validation", "evergreen_max")
		h.do(http.MethodPut, series, tok, map[string]any{"recurrence": "FREQ=DAILY", "evergreen_gap_seconds": 7200}).
			wantProblem(t, 400, "validation", "recurrence")

		// Evergreen replaces the rule; an empty body turns it off.
		r = h.do(http.MethodPut, series, tok, map[string]any{"evergreen_gap_seconds": 72 * 3600, "evergreen_max": 5}).want(t, 200)
		if s := r.json["series"].(map[string]any); s["recurrence"] != nil || s["evergreen_gap_seconds"] != float64(72*3600) || s["evergreen_max"] != float64(5) ||
			s["description"] != "again at least 3 days after each time it goes out, 5 times in all" {
			t.Fatalf("evergreen: %s", r.body)
		}
		r = h.do(http.MethodPut, series, tok, map[string]any{}).want(t, 200)
		if s := r.json["series"].(map[string]any); s["recurrence"] != nil || s["evergreen_gap_seconds"] != nil {
			t.Fatalf("off: %s", r.body)
		}
		h.do(http.MethodPut, base+"/posts/"+strings.Repeat("0", 26)+"/series", tok, map[string]any{}).want(t, 404)
		h.do(http.MethodPut, series, h.token(ada, "posts:read"), map[string]any{}).wantProblem(t, 403, "insufficient-scope", "")
	})
}

// A schedule past a network's known cap still goes through, with warnings.
func TestScheduleQuotaWarningsAPI(t *testing.T) {
	each(t, func(h *harness) {
		capped := fake.New()
		capped.As = &provider.Info{Network: "capped", Name: "Capped", Capabilities: []provider.Capability{provider.CapPublish},
			Limits: provider.Limits{Text: count.Rule{Method: count.Graphemes, Max: 500},
				Quotas: []provider.Quota{{Max: 1, Window: time.Hour, Source: "Capped allows 1 post an hour"}}}}
		h.app.Providers.Register(capped)
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws
		ch := h.do(http.MethodPost, base+"/channels", tok, map[string]any{"network": "capped", "fields": map[string]string{"handle": "acme"}}).want(t, 201).str("id")
		at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Minute)
		var warnings [][]any
		for i, text := range []string{"One", "Two"} {
			id := h.do(http.MethodPost, base+"/posts", tok, map[string]any{"base": map[string]any{"text": text}, "channels": []string{ch}}).want(t, 201).str("id")
			r := h.do(http.MethodPost, base+"/posts/"+id+"/schedule", tok, map[string]any{"mode": "at", "at": at.Add(time.Duration(i) * 10 * time.Minute).Format(time.RFC3339)}).want(t, 200)
			w, _ := r.json["warnings"].([]any)
			warnings = append(warnings, w)
			if r.json["targets"].([]any)[0].(map[string]any)["status"] != "scheduled" {
				t.Fatalf("not scheduled: %s", r.body)
			}
		}
		if len(warnings[0]) != 0 || len(warnings[1]) != 1 || !strings.Contains(warnings[1][0].(string), "Capped allows 1 post an hour") {
			t.Fatalf("warnings %v", warnings)
		}
	})
}
