package api_test

import (
	"net/http"
	"strings"
	"testing"

	"herald/internal/model"
	"herald/internal/store"
)

// The report API: the PDF for a period (checked by hand: the harness reads
// JSON), schedules created, read, changed and deleted with field errors,
// and only for the roles that may manage reports.
func TestReportsAPI(t *testing.T) {
	each(t, func(h *harness) {
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws + "/reports"

		res, out := h.rawDo(http.MethodGet, base+"/pdf?from=2026-11-01&to=2026-11-30", tok, "", "")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(out, "%PDF-") ||
			res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(res.Header.Get("Content-Disposition"), "report-2026-11-01-2026-11-30.pdf") {
			t.Fatalf("pdf: %d %v", res.StatusCode, res.Header)
		}
		h.do(http.MethodGet, base+"/pdf?from=November", tok, nil).wantProblem(t, 400, "validation", "from")
		h.do(http.MethodGet, base+"/pdf?from=2026-11-30&to=2026-11-01", tok, nil).wantProblem(t, 400, "validation", "from")

		in := map[string]any{"name": "Weekly", "frequency": "weekly", "weekday": "monday", "hour": 9, "zone": "Europe/Berlin",
			"recipients": []string{"ada@example.com"}}
		for field, bad := range map[string]any{"hour": 24, "zone": "Mars/Base", "recipients": []string{"nobody"}, "weekday": "someday"} {
			body := map[string]any{}
			for k, v := range in {
				body[k] = v
			}
			body[field] = bad
			h.do(http.MethodPost, base+"/schedules", tok, body).wantProblem(t, 400, "validation", field)
		}
		sc := h.do(http.MethodPost, base+"/schedules", tok, in).want(t, 201)
		id := sc.str("id")
		if sc.json["last_sent_at"] != nil || sc.json["weekday"] != "monday" || sc.json["paused"] != false {
			t.Fatalf("created %v", sc.json)
		}
		list, _ := h.do(http.MethodGet, base+"/schedules", tok, nil).want(t, 200).list()
		if len(list) != 1 || list[0]["id"] != id {
			t.Fatalf("list %v", list)
		}
		in["frequency"], in["month_day"] = "monthly", 3
		got := h.do(http.MethodPut, base+"/schedules/"+id, tok, in).want(t, 200)
		if got.json["frequency"] != "monthly" || got.json["month_day"] != float64(3) {
			t.Fatalf("updated %v", got.json)
		}
		h.do(http.MethodGet, base+"/schedules/"+id, tok, nil).want(t, 200)

		ed := h.user("ed@example.com")
		if err := h.app.Store.InTx(t.Context(), func(tx *store.Tx) error {
			return tx.AddMember(t.Context(), ws, ed.ID, model.RoleEditor, ada.CreatedAt)
		}); err != nil {
			t.Fatal(err)
		}
		edTok := h.token(ed)
		h.do(http.MethodGet, base+"/schedules", edTok, nil).wantProblem(t, 403, "forbidden", "")
		if res, _ := h.rawDo(http.MethodGet, base+"/pdf", edTok, "", ""); res.StatusCode != 200 {
			t.Fatalf("an editor's pdf: %d", res.StatusCode)
		}
		h.do(http.MethodDelete, base+"/schedules/"+id, tok, nil).want(t, 204)
		h.do(http.MethodGet, base+"/schedules/"+id, tok, nil).wantProblem(t, 404, "not-found", "")
	})
}
