package inbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"herald/internal/config"
	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
	"herald/internal/testenv"
)

// Service levels: a conversation close to its first-response target warns
// once; the team report counts volume, answers and breaches; bad settings
// are refused with their field.
func TestServiceLevels(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		for _, bad := range []struct {
			st    model.InboxSettings
			field string
		}{
			{model.InboxSettings{Zone: "Mars/Base"}, "zone"},
			{model.InboxSettings{Hours: []model.BusinessHours{{Weekday: 1, From: 600, To: 540}}}, "hours"},
			{model.InboxSettings{FirstResponseMins: -5}, "first_response_mins"},
			{model.InboxSettings{EscalateEmail: "nobody"}, "escalate_email"},
			{model.InboxSettings{ReplyApprovalRoles: []model.Role{"boss"}}, "reply_approval_roles"},
		} {
			_, err := e.a.Inbox.SaveSettings(ctx, e.owner, e.ws, bad.st)
			if me := model.AsError(err); me == nil || me.Field != bad.field {
				t.Fatalf("settings %+v: %v, want an error on %s", bad.st, err, bad.field)
			}
		}
		if _, err := e.a.Inbox.SaveSettings(ctx, e.owner, e.ws, model.InboxSettings{Zone: "Europe/Paris", FirstResponseMins: 60, WarnBeforeMins: 30}); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		items := []provider.Interaction{
			{Kind: "mention", ID: "old", AuthorID: "ada", Author: "@ada", Text: "hello? anyone?", CreatedAt: now.Add(-45 * time.Minute)},
			{Kind: "mention", ID: "new", AuthorID: "bob", Author: "@bob", Text: "hi", CreatedAt: now.Add(-5 * time.Minute)},
		}
		if _, err := e.a.Inbox.Ingest(ctx, inbox.Batch{Channel: e.ch, Items: items}); err != nil {
			t.Fatal(err)
		}
		if n, err := e.a.Inbox.WarnSLA(ctx); err != nil || n != 1 {
			t.Fatalf("first warning round: %d, %v (want the 45-minute-old one only)", n, err)
		}
		if n, _ := e.a.Inbox.WarnSLA(ctx); n != 0 {
			t.Fatalf("warned %d again", n)
		}
		notes, _ := e.a.Notify.List(ctx, e.owner, false, "", 10)
		if len(notes) != 1 || notes[0].Kind != model.NotifyInboxSLA {
			t.Fatalf("owner's notifications: %+v", notes)
		}
		// A 30-minute resolution target warns 10 minutes ahead: the
		// 45-minute-old conversation, once.
		if _, err := e.a.Inbox.SaveSettings(ctx, e.owner, e.ws, model.InboxSettings{Zone: "Europe/Paris", FirstResponseMins: 60,
			ResolutionMins: 30, WarnBeforeMins: 10}); err != nil {
			t.Fatal(err)
		}
		if n, err := e.a.Inbox.WarnSLA(ctx); err != nil || n != 1 {
			t.Fatalf("resolution warnings: %d, %v (want the 45-minute-old one only)", n, err)
		}
		if n, _ := e.a.Inbox.WarnSLA(ctx); n != 0 {
			t.Fatalf("resolution warned %d again", n)
		}
		if notes, _ = e.a.Notify.List(ctx, e.owner, false, "", 10); len(notes) != 2 || !strings.Contains(notes[0].Text+notes[1].Text, "resolution target") {
			t.Fatalf("owner's notifications after the resolution warning: %+v", notes)
		}
		r, err := e.a.Inbox.TeamReport(ctx, e.owner, e.ws, now.Add(-24*time.Hour), now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if r.Conversations != 2 || r.Messages != 2 || r.Answered != 0 || r.Breached != 0 || len(r.ByChannel) != 1 {
			t.Fatalf("report: %+v", r)
		}
		if _, err := e.a.Inbox.TeamReport(ctx, e.owner, e.ws, now, now.Add(-time.Hour)); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("a backwards period: %v", err)
		}
	})
}

// Saved replies refuse unknown variables; contacts merge, export and
// erase (GDPR), and an erased contact's messages are gone.
func TestSavedRepliesAndContacts(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		if _, err := e.a.Inbox.SaveReply(ctx, e.owner, e.ws, model.SavedReply{Name: "Thanks", Body: "Thanks {{nmae}}!"}); model.AsError(err) == nil || !strings.Contains(err.Error(), "{{nmae}}") {
			t.Fatalf("unknown variable: %v", err)
		}
		r, err := e.a.Inbox.SaveReply(ctx, e.owner, e.ws, model.SavedReply{Name: "Thanks", Body: "Thanks {{name}}, from {{channel}}!"})
		if err != nil {
			t.Fatal(err)
		}
		if got := inbox.Expand(r.Body, map[string]string{"name": "Ada", "channel": "Acme"}); got != "Thanks Ada, from Acme!" {
			t.Fatalf("expanded: %q", got)
		}
		at := time.Now().UTC().Add(-time.Hour)
		items := []provider.Interaction{
			{Kind: "mention", ID: "a1", AuthorID: "ada-1", Author: "@ada", Text: "first account", CreatedAt: at},
			{Kind: "mention", ID: "a2", AuthorID: "ada-2", Author: "@ada_alt", Text: "second account", CreatedAt: at},
			{Kind: "reply", ID: "b1", ParentID: "a1", RootID: "a1", AuthorID: "bob", Author: "@bob", Text: "me too", CreatedAt: at},
		}
		if _, err := e.a.Inbox.Ingest(ctx, inbox.Batch{Channel: e.ch, Items: items}); err != nil {
			t.Fatal(err)
		}
		msgs := e.messages("a1", "a2")
		into, from := msgs["a1"].ContactID, msgs["a2"].ContactID
		if err := e.a.Inbox.MergeContacts(ctx, e.owner, e.ws, into, into); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("merge with itself: %v", err)
		}
		if err := e.a.Inbox.MergeContacts(ctx, e.owner, e.ws, into, from); err != nil {
			t.Fatal(err)
		}
		keptAbout(t, e, msgs["a1"])
		ex, err := e.a.Inbox.ExportContact(ctx, e.owner, e.ws, into)
		if err != nil || len(ex.Messages) != 2 || len(ex.Contact.Handles) != 2 || len(ex.Replies) != 1 {
			t.Fatalf("export: %d messages, %d handles, %d replies, %v", len(ex.Messages), len(ex.Contact.Handles), len(ex.Replies), err)
		}
		if err := e.a.Inbox.EraseContact(ctx, e.owner, e.ws, into); err != nil {
			t.Fatal(err)
		}
		if left := e.messages("a1", "a2", "our-answer"); len(left) != 0 {
			t.Fatalf("after erasure %d of their messages and our answer remain", len(left))
		}
		erasedAbout(t, e, msgs["a1"], msgs["a2"])
		if _, err := e.a.Inbox.Contact(ctx, e.owner, e.ws, into); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("erased contact: %v", err)
		}
	})
}

// keptAbout stores what Herald keeps about a message's author besides
// the message: our answer, a rule's action on it, an automatic reply.
func keptAbout(t *testing.T, e *env, m model.InboxMessage) {
	ctx := context.Background()
	err := e.a.Store.InTx(ctx, func(tx *store.Tx) error {
		answer := model.InboxMessage{ID: ids.New(), ConversationID: m.ConversationID, WorkspaceID: e.ws, ChannelID: e.ch.ID,
			RemoteID: "our-answer", ParentRemoteID: m.RemoteID, Kind: model.MsgReply, Direction: "out", Author: "@acme",
			Text: "Thanks Ada!", State: "sent", CreatedAt: m.CreatedAt, ReceivedAt: m.CreatedAt}
		if _, err := tx.InsertMessages(ctx, []model.InboxMessage{answer}); err != nil {
			return err
		}
		if err := tx.InsertRuleActions(ctx, []model.RuleActionRecord{{ID: ids.New(), WorkspaceID: e.ws, RuleID: "rule",
			MessageID: m.ID, Action: model.RuleAction{Type: model.RuleTag, Tags: []string{"ada"}}, CreatedAt: m.CreatedAt}}); err != nil {
			return err
		}
		_, err := tx.ClaimAutoReply(ctx, m.ConversationID, m.AuthorRemoteID, "rule", time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// erasedAbout checks that an erased author's traces are gone: the rule
// actions and automatic replies, the text of the conversation they
// started (which keeps the others' messages), and the conversation that
// only they wrote in.
func erasedAbout(t *testing.T, e *env, kept, alone model.InboxMessage) {
	ctx := context.Background()
	q := e.a.Store.Read()
	if acts, err := q.MessageRuleActions(ctx, kept.ID); err != nil || len(acts) != 0 {
		t.Fatalf("rule actions on an erased message: %v, %v", acts, err)
	}
	if n, err := q.AutoRepliesSince(ctx, e.ws, time.Now().Add(-24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("automatic replies to an erased author: %d, %v", n, err)
	}
	if c := e.conversation(kept.ConversationID); c.RootText != "" || c.ContactID != "" {
		t.Fatalf("the conversation they started keeps %q, contact %q", c.RootText, c.ContactID)
	}
	if left := e.messages("b1"); len(left) != 1 {
		t.Fatal("another author's reply went with the erased contact")
	}
	if _, err := q.ConversationByID(ctx, e.ws, alone.ConversationID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a conversation only they wrote in: %v", err)
	}
}
