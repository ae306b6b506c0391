package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// The inbox's batch writes do the same on both databases (SQLite runs
// one prepared statement per row, PostgreSQL multi-row statements): a
// conversation or message already stored is skipped and reported as
// such, a contact whose handle another poller added meanwhile is removed
// again, bumps and rule changes land on the right rows, and rule actions
// are logged with their undo.
func TestInboxBatchWrites(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		ws, chans, _ := metricFixture(t, s, at, 0)
		conv := func(root string) model.Conversation {
			return model.Conversation{ID: ids.New(), WorkspaceID: ws, ChannelID: chans[0], Kind: model.ConvComments, RootRemoteID: root,
				Status: model.ConvDone, LastMessageAt: at, CreatedAt: at, UpdatedAt: at}
		}
		first := []model.Conversation{conv("post-1"), conv("post-2")}
		var made map[string]bool
		tx(t, s, func(tx *Tx) (err error) { made, err = tx.InsertConversations(ctx, first); return err })
		if !made["post-1"] || !made["post-2"] {
			t.Fatalf("new conversations reported %v", made)
		}
		again := []model.Conversation{conv("post-2"), conv("post-3")}
		tx(t, s, func(tx *Tx) (err error) { made, err = tx.InsertConversations(ctx, again); return err })
		if made["post-2"] || !made["post-3"] {
			t.Fatalf("a root stored already must be reported as not made: %v", made)
		}
		var refs map[string]model.Conversation
		tx(t, s, func(tx *Tx) (err error) {
			refs, err = tx.ConversationStates(ctx, chans[0], []string{"post-1", "post-2", "post-3", "post-4"})
			return err
		})
		if len(refs) != 3 || refs["post-2"].ID != first[1].ID || refs["post-3"].ID != again[1].ID || refs["post-1"].Status != model.ConvDone ||
			refs["post-1"].WorkspaceID != ws || refs["post-1"].Tags == nil {
			t.Fatalf("states %+v", refs)
		}

		contact := func(handle string) model.Contact {
			return model.Contact{ID: ids.New(), WorkspaceID: ws, Name: handle, CreatedAt: at, UpdatedAt: at,
				Handles: []model.ContactHandle{{Network: "fake", RemoteID: handle, Handle: handle}}}
		}
		theirs, mine, bob := contact("ann"), contact("ann"), contact("bob")
		var taken []string
		tx(t, s, func(tx *Tx) (err error) { taken, err = tx.InsertContacts(ctx, []model.Contact{theirs}); return err })
		if len(taken) != 0 {
			t.Fatalf("a new handle reported taken: %v", taken)
		}
		// Another poller added ann meanwhile: her new contact goes again.
		tx(t, s, func(tx *Tx) (err error) {
			taken, err = tx.InsertContacts(ctx, []model.Contact{mine, bob})
			return err
		})
		if !reflect.DeepEqual(taken, []string{"ann"}) {
			t.Fatalf("taken %v, want ann", taken)
		}
		if _, err := s.Read().Contact(ctx, ws, mine.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the contact whose handle was taken is still there (%v)", err)
		}
		known, err := s.Read().AuthorContacts(ctx, ws, "fake", []string{"ann", "bob", "cy"})
		if err != nil || len(known) != 2 || known["ann"].ID != theirs.ID || known["bob"].ID != bob.ID || known["bob"].Name != "bob" ||
			known["bob"].VIP || known["bob"].Followers != -1 {
			t.Fatalf("handles %+v (%v)", known, err)
		}

		msg := func(remote string) model.InboxMessage {
			return model.InboxMessage{ID: ids.New(), ConversationID: first[0].ID, WorkspaceID: ws, ChannelID: chans[0], RemoteID: remote,
				Kind: model.MsgComment, Direction: "in", Author: "a", Text: "hello " + remote, Reasons: []string{}, CreatedAt: at, ReceivedAt: at}
		}
		var fresh map[string]bool
		tx(t, s, func(tx *Tx) (err error) {
			fresh, err = tx.InsertMessages(ctx, []model.InboxMessage{msg("m1"), msg("m2")})
			return err
		})
		tx(t, s, func(tx *Tx) (err error) {
			fresh, err = tx.InsertMessages(ctx, []model.InboxMessage{msg("m2"), msg("m3")})
			return err
		})
		if !reflect.DeepEqual(fresh, map[string]bool{"m3": true}) {
			t.Fatalf("fresh %v, want only m3", fresh)
		}

		later := at.Add(time.Hour)
		tx(t, s, func(tx *Tx) error {
			return tx.BumpConversations(ctx, []ConversationBump{{ID: first[0].ID, LastMessageAt: later, Unread: 2, InboundAt: later},
				{ID: first[1].ID, LastMessageAt: at.Add(-time.Hour)}}, later)
		})
		c0, err := s.Read().ConversationByID(ctx, ws, first[0].ID)
		if err != nil || c0.Unread != 2 || c0.Status != model.ConvOpen || !c0.LastMessageAt.Equal(later) || !c0.AwaitingSince.Equal(later) {
			t.Fatalf("bumped by inbound messages: %+v %v", c0, err)
		}
		c1, err := s.Read().ConversationByID(ctx, ws, first[1].ID)
		if err != nil || c1.Unread != 0 || c1.Status != model.ConvDone || !c1.LastMessageAt.Equal(at) {
			t.Fatalf("an older message without inbound words changes nothing but the time: %+v %v", c1, err)
		}

		// An open conversation is bumped without touching its status.
		tx(t, s, func(tx *Tx) error {
			return tx.BumpConversations(ctx, []ConversationBump{{ID: first[0].ID, LastMessageAt: later.Add(time.Minute), Unread: 1,
				InboundAt: later.Add(time.Minute)}}, later)
		})
		c0, err = s.Read().ConversationByID(ctx, ws, first[0].ID)
		if err != nil || c0.Unread != 3 || c0.Status != model.ConvOpen || !c0.LastMessageAt.Equal(later.Add(time.Minute)) ||
			!c0.AwaitingSince.Equal(later) {
			t.Fatalf("an open conversation bumped again: %+v %v", c0, err)
		}

		rc, err := s.Read().ConversationStates(ctx, chans[0], []string{"post-1", "post-2"})
		if err != nil || len(rc) != 2 || rc["post-1"].Status != model.ConvOpen || len(rc["post-1"].Tags) != 0 {
			t.Fatalf("rule conversations %+v %v", rc, err)
		}
		c := rc["post-1"]
		c.Tags, c.Priority, c.AssigneeID, c.Status, c.ResolvedAt = []string{"support", "vip"}, 2, "user-1", model.ConvDone, later
		tx(t, s, func(tx *Tx) error { return tx.UpdateRuleConversations(ctx, []model.Conversation{c}, later) })
		rc, err = s.Read().ConversationStates(ctx, chans[0], []string{"post-1"})
		got := rc["post-1"]
		if err != nil || !reflect.DeepEqual(got.Tags, c.Tags) || got.Priority != 2 || got.AssigneeID != "user-1" || got.Status != model.ConvDone ||
			!got.ResolvedAt.Equal(later) {
			t.Fatalf("after a rule's changes: %+v %v", got, err)
		}
		// Tags and priority alone, on the state as read back.
		got.Tags, got.Priority = []string{"support"}, 0
		tx(t, s, func(tx *Tx) error { return tx.UpdateRuleConversations(ctx, []model.Conversation{got}, later) })
		rc, err = s.Read().ConversationStates(ctx, chans[0], []string{"post-1"})
		if again := rc["post-1"]; err != nil || !reflect.DeepEqual(again.Tags, []string{"support"}) || again.Priority != 0 ||
			again.AssigneeID != "user-1" || again.Status != model.ConvDone || !again.ResolvedAt.Equal(later) {
			t.Fatalf("after changing tags and priority only: %+v %v", again, err)
		}
		if full, _ := s.Read().ConversationByID(ctx, ws, first[0].ID); full.Unread != 3 || full.RootRemoteID != "post-1" {
			t.Fatalf("a rule's update touched more than it changed: %+v", full)
		}

		stored, err := s.Read().RecentInbound(ctx, ws, at.Add(-time.Hour), time.Time{}, "", 10)
		if err != nil || len(stored) != 3 {
			t.Fatalf("stored messages %d (%v)", len(stored), err)
		}
		recs := []model.RuleActionRecord{
			{ID: ids.New(), WorkspaceID: ws, RuleID: "r1", MessageID: stored[0].ID, Action: model.RuleAction{Type: model.RuleTag, Tags: []string{"x"}},
				Undo: &model.RuleUndo{ConversationID: first[0].ID, RemoveTags: []string{"x"}}, CreatedAt: later},
			{ID: ids.New(), WorkspaceID: ws, RuleID: "r1", MessageID: stored[0].ID, Action: model.RuleAction{Type: model.RuleNotify}, CreatedAt: later},
		}
		tx(t, s, func(tx *Tx) error { return tx.InsertRuleActions(ctx, recs) })
		logged, err := s.Read().MessageRuleActions(ctx, stored[0].ID)
		if err != nil || len(logged) != 2 {
			t.Fatalf("rule actions %+v %v", logged, err)
		}
		for _, l := range logged {
			if l.ID == recs[0].ID && (l.Undo == nil || !reflect.DeepEqual(l.Undo.RemoveTags, []string{"x"})) {
				t.Fatalf("the tag's undo was lost: %+v", l)
			}
		}
	})
}
