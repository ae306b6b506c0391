package api_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// rawDo sends a request whose body or answer is not JSON (CSV, NDJSON).
func (h *harness) rawDo(method, path, token, contentType, body string, headers ...string) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestPostsAPI(t *testing.T) {
	each(t, func(h *harness) {
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		ch := h.do(http.MethodPost, "/api/v1/workspaces/"+ws+"/channels", tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "acme"}}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws

		p := h.do(http.MethodPost, base+"/posts", tok, map[string]any{"base": map[string]any{"text": "Hello"}, "channels": []string{ch}}).want(t, 201)
		id := p.str("id")
		h.do(http.MethodGet, base+"/posts/"+id, tok, nil).want(t, 200)
		h.do(http.MethodPatch, base+"/posts/"+id, tok, map[string]any{"version": 1, "base": map[string]any{"text": "Hello again"}}).want(t, 200)
		h.do(http.MethodPatch, base+"/posts/"+id, tok, map[string]any{"version": 1, "notes": "stale"}).wantProblem(t, 409, "conflict", "version")
		h.do(http.MethodPatch, base+"/posts/"+id, tok, map[string]any{"notes": "x"}).wantProblem(t, 400, "validation", "version")
		vs := h.do(http.MethodGet, base+"/posts/"+id+"/versions", tok, nil).want(t, 200)
		if data := vs.json["data"].([]any); len(data) != 2 {
			t.Fatalf("versions %s", vs.body)
		}
		r := h.do(http.MethodPost, base+"/posts/"+id+"/restore", tok, map[string]any{"version": 1}).want(t, 200)
		if r.json["base"].(map[string]any)["text"] != "Hello" {
			t.Fatalf("restored %s", r.body)
		}
		h.do(http.MethodPost, base+"/posts/"+id+"/reset", tok, map[string]any{"channel_id": ch}).want(t, 200)
		list, _ := h.do(http.MethodGet, base+"/posts?q=hello&channel="+ch, tok, nil).want(t, 200).list()
		if len(list) != 1 {
			t.Fatalf("list %v", list)
		}
		v := h.do(http.MethodPost, base+"/posts/validate", tok, map[string]any{"base": map[string]any{"text": strings.Repeat("a", 501)}, "channels": []string{ch}}).want(t, 200)
		if v.json["ok"] != false {
			t.Fatalf("validate %s", v.body)
		}
		h.do(http.MethodPost, base+"/posts/split", tok, map[string]any{"text": strings.Repeat("word ", 300), "channels": []string{ch}}).want(t, 200)

		pil := h.do(http.MethodPost, base+"/pillars", tok, map[string]any{"name": "Tips", "color": "#112233", "target_share": 60}).want(t, 201).str("id")
		h.do(http.MethodPost, base+"/pillars", tok, map[string]any{"name": "News", "color": "#112233", "target_share": 50}).wantProblem(t, 400, "validation", "target_share")
		h.do(http.MethodPatch, base+"/pillars/"+pil, tok, map[string]any{"target_share": 40}).want(t, 200)
		h.do(http.MethodGet, base+"/pillars", tok, nil).want(t, 200)
		idea := h.do(http.MethodPost, base+"/ideas", tok, map[string]any{"text": "An idea"}).want(t, 201).str("id")
		h.do(http.MethodPatch, base+"/ideas/"+idea, tok, map[string]any{"text": "A better idea"}).want(t, 200)
		h.do(http.MethodPost, base+"/ideas/"+idea+"/draft", tok, map[string]any{"channels": []string{ch}}).want(t, 201)
		h.do(http.MethodPost, base+"/ideas/"+idea+"/draft", tok, map[string]any{"channels": []string{ch}}).wantProblem(t, 409, "conflict", "")
		h.do(http.MethodGet, base+"/ideas?all=true", tok, nil).want(t, 200)
		sn := h.do(http.MethodPost, base+"/snippets", tok, map[string]any{"kind": "template", "name": "Launch", "body": "{{workspace}} has {{product}}"}).want(t, 201).str("id")
		if got := h.do(http.MethodPost, base+"/snippets/"+sn+"/expand", tok, map[string]any{"variables": map[string]string{"product": "rye"}}).want(t, 200).str("text"); got != "Acme has rye" {
			t.Fatalf("expand %q", got)
		}
		h.do(http.MethodPost, base+"/snippets/"+sn+"/expand", tok, map[string]any{}).wantProblem(t, 400, "validation", "variables")
		h.do(http.MethodGet, base+"/snippets?kind=template", tok, nil).want(t, 200)
		h.do(http.MethodDelete, base+"/snippets/"+sn, tok, nil).want(t, 204)
		h.do(http.MethodDelete, base+"/posts/"+id, tok, nil).want(t, 204)

		// Import: a dry run reports, NDJSON streams progress, then the import.
		csvBody := "text,channels,time\nOne,@acme,2099-01-01 09:00\nTwo,@nobody,\n"
		res, out := h.rawDo(http.MethodPost, base+"/posts/import?dry_run=true", tok, "text/csv", csvBody)
		if res.StatusCode != 200 || !strings.Contains(out, `"column":"channels"`) {
			t.Fatalf("dry run %d %s", res.StatusCode, out)
		}
		res, out = h.rawDo(http.MethodPost, base+"/posts/import?valid_only=true", tok, "text/csv", csvBody, "Accept", "application/x-ndjson")
		if res.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("ndjson %s", res.Header.Get("Content-Type"))
		}
		sc := bufio.NewScanner(strings.NewReader(out))
		var lastLine map[string]any
		for sc.Scan() {
			lastLine = nil
			if err := json.Unmarshal(sc.Bytes(), &lastLine); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
		}
		if rep, _ := lastLine["report"].(map[string]any); rep == nil || rep["imported"] != float64(1) {
			t.Fatalf("stream ended with %v\n%s", lastLine, out)
		}
		res, _ = h.rawDo(http.MethodPost, base+"/posts/import", tok, "application/json", "{}")
		if res.StatusCode != 415 {
			t.Fatalf("json import: %d", res.StatusCode)
		}
		res, out = h.rawDo(http.MethodGet, base+"/posts/export?format=csv", tok, "", "")
		if res.StatusCode != 200 || !strings.HasPrefix(out, "text,channels,time,zone") || !strings.Contains(out, "One,'@acme,2099-01-01 09:00") {
			t.Fatalf("export %d %s", res.StatusCode, out)
		}
		// The harness checks an answer against every documented media type,
		// and export documents two, so its answers are checked here.
		res, out = h.rawDo(http.MethodGet, base+"/posts/export?format=json", tok, "", "")
		var doc struct{ Posts []map[string]any }
		if res.StatusCode != 200 || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Posts) != 2 {
			t.Fatalf("json export %d %s", res.StatusCode, out)
		}
		h.do(http.MethodGet, base+"/posts/export?format=xml", tok, nil).wantProblem(t, 400, "validation", "format")

		readOnly := h.token(ada, "posts:read")
		h.do(http.MethodPost, base+"/posts", readOnly, map[string]any{"base": map[string]any{"text": "x"}, "channels": []string{ch}}).wantProblem(t, 403, "insufficient-scope", "")
	})
}
