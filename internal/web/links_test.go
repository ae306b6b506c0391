package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

func TestLinkPreviewJSON(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	ws := e.workspace("owner@example.test", "Links")
	p := c.get("/w/" + ws.ID + "/links/preview?url=" + url.QueryEscape("http://127.0.0.1:1/"))
	wantStatus(t, p, http.StatusOK)
	var out map[string]string
	if err := json.Unmarshal([]byte(p.body), &out); err != nil {
		t.Fatalf("not JSON: %v: %s", err, p.body)
	}
	if out["error"] == "" || out["title"] != "" {
		t.Fatalf("a private address must give a soft error: %v", out)
	}
	other := e.client()
	e.user("uma@example.test")
	other.signIn("uma@example.test", testPassword)
	if p := other.get("/w/" + ws.ID + "/links/preview?url=https://example.com/"); p.status == http.StatusOK {
		t.Fatalf("a non-member got a preview: %s", p.body)
	}
}
