package approval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// Status is a post's approval as its people see it.
type Status struct {
	State     model.ApprovalState
	Round     model.ApprovalRound // zero when the post was never submitted
	Decisions []model.ApprovalDecision
	Reviewers []model.Reviewer
	Workflow  model.Workflow // the workflow that applies now, when one does
	Required  bool           // a workflow applies to the post
	// Approvers are the members who may decide the current step.
	Approvers []model.Member
	// Stale is true when the post changed after its approval.
	Stale bool
}

// Status tells where a post is in approval.
func (s *Service) Status(ctx context.Context, a model.Actor, workspaceID, postID string) (Status, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return Status{}, err
	}
	q := s.Store.Read()
	p, err := q.PostByID(ctx, workspaceID, postID)
	if errors.Is(err, store.ErrNotFound) {
		return Status{}, model.NotFound("no post with that ID in this workspace")
	} else if err != nil {
		return Status{}, err
	}
	return s.status(ctx, q, p)
}

func (s *Service) status(ctx context.Context, q *store.Queries, p model.Post) (Status, error) {
	st := Status{State: p.Approval, Stale: p.Approval == model.ApprovalApproved && p.ApprovedVersion != p.Version}
	var err error
	if st.Workflow, st.Required, err = workflowFor(ctx, q, p); err != nil {
		return st, err
	}
	if st.Round, err = q.LatestRound(ctx, p.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return st, err
	}
	if st.Decisions, err = q.Decisions(ctx, p.ID); err != nil {
		return st, err
	}
	if st.Reviewers, err = q.Reviewers(ctx, p.ID); err != nil {
		return st, err
	}
	if st.Round.State == model.ApprovalPending {
		members, err := q.ListMembers(ctx, p.WorkspaceID)
		if err != nil {
			return st, err
		}
		st.Approvers = approvers(st.Round.Steps[st.Round.Step], members, p.AuthorID)
	}
	return st, nil
}

// approvers are the members a step names, never the post's author.
func approvers(step model.ApprovalStep, members []model.Member, authorID string) []model.Member {
	var out []model.Member
	for _, m := range members {
		if m.UserID != authorID && (slices.Contains(step.Roles, m.Role) || slices.Contains(step.Users, m.UserID)) {
			out = append(out, m)
		}
	}
	return out
}

// Submit sends a post's current version for approval.
func (s *Service) Submit(ctx context.Context, a model.Actor, workspaceID, postID string) (model.ApprovalRound, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostSubmit); err != nil {
		return model.ApprovalRound{}, err
	}
	var r model.ApprovalRound
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		p, err := lockedPost(ctx, tx, workspaceID, postID)
		if err != nil {
			return err
		}
		w, ok, err := workflowFor(ctx, &tx.Queries, p)
		if err != nil {
			return err
		}
		if !ok {
			return model.Invalid("post", "no approval workflow applies to this post; it can be scheduled as it is")
		}
		if prev, err := tx.LatestRound(ctx, p.ID); err == nil && prev.State == model.ApprovalPending && prev.Version == p.Version {
			return model.Conflict("approval", "this post is already waiting for approval")
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if p.Approval == model.ApprovalApproved && p.ApprovedVersion == p.Version {
			return model.Conflict("approval", "this version of the post is already approved")
		}
		r, err = s.start(ctx, tx, a, p, w)
		return err
	})
	return r, err
}

// BeforeSchedule is the publisher's hook, inside its transaction: a post
// that needs approval and has neither it nor a round under way is sent for
// approval, so scheduling never skips it. It still goes out only if
// approved by its time.
func (s *Service) BeforeSchedule(ctx context.Context, tx *store.Tx, a model.Actor, p model.Post) error {
	if p.Approval == model.ApprovalApproved && p.ApprovedVersion == p.Version {
		return nil
	}
	if prev, err := tx.LatestRound(ctx, p.ID); err == nil && prev.State == model.ApprovalPending && prev.Version == p.Version {
		return nil
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if p.Approval == model.ApprovalRejected || p.Approval == model.ApprovalChanges {
		return nil // the author has the reviewers' words; they resubmit after editing
	}
	w, ok, err := workflowFor(ctx, &tx.Queries, p)
	if err != nil || !ok {
		return err
	}
	if err := tx.LockPost(ctx, p.ID); err != nil {
		return err
	}
	_, err = s.start(ctx, tx, a, p, w)
	return err
}

// AfterEdit is compose's hook, inside the edit's transaction: a post
// that was in approval starts again with its new version, so nothing
// approved differs from what goes out.
func (s *Service) AfterEdit(ctx context.Context, tx *store.Tx, a model.Actor, old, p model.Post) (model.ApprovalState, error) {
	if old.Approval == model.ApprovalNone {
		return old.Approval, nil
	}
	w, ok, err := workflowFor(ctx, &tx.Queries, p)
	if err != nil {
		return old.Approval, err
	}
	if prev, err := tx.LatestRound(ctx, p.ID); err == nil && prev.State == model.ApprovalPending {
		if err := tx.UpdateRound(ctx, prev.ID, prev.Step, model.ApprovalSuperseded, s.now()); err != nil {
			return old.Approval, err
		}
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return old.Approval, err
	}
	if !ok {
		// The workflow no longer applies: nothing to restart.
		return model.ApprovalNone, tx.SetPostApproval(ctx, p.ID, model.ApprovalNone, 0)
	}
	_, err = s.start(ctx, tx, a, p, w)
	return model.ApprovalPending, err
}

// start opens a round for p's current version at step 1 and tells the
// step's approvers.
func (s *Service) start(ctx context.Context, tx *store.Tx, a model.Actor, p model.Post, w model.Workflow) (model.ApprovalRound, error) {
	now := s.now()
	r := model.ApprovalRound{ID: ids.New(), PostID: p.ID, WorkspaceID: p.WorkspaceID, Version: p.Version, Steps: w.Steps,
		State: model.ApprovalPending, RequestedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	if prev, err := tx.LatestRound(ctx, p.ID); err == nil && prev.State == model.ApprovalPending {
		if err := tx.UpdateRound(ctx, prev.ID, prev.Step, model.ApprovalSuperseded, now); err != nil {
			return r, err
		}
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return r, err
	}
	if err := s.checkReachable(ctx, tx, p, w.Steps); err != nil {
		return r, err
	}
	if err := tx.CreateRound(ctx, r); err != nil {
		return r, err
	}
	if err := tx.SetPostApproval(ctx, p.ID, model.ApprovalPending, 0); err != nil {
		return r, err
	}
	if err := audit.Record(ctx, tx, a, "approval.submit", "post", p.ID, p.WorkspaceID, map[string]any{"version": p.Version, "round": r.ID}); err != nil {
		return r, err
	}
	return r, s.announceStep(ctx, tx, p, r)
}

// checkReachable refuses a round that no one could finish: a member step
// whose only approver is the author.
func (s *Service) checkReachable(ctx context.Context, tx *store.Tx, p model.Post, steps []model.ApprovalStep) error {
	members, err := tx.ListMembers(ctx, p.WorkspaceID)
	if err != nil {
		return err
	}
	for i, st := range steps {
		if !st.External && len(approvers(st, members, p.AuthorID)) == 0 {
			return model.Invalid("workflow", "step %d (%s) has nobody who may approve this post: its author cannot approve their own post; change the workflow", i+1, st.Name)
		}
	}
	return nil
}

// announceStep tells whoever decides the round's current step: members
// in Herald and by e-mail, external reviewers by e-mail with their link.
func (s *Service) announceStep(ctx context.Context, tx *store.Tx, p model.Post, r model.ApprovalRound) error {
	step := r.Steps[r.Step]
	text := fmt.Sprintf("“%s” waits for your approval (step %d of %d: %s)", notify.Excerpt(p.Base.Text, 60), r.Step+1, len(r.Steps), step.Name)
	if step.External {
		return s.mailReviewers(ctx, tx, p, text)
	}
	members, err := tx.ListMembers(ctx, p.WorkspaceID)
	if err != nil {
		return err
	}
	var userIDs []string
	for _, m := range approvers(step, members, p.AuthorID) {
		userIDs = append(userIDs, m.UserID)
	}
	return s.Notify.Tell(ctx, tx, notify.Message{Kind: model.NotifyApprovalRequested, WorkspaceID: p.WorkspaceID, UserIDs: userIDs,
		Subject: "A post waits for your approval", Text: text, Link: postLink(p), PostID: p.ID})
}

func postLink(p model.Post) string { return "/w/" + p.WorkspaceID + "/posts/" + p.ID + "/edit" }

// Decision is a verdict as submitted: Version is the post's version the
// approver saw, so a verdict on an older text is refused.
type Decision struct {
	Kind    string // approve, reject, changes
	Reason  string
	Version int
}

func checkDecision(d *Decision) error {
	d.Reason = strings.TrimSpace(d.Reason)
	switch d.Kind {
	case model.DecideApprove:
	case model.DecideReject, model.DecideChanges:
		if d.Reason == "" {
			return model.Invalid("reason", "say why, so the author knows what to change")
		}
	default:
		return model.Invalid("decision", "%q is not a decision; one of approve, reject, changes", d.Kind)
	}
	if utf8.RuneCountInString(d.Reason) > 2000 {
		return model.Invalid("reason", "a reason is at most 2,000 characters")
	}
	if d.Version < 1 {
		return model.Invalid("version", "say which version of the post you reviewed")
	}
	return nil
}

// Decide records a member's verdict on the current step of a post.
func (s *Service) Decide(ctx context.Context, a model.Actor, workspaceID, postID string, d Decision) (model.ApprovalRound, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostApprove); err != nil {
		return model.ApprovalRound{}, err
	}
	if err := checkDecision(&d); err != nil {
		return model.ApprovalRound{}, err
	}
	var r model.ApprovalRound
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		p, round, err := s.openRound(ctx, tx, workspaceID, postID, d.Version)
		if err != nil {
			return err
		}
		step := round.Steps[round.Step]
		if a.UserID == p.AuthorID {
			return model.Forbidden("nobody approves their own post; someone else in step %d (%s) decides", round.Step+1, step.Name)
		}
		members, err := tx.ListMembers(ctx, workspaceID)
		if err != nil {
			return err
		}
		who := approvers(step, members, p.AuthorID)
		i := slices.IndexFunc(who, func(m model.Member) bool { return m.UserID == a.UserID })
		if step.External || i < 0 {
			return model.Forbidden("step %d (%s) is not yours to decide", round.Step+1, step.Name)
		}
		dec := model.ApprovalDecision{UserID: a.UserID, Name: who[i].Name}
		r, err = s.apply(ctx, tx, a, p, round, dec, d, len(who))
		return err
	})
	return r, err
}

// openRound locks the post and returns its pending round, refusing a
// verdict on a version other than the one under review.
func (s *Service) openRound(ctx context.Context, tx *store.Tx, workspaceID, postID string, version int) (model.Post, model.ApprovalRound, error) {
	p, err := lockedPost(ctx, tx, workspaceID, postID)
	if err != nil {
		return p, model.ApprovalRound{}, err
	}
	round, err := tx.LatestRound(ctx, postID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && round.State != model.ApprovalPending) {
		return p, round, model.Conflict("approval", "this post is not waiting for approval (now: %s)", stateLabel(p.Approval))
	} else if err != nil {
		return p, round, err
	}
	if version != p.Version || round.Version != p.Version {
		return p, round, model.Conflict("version", "this post changed since you opened it (you reviewed version %d, it is now version %d); review the new version", version, p.Version)
	}
	return p, round, nil
}

// apply records the verdict and moves the round: a rejection or a request
// for changes ends it; an approval completes the step when its mode is
// satisfied, and the last step approves the post.
func (s *Service) apply(ctx context.Context, tx *store.Tx, a model.Actor, p model.Post, r model.ApprovalRound, dec model.ApprovalDecision, d Decision, needed int) (model.ApprovalRound, error) {
	now := s.now()
	prior, err := tx.Decisions(ctx, p.ID)
	if err != nil {
		return r, err
	}
	for _, x := range prior {
		if x.RoundID == r.ID && x.Step == r.Step && ((dec.UserID != "" && x.UserID == dec.UserID) || (dec.ReviewerID != "" && x.ReviewerID == dec.ReviewerID)) {
			return r, model.Conflict("decision", "you already decided this step")
		}
	}
	dec.ID, dec.RoundID, dec.PostID, dec.Step, dec.Decision, dec.Reason, dec.Version, dec.CreatedAt =
		ids.New(), r.ID, p.ID, r.Step, d.Kind, d.Reason, p.Version, now
	if err := tx.AddDecision(ctx, dec); err != nil {
		return r, err
	}
	if err := audit.Record(ctx, tx, a, "approval."+d.Kind, "post", p.ID, p.WorkspaceID,
		map[string]any{"step": r.Step + 1, "version": p.Version, "reason": d.Reason, "by": dec.Name}); err != nil {
		return r, err
	}
	switch d.Kind {
	case model.DecideReject:
		return s.end(ctx, tx, p, r, model.ApprovalRejected, fmt.Sprintf("%s rejected “%s”: %s", dec.Name, notify.Excerpt(p.Base.Text, 60), d.Reason))
	case model.DecideChanges:
		return s.end(ctx, tx, p, r, model.ApprovalChanges, fmt.Sprintf("%s asks for changes to “%s”: %s", dec.Name, notify.Excerpt(p.Base.Text, 60), d.Reason))
	}
	if r.Steps[r.Step].Mode == model.StepAll {
		yes := 1
		for _, x := range prior {
			if x.RoundID == r.ID && x.Step == r.Step && x.Decision == model.DecideApprove {
				yes++
			}
		}
		if yes < needed {
			return r, tx.UpdateRound(ctx, r.ID, r.Step, r.State, now)
		}
	}
	if r.Step+1 < len(r.Steps) {
		r.Step++
		r.UpdatedAt = now
		if err := tx.UpdateRound(ctx, r.ID, r.Step, r.State, now); err != nil {
			return r, err
		}
		return r, s.announceStep(ctx, tx, p, r)
	}
	return s.end(ctx, tx, p, r, model.ApprovalApproved, fmt.Sprintf("“%s” is approved", notify.Excerpt(p.Base.Text, 60)))
}

// end closes a round with state and tells the author.
func (s *Service) end(ctx context.Context, tx *store.Tx, p model.Post, r model.ApprovalRound, state model.ApprovalState, text string) (model.ApprovalRound, error) {
	now := s.now()
	r.State, r.UpdatedAt = state, now
	if err := tx.UpdateRound(ctx, r.ID, r.Step, state, now); err != nil {
		return r, err
	}
	approved := 0
	if state == model.ApprovalApproved {
		approved = p.Version
	}
	if err := tx.SetPostApproval(ctx, p.ID, state, approved); err != nil {
		return r, err
	}
	return r, s.Notify.Tell(ctx, tx, notify.Message{Kind: model.NotifyApprovalDecided, WorkspaceID: p.WorkspaceID,
		UserIDs: []string{p.AuthorID}, Subject: "Your post: " + stateLabel(state), Text: text, Link: postLink(p), PostID: p.ID})
}

// lockedPost locks and loads a post of the workspace.
func lockedPost(ctx context.Context, tx *store.Tx, workspaceID, postID string) (model.Post, error) {
	if err := tx.LockPost(ctx, postID); errors.Is(err, store.ErrNotFound) {
		return model.Post{}, model.NotFound("no post with that ID in this workspace")
	} else if err != nil {
		return model.Post{}, err
	}
	p, err := tx.PostByID(ctx, workspaceID, postID)
	if errors.Is(err, store.ErrNotFound) {
		return p, model.NotFound("no post with that ID in this workspace")
	}
	return p, err
}

// stateLabel names an approval state for people.
func stateLabel(st model.ApprovalState) string {
	switch st {
	case model.ApprovalPending:
		return "waiting for approval"
	case model.ApprovalApproved:
		return "approved"
	case model.ApprovalRejected:
		return "rejected"
	case model.ApprovalChanges:
		return "changes requested"
	}
	return "not in approval"
}

// StateLabel names an approval state for people.
func StateLabel(st model.ApprovalState) string { return stateLabel(st) }

// Waiting is a post waiting for a decision, with its round.
type Waiting struct {
	Post  model.Post
	Round model.ApprovalRound
	Mine  bool // the caller may decide its current step
}

// Pending lists the workspace's posts waiting for approval, those whose
// current step is the caller's first.
func (s *Service) Pending(ctx context.Context, a model.Actor, workspaceID string) ([]Waiting, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	q := s.Store.Read()
	rounds, err := q.OpenRounds(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	members, err := q.ListMembers(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	var mine, others []Waiting
	for _, r := range rounds {
		p, err := q.PostByID(ctx, workspaceID, r.PostID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		w := Waiting{Post: p, Round: r}
		w.Mine = slices.ContainsFunc(approvers(r.Steps[r.Step], members, p.AuthorID), func(m model.Member) bool { return m.UserID == a.UserID })
		if w.Mine {
			w.Mine = !alreadyDecided(ctx, q, r, a.UserID)
		}
		if w.Mine {
			mine = append(mine, w)
		} else {
			others = append(others, w)
		}
	}
	return append(mine, others...), nil
}

func alreadyDecided(ctx context.Context, q *store.Queries, r model.ApprovalRound, userID string) bool {
	ds, err := q.Decisions(ctx, r.PostID)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(ds, func(d model.ApprovalDecision) bool {
		return d.RoundID == r.ID && d.Step == r.Step && d.UserID == userID
	})
}
