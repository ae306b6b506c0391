package links_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"herald/internal/testenv"
)

// benchClient is a keep-alive client that does not follow redirects, with
// enough idle connections for RunParallel's goroutines.
func benchClient() *http.Client {
	return &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: 256, MaxIdleConns: 256},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func benchServe(b *testing.B, h http.Handler, path string) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := benchClient()
	url := srv.URL + path
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkRedirect measures the real short-link handler over loopback
// HTTP: real database (SQLite) behind the code cache, real click journal.
// Compare with BenchmarkBareRedirect from the same run; docs/BENCHMARKS.md.
func BenchmarkRedirect(b *testing.B) {
	f := newFixture(b, testenv.SQLite(b))
	l := f.link(b, "https://example.com/landing?utm_source=bench")
	mux := http.NewServeMux()
	mux.Handle("GET /l/{code}", f.a.Links.Redirect())
	benchServe(b, mux, "/l/"+l.Code)
	b.StopTimer()
	if err := f.a.Links.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBareRedirect is the baseline: a net/http handler that only
// writes a 302.
func BenchmarkBareRedirect(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /l/{code}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://example.com/landing?utm_source=bench")
		w.WriteHeader(http.StatusFound)
	})
	benchServe(b, mux, "/l/AbCdEfGhIj")
}
