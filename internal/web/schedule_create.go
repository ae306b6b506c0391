package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
	"herald/internal/publish"
	"herald/internal/schedule"
)

// scheduleCreate handles the composer panel's buttons: publish now, add
// to the queue, or schedule at a local date and time in a zone. A time the
// zone skips or repeats comes back with the instants to choose from, each
// a button that submits that exact instant.
func (h *handler) scheduleCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	f := r.PostForm
	req := publish.Request{Mode: publish.Mode(f.Get("mode")), Channels: nonEmpty(f["channel"]), ConfirmPaused: f.Get("confirm_paused") != ""}
	var err error
	if req.Mode == publish.ModeAt {
		req.At, req.Zone, err = instantFromForm(f, time.Now())
	}
	var p model.Post
	var warnings []string
	if err == nil {
		// Checked before saving, so the post's own new times are not
		// counted against it. The check only advises: if it fails the
		// schedule goes ahead (and an invalid request fails just below).
		var werr error
		if warnings, werr = h.d.Publish.QuotaWarnings(r.Context(), v.actor, m.Workspace.ID, id, req); werr != nil && model.KindOf(werr) == model.KindInternal {
			h.log.Warn("quota warnings", "post_id", id, "err", werr)
		}
		p, err = h.d.Publish.Schedule(r.Context(), v.actor, m.Workspace.ID, id, req)
	}
	if err != nil {
		h.composerAgain(w, r, v, m, id, err)
		return
	}
	if len(warnings) > 0 {
		h.setFlash(w, r, "warning", scheduledMessage(req, p)+" "+quotaNotice(warnings))
	} else {
		h.setFlash(w, r, "success", scheduledMessage(req, p))
	}
	redirect(w, r, "/w/"+m.Workspace.ID+"/posts/"+id+"/edit")
}

// maxFlashWarnings keeps the flash, which travels in a cookie, well under
// the browser's 4 KB cookie limit however many channels a post has.
const maxFlashWarnings = 3

// quotaNotice joins the quota warnings for the flash.
func quotaNotice(warnings []string) string {
	s := "Over a network's posting limit: " + strings.Join(warnings[:min(len(warnings), maxFlashWarnings)], " ")
	if n := len(warnings) - maxFlashWarnings; n > 0 {
		s += " …and " + strconv.Itoa(n) + " more."
	}
	return s
}

// scheduleCancel takes the post (or the channels named) back to draft.
func (h *handler) scheduleCancel(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	if _, err := h.d.Publish.Cancel(r.Context(), v.actor, m.Workspace.ID, id, nonEmpty(r.PostForm["channel"])); err != nil {
		h.composerAgain(w, r, v, m, id, err)
		return
	}
	h.setFlash(w, r, "success", "The post is back to draft; nothing goes out until it is scheduled again.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/posts/"+id+"/edit")
}

// instantFromForm reads the instant to schedule at: an exact instant from
// an offered option ("at"), or a local date and time in a zone.
func instantFromForm(f url.Values, now time.Time) (time.Time, string, error) {
	zone := strings.TrimSpace(f.Get("zone"))
	if at := f.Get("at"); at != "" {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return t, zone, model.Invalid("time", "the chosen time could not be read; choose it again")
		}
		if _, err := schedule.LoadZone(zone); err != nil {
			return t, zone, err
		}
		return t, zone, nil
	}
	t, err := schedule.Resolve(f.Get("date"), f.Get("time"), zone)
	if err != nil {
		return t, zone, err
	}
	// The service allows a minute's slack for a slow form; anything older
	// is named in the zone it was chosen in.
	if t.Before(now.Add(-time.Minute)) {
		return t, zone, schedule.NotInPast(t, now)
	}
	return t, zone, nil
}

// composerAgain shows the composer with the panel's error: the field at
// fault, and for a skipped or repeated time the instants on offer.
func (h *handler) composerAgain(w http.ResponseWriter, r *http.Request, v *visit, m model.Membership, id string, err error) {
	p, gerr := h.d.Compose.Get(r.Context(), v.actor, m.Workspace.ID, id)
	if gerr != nil {
		h.fail(w, r, v, gerr)
		return
	}
	f := newForm(r)
	r = withTimeIssue(r, err)
	h.formFail(w, r, v, err, f, func(status int) {
		if msg, ok := f.Errors["at"]; ok { // the service names the instant; the form has date and time
			delete(f.Errors, "at")
			f.order = replace(f.order, "at", "time")
			f.Errors["time"] = msg
		}
		f.onlyFields("date", "time", "zone", "confirm_paused")
		h.renderComposer(w, r, v, status, m, p, draftOf(p), f)
	})
}

func replace(list []string, from, to string) []string {
	for i, s := range list {
		if s == from {
			list[i] = to
		}
	}
	return list
}

func nonEmpty(vals []string) []string {
	var out []string
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// scheduledMessage confirms what was planned, in the first channel's terms.
func scheduledMessage(req publish.Request, p model.Post) string {
	switch req.Mode {
	case publish.ModeNow:
		return "Publishing now. The status below updates as each channel answers."
	case publish.ModeQueue:
		for _, t := range p.Targets {
			if !t.ScheduledAt.IsZero() && t.Queued {
				return "Added to the queue: first out " + localTime(t.ScheduledAt, zoneName(t.TimeZone)) + "."
			}
		}
		return "Added to the queue."
	}
	return "Scheduled for " + localTime(req.At, zoneName(req.Zone)) + "."
}
