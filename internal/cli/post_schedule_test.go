package cli

import (
	"context"
	"strings"
	"testing"

	"herald/internal/channel"
	"herald/internal/compose"
	"herald/internal/model"
)

func TestPostScheduleCancelAttemptsPauseResume(t *testing.T) {
	r := newRemote(t)
	ctx := context.Background()
	ch := r.chans[0]
	if _, err := r.app.Channels.Update(ctx, r.owner, r.ws, ch.ID, channel.Settings{Name: ch.Name, TimeZone: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	p, err := r.app.Compose.Create(ctx, r.owner, r.ws, compose.Draft{Base: model.Content{Text: "Plan me"}, Channels: []string{ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if res := r.post(t, "schedule", p.ID, "--workspace", r.ws); res.code == 0 || !strings.Contains(res.stderr, "--at, --now or --queue") {
		t.Fatalf("no mode: %+v", res)
	}
	// A skipped time: the options are printed, ready to pass back.
	res := r.post(t, "schedule", p.ID, "--workspace", r.ws, "--at", "2037-03-08 02:30")
	if res.code == 0 || !strings.Contains(res.stderr, "does not exist") || !strings.Contains(res.stderr, "--at 2037-03-08T07:00:00Z") {
		t.Fatalf("gap: %+v", res)
	}
	res = r.post(t, "schedule", p.ID, "--workspace", r.ws, "--at", "2037-03-08T07:00:00Z")
	if res.code != 0 || !strings.Contains(res.stdout, "scheduled") || !strings.Contains(res.stdout, "2037-03-08T07:00:00Z") {
		t.Fatalf("exact: %+v", res)
	}
	res = r.post(t, "schedule", p.ID, "--workspace", r.ws, "--at", "2037-11-01 01:30", "--zone", "America/New_York")
	if res.code == 0 || !strings.Contains(res.stderr, "happens twice") || !strings.Contains(res.stderr, "option:") {
		t.Fatalf("ambiguous: %+v", res)
	}
	if res = r.post(t, "attempts", p.ID, "--workspace", r.ws); res.code != 0 {
		t.Fatalf("attempts: %+v", res)
	}
	if res = r.post(t, "cancel", p.ID, "--workspace", r.ws); res.code != 0 || !strings.Contains(res.stdout, "draft") {
		t.Fatalf("cancel: %+v", res)
	}
	if res = invoke(t, r.env, "", "pause", "--workspace", r.ws); res.code == 0 || !strings.Contains(res.stderr, "--reason") {
		t.Fatalf("pause without reason: %+v", res)
	}
	if res = invoke(t, r.env, "", "pause", "--workspace", r.ws, "--reason", "Checking a complaint"); res.code != 0 {
		t.Fatalf("pause: %+v", res)
	}
	res = r.post(t, "schedule", p.ID, "--workspace", r.ws, "--now")
	if res.code == 0 || !strings.Contains(res.stderr, "paused") {
		t.Fatalf("paused schedule: %+v", res)
	}
	if res = r.post(t, "schedule", p.ID, "--workspace", r.ws, "--now", "--confirm-paused"); res.code != 0 {
		t.Fatalf("confirmed: %+v", res)
	}
	if res = invoke(t, r.env, "", "resume", "--workspace", r.ws, "--choice", "later"); res.code == 0 {
		t.Fatalf("bad choice: %+v", res)
	}
	if res = invoke(t, r.env, "", "resume", "--workspace", r.ws, "--choice", "review"); res.code != 0 || !strings.Contains(res.stdout, "resumed") {
		t.Fatalf("resume: %+v", res)
	}
}
