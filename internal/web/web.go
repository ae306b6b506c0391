package web

import (
	"log/slog"
	"net/http"
	"strings"
)

// handler carries what every page needs: the domain services, the parsed
// templates, the fingerprinted assets and the cross-origin guard.
type handler struct {
	d      Deps
	log    *slog.Logger
	pages  map[string]pageTemplate
	assets *assets
	cop    *http.CrossOriginProtection
}

// New returns the web UI handler, mounted at "/" by the app. Templates and
// assets are embedded, so a parse error is a programming error caught by the
// tests; New panics on it rather than serve a broken UI.
func New(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.MaxBody <= 0 {
		d.MaxBody = 1 << 20
	}
	h := &handler{d: d, log: d.Logger, assets: loadAssets()}
	h.pages = mustParsePages(h.funcs())
	h.cop = http.NewCrossOriginProtection()
	// Behind a reverse proxy the Host header can differ from the public
	// origin that browsers send, so the configured base URL is trusted too.
	if origin := originOf(d.BaseURL); origin != "" {
		_ = h.cop.AddTrustedOrigin(origin)
	}
	return h.routes()
}

// originOf reduces a base URL such as https://herald.example.com/ to its
// origin (scheme://host[:port]); it returns "" for anything else.
func originOf(base string) string {
	scheme, rest, ok := strings.Cut(base, "://")
	if !ok || (scheme != "http" && scheme != "https") || rest == "" {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	if host == "" {
		return ""
	}
	return scheme + "://" + host
}
