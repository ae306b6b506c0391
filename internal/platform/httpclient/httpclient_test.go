package httpclient

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRefusesPrivateAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi") }))
	defer srv.Close()
	_, err := New(Options{}).Get(srv.URL)
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("loopback request: got %v, want ErrPrivateAddress", err)
	}
	if SentRequest(err) {
		t.Fatal("a refused dial must count as not sent")
	}
	resp, err := New(Options{AllowPrivate: true}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestRefusesRedirectToPrivate(t *testing.T) {
	// The public-looking first hop is simulated by allowing nothing: the
	// guard works at dial time, so a redirect to loopback fails the same way.
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "secret") }))
	defer target.Close()
	c := New(Options{})
	req, _ := http.NewRequest("GET", target.URL, nil)
	if _, err := c.Do(req); !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("got %v", err)
	}
}

func TestBodyLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, strings.Repeat("x", 100)) }))
	defer srv.Close()
	resp, err := New(Options{AllowPrivate: true, MaxBody: 10}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("got %v, want ErrBodyTooLarge", err)
	}
	resp2, _ := New(Options{AllowPrivate: true, MaxBody: 100}).Get(srv.URL)
	if b, err := io.ReadAll(resp2.Body); err != nil || len(b) != 100 {
		t.Fatalf("exactly at the limit: %d %v", len(b), err)
	}
}

func TestTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }))
	defer srv.Close()
	_, err := New(Options{AllowPrivate: true, Timeout: 50 * time.Millisecond}).Get(srv.URL)
	if err == nil || !SentRequest(err) {
		t.Fatalf("timeout after sending must be an unknown outcome: %v", err)
	}
}

func TestPublic(t *testing.T) {
	for s, want := range map[string]bool{"8.8.8.8": true, "127.0.0.1": false, "10.1.2.3": false, "192.168.1.1": false,
		"169.254.169.254": false, "::1": false, "fd00::1": false, "100.64.0.1": false, "2606:4700::1111": true, "::ffff:127.0.0.1": false} {
		if got := Public(netip.MustParseAddr(s)); got != want {
			t.Errorf("Public(%s) = %v, want %v", s, got, want)
		}
	}
}

// TestNoSilentReplay: a POST whose reused connection dies after sending must
// surface as an error, not be re-sent by net/http behind the caller's back.
func TestNoSilentReplay(t *testing.T) {
	var mu sync.Mutex
	posts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			mu.Lock()
			posts++
			n := posts
			mu.Unlock()
			if n == 1 {
				// Kill the connection after reading the request: the outcome is unknown.
				hj, _ := w.(http.Hijacker)
				c, _, _ := hj.Hijack()
				c.Close()
				return
			}
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	c := New(Options{AllowPrivate: true})
	resp, err := c.Get(srv.URL) // warm a keep-alive connection so the POST reuses it
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"status":"hello"}`))
	req.Header.Set("Idempotency-Key", "k1")
	resp, err = c.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	if posts != 1 || err == nil {
		t.Fatalf("POST reached the server %d times (err %v); want exactly once and an error", posts, err)
	}
}
