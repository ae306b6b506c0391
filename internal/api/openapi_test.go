package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"herald/internal/model"
)

// openAPIOp is the part of an operation the route check reads.
type openAPIOp struct {
	OperationID string                `json:"operationId"`
	Scope       *string               `json:"x-herald-scope"`
	Security    []map[string][]string `json:"security"`
	Parameters  []struct {
		Ref string `json:"$ref"`
	} `json:"parameters"`
	Responses map[string]json.RawMessage `json:"responses"`
}

type openAPIParam struct {
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
}

type openAPIDocForTest struct {
	OpenAPI    string                                `json:"openapi"`
	Servers    []struct{ URL string }                `json:"servers"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Parameters map[string]openAPIParam `json:"parameters"`
	} `json:"components"`
}

// servedDocument fetches the document the way a client does.
func servedDocument(t *testing.T) (openAPIDocForTest, []byte) {
	t.Helper()
	h := New(Deps{BaseURL: "https://herald.example/"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET openapi.json: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc openAPIDocForTest
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return doc, rec.Body.Bytes()
}

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

// routeDiff compares the route table with the document and lists every
// disagreement: a route without an operation or the other way round, a
// different scope, or a path parameter the operation does not declare.
func routeDiff(routes []route, doc openAPIDocForTest) []string {
	var diffs []string
	documented := map[string]openAPIOp{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !httpMethods[method] {
				continue
			}
			var op openAPIOp
			if err := json.Unmarshal(raw, &op); err != nil {
				diffs = append(diffs, "cannot parse "+method+" "+path+": "+err.Error())
				continue
			}
			documented[strings.ToUpper(method)+" "+path] = op
		}
	}
	inTable := map[string]bool{}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		inTable[key] = true
		op, ok := documented[key]
		if !ok {
			diffs = append(diffs, key+": in routes.go but not in openapi.json")
			continue
		}
		diffs = append(diffs, scopeDiff(key, rt.Scope, op)...)
		diffs = append(diffs, paramDiff(key, rt.Path, op, doc)...)
	}
	for key := range documented {
		if !inTable[key] {
			diffs = append(diffs, key+": in openapi.json but not in routes.go")
		}
	}
	sort.Strings(diffs)
	return diffs
}

func scopeDiff(key string, scope model.Scope, op openAPIOp) []string {
	if scope == public {
		if op.Scope != nil || op.Security == nil || len(op.Security) != 0 {
			return []string{key + ": public route must have security [] and no x-herald-scope"}
		}
		return nil
	}
	if scope == signedCall {
		if op.Scope != nil || len(op.Security) != 1 || op.Security[0]["heraldSignature"] == nil {
			return []string{key + ": signed route must have security [{heraldSignature: []}] and no x-herald-scope"}
		}
		return nil
	}
	var diffs []string
	if op.Scope == nil || *op.Scope != string(scope) {
		diffs = append(diffs, key+": x-herald-scope differs from routes.go scope "+string(scope))
	}
	if len(op.Security) != 1 || len(op.Security[0]["bearer"]) != 1 || op.Security[0]["bearer"][0] != string(scope) {
		diffs = append(diffs, key+": security must be [{bearer: ["+string(scope)+"]}]")
	}
	return diffs
}

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

func paramDiff(key, path string, op openAPIOp, doc openAPIDocForTest) []string {
	declared := map[string]bool{}
	for _, p := range op.Parameters {
		if prm, ok := doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]; ok && prm.In == "path" && prm.Required {
			declared[prm.Name] = true
		}
	}
	var diffs []string
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		if !declared[m[1]] {
			diffs = append(diffs, key+": path parameter {"+m[1]+"} not declared as a required path parameter")
		}
	}
	return diffs
}

func TestOpenAPIMatchesRouteTable(t *testing.T) {
	doc, _ := servedDocument(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "https://herald.example" {
		t.Errorf("servers = %+v, want the base URL", doc.Servers)
	}
	routes := (&server{}).routeTable()
	for _, d := range routeDiff(routes, doc) {
		t.Error(d)
	}
}

// TestRouteDiffCanFail proves the comparison above is not vacuous: a route
// missing from either side, or with another scope, is reported.
func TestRouteDiffCanFail(t *testing.T) {
	doc, _ := servedDocument(t)
	routes := (&server{}).routeTable()
	extra := append(append([]route{}, routes...), route{Method: http.MethodPost, Path: "/api/v1/undocumented", Scope: model.ScopeAccountRead})
	if d := routeDiff(extra, doc); len(d) != 1 || !strings.Contains(d[0], "not in openapi.json") {
		t.Errorf("extra route: diff %v", d)
	}
	if d := routeDiff(routes[1:], doc); len(d) != 1 || !strings.Contains(d[0], "not in routes.go") {
		t.Errorf("missing route: diff %v", d)
	}
	changed := append([]route{}, routes...)
	changed[1].Scope = model.ScopeAuditRead
	if d := routeDiff(changed, doc); len(d) != 2 {
		t.Errorf("changed scope: diff %v", d)
	}
}

// TestOpenAPIReferencesResolve checks every $ref points at a component and
// operation IDs are unique.
func TestOpenAPIReferencesResolve(t *testing.T) {
	_, raw := servedDocument(t)
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	var walk func(v any, where string)
	walk = func(v any, where string) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok && resolve(doc, ref) == nil {
				t.Errorf("%s: $ref %s does not resolve", where, ref)
			}
			if id, ok := x["operationId"].(string); ok {
				if ids[id] {
					t.Errorf("operationId %s used twice", id)
				}
				ids[id] = true
			}
			for k, e := range x {
				walk(e, where+"/"+k)
			}
		case []any:
			for _, e := range x {
				walk(e, where)
			}
		}
	}
	walk(doc, "#")
	if len(ids) != len((&server{}).routeTable()) {
		t.Errorf("%d operations for %d routes", len(ids), len((&server{}).routeTable()))
	}
}

func resolve(doc map[string]any, ref string) any {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// TestRoutesAreRegistered sends each table route to the handler: without a
// token every route but the document must answer 401, never the 404 or 405
// of an unregistered pattern.
func TestRoutesAreRegistered(t *testing.T) {
	h := New(Deps{})
	sample := strings.NewReplacer("{ws}", "01jq3v6m2k8x9c0d4e5f6g7h8j", "{user}", "01jq3v6m2k8x9c0d4e5f6g7h8k", "{id}", "01jq3v6m2k8x9c0d4e5f6g7h8m")
	for _, rt := range (&server{}).routeTable() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(rt.Method, sample.Replace(rt.Path), nil))
		want := http.StatusUnauthorized
		if rt.Scope == public {
			want = http.StatusOK
		}
		if rec.Code != want {
			t.Errorf("%s %s: %d, want %d", rt.Method, rt.Path, rec.Code, want)
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: Cache-Control %q", rt.Method, rt.Path, rec.Header().Get("Cache-Control"))
		}
	}
}

func TestUnmatchedRoutes(t *testing.T) {
	h := New(Deps{})
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/api/v1/nothing", http.StatusNotFound, ""},
		{http.MethodGet, "/api/", http.StatusNotFound, ""},
		{http.MethodGet, "/api/v2/me", http.StatusNotFound, ""},
		{http.MethodGet, "/api/v1/workspaces/x/y/z", http.StatusNotFound, ""},
		{http.MethodPut, "/api/v1/workspaces", http.StatusMethodNotAllowed, "GET, HEAD, POST"},
		{http.MethodDelete, "/api/v1/me", http.StatusMethodNotAllowed, "GET, HEAD"},
		{http.MethodPost, "/api/v1/workspaces/01jq3v6m2k8x9c0d4e5f6g7h8j/members/01jq3v6m2k8x9c0d4e5f6g7h8j", http.StatusMethodNotAllowed, "DELETE, PATCH"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.status || rec.Header().Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want %d %q", tc.method, tc.path, rec.Code, rec.Header().Get("Allow"), tc.status, tc.allow)
		}
		var p problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Header().Get("Content-Type") != "application/problem+json" ||
			p.Status != tc.status || p.Instance != tc.path || !strings.HasPrefix(p.Type, problemBase) || p.Title == "" || p.Detail == "" {
			t.Errorf("%s %s: problem %s (%v)", tc.method, tc.path, rec.Body, err)
		}
	}
}
