package notify

import (
	"context"
	"fmt"
	"strings"

	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// Message is a notification for chosen people (an approver whose step
// it is, someone mentioned, a card's assignee), not for the workspace's
// managers the way publishing problems are.
type Message struct {
	Kind        model.NotificationKind
	WorkspaceID string
	UserIDs     []string // each told once; people no longer members are skipped
	Subject     string   // the e-mail's subject
	Text        string   // the one line shown in the notification centre
	Link        string   // a path on this Herald
	PostID      string
}

// Tell records m for its people inside tx and enqueues their e-mails by
// each person's choice (instant; digest and off wait for the digest or
// stay in-app). Only current members of the workspace are told.
func (s *Service) Tell(ctx context.Context, tx *store.Tx, m Message) error {
	members, err := tx.ListMembers(ctx, m.WorkspaceID)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, id := range m.UserIDs {
		want[id] = true
	}
	var people []model.Member
	for _, mem := range members {
		if want[mem.UserID] {
			delete(want, mem.UserID)
			people = append(people, mem)
		}
	}
	if len(people) == 0 {
		return nil
	}
	mail := s.Mail != nil && s.Mail.Configured(ctx)
	var prefs map[string]map[string]string
	if mail {
		userIDs := make([]string, len(people))
		for i, p := range people {
			userIDs[i] = p.UserID
		}
		if prefs, err = tx.NotificationPrefs(ctx, userIDs); err != nil {
			return err
		}
	}
	now := s.now()
	for _, p := range people {
		n := model.Notification{ID: ids.New(), UserID: p.UserID, WorkspaceID: m.WorkspaceID, Kind: m.Kind, Text: m.Text,
			Link: m.Link, PostID: m.PostID, CreatedAt: now}
		if err := tx.AddNotification(ctx, n); err != nil {
			return err
		}
		if !mail || modeOf(prefs[p.UserID], m.Kind) != MailInstant {
			continue
		}
		body := fmt.Sprintf("Hello %s,\n\n%s\n\nOpen it in Herald:\n\n%s%s\n", p.Name, m.Text, strings.TrimRight(s.BaseURL, "/"), m.Link)
		job, err := s.Mail.Job(p.Email, m.Subject, body)
		if err != nil {
			s.log().Warn("notification e-mail", "user", p.UserID, "err", err)
			continue
		}
		if err := s.Queue.InsertTx(ctx, tx, job, nil); err != nil {
			return err
		}
	}
	return nil
}

// Excerpt shortens a text to n runes on one line, the way notifications
// quote posts.
func Excerpt(text string, n int) string { return excerpt(text, n) }
