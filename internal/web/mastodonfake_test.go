package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// fakeMastodon is a Mastodon server for the browser journey, following the
// documented endpoints Herald's Mastodon connector calls on connect:
// POST /api/v1/apps (docs.joinmastodon.org/methods/apps/#create), the
// authorize page and POST /oauth/token with PKCE
// (docs.joinmastodon.org/methods/oauth/), GET
// /api/v1/accounts/verify_credentials and GET /api/v2/instance. Its
// authorize page asks the "user" to press Authorize, as Mastodon's does.
func fakeMastodon(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/apps", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("client_name") == "" || r.PostForm.Get("redirect_uris") == "" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, `{"error":"Validation failed: Name can't be blank"}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": "1", "name": r.PostForm.Get("client_name"), "client_id": "masto-client",
			"client_secret": "masto-secret", "redirect_uri": r.PostForm.Get("redirect_uris")})
	})
	mux.HandleFunc("GET /oauth/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != "masto-client" || q.Get("code_challenge") == "" || q.Get("response_type") != "code" {
			http.Error(w, "invalid authorization request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Authorize</title><h1>Herald would like to use your account</h1>
<form method="post" action="/oauth/authorize"><input type="hidden" name="redirect_uri" value="%s">
<input type="hidden" name="state" value="%s"><button id="authorize" type="submit">Authorize</button></form>`,
			html.EscapeString(q.Get("redirect_uri")), html.EscapeString(q.Get("state")))
	})
	mux.HandleFunc("POST /oauth/authorize", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		back, err := url.Parse(r.PostForm.Get("redirect_uri"))
		if err != nil {
			http.Error(w, "bad redirect_uri", http.StatusBadRequest)
			return
		}
		back.RawQuery = url.Values{"code": {"masto-code"}, "state": {r.PostForm.Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if r.PostForm.Get("code") != "masto-code" || r.PostForm.Get("code_verifier") == "" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"The provided authorization grant is invalid"}`)
			return
		}
		fmt.Fprint(w, `{"access_token":"masto-token","token_type":"Bearer","scope":"read write","created_at":1700000000}`)
	})
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer masto-token" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"The access token is invalid"}`)
			return
		}
		fmt.Fprint(w, `{"id":"109","username":"ada","acct":"ada","display_name":"Ada","url":"https://masto.example/@ada","uri":"https://masto.example/users/ada","followers_count":42,"following_count":7,"statuses_count":3}`)
	})
	mux.HandleFunc("GET /api/v2/instance", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"domain":"masto.example","configuration":{"statuses":{"max_characters":500,"max_media_attachments":4,"characters_reserved_per_url":23},"media_attachments":{"supported_mime_types":["image/jpeg","image/png"],"image_size_limit":16777216,"video_size_limit":103809024}}}`)
	})
	// Browsers ask every origin for an icon; a 404 would show as a console error.
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}
