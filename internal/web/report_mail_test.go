package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/model"
	"herald/internal/report"
	"herald/internal/store"
)

// mailpitMessage is a message as mailpit's API shows it.
type mailpitMessage struct {
	ID          string
	Subject     string
	Text        string
	Attachments []struct {
		PartID      string
		FileName    string
		ContentType string
	}
}

// A due report schedule e-mails the PDF report through the job worker,
// and it arrives in the local mailpit peer, once, with the PDF attached.
func TestScheduledReportMail(t *testing.T) {
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
	run := strings.ToLower(randomHex(4))
	w, err := a.Workspaces.Create(ctx, actor, "Report Co "+run)
	if err != nil {
		t.Fatal(err)
	}
	to := "client+" + run + "@example.test"
	sc, err := a.Reports.CreateSchedule(ctx, actor, w.ID, report.ScheduleInput{Name: "Weekly " + run, Frequency: "weekly", Weekday: "monday",
		Hour: 9, Zone: "Europe/Berlin", Recipients: []string{to}})
	if err != nil {
		t.Fatal(err)
	}
	// Due a minute ago, as if its Monday 9:00 had just passed.
	sc.NextAt = time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	if err := a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateReportSchedule(ctx, sc) }); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Reports.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	msg := mp.waitForReport(t, to)
	if !strings.Contains(msg.Subject, "Report Co "+run) || !strings.Contains(msg.Text, "analytics report of Report Co "+run) {
		t.Errorf("subject %q, text %q", msg.Subject, msg.Text)
	}
	if len(msg.Attachments) != 1 || msg.Attachments[0].ContentType != "application/pdf" || !strings.HasSuffix(msg.Attachments[0].FileName, ".pdf") {
		t.Fatalf("attachments %+v", msg.Attachments)
	}
	resp, err := http.Get(mp.api + "/api/v1/message/" + url.PathEscape(msg.ID) + "/part/" + url.PathEscape(msg.Attachments[0].PartID))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if head, _ := io.ReadAll(io.LimitReader(resp.Body, 5)); string(head) != "%PDF-" {
		t.Errorf("the attachment starts %q, not %%PDF-", head)
	}
	got, err := a.Reports.Schedule(ctx, actor, w.ID, sc.ID)
	if err != nil || got.LastSentAt.IsZero() || got.LastError != "" || !got.NextAt.After(time.Now()) {
		t.Fatalf("after sending: %+v %v", got, err)
	}
	if n, err := a.Reports.RunDue(ctx); err != nil || n != 0 {
		t.Fatalf("a second run queued %d (%v), want none", n, err)
	}
}

// waitForReport polls mailpit until a message to addr with an attachment
// arrives.
func (m mailpit) waitForReport(t *testing.T, addr string) mailpitMessage {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		var found struct{ Messages []struct{ ID string } }
		if getJSON(c, m.api+"/api/v1/search?query="+url.QueryEscape("to:"+addr), &found) != nil || len(found.Messages) == 0 {
			continue
		}
		if len(found.Messages) > 1 {
			t.Fatalf("%d e-mails to %s, want one", len(found.Messages), addr)
		}
		var msg mailpitMessage
		if err := getJSON(c, m.api+"/api/v1/message/"+url.PathEscape(found.Messages[0].ID), &msg); err == nil {
			return msg
		}
	}
	t.Fatalf("no report e-mail to %s arrived in mailpit within 60s", addr)
	return mailpitMessage{}
}
