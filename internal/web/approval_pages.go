package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"herald/internal/approval"
	"herald/internal/model"
)

// approvalRoutes are the approval queue, the workflow set-up and the
// approval actions on a post.
func (h *handler) approvalRoutes(route routeFunc) {
	route("GET /w/{ws}/approvals", signedIn, h.approvalQueue)
	route("GET /w/{ws}/approvals/setup", signedIn, h.approvalSetup)
	route("POST /w/{ws}/approvals/setup", signedIn, h.approvalSetupSave)
	route("POST /w/{ws}/approvals/setup/delete", signedIn, h.approvalSetupDelete)
	route("POST /w/{ws}/posts/{id}/approval/submit", signedIn, h.approvalSubmit)
	route("POST /w/{ws}/posts/{id}/approval/decide", signedIn, h.approvalDecide)
	route("POST /w/{ws}/posts/{id}/reviewers", signedIn, h.reviewerInvite)
	route("POST /w/{ws}/posts/{id}/reviewers/{rid}/revoke", signedIn, h.reviewerRevoke)
}

// approvalQueueData is the approval queue page.
type approvalQueueData struct {
	Mine, Others []approval.Waiting
	Names        map[string]string // user ID → name
	CanSetup     bool
}

// approvalQueue lists posts waiting for approval, those whose step is the
// visitor's first ("needs my approval").
func (h *handler) approvalQueue(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	list, err := h.d.Approvals.Pending(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &approvalQueueData{Names: h.memberNames(r, v, m), CanSetup: model.Can(m.Role, model.ActApprovalSetup)}
	for _, x := range list {
		if x.Mine {
			d.Mine = append(d.Mine, x)
		} else {
			d.Others = append(d.Others, x)
		}
	}
	h.render(w, r, v, http.StatusOK, "approvals", &page{Title: "Approvals · " + m.Workspace.Name, Heading: "Approvals", Section: "approvals", WS: &m, Data: d})
}

func (h *handler) memberNames(r *http.Request, v *visit, m model.Membership) map[string]string {
	out := map[string]string{}
	members, err := h.d.Workspaces.Members(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		return out
	}
	for _, x := range members {
		out[x.UserID] = x.Name
	}
	return out
}

// workflowSetupData is the workflow set-up page.
type workflowSetupData struct {
	Workflows []model.Workflow
	Channels  []model.Channel
	Members   []model.Member
	Roles     []model.Role
	Channel   string         // the workflow being edited ("" for the default)
	Current   model.Workflow // its saved state, or empty
	Steps     [3]model.ApprovalStep
	Names     map[string]string
}

// approvalSetup shows the workspace's workflows and a form for one of them.
func (h *handler) approvalSetup(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderWorkflowSetup(w, r, v, http.StatusOK, &form{}, nil)
}

func (h *handler) renderWorkflowSetup(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, typed *model.Workflow) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	ctx := r.Context()
	flows, err := h.d.Approvals.Workflows(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	chans, err := h.d.Channels.List(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	members, err := h.d.Workspaces.Members(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &workflowSetupData{Workflows: flows, Channels: chans, Members: members, Roles: model.Roles, Channel: r.URL.Query().Get("channel"),
		Names: map[string]string{"": "Every channel (workspace default)"}}
	for _, c := range chans {
		d.Names[c.ID] = c.Name
	}
	if typed != nil {
		d.Channel, d.Current = typed.ChannelID, *typed
	} else if i := slices.IndexFunc(flows, func(x model.Workflow) bool { return x.ChannelID == d.Channel }); i >= 0 {
		d.Current = flows[i]
	} else {
		d.Current = model.Workflow{ChannelID: d.Channel, AppliesRoles: []model.Role{model.RoleContributor},
			Steps: []model.ApprovalStep{{Name: "Review", Mode: model.StepAny, Roles: []model.Role{model.RoleManager, model.RoleAdmin}}}}
	}
	copy(d.Steps[:], d.Current.Steps)
	h.render(w, r, v, status, "approval_setup", &page{Title: "Approval workflows · " + m.Workspace.Name, Heading: "Approval workflows",
		Section: "approvals", WS: &m, Form: f, Data: d})
}

// approvalSetupSave saves the workflow the form describes.
func (h *handler) approvalSetupSave(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	wf := workflowFromForm(r.PostForm)
	if _, err := h.d.Approvals.SaveWorkflow(r.Context(), v.actor, m.Workspace.ID, wf); err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderWorkflowSetup(w, r, v, status, f, &wf) })
		return
	}
	h.setFlash(w, r, "success", "The approval workflow is saved. It applies to posts sent for approval or scheduled from now on.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/approvals/setup?channel="+url.QueryEscape(wf.ChannelID))
}

// workflowFromForm reads the set-up form: whose posts (roles and people)
// and up to three steps, each for members (roles, people) or for the
// post's external reviewers.
func workflowFromForm(f url.Values) model.Workflow {
	wf := model.Workflow{ChannelID: f.Get("channel"), AppliesUsers: f["applies_user"]}
	for _, r := range f["applies_role"] {
		wf.AppliesRoles = append(wf.AppliesRoles, model.Role(r))
	}
	for i := 1; i <= 3; i++ {
		p := "step" + strconv.Itoa(i) + "_"
		kind := f.Get(p + "kind")
		if kind == "" {
			continue
		}
		st := model.ApprovalStep{Name: strings.TrimSpace(f.Get(p + "name")), Mode: f.Get(p + "mode"), External: kind == "external"}
		if !st.External {
			st.Users = f[p+"user"]
			for _, r := range f[p+"role"] {
				st.Roles = append(st.Roles, model.Role(r))
			}
		}
		wf.Steps = append(wf.Steps, st)
	}
	return wf
}

// approvalSetupDelete removes a workflow.
func (h *handler) approvalSetupDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Approvals.DeleteWorkflow(r.Context(), v.actor, m.Workspace.ID, r.PostForm.Get("channel")); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The workflow is removed; posts already in approval finish their round.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/approvals/setup")
}

// approvalBack returns to the post's approval panel, with the domain's
// words in a flash when the action was refused.
func (h *handler) approvalBack(w http.ResponseWriter, r *http.Request, v *visit, ws, postID string, err error, done string) {
	switch model.KindOf(err) {
	case model.KindInvalid, model.KindConflict:
		msg := model.AsError(err).Msg
		h.setFlash(w, r, "error", strings.ToUpper(msg[:1])+msg[1:]+".")
	default:
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		h.setFlash(w, r, "success", done)
	}
	redirect(w, r, "/w/"+ws+"/posts/"+postID+"/edit#approval")
}

// approvalSubmit sends the post's current version for approval.
func (h *handler) approvalSubmit(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	_, err := h.d.Approvals.Submit(r.Context(), v.actor, ws, id)
	h.approvalBack(w, r, v, ws, id, err, "Sent for approval; the approvers of the first step have been told.")
}

// approvalDecide records a member's verdict on the current step.
func (h *handler) approvalDecide(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	d := approval.Decision{Kind: r.PostForm.Get("decision"), Reason: r.PostForm.Get("reason"), Version: version}
	_, err := h.d.Approvals.Decide(r.Context(), v.actor, ws, id, d)
	h.approvalBack(w, r, v, ws, id, err, "Your decision is recorded.")
}

// reviewerInvite makes an external reviewer's link and shows it once.
func (h *handler) reviewerInvite(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	days, _ := strconv.Atoi(r.PostForm.Get("days"))
	inv, err := h.d.Approvals.Invite(r.Context(), v.actor, ws, id, r.PostForm.Get("reviewer_name"), r.PostForm.Get("reviewer_email"), days)
	done := "Review link for " + inv.Reviewer.Name + ": " + inv.Link
	if inv.Mailed {
		done += " (also e-mailed to " + inv.Reviewer.Email + ")"
	}
	h.approvalBack(w, r, v, ws, id, err, done)
}

// reviewerRevoke ends an external reviewer's link.
func (h *handler) reviewerRevoke(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	err := h.d.Approvals.Revoke(r.Context(), v.actor, ws, id, r.PathValue("rid"))
	h.approvalBack(w, r, v, ws, id, err, "The reviewer's link is revoked.")
}

// approvalPanel is the approval section of a saved post's composer page.
type approvalPanel struct {
	approval.Status
	PostID, WS  string
	Version     int
	CanSubmit   bool
	MyTurn      bool
	StepName    string
	StepNumber  int
	ByStep      map[int]string
	Names       map[string]string
	LiveReviews []model.Reviewer
	Author      bool
}

// approvalPanelFor builds the panel, or nil when there is nothing to show
// (no workflow applies and the post was never in approval).
func (h *handler) approvalPanelFor(r *http.Request, v *visit, m model.Membership, p model.Post) *approvalPanel {
	st, err := h.d.Approvals.Status(r.Context(), v.actor, m.Workspace.ID, p.ID)
	if err != nil {
		h.log.Warn("approval status", "post", p.ID, "err", err)
		return nil
	}
	if !st.Required && st.Round.ID == "" {
		return nil
	}
	ap := &approvalPanel{Status: st, PostID: p.ID, WS: m.Workspace.ID, Version: p.Version, Author: p.AuthorID == v.actor.UserID,
		CanSubmit: model.Can(m.Role, model.ActPostSubmit) && st.Required}
	for _, rv := range st.Reviewers {
		if rv.Live(time.Now()) {
			ap.LiveReviews = append(ap.LiveReviews, rv)
		}
	}
	if st.Round.State == model.ApprovalPending {
		ap.StepNumber, ap.StepName = st.Round.Step+1, st.Round.Steps[st.Round.Step].Name
		mine := slices.ContainsFunc(st.Approvers, func(x model.Member) bool { return x.UserID == v.actor.UserID })
		decided := slices.ContainsFunc(st.Decisions, func(d model.ApprovalDecision) bool {
			return d.RoundID == st.Round.ID && d.Step == st.Round.Step && d.UserID == v.actor.UserID
		})
		ap.MyTurn = mine && !decided && !st.Round.Steps[st.Round.Step].External
	}
	return ap
}
