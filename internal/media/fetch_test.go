package media_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"herald/internal/model"
	"herald/internal/platform/httpclient"
	"herald/internal/testenv"
)

// TestImportURL fetches media by address: a good image becomes an asset
// named after the URL's path; a 404, a non-image, an oversized body and a
// private address are refused with words a person can act on.
func TestImportURL(t *testing.T) {
	e := setup(t, testenv.SQLite(t))
	ctx := context.Background()
	img := pngBytes(t, 40, 30)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/photos/cat%20pic.png", "/photos/cat pic.png":
			w.Header().Set("Content-Type", "text/plain") // the content decides, not the header
			_, _ = w.Write(img)
		case "/notes.png":
			_, _ = w.Write([]byte("just some text, not an image\n"))
		case "/big.png":
			_, _ = w.Write(make([]byte, 4096))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	e.s.HTTP = httpclient.New(httpclient.Options{AllowPrivate: true, MaxBody: e.s.MaxBytes() + 1})

	id, err := e.s.ImportURL(ctx, e.owner, e.ws, srv.URL+"/photos/cat%20pic.png?size=large")
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.s.Get(ctx, e.owner, e.ws, id)
	if err != nil || m.Filename != "cat pic.png" || m.ContentType != "image/png" || m.Width != 40 || m.Height != 30 {
		t.Fatalf("asset %+v (%v)", m, err)
	}

	refused := func(url, want string) {
		t.Helper()
		_, err := e.s.ImportURL(ctx, e.owner, e.ws, url)
		if e := model.AsError(err); e == nil || e.Kind != model.KindInvalid || !strings.Contains(e.Msg, want) {
			t.Errorf("%s: %v; want an invalid error containing %q", url, err, want)
		}
	}
	refused(srv.URL+"/missing.png", "could not fetch "+srv.URL+"/missing.png: 404 Not Found")
	refused(srv.URL+"/notes.png", "text/plain")
	refused("ftp://example.com/a.png", "is not an http or https address")
	e.s.MaxVideoBytes, e.s.MaxImageBytes = 1024, 512
	refused(srv.URL+"/big.png", "the file is larger than 1 KB")

	// The default client, like the app's unless HERALD_ALLOW_PRIVATE is
	// set, refuses loopback addresses.
	e.s.HTTP = nil
	refused(srv.URL+"/photos/cat%20pic.png", "could not fetch "+srv.URL+"/photos/cat%20pic.png: it points to a private or local address")
	if list, _ := e.s.List(ctx, e.owner, e.ws, model.MediaFilter{}); len(list) != 1 {
		t.Fatalf("%d assets after the refusals; want the one good import", len(list))
	}
}
