package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"herald/internal/api"
	"herald/internal/platform/httpx"
	"herald/internal/web"
)

// Handler builds the whole HTTP surface: UI, API, probes and metrics.
func (a *App) Handler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := httpx.NewMetrics(reg)
	cfg := a.Config
	mux := http.NewServeMux()
	mux.Handle("/api/", api.New(api.Deps{Accounts: a.Accounts, Workspaces: a.Workspaces, Channels: a.Channels, Compose: a.Compose, System: a.System, Idempotency: a.Idempotency,
		BaseURL: cfg.BaseURL, TrustProxy: cfg.TrustProxy, MaxBody: cfg.MaxBodyBytes, Logger: a.Logger.With("surface", "api")}))
	mux.Handle("/", web.New(web.Deps{Accounts: a.Accounts, Workspaces: a.Workspaces, Channels: a.Channels, Compose: a.Compose, Mail: a.Mail, System: a.System, Box: a.Box,
		BaseURL: cfg.BaseURL, TrustProxy: cfg.TrustProxy, MaxBody: cfg.MaxBodyBytes, Logger: a.Logger.With("surface", "web")}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := a.System.Ready(r.Context()); err != nil {
			a.Logger.Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database: unavailable")
			return
		}
		if cfg.HasRole("worker") && !a.Queue.Running() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "workers: not running")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return httpx.Observe(httpx.SecurityHeaders(mux), a.Logger, metrics, cfg.TrustProxy)
}

// Serve runs the configured roles until ctx ends, then shuts down in reverse
// order: stop taking requests and let in-flight ones finish, then let running
// jobs finish, then close the database.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	cfg := a.Config
	if err := a.Queue.Start(ctx); err != nil {
		return err
	}
	var srv *http.Server
	errc := make(chan error, 1)
	if cfg.HasRole("web") {
		srv = &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
			WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
		go func() { errc <- srv.Serve(ln) }()
		a.Logger.Info("herald is listening", "addr", ln.Addr().String(), "url", cfg.BaseURL, "database", a.Store.Dialect(), "roles", cfg.Roles)
	} else {
		a.Logger.Info("herald worker started", "database", a.Store.Dialect())
	}
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	a.Logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	// A fresh context: the parent is already cancelled.
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if srv != nil {
		if err := srv.Shutdown(sctx); err != nil {
			a.Logger.Error("http shutdown", "err", err)
		}
	}
	if err := a.Queue.Stop(sctx); err != nil {
		a.Logger.Error("job shutdown", "err", err)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}
