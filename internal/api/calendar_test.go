package api_test

import (
	"net/http"
	"testing"
)

func TestCalendarAPI(t *testing.T) {
	each(t, func(h *harness) {
		ada, tok, base, ch := h.newYorkChannel(t)
		id := h.do(http.MethodPost, base+"/posts", tok, map[string]any{"base": map[string]any{"text": "Hello"}, "channels": []string{ch}}).want(t, 201).str("id")
		r := h.do(http.MethodPost, base+"/posts/"+id+"/schedule", tok, map[string]any{"mode": "at", "date": "2037-03-05", "time": "09:00", "zone": "America/New_York"}).want(t, 200)
		target := r.json["targets"].([]any)[0].(map[string]any)["id"].(string)

		r = h.do(http.MethodGet, base+"/calendar?date=2037-03-01", tok, nil).want(t, 200)
		days := r.json["days"].([]any)
		if len(days) != 31 || r.json["count"] != float64(1) || r.json["empty_days"] != float64(30) {
			t.Fatalf("March 2037: %s", r.body)
		}
		item := days[4].(map[string]any)["items"].([]any)[0].(map[string]any)
		if item["local"] != "2037-03-05T09:00:00" || item["zone"] != "America/New_York" || item["movable"] != true {
			t.Fatalf("item: %v", item)
		}
		h.do(http.MethodGet, base+"/calendar?view=year", tok, nil).wantProblem(t, 400, "validation", "view")
		h.do(http.MethodPost, base+"/calendar/moves", tok, map[string]any{"target_id": target, "date": "2037-3-9"}).wantProblem(t, 400, "validation", "date")
		// Across the DST change (8 March 2037): still 9:00 in New York.
		r = h.do(http.MethodPost, base+"/calendar/moves", tok, map[string]any{"target_id": target, "date": "2037-03-09"}).want(t, 200)
		if r.json["scheduled_at"] != "2037-03-09T13:00:00Z" {
			t.Fatalf("moved: %s", r.body)
		}
		reader := h.token(ada, "posts:read")
		h.do(http.MethodPost, base+"/calendar/moves", reader, map[string]any{"target_id": target, "date": "2037-03-10"}).want(t, http.StatusForbidden)
	})
}
