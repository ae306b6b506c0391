package api_test

import (
	"context"
	"net/http"
	"testing"

	"herald/internal/links"
	"herald/internal/model"
)

func TestPostAndChannelLinkStats(t *testing.T) {
	each(t, func(h *harness) {
		ctx := context.Background()
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws
		ch := h.do(http.MethodPost, base+"/channels", tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "acme"}}).want(t, 201).str("id")
		post := h.do(http.MethodPost, base+"/posts", tok, map[string]any{"base": map[string]any{"text": "Hello"}, "channels": []string{ch}}).want(t, 201).str("id")
		l, err := h.app.Links.Track(ctx, nil, ws, links.TrackInput{URL: "https://example.com/a", PostID: post, ChannelID: ch, Network: "fake"})
		if err != nil {
			t.Fatal(err)
		}
		for _, ua := range []string{"Mozilla/5.0 Firefox/128.0", "Googlebot/2.1"} {
			req, _ := http.NewRequest(http.MethodGet, h.url+"/l/"+l.Code, nil)
			req.Header.Set("User-Agent", ua)
			resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		if err := h.app.Links.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{base + "/posts/" + post + "/link-stats", base + "/channels/" + ch + "/link-stats"} {
			r := h.do(http.MethodGet, path, h.token(ada, model.ScopeLinksRead), nil).want(t, 200)
			if r.json["human"].(float64) != 1 || r.json["bots"].(float64) != 1 || len(r.json["by_day"].([]any)) != 1 {
				t.Fatalf("%s: %s", path, r.body)
			}
		}
		other := "01hzzzzzzzzzzzzzzzzzzzzzzz"
		h.do(http.MethodGet, base+"/posts/"+other+"/link-stats", tok, nil).want(t, 404)
		h.do(http.MethodGet, base+"/channels/"+other+"/link-stats", tok, nil).want(t, 404)
		h.do(http.MethodGet, base+"/channels/"+ch+"/link-stats", h.token(ada, model.ScopePostsRead), nil).wantProblem(t, 403, "insufficient-scope", "")
	})
}
