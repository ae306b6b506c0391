package board_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/board"
	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider/fake"
	"herald/internal/store"
	"herald/internal/testenv"
)

// env is an app with an owner, a workspace, and a clock the test moves.
type env struct {
	a     *app.App
	owner model.Actor
	ws    model.Workspace
	now   time.Time
}

func setup(t *testing.T, cfg config.Config) *env {
	t.Helper()
	ctx := context.Background()
	cfg.Roles = []string{"web"}
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	a.Providers.Register(fake.New())
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{a: a, owner: model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"},
		now: time.Date(2027, 5, 10, 9, 0, 0, 0, time.UTC)}
	a.Board.Now = func() time.Time { return e.now }
	if e.ws, err = a.Workspaces.Create(ctx, e.owner, "Acme"); err != nil {
		t.Fatal(err)
	}
	return e
}

// post writes a draft in workspace ws, on a new channel.
func (e *env) post(t *testing.T, ws, text string) model.Post {
	t.Helper()
	ctx := context.Background()
	ch, err := e.a.Channels.Connect(ctx, e.owner, ws, "fake", map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.a.Compose.Create(ctx, e.owner, ws, compose.Draft{Base: model.Content{Text: text}, Channels: []string{ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// member adds a person with role to workspace ws.
func (e *env) member(t *testing.T, email string, role model.Role, ws string) model.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := e.a.Accounts.CreateUser(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: email, Name: strings.Split(email, "@")[0],
		Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	e.join(t, u.ID, role, ws)
	return model.Actor{UserID: u.ID, Email: u.Email, Via: "web"}
}

func (e *env) join(t *testing.T, userID string, role model.Role, ws string) {
	t.Helper()
	ctx := context.Background()
	if err := e.a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.AddMember(ctx, ws, userID, role, time.Now()) }); err != nil {
		t.Fatal(err)
	}
}

func wantInvalid(t *testing.T, what string, err error, field string) {
	t.Helper()
	if model.KindOf(err) != model.KindInvalid || model.AsError(err).Field != field {
		t.Fatalf("%s: %v, want invalid %s", what, err, field)
	}
}

// Cards are checked field by field, move between columns, keep their
// checklists, and every change lands in the audit log.
func TestBoardCards(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		e := setup(t, cfg)
		a, owner, ws := e.a, e.owner, e.ws.ID
		other, err := a.Workspaces.Create(ctx, owner, "Other")
		if err != nil {
			t.Fatal(err)
		}
		stranger := e.member(t, "stranger@example.com", model.RoleEditor, other.ID)
		foreign := e.post(t, other.ID, "Elsewhere")
		b, err := a.Board.Board(ctx, owner, ws)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range b.Columns {
			names = append(names, c.Name)
		}
		if strings.Join(names, ",") != "idea,writing,design,review,ready" || !b.Columns[4].Last {
			t.Fatalf("default columns %v", names)
		}
		for _, c := range []struct {
			in    board.CardInput
			field string
		}{
			{board.CardInput{Title: "  "}, "title"},
			{board.CardInput{Title: strings.Repeat("x", 201)}, "title"},
			{board.CardInput{Title: "x", Due: "next week"}, "due"},
			{board.CardInput{Title: "x", Due: "2027-05-09"}, "due"},
			{board.CardInput{Title: "x", Due: "2027-05-10T08:59"}, "due"},
			{board.CardInput{Title: "x", PostID: foreign.ID}, "post"},
			{board.CardInput{Title: "x", AssigneeID: stranger.UserID}, "assignee"},
			{board.CardInput{Title: "x", ColumnID: "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, "column"},
		} {
			_, err := a.Board.CreateCard(ctx, owner, ws, c.in)
			wantInvalid(t, c.in.Title+"/"+c.in.Due, err, c.field)
		}
		_, err = a.Board.CreateCard(ctx, owner, ws, board.CardInput{Title: "x", AssigneeID: stranger.UserID})
		if !strings.Contains(err.Error(), "is not a member of this workspace") {
			t.Fatalf("non-member assignee: %v", err)
		}
		_, err = a.Board.CreateCard(ctx, owner, ws, board.CardInput{Title: "x", Due: "2027-05-01T10:00"})
		if !strings.Contains(err.Error(), "before the card was created") {
			t.Fatalf("due before creation: %v", err)
		}
		p := e.post(t, ws, "Spring launch")
		first, err := a.Board.CreateCard(ctx, owner, ws, board.CardInput{Title: "Write the launch thread", PostID: p.ID, Due: "2027-05-12"})
		if err != nil {
			t.Fatal(err)
		}
		if first.PostID != p.ID || first.ColumnID != b.Columns[0].ID || first.DueAt != time.Date(2027, 5, 12, 23, 59, 0, 0, time.UTC) {
			t.Fatalf("card %+v", first)
		}
		second, err := a.Board.CreateCard(ctx, owner, ws, board.CardInput{Title: "Shoot photos", ColumnID: b.Columns[2].ID})
		if err != nil {
			t.Fatal(err)
		}
		// Move the first card on top of the second in "design".
		moved, err := a.Board.MoveCard(ctx, owner, ws, first.ID, b.Columns[2].ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if moved.ColumnID != b.Columns[2].ID || moved.Position != 0 {
			t.Fatalf("moved %+v", moved)
		}
		if c, _ := a.Board.Card(ctx, owner, ws, second.ID); c.Position != 1 {
			t.Fatalf("the card below did not shift: %d", c.Position)
		}
		if _, err := a.Board.MoveCard(ctx, owner, ws, first.ID, "nope", 0); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("move to an unknown column: %v", err)
		}
		it, err := a.Board.AddChecklistItem(ctx, owner, ws, first.ID, "Alt text for every image")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Board.AddChecklistItem(ctx, owner, ws, first.ID, " "); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("empty item: %v", err)
		}
		if err := a.Board.SetChecklistItem(ctx, owner, ws, first.ID, it.ID, true); err != nil {
			t.Fatal(err)
		}
		c, _ := a.Board.Card(ctx, owner, ws, first.ID)
		if done, total := c.ChecklistProgress(); done != 1 || total != 1 {
			t.Fatalf("checklist %d/%d", done, total)
		}
		if err := a.Board.SetChecklistItem(ctx, owner, ws, second.ID, it.ID, true); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("ticked through another card: %v", err)
		}
		if err := a.Board.DeleteChecklistItem(ctx, owner, ws, first.ID, it.ID); err != nil {
			t.Fatal(err)
		}
		if err := a.Board.DeleteCard(ctx, owner, other.ID, first.ID); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("deleted through another workspace: %v", err)
		}
		if err := a.Board.DeleteCard(ctx, owner, ws, second.ID); err != nil {
			t.Fatal(err)
		}
		entries, err := a.Store.Read().ListAudit(ctx, model.AuditFilter{WorkspaceID: ws, Action: "board.", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, en := range entries {
			seen[en.Action] = true
		}
		for _, act := range []string{"board.card.create", "board.card.move", "board.checklist.add", "board.checklist.tick",
			"board.checklist.delete", "board.card.delete"} {
			if !seen[act] {
				t.Errorf("no %s in the audit log (%v)", act, seen)
			}
		}
	})
}

// Viewers see the board but change nothing; editors change cards but not
// columns; managers configure columns, and a column with cards stays.
func TestBoardPermissionsAndColumns(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		e := setup(t, cfg)
		a, ws := e.a, e.ws.ID
		viewer := e.member(t, "viewer@example.com", model.RoleViewer, ws)
		editor := e.member(t, "editor@example.com", model.RoleEditor, ws)
		manager := e.member(t, "manager@example.com", model.RoleManager, ws)
		if _, err := a.Board.Board(ctx, viewer, ws); err != nil {
			t.Fatalf("a viewer opens the board: %v", err)
		}
		if _, err := a.Board.CreateCard(ctx, viewer, ws, board.CardInput{Title: "x"}); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("a viewer made a card: %v", err)
		}
		card, err := a.Board.CreateCard(ctx, editor, ws, board.CardInput{Title: "Edit the video"})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Board.DeleteCard(ctx, viewer, ws, card.ID); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("a viewer deleted a card: %v", err)
		}
		if _, err := a.Board.AddColumn(ctx, editor, ws, "Legal"); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("an editor added a column: %v", err)
		}
		legal, err := a.Board.AddColumn(ctx, manager, ws, " Legal ")
		if err != nil || legal.Name != "Legal" || legal.Position != 5 {
			t.Fatalf("add column: %+v %v", legal, err)
		}
		if _, err := a.Board.AddColumn(ctx, manager, ws, "legal"); model.KindOf(err) != model.KindConflict {
			t.Fatalf("a second Legal column: %v", err)
		}
		if _, err := a.Board.RenameColumn(ctx, manager, ws, legal.ID, ""); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("an empty name: %v", err)
		}
		if _, err := a.Board.RenameColumn(ctx, manager, ws, legal.ID, "Legal review"); err != nil {
			t.Fatal(err)
		}
		if err := a.Board.MoveColumn(ctx, manager, ws, legal.ID, 1); err != nil {
			t.Fatal(err)
		}
		cols, _ := a.Board.Columns(ctx, manager, ws)
		if cols[1].ID != legal.ID || cols[1].Name != "Legal review" || cols[5].Name != "ready" || cols[5].Position != 5 {
			t.Fatalf("columns after the move %+v", cols)
		}
		if err := a.Board.DeleteColumn(ctx, manager, ws, card.ColumnID); model.KindOf(err) != model.KindConflict {
			t.Fatalf("deleted a column with a card: %v", err)
		}
		if err := a.Board.DeleteColumn(ctx, manager, ws, legal.ID); err != nil {
			t.Fatal(err)
		}
		if cols, _ = a.Board.Columns(ctx, manager, ws); len(cols) != 5 || cols[1].Name != "writing" || cols[1].Position != 1 {
			t.Fatalf("columns after the delete %+v", cols)
		}
	})
}

// An assignee is told when given a card and, once per due date, when it
// is due within a day; done cards and cards due later are left alone.
func TestBoardReminders(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		e := setup(t, cfg)
		a, owner, ws := e.a, e.owner, e.ws.ID
		bo := e.member(t, "bo@example.com", model.RoleEditor, ws)
		cols, err := a.Board.Columns(ctx, owner, ws)
		if err != nil {
			t.Fatal(err)
		}
		soon, err := a.Board.CreateCard(ctx, owner, ws, board.CardInput{Title: "Caption the reel", AssigneeID: bo.UserID, Due: "2027-05-10T20:00"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Board.CreateCard(ctx, owner, ws, board.CardInput{Title: "Later", AssigneeID: bo.UserID, Due: "2027-05-14"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Board.CreateCard(ctx, owner, ws, board.CardInput{Title: "Already done", AssigneeID: bo.UserID, Due: "2027-05-10T12:00",
			ColumnID: cols[len(cols)-1].ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Board.CreateCard(ctx, owner, ws, board.CardInput{Title: "Nobody's", Due: "2027-05-10T12:00"}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, a, bo, model.NotifyTaskAssigned); n != 3 {
			t.Fatalf("%d assignment notifications, want 3", n)
		}
		if n, err := a.Board.SendReminders(ctx); err != nil || n != 1 {
			t.Fatalf("first run: %d reminders, %v; want 1", n, err)
		}
		if n, _ := a.Board.SendReminders(ctx); n != 0 {
			t.Fatalf("second run reminded %d again", n)
		}
		if n := count(t, a, bo, model.NotifyTaskDue); n != 1 {
			t.Fatalf("%d due notifications, want 1", n)
		}
		// A new due date is a new reminder.
		if _, err := a.Board.UpdateCard(ctx, owner, ws, soon.ID, board.CardInput{Title: soon.Title, AssigneeID: bo.UserID, Due: "2027-05-11T08:00"}); err != nil {
			t.Fatal(err)
		}
		if n, _ := a.Board.SendReminders(ctx); n != 1 {
			t.Fatalf("after a new due date: %d reminders, want 1", n)
		}
		// Reassigning tells the new person, not the one who assigns themselves.
		if _, err := a.Board.UpdateCard(ctx, owner, ws, soon.ID, board.CardInput{Title: soon.Title, AssigneeID: owner.UserID, Due: "2027-05-11T08:00"}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, a, owner, model.NotifyTaskAssigned); n != 0 {
			t.Fatalf("the owner was told of their own assignment %d times", n)
		}
	})
}

func count(t *testing.T, a *app.App, who model.Actor, kind model.NotificationKind) int {
	t.Helper()
	ns, err := a.Notify.List(context.Background(), who, false, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range ns {
		if x.Kind == kind {
			n++
		}
	}
	return n
}

// "My work" lists a person's open cards across workspaces, overdue first,
// then by due date, undated last; done cards and others' cards stay out.
func TestMyWork(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		e := setup(t, cfg)
		a, owner, ws := e.a, e.owner, e.ws.ID
		other, err := a.Workspaces.Create(ctx, owner, "Other")
		if err != nil {
			t.Fatal(err)
		}
		bo := e.member(t, "bo@example.com", model.RoleEditor, ws)
		e.join(t, bo.UserID, model.RoleContributor, other.ID)
		mk := func(wsID, title, due, assignee string) model.BoardCard {
			t.Helper()
			c, err := a.Board.CreateCard(ctx, owner, wsID, board.CardInput{Title: title, Due: due, AssigneeID: assignee})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		mk(ws, "Undated", "", bo.UserID)
		mk(other.ID, "Next week", "2027-05-17", bo.UserID)
		mk(ws, "Tomorrow", "2027-05-11", bo.UserID)
		late := mk(other.ID, "Late", "2027-05-10T10:00", bo.UserID)
		done := mk(ws, "Done", "2027-05-10T10:00", bo.UserID)
		mk(ws, "Not mine", "2027-05-10T10:00", owner.UserID)
		cols, _ := a.Board.Columns(ctx, owner, ws)
		if _, err := a.Board.MoveCard(ctx, owner, ws, done.ID, cols[len(cols)-1].ID, 0); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(2 * time.Hour) // "Late" and "Done" are past due now
		cards, err := a.Board.MyWork(ctx, bo)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, c := range cards {
			titles = append(titles, c.Title)
		}
		if got := strings.Join(titles, ","); got != "Late,Tomorrow,Next week,Undated" {
			t.Fatalf("my work: %s", got)
		}
		if !cards[0].Overdue(e.now) || cards[1].Overdue(e.now) || cards[0].WorkspaceName != "Other" || cards[0].ID != late.ID {
			t.Fatalf("first card %+v", cards[0])
		}
		// Past due but done: not overdue on the board either.
		b, _ := a.Board.Board(ctx, owner, ws)
		if last := b.Columns[len(b.Columns)-1]; len(last.Cards) != 1 || last.Cards[0].Overdue(b.Now) {
			t.Fatalf("done column %+v", last.Cards)
		}
	})
}
