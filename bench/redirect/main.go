// Command redirect compares Herald's short-link redirect with a bare
// net/http handler that only writes a 302, in one process and one run, so
// both see the same machine load. Each is served over loopback HTTP and
// driven by the same keep-alive clients for a fixed duration; it prints
// redirects per second of each and their ratio (docs/BENCHMARKS.md).
//
// Usage:
//
//	go run ./bench/redirect -duration 10s -clients 32
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"herald/internal/links"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "how long each handler is driven")
	clients := flag.Int("clients", 32, "concurrent keep-alive clients")
	flag.Parse()
	if err := run(*duration, *clients); err != nil {
		fmt.Fprintln(os.Stderr, "bench/redirect:", err)
		os.Exit(1)
	}
}

// allowAll stands in for workspace permissions: the benchmark is its own
// composition root and has no users.
type allowAll struct{}

func (allowAll) Authorize(context.Context, model.Actor, string, model.Action) (model.Role, error) {
	return model.RoleOwner, nil
}

func run(duration time.Duration, clients int) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "herald-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := store.OpenSQLite(ctx, filepath.Join(dir, "herald.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	ws := model.Workspace{ID: ids.New(), Name: "bench", CreatedBy: "bench", CreatedAt: time.Now()}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.CreateWorkspace(ctx, ws) }); err != nil {
		return err
	}
	svc := &links.Service{Store: st, Workspaces: allowAll{}, DataDir: dir, BaseURL: "http://bench.test",
		Logger: slog.New(slog.DiscardHandler)}
	if err := svc.Start(ctx); err != nil {
		return err
	}
	l, err := svc.Create(ctx, model.Actor{Via: "cli"}, ws.ID, links.NewLink{URL: "https://example.com/landing?utm_source=bench"})
	if err != nil {
		return err
	}
	real := http.NewServeMux()
	real.Handle("GET /l/{code}", svc.Redirect())
	bare := http.NewServeMux()
	bare.HandleFunc("GET /l/{code}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://example.com/landing?utm_source=bench")
		w.WriteHeader(http.StatusFound)
	})
	path := "/l/" + l.Code
	// A short warm-up of each, so neither pays for first connections.
	for _, h := range []http.Handler{bare, real} {
		if _, err := drive(h, path, time.Second, clients); err != nil {
			return err
		}
	}
	bareRate, err := drive(bare, path, duration, clients)
	if err != nil {
		return err
	}
	realRate, err := drive(real, path, duration, clients)
	if err != nil {
		return err
	}
	if err := svc.Stop(ctx); err != nil {
		return err
	}
	stats, err := svc.Stats(ctx, model.Actor{Via: "cli"}, ws.ID, l.ID)
	if err != nil {
		return err
	}
	fmt.Printf("clients %d, %s each\n", clients, duration)
	fmt.Printf("bare net/http 302:  %10.0f redirects/s\n", bareRate)
	fmt.Printf("herald /l/{code}:   %10.0f redirects/s (%d clicks stored)\n", realRate, stats.Total)
	fmt.Printf("ratio herald/bare:  %10.2f\n", realRate/bareRate)
	return nil
}

// drive serves h on a loopback port and requests path from clients
// goroutines for d, returning completed redirects per second.
func drive(h http.Handler, path string, d time.Duration, clients int) (float64, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()
	c := &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: clients, MaxIdleConns: clients},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer c.CloseIdleConnections()
	url := "http://" + ln.Addr().String() + path
	var done atomic.Int64
	var failure atomic.Value
	stop := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				resp, err := c.Get(url)
				if err != nil {
					failure.Store(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusFound {
					failure.Store(fmt.Errorf("status %d", resp.StatusCode))
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, ok := failure.Load().(error); ok {
		return 0, err
	}
	return float64(done.Load()) / time.Since(start).Seconds(), nil
}
