package web

import (
	"errors"
	"net/http"
	"strings"

	"herald/internal/calendar"
	"herald/internal/model"
)

// icalRoutes registers the private iCalendar feeds: their settings page
// and the feed itself, which calendar apps fetch without a session.
func (h *handler) icalRoutes(_ *http.ServeMux, route routeFunc) {
	route("GET /w/{ws}/calendar/feeds", signedIn, h.icalFeedsShow)
	route("POST /w/{ws}/calendar/feeds", signedIn, h.icalFeedCreate)
	route("POST /w/{ws}/calendar/feeds/{id}/revoke", signedIn, h.icalFeedRevoke)
	route("GET /ical/{token}", public, h.icalFeed)
}

// icalData is the feeds page.
type icalData struct {
	Feeds  []model.ICalFeed
	NewURL string // the address of a feed just made, shown once
}

func (h *handler) icalFeedsShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderICal(w, r, v, http.StatusOK, newForm(r), "")
}

func (h *handler) renderICal(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, newURL string) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	feeds, err := h.d.Calendar.Feeds(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.render(w, r, v, status, "ical", &page{Title: "Calendar feeds", Section: "calendar", WS: &m, Form: f,
		Data: &icalData{Feeds: feeds, NewURL: newURL}})
}

// icalFeedCreate makes a feed and shows its address once.
func (h *handler) icalFeedCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	_, token, err := h.d.Calendar.CreateFeed(r.Context(), v.actor, m.Workspace.ID, r.PostForm.Get("name"))
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderICal(w, r, v, status, f, "") })
		return
	}
	h.renderICal(w, r, v, http.StatusOK, &form{}, strings.TrimRight(h.d.BaseURL, "/")+"/ical/"+token+".ics")
}

// icalFeedRevoke stops a feed.
func (h *handler) icalFeedRevoke(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Calendar.RevokeFeed(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id")); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The feed is revoked; calendar apps get nothing from its address any more.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/calendar/feeds")
}

// icalFeed serves a feed to calendar apps. A bad address gets a plain 404
// that says nothing about any workspace.
func (h *handler) icalFeed(w http.ResponseWriter, r *http.Request, v *visit) {
	doc, err := h.d.Calendar.FeedCalendar(r.Context(), strings.TrimSuffix(r.PathValue("token"), ".ics"))
	if errors.Is(err, calendar.ErrNoFeed) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("No calendar feed at this address.\n"))
		return
	} else if err != nil {
		h.fail(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("X-Robots-Tag", "noindex")
	_, _ = w.Write(doc)
}
