package calendar

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// ErrNoFeed is the answer to any feed URL that does not work: unknown,
// revoked or malformed token, or a person who lost access. It says nothing
// more, on purpose.
var ErrNoFeed = errors.New("calendar: no such feed")

// feedStatuses are the targets a feed lists.
var feedStatuses = []model.TargetStatus{model.TargetScheduled, model.TargetPublishing, model.TargetPublished, model.TargetPaused,
	model.TargetMissed}

// CreateFeed makes a private iCalendar feed of the workspace's posts for
// the caller and returns its token, shown this once in the feed's URL.
func (s *Service) CreateFeed(ctx context.Context, a model.Actor, workspaceID, name string) (model.ICalFeed, string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return model.ICalFeed{}, "", err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Calendar feed"
	}
	if utf8.RuneCountInString(name) > 60 {
		return model.ICalFeed{}, "", model.Invalid("name", "keep the feed's name under 60 characters")
	}
	token := secret.Token()
	f := model.ICalFeed{ID: ids.New(), WorkspaceID: workspaceID, UserID: a.UserID, Name: name, CreatedAt: s.now().UTC()}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateICalFeed(ctx, f, secret.Hash(token)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "calendar.feed.create", "ical_feed", f.ID, workspaceID, map[string]any{"name": name})
	})
	return f, token, err
}

// Feeds lists the caller's feeds of the workspace.
func (s *Service) Feeds(ctx context.Context, a model.Actor, workspaceID string) ([]model.ICalFeed, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	return s.Store.Read().ICalFeeds(ctx, workspaceID, a.UserID)
}

// RevokeFeed stops one of the caller's feeds; its URL answers nothing from
// then on.
func (s *Service) RevokeFeed(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeICalFeed(ctx, workspaceID, a.UserID, id, s.now()); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no live feed of yours with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "calendar.feed.revoke", "ical_feed", id, workspaceID, nil)
	})
}

// FeedCalendar renders the iCalendar document of the feed with token: the
// workspace's posts from 30 days ago to 180 days ahead and its calendar
// entries, as its owner may see them now.
func (s *Service) FeedCalendar(ctx context.Context, token string) ([]byte, error) {
	if len(token) < 20 || len(token) > 100 {
		return nil, ErrNoFeed
	}
	f, err := s.Store.Read().ICalFeedByTokenHash(ctx, secret.Hash(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoFeed
	} else if err != nil {
		return nil, err
	}
	owner := model.Actor{UserID: f.UserID, Via: "ical"}
	if _, err := s.Workspaces.Authorize(ctx, owner, f.WorkspaceID, model.ActPostView); err != nil {
		return nil, ErrNoFeed // they left the workspace or lost access
	}
	now := s.now().UTC()
	if f.LastUsedAt.Before(now.Add(-time.Hour)) {
		if err := s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.TouchICalFeed(ctx, f.ID, now) }); err != nil {
			return nil, err
		}
	}
	entries, err := s.Store.Read().CalendarEntries(ctx, f.WorkspaceID, now.AddDate(0, 0, -30), now.AddDate(0, 0, 180))
	if err != nil {
		return nil, err
	}
	chans, err := s.Channels.List(ctx, owner, f.WorkspaceID)
	if err != nil {
		return nil, err
	}
	notes, err := s.Store.Read().CalendarEntriesBetween(ctx, f.WorkspaceID, now.AddDate(0, 0, -30).Format(time.DateOnly),
		now.AddDate(0, 0, 180).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Herald//Content calendar//EN")
	cal.SetXWRCalName("Herald: " + f.Name)
	cal.SetRefreshInterval("PT1H")
	base := strings.TrimRight(s.BaseURL, "/")
	for _, e := range entries {
		if !slices.Contains(feedStatuses, e.Target.Status) {
			continue
		}
		t := e.Target
		at := t.ScheduledAt
		if !t.PublishedAt.IsZero() {
			at = t.PublishedAt
		}
		c := channelOf(chans, t.ChannelID)
		ev := cal.AddEvent(t.ID + "@herald")
		ev.SetDtStampTime(now)
		ev.SetStartAt(at.UTC())
		ev.SetEndAt(at.UTC().Add(15 * time.Minute))
		ev.SetSummary(fmt.Sprintf("[%s] %s", c.Name, shorten(e.Text, 60)))
		ev.SetDescription(fmt.Sprintf("%s\n\nChannel: %s (%s)\nStatus: %s", e.Text, c.Name, c.Network, t.Status))
		ev.SetURL(base + "/w/" + f.WorkspaceID + "/posts/" + t.PostID + "/edit")
		if t.Status == model.TargetPublished {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		} else {
			ev.SetStatus(ics.ObjectStatusTentative)
		}
	}
	for _, n := range notes {
		from, err1 := time.Parse(time.DateOnly, n.Starts)
		to, err2 := time.Parse(time.DateOnly, n.Ends)
		if err1 != nil || err2 != nil {
			continue
		}
		ev := cal.AddEvent(n.ID + "@herald")
		ev.SetDtStampTime(now)
		ev.SetAllDayStartAt(from)
		ev.SetAllDayEndAt(to.AddDate(0, 0, 1)) // the end is exclusive
		ev.SetSummary(strings.ToUpper(n.Kind[:1]) + n.Kind[1:] + ": " + n.Title)
		if n.Note != "" {
			ev.SetDescription(n.Note)
		}
	}
	return []byte(cal.Serialize()), nil
}
