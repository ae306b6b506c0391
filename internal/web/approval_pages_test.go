package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herald/internal/compose"
	"herald/internal/model"
)

// The approval pages: a workflow set up through the form (a bad one gets
// its field's message), a Contributor sends a post, an Editor sees it in
// "needs my approval" and approves, the external reviewer's page shows the
// preview and refuses a tampered link without a word about the workspace;
// comments refuse an outsider's @mention and notify a member's.
func TestApprovalPages(t *testing.T) {
	se := newScheduleEnv(t)
	e, ws, owner := se.env, se.ws.ID, se.c
	ctx := context.Background()
	cont := e.member("owner@example.test", ws, "cora@example.test", model.RoleContributor)
	ed := e.member("owner@example.test", ws, "eddie@example.test", model.RoleEditor)

	bad := owner.post("/w/"+ws+"/approvals/setup", url.Values{"applies_role": {"contributor"}, "step1_kind": {"members"}})
	wantStatus(t, bad, http.StatusBadRequest)
	mustContain(t, bad, "Say who approves step 1")
	p := owner.submit("/w/"+ws+"/approvals/setup", url.Values{"applies_role": {"contributor"}, "step1_kind": {"members"},
		"step1_name": {"Team"}, "step1_mode": {"any"}, "step1_role": {"editor"}, "step2_kind": {"external"}, "step2_name": {"Client"}})
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "The approval workflow is saved", "Team → Client")

	contActor := model.Actor{UserID: cont.ID, Email: cont.Email, Via: "web"}
	post, err := e.a.Compose.Create(ctx, contActor, ws, compose.Draft{Base: model.Content{Text: "Hello #spring from @acme"}, Channels: []string{se.ch.ID}})
	if err != nil {
		t.Fatal(err)
	}
	cc := e.client()
	cc.signIn("cora@example.test", testPassword)
	p = cc.get("/w/" + ws + "/posts/" + post.ID + "/edit")
	mustContain(t, p, "Approval", "not in approval", "Send for approval")
	p = cc.submit("/w/"+ws+"/posts/"+post.ID+"/approval/submit", url.Values{})
	mustContain(t, p, "Sent for approval", "waiting for approval", "step 1 of 2: Team")
	p = cc.submit("/w/"+ws+"/posts/"+post.ID+"/reviewers", url.Values{"reviewer_name": {"Clara"}, "reviewer_email": {"not-an-address"}, "days": {"7"}})
	mustContain(t, p, "is not an e-mail address")
	p = cc.submit("/w/"+ws+"/posts/"+post.ID+"/reviewers", url.Values{"reviewer_name": {"Clara"}, "reviewer_email": {"clara@client.example"}, "days": {"7"}})
	mustContain(t, p, "Review link for Clara")
	i := strings.Index(p.body, "/review/")
	link := p.body[i : i+strings.IndexAny(p.body[i:], " <\"")]

	ec := e.client()
	ec.signIn("eddie@example.test", testPassword)
	p = ec.get("/w/" + ws + "/approvals")
	if !strings.Contains(text(p.body), "Needs my approval 1") {
		t.Fatalf("editor's queue: %s", text(p.body))
	}
	p = ec.submit("/w/"+ws+"/posts/"+post.ID+"/approval/decide", url.Values{"decision": {"reject"}, "version": {"1"}})
	mustContain(t, p, "Say why, so the author knows what to change")
	p = ec.submit("/w/"+ws+"/posts/"+post.ID+"/approval/decide", url.Values{"decision": {"approve"}, "version": {"1"}})
	mustContain(t, p, "Your decision is recorded", "step 2 of 2: Client")

	// The reviewer's page, without a session.
	rc := e.client()
	p = rc.get(link)
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.body, `class="pv-hashtag">#spring</span>`) || !strings.Contains(p.body, "data-review-decide") {
		t.Fatalf("review page lacks the preview or the decision form:\n%s", text(p.body))
	}
	p = rc.get(link[:len(link)-2] + "00")
	wantStatus(t, p, http.StatusNotFound)
	if strings.Contains(p.body, "Acme") || strings.Contains(p.body, "spring") {
		t.Fatalf("a tampered link reveals the workspace: %s", p.body)
	}
	p = rc.submit(link+"/decide", url.Values{"decision": {"approve"}, "version": {"1"}})
	mustContain(t, p, "your decision is recorded")
	got, _ := e.a.Compose.Get(ctx, contActor, ws, post.ID)
	if got.Approval != model.ApprovalApproved {
		t.Fatalf("after the client's approval: %q", got.Approval)
	}

	// Comments: an outsider's mention is refused and nothing is saved.
	e.user("stranger@example.test")
	p = cc.post("/w/"+ws+"/posts/"+post.ID+"/comments", url.Values{"body": {"@stranger have a look"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "@stranger is not a member of this workspace")
	p = cc.submit("/w/"+ws+"/posts/"+post.ID+"/comments", url.Values{"body": {"Thanks @eddie!"}})
	mustContain(t, p, "Thanks @eddie!", "Approved step 1", "Sent version 1 for approval", "Created the post")
	if strings.Contains(p.body, "@stranger") {
		t.Fatal("the refused comment was saved")
	}
	notes, _ := e.a.Notify.List(ctx, model.Actor{UserID: ed.ID}, false, "", 10)
	if len(notes) == 0 || notes[0].Kind != model.NotifyMentioned {
		t.Fatalf("the mentioned editor's notifications: %+v", notes)
	}
}
