package api_test

import (
	"net/http"
	"testing"

	"herald/internal/model"
)

func TestScheduleAPI(t *testing.T) {
	each(t, func(h *harness) {
		ada, tok, base, ch := h.newYorkChannel(t)
		id := h.do(http.MethodPost, base+"/posts", tok, map[string]any{"base": map[string]any{"text": "Hello"}, "channels": []string{ch}}).want(t, 201).str("id")
		sched := base + "/posts/" + id + "/schedule"

		// A skipped local time: 400 naming time, with both sides offered.
		gap := h.do(http.MethodPost, sched, tok, map[string]any{"mode": "at", "date": "2037-03-08", "time": "02:30", "zone": "America/New_York"}).
			wantProblem(t, 400, "validation", "time")
		if opts, _ := gap.json["options"].([]any); len(opts) != 2 || opts[1].(map[string]any)["at"] != "2037-03-08T07:00:00Z" {
			t.Fatalf("gap options: %s", gap.body)
		}
		// A repeated local time: both offsets; the chosen offset settles it.
		amb := h.do(http.MethodPost, sched, tok, map[string]any{"mode": "at", "date": "2037-11-01", "time": "01:30", "zone": "America/New_York"}).
			wantProblem(t, 400, "validation", "time")
		if opts, _ := amb.json["options"].([]any); len(opts) != 2 || opts[0].(map[string]any)["offset_seconds"] != float64(-4*3600) {
			t.Fatalf("ambiguous options: %s", amb.body)
		}
		h.do(http.MethodPost, sched, tok, map[string]any{"mode": "at", "date": "2020-01-01", "time": "09:00", "zone": "America/New_York"}).
			wantProblem(t, 400, "validation", "time")
		h.do(http.MethodPost, sched, tok, map[string]any{"mode": "queue"}).wantProblem(t, 400, "validation", "mode")
		h.do(http.MethodPost, sched, tok, map[string]any{"mode": "later"}).wantProblem(t, 400, "validation", "mode")

		// Settled with the offset, and repeated under one Idempotency-Key.
		body := map[string]any{"mode": "at", "date": "2037-11-01", "time": "01:30", "zone": "America/New_York", "offset_seconds": -5 * 3600}
		first := h.do(http.MethodPost, sched, tok, body, "Idempotency-Key", "k1").want(t, 200)
		tg := first.json["targets"].([]any)[0].(map[string]any)
		if tg["status"] != "scheduled" || tg["scheduled_at"] != "2037-11-01T06:30:00Z" {
			t.Fatalf("scheduled: %s", first.body)
		}
		again := h.do(http.MethodPost, sched, tok, body, "Idempotency-Key", "k1").want(t, 200)
		if again.header.Get("Idempotent-Replayed") != "true" || string(again.body) != string(first.body) {
			t.Fatalf("replay: %s %s", again.header, again.body)
		}
		h.do(http.MethodGet, base+"/posts/"+id+"/attempts", tok, nil).want(t, 200)
		c := h.do(http.MethodPost, base+"/posts/"+id+"/cancel", tok, nil).want(t, 200)
		if c.json["targets"].([]any)[0].(map[string]any)["status"] != "draft" {
			t.Fatalf("cancel: %s", c.body)
		}
		h.do(http.MethodPost, base+"/posts/"+id+"/cancel", tok, nil).wantProblem(t, 409, "conflict", "status")

		// Pauses refuse scheduling until confirmed.
		h.do(http.MethodPost, base+"/pauses", tok, map[string]any{"reason": ""}).wantProblem(t, 400, "validation", "reason")
		ps := h.do(http.MethodPost, base+"/pauses", tok, map[string]any{"reason": "Review"}).want(t, 200)
		if list, _ := ps.list(); len(list) != 1 || list[0]["channel_id"] != nil {
			t.Fatalf("pauses: %s", ps.body)
		}
		h.do(http.MethodPost, sched, tok, map[string]any{"mode": "now"}).wantProblem(t, 400, "validation", "confirm_paused")
		h.do(http.MethodPost, sched, tok, map[string]any{"mode": "now", "confirm_paused": true}).want(t, 200)
		h.do(http.MethodGet, base+"/pauses", tok, nil).want(t, 200)
		h.do(http.MethodDelete, base+"/pauses?choice=sometime", tok, nil).wantProblem(t, 400, "validation", "choice")
		h.do(http.MethodDelete, base+"/pauses?choice=review", tok, nil).want(t, 204)
		h.do(http.MethodDelete, base+"/pauses", tok, nil).wantProblem(t, 404, "not-found", "")

		// Read-only tokens may look but not schedule.
		ro := h.token(ada, "posts:read")
		h.do(http.MethodGet, base+"/pauses", ro, nil).want(t, 200)
		h.do(http.MethodPost, sched, ro, map[string]any{"mode": "now"}).wantProblem(t, 403, "insufficient-scope", "")
	})
}

func TestSlotsAndQueueAPI(t *testing.T) {
	each(t, func(h *harness) {
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws
		ch := h.do(http.MethodPost, base+"/channels", tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "acme"}}).want(t, 201).str("id")
		slots := base + "/channels/" + ch + "/slots"
		if got := h.do(http.MethodGet, slots, tok, nil).want(t, 200).json["slots"].([]any); len(got) != 0 {
			t.Fatalf("slots %v", got)
		}
		h.do(http.MethodPut, slots, tok, map[string]any{"slots": []string{"someday 9"}}).wantProblem(t, 400, "validation", "slot")
		h.do(http.MethodPut, slots, tok, map[string]any{"slots": []string{"mon 09:30", "wed 14:00"}}).want(t, 200)
		var ids []string
		for _, text := range []string{"One", "Two"} {
			id := h.do(http.MethodPost, base+"/posts", tok, map[string]any{"base": map[string]any{"text": text}, "channels": []string{ch}}).want(t, 201).str("id")
			h.do(http.MethodPost, base+"/posts/"+id+"/schedule", tok, map[string]any{"mode": "queue"}).want(t, 200)
			ids = append(ids, id)
		}
		qu := h.do(http.MethodGet, base+"/channels/"+ch+"/queue", tok, nil).want(t, 200)
		list, _ := qu.list()
		if len(list) != 2 || list[0]["post_id"] != ids[0] {
			t.Fatalf("queue %s", qu.body)
		}
		prev := h.do(http.MethodPut, slots+"?preview=true", tok, map[string]any{"slots": []string{"mon 09:30"}}).want(t, 200)
		if prev.json["saved"] != false || len(prev.json["moves"].([]any)) == 0 {
			t.Fatalf("preview %s", prev.body)
		}
		if got := h.do(http.MethodGet, slots, tok, nil).want(t, 200).json["slots"].([]any); len(got) != 2 {
			t.Fatalf("preview saved: %v", got)
		}
		order := h.do(http.MethodPost, base+"/channels/"+ch+"/queue/order", tok, map[string]any{"target_ids": []string{list[1]["target_id"].(string)}}).want(t, 200)
		if l, _ := order.list(); l[0]["post_id"] != ids[1] {
			t.Fatalf("order %s", order.body)
		}
		h.do(http.MethodPost, base+"/channels/"+ch+"/queue/order", tok, map[string]any{"target_ids": []string{}}).wantProblem(t, 400, "validation", "target_ids")
	})
}

// newYorkChannel makes an admin with a full token, a workspace and a fake
// channel in America/New_York; it returns the admin, the token, the
// workspace's API base and the channel ID.
func (h *harness) newYorkChannel(t *testing.T) (model.User, string, string, string) {
	t.Helper()
	ada := h.admin("ada@example.com")
	tok := h.token(ada)
	ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
	base := "/api/v1/workspaces/" + ws
	ch := h.do(http.MethodPost, base+"/channels", tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "acme"}}).want(t, 201).str("id")
	h.do(http.MethodPatch, base+"/channels/"+ch, tok, map[string]any{"time_zone": "America/New_York"}).want(t, 200)
	return ada, tok, base, ch
}
