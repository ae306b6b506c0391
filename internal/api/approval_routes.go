package api

import (
	"net/http"

	"herald/internal/approval"
	"herald/internal/discussion"
	"herald/internal/model"
)

// approvalRoutes are approval workflows, a post's approval, external
// reviewers, comments and activity (openapi/approvals.json).
func (s *server) approvalRoutes() []route {
	ws := "/api/v1/workspaces/{ws}"
	post := ws + "/posts/{id}"
	return []route{
		{http.MethodGet, ws + "/approval-workflows", model.ScopePostsRead, false, s.workflowList},
		{http.MethodPut, ws + "/approval-workflows", model.ScopePostsWrite, false, s.workflowPut},
		{http.MethodDelete, ws + "/approval-workflows", model.ScopePostsWrite, false, s.workflowDelete},
		{http.MethodGet, ws + "/approvals", model.ScopePostsRead, false, s.approvalQueue},
		{http.MethodGet, post + "/approval", model.ScopePostsRead, false, s.approvalGet},
		{http.MethodPost, post + "/approval/submit", model.ScopePostsWrite, false, s.approvalSubmit},
		{http.MethodPost, post + "/approval/decisions", model.ScopePostsWrite, false, s.approvalDecide},
		{http.MethodPost, post + "/reviewers", model.ScopePostsWrite, true, s.reviewerCreate},
		{http.MethodDelete, post + "/reviewers/{rid}", model.ScopePostsWrite, false, s.reviewerRevoke},
		{http.MethodGet, post + "/comments", model.ScopePostsRead, false, s.commentList},
		{http.MethodPost, post + "/comments", model.ScopePostsWrite, true, s.commentCreate},
		{http.MethodGet, post + "/activity", model.ScopePostsRead, false, s.activityList},
	}
}

// workflowView is an approval workflow.
type workflowView struct {
	ChannelID    *string              `json:"channel_id"`
	AppliesRoles []model.Role         `json:"applies_roles"`
	AppliesUsers []string             `json:"applies_users"`
	Steps        []model.ApprovalStep `json:"steps"`
	UpdatedBy    string               `json:"updated_by"`
	UpdatedAt    string               `json:"updated_at"`
}

func viewWorkflow(w model.Workflow) workflowView {
	return workflowView{ChannelID: stringOrNull(w.ChannelID), AppliesRoles: orNone(w.AppliesRoles), AppliesUsers: orNone(w.AppliesUsers),
		Steps: w.Steps, UpdatedBy: w.UpdatedBy, UpdatedAt: stamp(w.UpdatedAt)}
}

func orNone[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// workflowList lists the workspace's workflows.
func (s *server) workflowList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	list, err := s.d.Approvals.Workflows(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	out := []workflowView{}
	for _, w := range list {
		out = append(out, viewWorkflow(w))
	}
	return ok(map[string]any{"workflows": out}), nil
}

// workflowPut creates or replaces the workflow for a channel, or the
// workspace's default when channel_id is null or absent.
func (s *server) workflowPut(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		ChannelID    *string              `json:"channel_id"`
		AppliesRoles []model.Role         `json:"applies_roles"`
		AppliesUsers []string             `json:"applies_users"`
		Steps        []model.ApprovalStep `json:"steps"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	w := model.Workflow{AppliesRoles: in.AppliesRoles, AppliesUsers: in.AppliesUsers, Steps: in.Steps}
	if in.ChannelID != nil {
		w.ChannelID = *in.ChannelID
	}
	if w, err = s.d.Approvals.SaveWorkflow(c.ctx(), c.actor, ws, w); err != nil {
		return reply{}, err
	}
	return ok(viewWorkflow(w)), nil
}

// workflowDelete removes the workflow of ?channel_id= (none: the default).
func (s *server) workflowDelete(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusNoContent}, s.d.Approvals.DeleteWorkflow(c.ctx(), c.actor, ws, c.r.URL.Query().Get("channel_id"))
}

// roundView is an approval round.
type roundView struct {
	ID          string               `json:"id"`
	Version     int                  `json:"version"`
	Step        int                  `json:"step"` // 1-based
	Steps       []model.ApprovalStep `json:"steps"`
	State       string               `json:"state"`
	RequestedBy string               `json:"requested_by"`
	CreatedAt   string               `json:"created_at"`
}

func viewRound(r model.ApprovalRound) *roundView {
	if r.ID == "" {
		return nil
	}
	return &roundView{ID: r.ID, Version: r.Version, Step: r.Step + 1, Steps: r.Steps, State: string(r.State), RequestedBy: r.RequestedBy,
		CreatedAt: stamp(r.CreatedAt)}
}

// decisionView is one verdict.
type decisionView struct {
	Step       int     `json:"step"`
	Decision   string  `json:"decision"`
	Reason     string  `json:"reason"`
	Version    int     `json:"version"`
	Name       string  `json:"name"`
	UserID     *string `json:"user_id"`
	ReviewerID *string `json:"reviewer_id"`
	CreatedAt  string  `json:"created_at"`
}

// reviewerView is an external reviewer, without their link.
type reviewerView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	ExpiresAt string `json:"expires_at"`
	Revoked   bool   `json:"revoked"`
}

func viewReviewer(r model.Reviewer) reviewerView {
	return reviewerView{ID: r.ID, Name: r.Name, Email: r.Email, ExpiresAt: stamp(r.ExpiresAt), Revoked: !r.RevokedAt.IsZero()}
}

// approvalGet tells where a post is in approval.
func (s *server) approvalGet(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	st, err := s.d.Approvals.Status(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewStatus(st)), nil
}

func viewStatus(st approval.Status) map[string]any {
	ds, rs, who := []decisionView{}, []reviewerView{}, []string{}
	for _, d := range st.Decisions {
		ds = append(ds, decisionView{Step: d.Step + 1, Decision: d.Decision, Reason: d.Reason, Version: d.Version, Name: d.Name,
			UserID: stringOrNull(d.UserID), ReviewerID: stringOrNull(d.ReviewerID), CreatedAt: stamp(d.CreatedAt)})
	}
	for _, r := range st.Reviewers {
		rs = append(rs, viewReviewer(r))
	}
	for _, m := range st.Approvers {
		who = append(who, m.UserID)
	}
	state := string(st.State)
	if state == "" {
		state = "none"
	}
	return map[string]any{"state": state, "required": st.Required, "edited_after_approval": st.Stale, "round": viewRound(st.Round),
		"approvers": who, "decisions": ds, "reviewers": rs}
}

// approvalQueue lists the posts waiting for approval, the caller's first.
func (s *server) approvalQueue(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	list, err := s.d.Approvals.Pending(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	out := []map[string]any{}
	for _, w := range list {
		out = append(out, map[string]any{"post_id": w.Post.ID, "text": w.Post.Base.Text, "author_id": w.Post.AuthorID, "mine": w.Mine,
			"round": viewRound(w.Round)})
	}
	return ok(map[string]any{"waiting": out}), nil
}

// approvalSubmit sends the post's current version for approval.
func (s *server) approvalSubmit(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	r, err := s.d.Approvals.Submit(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewRound(r)), nil
}

// approvalDecide records the caller's verdict on the current step.
func (s *server) approvalDecide(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
		Version  int    `json:"version"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	r, err := s.d.Approvals.Decide(c.ctx(), c.actor, ws, id, approval.Decision{Kind: in.Decision, Reason: in.Reason, Version: in.Version})
	if err != nil {
		return reply{}, err
	}
	return ok(viewRound(r)), nil
}

// reviewerCreate invites an external reviewer and answers their link,
// shown this once.
func (s *server) reviewerCreate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Name  string `json:"name"`
		Email string `json:"email"`
		Days  int    `json:"days"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	inv, err := s.d.Approvals.Invite(c.ctx(), c.actor, ws, id, in.Name, in.Email, in.Days)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusCreated, body: map[string]any{"reviewer": viewReviewer(inv.Reviewer), "link": inv.Link, "mailed": inv.Mailed}}, nil
}

// reviewerRevoke ends an external reviewer's link.
func (s *server) reviewerRevoke(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	rid, err := c.id("rid", "reviewer")
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusNoContent}, s.d.Approvals.Revoke(c.ctx(), c.actor, ws, id, rid)
}

// commentView is a comment.
type commentView struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	UserID     *string  `json:"user_id"`
	ReviewerID *string  `json:"reviewer_id"`
	Body       string   `json:"body"`
	Mentions   []string `json:"mentions"`
	CreatedAt  string   `json:"created_at"`
}

func viewComment(m model.Comment) commentView {
	return commentView{ID: m.ID, Name: m.Name, UserID: stringOrNull(m.UserID), ReviewerID: stringOrNull(m.ReviewerID), Body: m.Body,
		Mentions: orNone(m.Mentions), CreatedAt: stamp(m.CreatedAt)}
}

// commentList lists a post's comments, oldest first.
func (s *server) commentList(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	list, err := s.d.Discussion.Comments(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	out := []commentView{}
	for _, m := range list {
		out = append(out, viewComment(m))
	}
	return ok(map[string]any{"comments": out}), nil
}

// commentCreate adds a comment; @mentions of members notify them.
func (s *server) commentCreate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	m, err := s.d.Discussion.Comment(c.ctx(), c.actor, ws, id, in.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusCreated, body: viewComment(m)}, nil
}

// activityList is the post's history, newest first.
func (s *server) activityList(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	evs, err := s.d.Discussion.Activity(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	out := []map[string]any{}
	for _, e := range evs {
		out = append(out, activityItem(e))
	}
	return ok(map[string]any{"activity": out}), nil
}

func activityItem(e discussion.Event) map[string]any {
	return map[string]any{"at": stamp(e.At), "who": e.Who, "kind": e.Kind, "text": e.Text, "channel": stringOrNull(e.Channel)}
}
