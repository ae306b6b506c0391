package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/board"
	"herald/internal/model"
	"herald/internal/store"
)

// A board card due within a day reminds its assignee by e-mail, delivered
// through the local mailpit peer by the job worker, once.
func TestTaskReminderMail(t *testing.T) {
	mp, why := findMailpit(t)
	if why != "" {
		requireOrSkip(t, why)
	}
	a, _ := startHerald(t)
	ctx := context.Background()
	owner, err := a.Accounts.Setup(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: "owner@example.test", Name: "Olivia Owner", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	actor := model.Actor{UserID: owner.ID, Email: owner.Email, IsAdmin: true, Via: "cli"}
	port, _ := strconv.Atoi(mp.smtpPort)
	if err := a.Mail.SaveSettings(ctx, actor, model.MailSettings{Host: "127.0.0.1", Port: port, From: "herald@example.test", TLS: "none"}); err != nil {
		t.Fatal(err)
	}
	w, err := a.Workspaces.Create(ctx, actor, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	run := strings.ToLower(randomHex(4))
	dan, err := a.Accounts.CreateUser(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: "dan+" + run + "@example.test", Name: "Dan Designer", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.AddMember(ctx, w.ID, dan.ID, model.RoleEditor, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	title := "Design the launch visual " + run
	due := time.Now().Add(5 * time.Hour).UTC().Format(time.RFC3339)
	if _, err := a.Board.CreateCard(ctx, actor, w.ID, board.CardInput{Title: title, AssigneeID: dan.ID, Due: due}); err != nil {
		t.Fatal(err)
	}
	n, err := a.Board.SendReminders(ctx)
	if err != nil || n != 1 {
		t.Fatalf("reminders sent: %d, %v", n, err)
	}
	mail := mp.waitForMailWith(t, dan.Email, title, "is due")
	if !strings.Contains(mail, "/w/"+w.ID+"/board") {
		t.Fatalf("reminder e-mail lacks the board link: %q", mail)
	}
	if n, err := a.Board.SendReminders(ctx); err != nil || n != 0 {
		t.Fatalf("a second run sent %d reminders (%v), want none", n, err)
	}
}
