package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
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
	mux.Handle("/api/", api.New(api.Deps{Accounts: a.Accounts, Workspaces: a.Workspaces, Channels: a.Channels, Compose: a.Compose, Media: a.Media, System: a.System, Idempotency: a.Idempotency, Links: a.Links, Conversions: a.Conversions, Competitors: a.Competitors,
		Publish: a.Publish, Notify: a.Notify, Calendar: a.Calendar, Board: a.Board, Reports: a.Reports, Approvals: a.Approvals, Discussion: a.Discussion, Inbox: a.Inbox,
		BaseURL: cfg.BaseURL, TrustProxy: cfg.TrustProxy, MaxBody: cfg.MaxBodyBytes, Logger: a.Logger.With("surface", "api")}))
	mux.Handle("/", web.New(web.Deps{Accounts: a.Accounts, Workspaces: a.Workspaces, Channels: a.Channels, Compose: a.Compose, Media: a.Media, Mail: a.Mail, System: a.System, Box: a.Box, Links: a.Links, Conversions: a.Conversions, Publish: a.Publish, Notify: a.Notify,
		Calendar: a.Calendar, Board: a.Board, Approvals: a.Approvals, Discussion: a.Discussion, Inbox: a.Inbox, Metrics: a.Metrics, Reports: a.Reports, Competitors: a.Competitors, BaseURL: cfg.BaseURL, TrustProxy: cfg.TrustProxy, MaxBody: cfg.MaxBodyBytes, Logger: a.Logger.With("surface", "web")}))
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
	// Short links sit on the top-level mux, beside the UI rather than inside
	// it: redirects need no session, CSRF or template machinery.
	mux.Handle("GET /l/{code}", a.Links.Redirect())
	// The conversion snippet and its endpoint are public and cross-origin:
	// websites include the script and post to it without a session.
	mux.Handle("GET /c.js", a.Conversions.Snippet())
	mux.Handle("/c/collect", a.Conversions.Collector(cfg.TrustProxy))
	return httpx.Observe(httpx.SecurityHeaders(shortHost(cfg.ShortURL, a.Links.Redirect(), mux)), a.Logger, metrics, cfg.TrustProxy)
}

// shortHost sends requests for the short-link domain (HERALD_SHORT_URL) to
// the redirect handler, which serves /{code} there; every other host gets
// the normal surface. Without a short domain it returns next unchanged.
func shortHost(shortURL string, redirect, next http.Handler) http.Handler {
	u, err := url.Parse(shortURL)
	if shortURL == "" || err != nil || u.Host == "" {
		return next
	}
	host := strings.ToLower(u.Host)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.ToLower(r.Host) == host {
			redirect.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Serve runs the configured roles until ctx ends, then shuts down in reverse
// order: stop taking requests and let in-flight ones finish, then let running
// jobs finish, then close the database.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	cfg := a.Config
	if err := a.StartWork(ctx); err != nil {
		return err
	}
	if cfg.HasRole("web") {
		// Replays clicks journaled before a crash, then flushes in the background.
		if err := a.Links.Start(ctx); err != nil {
			return err
		}
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
	if cfg.HasRole("web") {
		// After the server stopped: no click arrives after this flush.
		if err := a.Links.Stop(sctx); err != nil {
			a.Logger.Error("flush clicks", "err", err)
		}
	}
	if err := a.StopWork(sctx); err != nil {
		a.Logger.Error("job shutdown", "err", err)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}
