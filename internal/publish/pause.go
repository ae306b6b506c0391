package publish

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/store"
)

// Pauses lists a workspace's pauses (the whole workspace, or channels).
func (s *Service) Pauses(ctx context.Context, a model.Actor, workspaceID string) ([]model.Pause, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActWorkspaceView); err != nil {
		return nil, err
	}
	return s.Store.Read().Pauses(ctx, workspaceID)
}

// Pause stops publishing for the workspace (channelID "") or one channel:
// scheduled targets become paused and nothing goes out until someone
// resumes. A reason is required so everyone sees why.
func (s *Service) Pause(ctx context.Context, a model.Actor, workspaceID, channelID, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return model.Invalid("reason", "say why publishing is paused (up to 500 characters); everyone in the workspace sees it")
	}
	if channelID != "" {
		if err := s.channelOf(ctx, a, workspaceID, channelID); err != nil {
			return err
		}
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPublishPause); err != nil {
			return err
		}
		now := s.now()
		if err := tx.SetPause(ctx, model.Pause{WorkspaceID: workspaceID, ChannelID: channelID, Reason: reason, PausedBy: label(a), PausedAt: now}); err != nil {
			return err
		}
		targets, err := tx.TargetsWithStatus(ctx, workspaceID, channelID, model.TargetScheduled)
		if err != nil {
			return err
		}
		for _, t := range targets {
			if err := tx.SetTargetStatus(ctx, t.ID, model.TargetPaused, []model.TargetStatus{model.TargetScheduled}, now); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return audit.Record(ctx, tx, a, "publish.pause", "workspace", workspaceID, workspaceID, map[string]any{"channel": channelID, "reason": reason,
			"targets": len(targets)})
	})
}

// ResumeChoice says what happens to a paused target on resume.
type ResumeChoice string

// Resume choices.
const (
	ResumeNow    ResumeChoice = "now"    // publish right away
	ResumeShift  ResumeChoice = "shift"  // move its time by the length of the pause
	ResumeReview ResumeChoice = "review" // leave it paused for a person to reschedule
)

// Resume ends a pause. Each paused target under it gets choices[id], or
// def when it has none.
func (s *Service) Resume(ctx context.Context, a model.Actor, workspaceID, channelID string, def ResumeChoice, choices map[string]ResumeChoice) error {
	for _, c := range append([]ResumeChoice{def}, values(choices)...) {
		if c != ResumeNow && c != ResumeShift && c != ResumeReview {
			return model.Invalid("choice", "%q is not a choice; one of now, shift, review", c)
		}
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPublishPause); err != nil {
			return err
		}
		pauses, err := tx.Pauses(ctx, workspaceID)
		if err != nil {
			return err
		}
		var pz *model.Pause
		for i := range pauses {
			if pauses[i].ChannelID == channelID {
				pz = &pauses[i]
			}
		}
		if pz == nil {
			return model.NotFound("publishing is not paused there")
		}
		if err := tx.DeletePause(ctx, workspaceID, channelID); err != nil {
			return err
		}
		// Targets stay paused while another pause still covers them.
		rest := pauses[:0:0]
		for _, p := range pauses {
			if p.ChannelID != channelID {
				rest = append(rest, p)
			}
		}
		now := s.now()
		length := now.Sub(pz.PausedAt)
		targets, err := tx.TargetsWithStatus(ctx, workspaceID, channelID, model.TargetPaused)
		if err != nil {
			return err
		}
		for _, t := range targets {
			if _, still := pausedFor(rest, t.ChannelID); still {
				continue
			}
			choice := def
			if c, ok := choices[t.ID]; ok {
				choice = c
			}
			if err := s.resumeTarget(ctx, tx, workspaceID, t, choice, length, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, a, "publish.resume", "workspace", workspaceID, workspaceID, map[string]any{"channel": channelID, "choice": def})
	})
}

func (s *Service) resumeTarget(ctx context.Context, tx *store.Tx, workspaceID string, t model.Target, choice ResumeChoice, length time.Duration, now time.Time) error {
	var at time.Time
	switch choice {
	case ResumeReview:
		return nil
	case ResumeNow:
		at = now
	case ResumeShift:
		at = t.ScheduledAt.Add(length)
		if at.Before(now) {
			at = now
		}
	}
	return s.plan(ctx, tx, workspaceID, t, at, t.TimeZone, t.Queued)
}

func values(m map[string]ResumeChoice) []ResumeChoice {
	out := make([]ResumeChoice, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func (s *Service) channelOf(ctx context.Context, a model.Actor, workspaceID, channelID string) error {
	chans, err := s.Channels.List(ctx, a, workspaceID)
	if err != nil {
		return err
	}
	for _, c := range chans {
		if c.ID == channelID {
			return nil
		}
	}
	return model.NotFound("no channel with that ID in this workspace")
}

func label(a model.Actor) string {
	if a.Email != "" {
		return a.Email
	}
	return "command line"
}
