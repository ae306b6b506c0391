package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sort"
	"strings"
)

// server holds the dependencies and the route table behind the handler.
type server struct {
	d       Deps
	log     *slog.Logger
	maxBody int64
	routes  []route
	openapi []byte // the OpenAPI document, with this installation's server URL
}

// New returns the API handler, to be mounted at "/api/". Every response,
// errors included, is JSON with Cache-Control: no-store.
func New(d Deps) http.Handler {
	s := &server{d: d, log: d.Logger, maxBody: d.MaxBody}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxBody <= 0 {
		s.maxBody = defaultMaxBody
	}
	s.routes = s.routeTable()
	s.openapi = openAPIDocument(d.BaseURL)
	mux := http.NewServeMux()
	for i := range s.routes {
		rt := &s.routes[i]
		mux.Handle(rt.Method+" "+rt.Path, s.serve(rt))
	}
	// Anything the table does not match lands here: a 405 when the path
	// exists with other methods, else a 404, both as problems.
	mux.HandleFunc("/api/", s.unmatched)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		defer s.recoverPanic(w, r)
		mux.ServeHTTP(w, r)
	})
}

// recoverPanic turns a handler panic into a logged 500 problem, so a bug
// never answers with a stack trace or a plain-text error.
func (s *server) recoverPanic(w http.ResponseWriter, r *http.Request) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler { // the documented way to abort silently
		panic(p)
	}
	s.fail(w, r, panicError{p, debug.Stack()})
}

// panicError carries a recovered panic and its stack to the one log line.
type panicError struct {
	value any
	stack []byte
}

func (e panicError) Error() string { return fmt.Sprintf("panic: %v\n%s", e.value, e.stack) }

func (s *server) unmatched(w http.ResponseWriter, r *http.Request) {
	allowed := s.methodsFor(r.URL.Path)
	if len(allowed) == 0 {
		s.writeProblem(w, r, notFound("there is no API endpoint at %s; see /api/v1/openapi.json", r.URL.Path))
		return
	}
	allow := strings.Join(allowed, ", ")
	s.writeProblem(w, r, newProblem(http.StatusMethodNotAllowed, typeMethod, "Method not allowed",
		"%s is not allowed here; use %s", r.Method, allow).withHeader("Allow", allow))
}

// methodsFor lists the methods the route table serves at path. GET routes
// also answer HEAD, as the standard mux does.
func (s *server) methodsFor(path string) []string {
	set := map[string]bool{}
	for _, rt := range s.routes {
		if matchPath(rt.Path, path) {
			set[rt.Method] = true
			if rt.Method == http.MethodGet {
				set[http.MethodHead] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// matchPath reports whether path fits pattern, where a {name} segment
// matches any one non-empty segment.
func matchPath(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i, p := range ps {
		if strings.HasPrefix(p, "{") {
			if xs[i] == "" {
				return false
			}
		} else if p != xs[i] {
			return false
		}
	}
	return true
}
