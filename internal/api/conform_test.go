package api_test

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// conforms checks an answer against the served OpenAPI document: the status
// must be documented for the operation, the media type must match, and the
// body must fit the schema (a small JSON Schema subset: $ref, allOf, type,
// enum, properties, required, additionalProperties, items, pattern and
// date-time, which must be UTC). Unknown paths and methods must be 404 and
// 405 problems. Every API answer must carry Cache-Control: no-store.
func (h *harness) conforms(method, path string, r response) {
	h.t.Helper()
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		h.t.Errorf("%s %s: Cache-Control %q, want no-store", method, path, cc)
	}
	path, _, _ = strings.Cut(path, "?")
	op := h.operation(method, path)
	if op == nil {
		if r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
			h.t.Errorf("%s %s: undocumented operation answered %d", method, path, r.status)
		}
		h.checkBody(method, path, r, "application/problem+json", map[string]any{"$ref": "#/components/schemas/Problem"})
		return
	}
	responses, _ := op["responses"].(map[string]any)
	resp, ok := h.deref(responses[strconv.Itoa(r.status)]).(map[string]any)
	if !ok {
		h.t.Errorf("%s %s: status %d is not documented", method, path, r.status)
		return
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(r.body) != 0 {
			h.t.Errorf("%s %s: %d has a body, documented without one", method, path, r.status)
		}
		return
	}
	for mediaType, c := range content {
		h.checkBody(method, path, r, mediaType, c.(map[string]any)["schema"])
	}
}

func (h *harness) checkBody(method, path string, r response, mediaType string, schema any) {
	h.t.Helper()
	if ct := r.header.Get("Content-Type"); ct != mediaType {
		h.t.Errorf("%s %s: Content-Type %q, want %q", method, path, ct, mediaType)
	}
	if errs := h.validate(schema, anyJSON(r), "$"); len(errs) > 0 {
		h.t.Errorf("%s %s: %d answer does not fit its schema:\n  %s\n%s", method, path, r.status, strings.Join(errs, "\n  "), r.body)
	}
}

func anyJSON(r response) any {
	if r.json == nil {
		return nil
	}
	return r.json
}

// operation finds the documented operation for a concrete request path. A
// literal segment wins over a parameter, as in the server's router, so
// /channels/oauth is not taken for /channels/{id}.
func (h *harness) operation(method, path string) map[string]any {
	paths := h.doc["paths"].(map[string]any)
	best, bestLiterals := "", -1
	for tpl := range paths {
		if !matches(tpl, path) {
			continue
		}
		if n := strings.Count(tpl, "/") - strings.Count(tpl, "{"); n > bestLiterals {
			best, bestLiterals = tpl, n
		}
	}
	if best == "" {
		return nil
	}
	item := paths[best].(map[string]any)
	op, _ := item[strings.ToLower(method)].(map[string]any)
	if method == http.MethodHead && op == nil {
		op, _ = item["get"].(map[string]any)
	}
	return op
}

func matches(tpl, path string) bool {
	ts, ps := strings.Split(tpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if !strings.HasPrefix(ts[i], "{") && ts[i] != ps[i] {
			return false
		}
	}
	return true
}

// deref follows $ref chains within the document.
func (h *harness) deref(v any) any {
	for range 10 {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return v
		}
		var cur any = h.doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.(map[string]any)[part]
		}
		v = cur
	}
	return v
}

func (h *harness) validate(schema, v any, at string) []string {
	s, _ := h.deref(schema).(map[string]any)
	if s == nil {
		return nil
	}
	var errs []string
	for _, sub := range asSlice(s["allOf"]) {
		errs = append(errs, h.validate(sub, v, at)...)
	}
	if t, ok := s["type"]; ok && !typeOK(t, v) {
		return append(errs, fmt.Sprintf("%s: %v is not of type %v", at, v, t))
	}
	if enum, ok := s["enum"].([]any); ok && !contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
	}
	switch x := v.(type) {
	case string:
		errs = append(errs, checkString(s, x, at)...)
	case []any:
		for i, e := range x {
			errs = append(errs, h.validate(s["items"], e, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case map[string]any:
		errs = append(errs, h.validateObject(s, x, at)...)
	}
	return errs
}

func (h *harness) validateObject(s map[string]any, x map[string]any, at string) []string {
	var errs []string
	props, _ := s["properties"].(map[string]any)
	for _, req := range asSlice(s["required"]) {
		if _, ok := x[req.(string)]; !ok {
			errs = append(errs, fmt.Sprintf("%s: required %s missing", at, req))
		}
	}
	keys := make([]string, 0, len(x))
	for k := range x {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if p, ok := props[k]; ok {
			errs = append(errs, h.validate(p, x[k], at+"."+k)...)
			continue
		}
		switch ap := s["additionalProperties"].(type) {
		case bool:
			if !ap {
				errs = append(errs, fmt.Sprintf("%s: undocumented property %s", at, k))
			}
		case map[string]any:
			errs = append(errs, h.validate(ap, x[k], at+"."+k)...)
		}
	}
	return errs
}

func checkString(s map[string]any, x, at string) []string {
	var errs []string
	if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(x) {
		errs = append(errs, fmt.Sprintf("%s: %q does not match %s", at, x, p))
	}
	if s["format"] == "date-time" {
		if t, err := time.Parse(time.RFC3339, x); err != nil || !strings.HasSuffix(x, "Z") || t.Location() != time.UTC {
			errs = append(errs, fmt.Sprintf("%s: %q is not an RFC 3339 UTC instant", at, x))
		}
	}
	return errs
}

func typeOK(t, v any) bool {
	if list, ok := t.([]any); ok {
		for _, one := range list {
			if typeOK(one, v) {
				return true
			}
		}
		return false
	}
	switch t {
	case "null":
		return v == nil
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func contains(list []any, v any) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
