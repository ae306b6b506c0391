package approval_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/approval"
	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider/fake"
	"herald/internal/publish"
	"herald/internal/store"
	"herald/internal/testenv"
)

type env struct {
	t      *testing.T
	a      *app.App
	owner  model.Actor
	ws     string
	ch     model.Channel
	fake   *fake.Provider
	editor model.Actor
	writer model.Actor // a Contributor
}

func start(t *testing.T, cfg config.Config) *env {
	t.Helper()
	cfg.Roles = []string{"web", "worker"}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a.Publish.Poll = 50 * time.Millisecond
	e := &env{t: t, a: a, fake: fake.New()}
	a.Providers.Register(e.fake)
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	e.owner = model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}
	w, err := a.Workspaces.Create(ctx, e.owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	e.ws = w.ID
	if e.ch, err = a.Channels.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme"}); err != nil {
		t.Fatal(err)
	}
	e.editor = e.member("eddie@example.com", "Eddie Editor", model.RoleEditor)
	e.writer = e.member("cora@example.com", "Cora Contributor", model.RoleContributor)
	if err := a.StartWork(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = a.StopWork(context.Background())
		a.Close()
	})
	return e
}

func (e *env) member(email, name string, role model.Role) model.Actor {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.a.Accounts.CreateUser(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: email, Name: name, Password: "correct horse battery"})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.AddMember(ctx, e.ws, u.ID, role, time.Now()) }); err != nil {
		e.t.Fatal(err)
	}
	return model.Actor{UserID: u.ID, Email: u.Email, Via: "web"}
}

// twoSteps makes Contributors' posts need an Editor, then an external reviewer.
func (e *env) twoSteps() {
	e.t.Helper()
	_, err := e.a.Approvals.SaveWorkflow(context.Background(), e.owner, e.ws, model.Workflow{AppliesRoles: []model.Role{model.RoleContributor},
		Steps: []model.ApprovalStep{{Name: "Team", Roles: []model.Role{model.RoleEditor}}, {Name: "Client", External: true}}})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) post(text string) model.Post {
	e.t.Helper()
	p, err := e.a.Compose.Create(context.Background(), e.writer, e.ws, compose.Draft{Base: model.Content{Text: text}, Channels: []string{e.ch.ID}})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) get(id string) model.Post {
	e.t.Helper()
	p, err := e.a.Compose.Get(context.Background(), e.owner, e.ws, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// token cuts the token out of a review link.
func token(link string) string { return link[strings.LastIndex(link, "/")+1:] }

func wantKind(t *testing.T, err error, kind model.Kind, field string) {
	t.Helper()
	var me *model.Error
	if !errors.As(err, &me) || me.Kind != kind || (field != "" && me.Field != field) {
		t.Fatalf("got %v, want a kind-%d error on %q", err, kind, field)
	}
}

func TestWorkflowRefusals(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		step := model.ApprovalStep{Roles: []model.Role{model.RoleEditor}}
		cases := []struct {
			w     model.Workflow
			field string
		}{
			{model.Workflow{Steps: []model.ApprovalStep{step}}, "applies_roles"},
			{model.Workflow{AppliesRoles: []model.Role{"boss"}, Steps: []model.ApprovalStep{step}}, "applies_roles"},
			{model.Workflow{AppliesRoles: []model.Role{model.RoleContributor}}, "steps"},
			{model.Workflow{AppliesRoles: []model.Role{model.RoleContributor}, Steps: []model.ApprovalStep{step, step, step, step}}, "steps"},
			{model.Workflow{AppliesRoles: []model.Role{model.RoleContributor}, Steps: []model.ApprovalStep{{Mode: "most"}}}, "steps.0.mode"},
			{model.Workflow{AppliesRoles: []model.Role{model.RoleContributor}, Steps: []model.ApprovalStep{{}}}, "steps.0"},
			{model.Workflow{AppliesRoles: []model.Role{model.RoleContributor}, Steps: []model.ApprovalStep{{Users: []string{"01J0000000000000000000000X"}}}}, "steps.0.users"},
			{model.Workflow{ChannelID: "nope", AppliesRoles: []model.Role{model.RoleContributor}, Steps: []model.ApprovalStep{step}}, "channel_id"},
		}
		for _, c := range cases {
			_, err := e.a.Approvals.SaveWorkflow(ctx, e.owner, e.ws, c.w)
			wantKind(t, err, model.KindInvalid, c.field)
		}
		_, err := e.a.Approvals.SaveWorkflow(ctx, e.writer, e.ws, model.Workflow{AppliesRoles: []model.Role{model.RoleContributor}, Steps: []model.ApprovalStep{step}})
		wantKind(t, err, model.KindForbidden, "")
		if ws, _ := e.a.Approvals.Workflows(ctx, e.owner, e.ws); len(ws) != 0 {
			t.Fatalf("a refused workflow was saved: %+v", ws)
		}
		// Without a workflow there is nothing to submit.
		p := e.post("No workflow")
		_, err = e.a.Approvals.Submit(ctx, e.writer, e.ws, p.ID)
		wantKind(t, err, model.KindInvalid, "post")
	})
}

// A Contributor's post passes a Team step and an external reviewer's step;
// the author cannot approve it, nobody outside a step can, a verdict on an
// older version is refused, and an edit restarts approval.
func TestTwoStepApprovalWithExternalReviewer(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		e.twoSteps()
		p := e.post("Our spring menu is here")
		if _, err := e.a.Approvals.Submit(ctx, e.writer, e.ws, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Approvals.Submit(ctx, e.writer, e.ws, p.ID); err == nil {
			t.Fatal("a second submission of the same version was accepted")
		}
		inv, err := e.a.Approvals.Invite(ctx, e.writer, e.ws, p.ID, "Clara Client", "clara@client.example", 7)
		if err != nil {
			t.Fatal(err)
		}
		tok := token(inv.Link)
		page, err := e.a.Approvals.Review(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if page.YourTurn || !strings.Contains(page.Waiting, "Team") || len(page.Previews.Targets) != 1 || page.Previews.Targets[0].Content.Text != "Our spring menu is here" {
			t.Fatalf("reviewer's page before their step: turn %v, %q, %+v", page.YourTurn, page.Waiting, page.Previews.Targets)
		}
		err = e.a.Approvals.ReviewDecide(ctx, tok, "", "", approval.Decision{Kind: model.DecideApprove, Version: 1})
		wantKind(t, err, model.KindConflict, "decision")

		_, err = e.a.Approvals.Decide(ctx, e.writer, e.ws, p.ID, approval.Decision{Kind: model.DecideApprove, Version: 1})
		if wantKind(t, err, model.KindForbidden, ""); !strings.Contains(err.Error(), "own post") {
			t.Fatalf("self-approval: %v", err)
		}
		_, err = e.a.Approvals.Decide(ctx, e.owner, e.ws, p.ID, approval.Decision{Kind: model.DecideApprove, Version: 1})
		wantKind(t, err, model.KindForbidden, "")
		_, err = e.a.Approvals.Decide(ctx, e.editor, e.ws, p.ID, approval.Decision{Kind: model.DecideReject, Version: 1})
		wantKind(t, err, model.KindInvalid, "reason")
		_, err = e.a.Approvals.Decide(ctx, e.editor, e.ws, p.ID, approval.Decision{Kind: model.DecideApprove, Version: 1})
		if err != nil {
			t.Fatal(err)
		}
		// The step is the client's now.
		for _, bad := range []string{tok + "x", strings.Replace(tok, ".", ".9", 1), "nonsense", ""} {
			if _, err := e.a.Approvals.Review(ctx, bad); !errors.Is(err, approval.ErrNoReview) {
				t.Fatalf("tampered link %q: %v", bad, err)
			}
		}
		if page, _ = e.a.Approvals.Review(ctx, tok); !page.YourTurn {
			t.Fatalf("not the reviewer's turn after step 1: %q", page.Waiting)
		}
		if err := e.a.Approvals.ReviewComment(ctx, e.a.Discussion, tok, "203.0.113.9", "test", "Looks lovely, ship it"); err != nil {
			t.Fatal(err)
		}
		if err := e.a.Approvals.ReviewDecide(ctx, tok, "203.0.113.9", "test", approval.Decision{Kind: model.DecideApprove, Version: 1}); err != nil {
			t.Fatal(err)
		}
		got := e.get(p.ID)
		if got.Approval != model.ApprovalApproved || got.ApprovedVersion != 1 || got.AwaitsApproval() {
			t.Fatalf("after both steps: %s v%d", got.Approval, got.ApprovedVersion)
		}
		// The author heard of it; the reviewer's actions are audited.
		notes, _ := e.a.Notify.List(ctx, e.writer, false, "", 10)
		if len(notes) == 0 || notes[0].Kind != model.NotifyApprovalDecided || !strings.Contains(notes[0].Text, "approved") {
			t.Fatalf("author's notifications: %+v", notes)
		}
		entries, _ := e.a.Store.Read().ListAudit(ctx, model.AuditFilter{WorkspaceID: e.ws, ObjectID: p.ID, ObjectType: "post", Limit: 50})
		var byClient int
		for _, en := range entries {
			if en.ActorLabel == "clara@client.example" {
				byClient++
			}
		}
		if byClient != 2 {
			t.Fatalf("%d audit entries by the reviewer, want 2 (comment, approve)", byClient)
		}

		// An edit after approval starts again; a verdict on version 1 is stale.
		edited, err := e.a.Compose.Update(ctx, e.writer, e.ws, p.ID, 1, compose.Draft{Base: model.Content{Text: "Our spring menu is here!"}, Channels: []string{e.ch.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if got = e.get(p.ID); got.Approval != model.ApprovalPending || !got.AwaitsApproval() || edited.Approval != model.ApprovalPending {
			t.Fatalf("after an edit: %s v%d", got.Approval, got.ApprovedVersion)
		}
		_, err = e.a.Approvals.Decide(ctx, e.editor, e.ws, p.ID, approval.Decision{Kind: model.DecideApprove, Version: 1})
		wantKind(t, err, model.KindConflict, "version")
		if _, err := e.a.Approvals.Decide(ctx, e.editor, e.ws, p.ID, approval.Decision{Kind: model.DecideChanges, Reason: "Add the price", Version: 2}); err != nil {
			t.Fatal(err)
		}
		st, err := e.a.Approvals.Status(ctx, e.writer, e.ws, p.ID)
		if err != nil || st.State != model.ApprovalChanges || st.Decisions[len(st.Decisions)-1].Reason != "Add the price" {
			t.Fatalf("status after changes requested: %+v %v", st, err)
		}
		// A revoked link stops working.
		if err := e.a.Approvals.Revoke(ctx, e.writer, e.ws, p.ID, inv.Reviewer.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Approvals.Review(ctx, tok); !errors.Is(err, approval.ErrNoReview) {
			t.Fatalf("revoked link: %v", err)
		}
	})
}

// A post scheduled while its approval is pending is not published when its
// time comes and shows "approval expired"; an approved one goes out.
func TestUnapprovedPostExpires(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		_, err := e.a.Approvals.SaveWorkflow(ctx, e.owner, e.ws, model.Workflow{AppliesRoles: []model.Role{model.RoleContributor},
			Steps: []model.ApprovalStep{{Name: "Team", Mode: model.StepAll, Roles: []model.Role{model.RoleEditor, model.RoleOwner}}}})
		if err != nil {
			t.Fatal(err)
		}
		late, ok := e.post("Nobody approved me"), e.post("Approved in time")
		// Scheduling sends a post that needs approval for it.
		for _, p := range []model.Post{late, ok} {
			if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeAt, At: time.Now().Add(2 * time.Second)}); err != nil {
				t.Fatal(err)
			}
			if got := e.get(p.ID); got.Approval != model.ApprovalPending {
				t.Fatalf("scheduling did not send the post for approval: %q", got.Approval)
			}
		}
		// "all": the Editor alone does not finish the step.
		if _, err := e.a.Approvals.Decide(ctx, e.editor, e.ws, ok.ID, approval.Decision{Kind: model.DecideApprove, Version: 1}); err != nil {
			t.Fatal(err)
		}
		if got := e.get(ok.ID); got.Approval != model.ApprovalPending {
			t.Fatalf("one of two approvers finished an 'all' step: %s", got.Approval)
		}
		if _, err := e.a.Approvals.Decide(ctx, e.owner, e.ws, ok.ID, approval.Decision{Kind: model.DecideApprove, Version: 1}); err != nil {
			t.Fatal(err)
		}
		waitStatus(t, e, late.ID, model.TargetExpired)
		waitStatus(t, e, ok.ID, model.TargetPublished)
		got := e.get(late.ID)
		if !strings.Contains(got.Targets[0].Error, "Approval expired") {
			t.Fatalf("expired target's message: %q", got.Targets[0].Error)
		}
		if n := e.fake.Calls("publish"); n != 1 {
			t.Fatalf("%d posts reached the network, want 1", n)
		}
	})
}

func waitStatus(t *testing.T, e *env, postID string, want model.TargetStatus) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p := e.get(postID)
		if p.Targets[0].Status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("target is %s, want %s", p.Targets[0].Status, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A channel's own workflow replaces the workspace's default for posts to
// that channel; a post to other channels keeps the default; a workflow
// that does not apply to the author needs nothing.
func TestChannelWorkflowOverridesDefault(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		strict, err := e.a.Channels.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "strict"})
		if err != nil {
			t.Fatal(err)
		}
		team := model.ApprovalStep{Name: "Team", Roles: []model.Role{model.RoleEditor}}
		for _, w := range []model.Workflow{
			{AppliesRoles: []model.Role{model.RoleContributor}, Steps: []model.ApprovalStep{team}},
			{ChannelID: strict.ID, AppliesRoles: []model.Role{model.RoleContributor}, Steps: []model.ApprovalStep{team, {Name: "Legal", External: true}}},
		} {
			if _, err := e.a.Approvals.SaveWorkflow(ctx, e.owner, e.ws, w); err != nil {
				t.Fatal(err)
			}
		}
		steps := func(author model.Actor, channels ...string) int {
			t.Helper()
			p, err := e.a.Compose.Create(ctx, author, e.ws, compose.Draft{Base: model.Content{Text: "Hi"}, Channels: channels})
			if err != nil {
				t.Fatal(err)
			}
			st, err := e.a.Approvals.Status(ctx, author, e.ws, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !st.Required {
				return 0
			}
			return len(st.Workflow.Steps)
		}
		if n := steps(e.writer, e.ch.ID); n != 1 {
			t.Fatalf("default channel: %d steps, want 1", n)
		}
		if n := steps(e.writer, e.ch.ID, strict.ID); n != 2 {
			t.Fatalf("with the strict channel: %d steps, want 2", n)
		}
		if n := steps(e.editor, strict.ID); n != 0 {
			t.Fatalf("an Editor's post: %d steps, want none", n)
		}
	})
}
