package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// alts serves routes whose patterns overlap in a way ServeMux refuses:
// "/w/{ws}/channels/new/{network}" and "/w/{ws}/channels/{id}/reconnect"
// both match "/w/{ws}/channels/new/reconnect", and neither is more specific,
// so registering both panics. Routes of one method and one length share a
// single mux pattern instead; a request goes to the first of them (literal
// segments win over wildcards, left to right) whose literal segments match,
// with that route's own wildcard names set as path values. The route table
// in routes.go still lists every route with its full pattern.
type alts struct {
	mux    *http.ServeMux
	h      *handler
	acc    access
	routes []altRoute
}

// altRoute is one route of an alts group.
type altRoute struct {
	method string
	segs   []string // path segments; "{name}" is a wildcard
	next   http.Handler
}

func newAlts(mux *http.ServeMux, h *handler, acc access) *alts {
	return &alts{mux: mux, h: h, acc: acc}
}

// route adds a pattern such as "GET /w/{ws}/channels/new/{network}".
func (a *alts) route(pattern string, fn handlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	a.routes = append(a.routes, altRoute{method: method, segs: strings.Split(strings.Trim(path, "/"), "/"), next: a.h.wrap(a.acc, fn)})
}

func isWildcard(seg string) bool { return strings.HasPrefix(seg, "{") }

// register puts one shared pattern per method and length on the mux.
func (a *alts) register() {
	groups := map[string][]altRoute{}
	var keys []string
	for _, rt := range a.routes {
		key := rt.method + " " + strconv.Itoa(len(rt.segs))
		if _, ok := groups[key]; !ok {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], rt)
	}
	for _, key := range keys {
		group := groups[key]
		sort.SliceStable(group, func(i, j int) bool { return moreLiteral(group[i].segs, group[j].segs) })
		shared := sharedSegments(group)
		a.mux.Handle(group[0].method+" /"+strings.Join(shared, "/"), a.dispatch(shared, group))
	}
}

// moreLiteral reports whether x has a literal segment where y first has a
// wildcard, reading left to right.
func moreLiteral(x, y []string) bool {
	for i := range x {
		if wx, wy := isWildcard(x[i]), isWildcard(y[i]); wx != wy {
			return !wx
		}
	}
	return false
}

// sharedSegments is the pattern covering every route of a group: a segment
// stays literal (or keeps its wildcard name) where all routes agree, and
// becomes the wildcard {_i} where they differ.
func sharedSegments(group []altRoute) []string {
	out := make([]string, len(group[0].segs))
	for i := range out {
		out[i] = group[0].segs[i]
		for _, rt := range group[1:] {
			if rt.segs[i] != out[i] {
				out[i] = "{_" + strconv.Itoa(i) + "}"
				break
			}
		}
	}
	return out
}

// dispatch picks the route of a group for a request the shared pattern matched.
func (a *alts) dispatch(shared []string, group []altRoute) http.Handler {
	notFound := a.h.wrap(public, a.h.notFound)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values := make([]string, len(shared))
		for i, seg := range shared {
			if isWildcard(seg) {
				values[i] = r.PathValue(strings.Trim(seg, "{}"))
			} else {
				values[i] = seg
			}
		}
	routes:
		for _, rt := range group {
			for i, seg := range rt.segs {
				if !isWildcard(seg) && seg != values[i] {
					continue routes
				}
			}
			for i, seg := range rt.segs {
				if isWildcard(seg) {
					r.SetPathValue(strings.Trim(seg, "{}"), values[i])
				}
			}
			rt.next.ServeHTTP(w, r)
			return
		}
		notFound.ServeHTTP(w, r)
	})
}
