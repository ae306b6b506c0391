package discussion

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"herald/internal/model"
	"herald/internal/store"
)

// Event is one line of a post's activity history.
type Event struct {
	At      time.Time
	Who     string // a person's name or e-mail, or "Herald" for the publisher
	Kind    string // created, edited, submitted, approved, rejected, changes, scheduled, cancelled, commented, published, failed, ...
	Text    string
	Channel string // the channel's name for publishing events
}

// Activity is a post's history, newest first: edits, approval, scheduling
// and comments from the audit log, and every publishing attempt's outcome.
func (s *Service) Activity(ctx context.Context, a model.Actor, workspaceID, postID string) ([]Event, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	q := s.Store.Read()
	p, err := q.PostByID(ctx, workspaceID, postID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, model.NotFound("no post with that ID in this workspace")
	} else if err != nil {
		return nil, err
	}
	entries, err := q.ListAudit(ctx, model.AuditFilter{WorkspaceID: workspaceID, ObjectType: "post", ObjectID: postID, Limit: 500})
	if err != nil {
		return nil, err
	}
	names, err := memberNames(ctx, q, workspaceID)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, e := range entries {
		if ev, ok := fromAudit(e, names); ok {
			out = append(out, ev)
		}
	}
	chans, err := q.ListChannels(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	chanName := map[string]string{}
	for _, c := range chans {
		chanName[c.ID] = c.Name
	}
	for _, t := range p.Targets {
		attempts, err := q.Attempts(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		for _, at := range attempts {
			out = append(out, fromAttempt(at, chanName[t.ChannelID]))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out, nil
}

func memberNames(ctx context.Context, q *store.Queries, workspaceID string) (map[string]string, error) {
	members, err := q.ListMembers(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, m := range members {
		out[m.UserID] = m.Name
	}
	return out, nil
}

// auditTexts turns audit actions into history lines; details fill the %s.
var auditTexts = map[string]struct{ kind, text string }{
	"post.create":      {"created", "Created the post"},
	"post.update":      {"edited", "Edited the post (version %v)"},
	"post.schedule":    {"scheduled", "Scheduled it (%v) for %v"},
	"post.cancel":      {"cancelled", "Cancelled publishing"},
	"post.series":      {"edited", "Changed how it repeats"},
	"post.comment":     {"commented", "Commented"},
	"approval.submit":  {"submitted", "Sent version %v for approval"},
	"approval.approve": {"approved", "Approved step %v (version %v)"},
	"approval.reject":  {"rejected", "Rejected it: %v"},
	"approval.changes": {"changes", "Asked for changes: %v"},
	"review.invite":    {"submitted", "Invited an external reviewer: %v"},
	"review.revoke":    {"edited", "Revoked an external reviewer's link"},
}

func fromAudit(e model.AuditEntry, names map[string]string) (Event, bool) {
	t, ok := auditTexts[e.Action]
	if !ok {
		return Event{}, false
	}
	var d map[string]any
	_ = json.Unmarshal([]byte(e.Details), &d) // details are Herald's own JSON; a bad one shows without them
	var args []any
	switch e.Action {
	case "post.update":
		args = []any{d["version"]}
	case "post.schedule":
		args = []any{d["mode"], d["at"]}
	case "approval.submit":
		args = []any{d["version"]}
	case "approval.approve":
		args = []any{d["step"], d["version"]}
	case "approval.reject", "approval.changes":
		args = []any{d["reason"]}
	case "review.invite":
		args = []any{d["name"]}
	}
	who := names[e.ActorID]
	if who == "" {
		who = e.ActorLabel
	}
	if by, ok := d["by"].(string); ok && by != "" {
		who = by
	}
	return Event{At: e.At, Who: who, Kind: t.kind, Text: fmt.Sprintf(t.text, args...)}, true
}

func fromAttempt(at model.Attempt, channel string) Event {
	text := "Publishing attempt: " + at.Outcome
	switch at.Outcome {
	case "published":
		text = "Published"
	case "reconciled":
		text = "Found on the network and marked published"
	}
	if at.Message != "" {
		text += ": " + at.Message
	}
	return Event{At: at.StartedAt, Who: "Herald", Kind: at.Outcome, Text: text, Channel: channel}
}
