package api

import (
	"errors"
	"time"

	"herald/internal/publish"
	"herald/internal/schedule"
)

// scheduleInput is the body of POST …/posts/{id}/schedule.
type scheduleInput struct {
	Mode          string   `json:"mode"`
	At            string   `json:"at"`
	Date          string   `json:"date"`
	Time          string   `json:"time"`
	Zone          string   `json:"zone"`
	OffsetSeconds *int     `json:"offset_seconds"`
	Channels      []string `json:"channels"`
	ConfirmPaused bool     `json:"confirm_paused"`
}

// postSchedule plans a post: now, into the channels' queues, or at an
// instant given in RFC 3339 or as a local date and time in a zone. A local
// time that a clock change skips or repeats is a 400 naming the field
// "time", with the instants to choose from in the problem's options.
func (s *server) postSchedule(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	var in scheduleInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	req := publish.Request{Mode: publish.Mode(in.Mode), Zone: in.Zone, Channels: in.Channels, ConfirmPaused: in.ConfirmPaused}
	if req.Mode == publish.ModeAt {
		if req.At, err = in.instant(time.Now()); err != nil {
			return reply{}, timeProblem(err)
		}
	}
	// The quota check comes first so that it does not count this post's
	// own new times; it only advises, so a failure to check is logged and
	// the schedule goes ahead (an invalid request fails in Schedule below).
	warnings, werr := s.d.Publish.QuotaWarnings(c.ctx(), c.actor, ws, id, req)
	p, err := s.d.Publish.Schedule(c.ctx(), c.actor, ws, id, req)
	if err != nil {
		return reply{}, err
	}
	if werr != nil {
		s.log.Warn("quota warnings", "post_id", id, "err", werr)
	}
	if warnings == nil {
		warnings = []string{}
	}
	return ok(scheduledView{postView: viewPost(p), Warnings: warnings}), nil
}

// scheduledView is the post as scheduled, with what the network will do
// about posts beyond its known caps.
type scheduledView struct {
	postView
	Warnings []string `json:"warnings"`
}

// instant reads the time to schedule at.
func (in scheduleInput) instant(now time.Time) (time.Time, error) {
	if in.At != "" {
		if in.Date != "" || in.Time != "" {
			return time.Time{}, invalidField("at", "give either at, or date and time with zone, not both")
		}
		t, err := time.Parse(time.RFC3339, in.At)
		if err != nil {
			return t, invalidField("at", "is not an RFC 3339 date-time such as 2026-12-01T09:30:00+01:00")
		}
		return t, nil
	}
	if in.Date == "" && in.Time == "" {
		return time.Time{}, invalidField("at", "is required for mode at (or give date, time and zone)")
	}
	var t time.Time
	var err error
	if in.OffsetSeconds != nil {
		t, err = schedule.ResolveWithOffset(in.Date, in.Time, in.Zone, *in.OffsetSeconds)
	} else {
		t, err = schedule.Resolve(in.Date, in.Time, in.Zone)
	}
	if err == nil && t.Before(now.Add(-time.Minute)) {
		err = schedule.NotInPast(t, now)
	}
	return t, err
}

// timeProblem turns a refused time into its problem, adding the instants
// to choose from.
func timeProblem(err error) error {
	var te *schedule.TimeError
	if !errors.As(err, &te) {
		return err
	}
	p, _ := fromDomain(te)
	if len(te.Options) > 0 {
		p.Options = viewTimeOptions(te.Options)
	}
	return p
}
