package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"herald/internal/api"
)

// TestConformanceCheckCanFail makes sure the schema check that every
// harness request goes through rejects what it should.
func TestConformanceCheckCanFail(t *testing.T) {
	rec := httptest.NewRecorder()
	api.New(api.Deps{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	h := &harness{t: t}
	if err := json.Unmarshal(rec.Body.Bytes(), &h.doc); err != nil {
		t.Fatal(err)
	}
	ws := `{"id":"01jq3v6m2k8x9c0d4e5f6g7h8j","name":"A","role":"owner","archived":false,"archived_at":null,"created_by":null,"created_at":"2026-01-02T03:04:05Z"}`
	schema := map[string]any{"$ref": "#/components/schemas/Workspace"}
	check := func(doc string) []string {
		var v any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatal(err)
		}
		return h.validate(schema, v, "$")
	}
	if errs := check(ws); len(errs) != 0 {
		t.Fatalf("valid workspace rejected: %v", errs)
	}
	for name, bad := range map[string]string{
		"extra":      strings.Replace(ws, `"name":"A"`, `"name":"A","secret":1`, 1),
		"missing":    strings.Replace(ws, `"name":"A",`, ``, 1),
		"type":       strings.Replace(ws, `"archived":false`, `"archived":"no"`, 1),
		"enum":       strings.Replace(ws, `"owner"`, `"emperor"`, 1),
		"pattern":    strings.Replace(ws, `01jq3v6m2k8x9c0d4e5f6g7h8j`, `01JQ3V6M2K8X9C0D4E5F6G7H8J`, 1),
		"not utc":    strings.Replace(ws, `2026-01-02T03:04:05Z`, `2026-01-02T03:04:05+01:00`, 1),
		"not a time": strings.Replace(ws, `2026-01-02T03:04:05Z`, `yesterday`, 1),
	} {
		if errs := check(bad); len(errs) == 0 {
			t.Errorf("%s: accepted %s", name, bad)
		}
	}
	if op := h.operation(http.MethodGet, "/api/v1/workspaces/01jq3v6m2k8x9c0d4e5f6g7h8j"); op == nil || op["operationId"] != "getWorkspace" {
		t.Errorf("operation lookup: %v", op)
	}
}
