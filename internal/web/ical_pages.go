package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"herald/internal/approval"
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
	route("POST /w/{ws}/calendar/shares", signedIn, h.calendarShareCreate)
	route("POST /w/{ws}/calendar/shares/{id}/revoke", signedIn, h.calendarShareRevoke)
	route("GET /share/calendar/{token}", public, h.calendarShared)
	route("GET /share/calendar/{token}/review/{post}", public, h.calendarSharedReview)
}

// icalData is the feeds page.
type icalData struct {
	Feeds    []model.ICalFeed
	NewURL   string // the address of a feed just made, shown once
	CanShare bool
	Shares   []model.CalendarShare
	ShareURL string // the address of a client link just made, shown once
	Now      time.Time
}

func (h *handler) icalFeedsShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderICal(w, r, v, http.StatusOK, newForm(r), "")
}

func (h *handler) renderICal(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, newURL string) {
	h.renderSharing(w, r, v, status, f, &icalData{NewURL: newURL})
}

// renderSharing renders the feeds and client links page with d's
// one-time addresses.
func (h *handler) renderSharing(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, d *icalData) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	feeds, err := h.d.Calendar.Feeds(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d.Feeds, d.Now, d.CanShare = feeds, time.Now(), model.Can(m.Role, model.ActCalendarShare)
	if d.CanShare {
		if d.Shares, err = h.d.Calendar.Shares(r.Context(), v.actor, m.Workspace.ID); err != nil {
			h.fail(w, r, v, err)
			return
		}
	}
	h.render(w, r, v, status, "ical", &page{Title: "Calendar feeds and client links", Section: "calendar", WS: &m, Form: f, Data: d})
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

// calendarShareCreate makes a read-only client link and shows it once.
func (h *handler) calendarShareCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	days, err := strconv.Atoi(r.PostForm.Get("days"))
	if err != nil {
		days = 0
	}
	_, token, err := h.d.Calendar.CreateShare(r.Context(), v.actor, m.Workspace.ID, r.PostForm.Get("share_name"), days, r.PostForm.Get("can_review") == "1")
	if err != nil {
		if e := model.AsError(err); e != nil && e.Field == "name" {
			e.Field = "share_name"
		}
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderSharing(w, r, v, status, f, &icalData{}) })
		return
	}
	h.renderSharing(w, r, v, http.StatusOK, &form{}, &icalData{ShareURL: strings.TrimRight(h.d.BaseURL, "/") + "/share/calendar/" + token})
}

// calendarShareRevoke ends a client link.
func (h *handler) calendarShareRevoke(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Calendar.RevokeShare(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id")); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The link is revoked; it shows nothing any more.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/calendar/feeds")
}

// sharedData is the calendar a client link shows.
type sharedData struct {
	calendar.View
	Name, Token string
	Items       map[string]template.HTML
	CanReview   bool // posts waiting for approval link to their review page
}

// calendarShared shows a workspace's calendar to someone with a client
// link, read-only; a bad link gets a plain page that reveals nothing.
func (h *handler) calendarShared(w http.ResponseWriter, r *http.Request, v *visit) {
	token := r.PathValue("token")
	q := r.URL.Query()
	view, share, err := h.d.Calendar.SharedView(r.Context(), token, calendar.Query{Mode: q.Get("view"), Date: q.Get("date")})
	if errors.Is(err, calendar.ErrNoShare) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("This calendar link does not work: it may have expired or been revoked. Ask whoever sent it for a new one.\n"))
		return
	} else if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &sharedData{View: view, Name: share.Name, Token: token, Items: map[string]template.HTML{}, CanReview: share.CanReview}
	reviewBase := ""
	if share.CanReview {
		reviewBase = "/share/calendar/" + token + "/review"
	}
	for _, week := range view.Weeks {
		for _, day := range week {
			d.Items[day.Date] = calendarItems("", false, reviewBase, day.Items)
		}
	}
	for _, day := range view.Days {
		d.Items[day.Date] = calendarItems("", false, reviewBase, day.Items)
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, v, http.StatusOK, "calendar_shared", &page{Title: "Shared calendar", Auth: true, Data: d})
}

// calendarSharedReview opens the review page of a post for the holder of
// a client link that allows review.
func (h *handler) calendarSharedReview(w http.ResponseWriter, r *http.Request, v *visit) {
	share, err := h.d.Calendar.LiveShare(r.Context(), r.PathValue("token"))
	if errors.Is(err, calendar.ErrNoShare) {
		noReview(w)
		return
	} else if err != nil {
		h.fail(w, r, v, err)
		return
	}
	path, err := h.d.Approvals.ShareReview(r.Context(), share, r.PathValue("post"))
	if errors.Is(err, approval.ErrNoReview) {
		noReview(w)
		return
	} else if err != nil {
		h.fail(w, r, v, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	redirect(w, r, path)
}
