// Package approval is how a post gets a yes before it goes out: workflows
// per workspace and channel (whose posts need approval, 1 to 3 steps of
// "any one" or "all" approvers), rounds that carry one version of a post
// through the steps, decisions (approve, reject with a reason, request
// changes), external reviewers reached through signed, expiring links, and
// the queue of posts waiting for someone. The publisher refuses a post
// whose current version is not approved when its time comes (model.Post.
// AwaitsApproval); an edit starts approval again.
package approval

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"herald/internal/audit"
	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Teller tells members about approval steps and decisions.
type Teller interface {
	Tell(ctx context.Context, tx *store.Tx, m notify.Message) error
}

// Mailer sends e-mail to external reviewers, who are not members.
type Mailer interface {
	Configured(ctx context.Context) bool
	Job(to, subject, text string) (river.JobArgs, error)
}

// Enqueuer inserts jobs in the caller's transaction.
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Previewer shows a post as each of its networks will.
type Previewer interface {
	Preview(ctx context.Context, p model.Post) (compose.Report, error)
}

// Service is the approval domain service.
type Service struct {
	Store      *store.Store
	Workspaces Authorizer
	Notify     Teller
	Mail       Mailer // nil: reviewers get no e-mail (their link is shown to whoever invited them)
	Queue      Enqueuer
	Box        *secret.Box // signs reviewer links
	Previews   Previewer
	BaseURL    string
	Logger     *slog.Logger
	Now        func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Workflows lists the workspace's workflows, the default (ChannelID "")
// first.
func (s *Service) Workflows(ctx context.Context, a model.Actor, workspaceID string) ([]model.Workflow, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	return s.Store.Read().Workflows(ctx, workspaceID)
}

// SaveWorkflow creates or replaces the workflow for w.ChannelID ("" for
// the workspace's default).
func (s *Service) SaveWorkflow(ctx context.Context, a model.Actor, workspaceID string, w model.Workflow) (model.Workflow, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActApprovalSetup); err != nil {
		return w, err
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := checkWorkflow(ctx, tx, workspaceID, &w); err != nil {
			return err
		}
		w.WorkspaceID, w.UpdatedBy, w.UpdatedAt = workspaceID, a.UserID, s.now()
		if err := tx.PutWorkflow(ctx, w); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "approval.workflow.save", "workflow", workflowKey(w.ChannelID), workspaceID,
			map[string]any{"channel_id": w.ChannelID, "steps": len(w.Steps), "roles": w.AppliesRoles, "users": len(w.AppliesUsers)})
	})
	return w, err
}

func workflowKey(channelID string) string {
	if channelID == "" {
		return "default"
	}
	return channelID
}

// DeleteWorkflow removes the workflow for a channel ("" for the default);
// posts already in a round finish it.
func (s *Service) DeleteWorkflow(ctx context.Context, a model.Actor, workspaceID, channelID string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActApprovalSetup); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteWorkflow(ctx, workspaceID, channelID); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no approval workflow for that channel in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "approval.workflow.delete", "workflow", workflowKey(channelID), workspaceID, nil)
	})
}

// checkWorkflow cleans w and refuses what cannot work, naming the field.
func checkWorkflow(ctx context.Context, tx *store.Tx, workspaceID string, w *model.Workflow) error {
	if w.ChannelID != "" {
		if _, err := tx.ChannelByID(ctx, workspaceID, w.ChannelID); errors.Is(err, store.ErrNotFound) {
			return model.Invalid("channel_id", "%q is not a channel of this workspace", w.ChannelID)
		} else if err != nil {
			return err
		}
	}
	members, err := tx.ListMembers(ctx, workspaceID)
	if err != nil {
		return err
	}
	isMember := func(id string) bool {
		return slices.ContainsFunc(members, func(m model.Member) bool { return m.UserID == id })
	}
	for _, r := range w.AppliesRoles {
		if !r.Valid() {
			return model.Invalid("applies_roles", "%q is not a role; one of owner, admin, manager, editor, contributor, analyst, viewer", r)
		}
	}
	for _, u := range w.AppliesUsers {
		if !isMember(u) {
			return model.Invalid("applies_users", "%q is not a member of this workspace", u)
		}
	}
	if len(w.AppliesRoles)+len(w.AppliesUsers) == 0 {
		return model.Invalid("applies_roles", "choose whose posts need approval: at least one role or person")
	}
	if n := len(w.Steps); n < 1 || n > 3 {
		return model.Invalid("steps", "a workflow has 1 to 3 steps, not %d", n)
	}
	for i := range w.Steps {
		if err := checkStep(&w.Steps[i], i, isMember); err != nil {
			return err
		}
	}
	return nil
}

func checkStep(st *model.ApprovalStep, i int, isMember func(string) bool) error {
	field := "steps." + itoa(i)
	st.Name = strings.TrimSpace(st.Name)
	if st.Name == "" {
		st.Name = "Step " + itoa(i+1)
	}
	if utf8.RuneCountInString(st.Name) > 60 {
		return model.Invalid(field+".name", "a step's name is at most 60 characters")
	}
	if st.Mode == "" {
		st.Mode = model.StepAny
	}
	if st.Mode != model.StepAny && st.Mode != model.StepAll {
		return model.Invalid(field+".mode", "%q is not a step mode; one of any (one approval is enough), all (everyone approves)", st.Mode)
	}
	for _, r := range st.Roles {
		if !r.Valid() {
			return model.Invalid(field+".roles", "%q is not a role", r)
		}
	}
	for _, u := range st.Users {
		if !isMember(u) {
			return model.Invalid(field+".users", "%q is not a member of this workspace", u)
		}
	}
	if st.External && (len(st.Roles) > 0 || len(st.Users) > 0) {
		return model.Invalid(field, "a step is either for external reviewers or for members, not both; add another step")
	}
	if !st.External && len(st.Roles)+len(st.Users) == 0 {
		return model.Invalid(field, "say who approves step %d: roles, people, or external reviewers", i+1)
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }

// workflowFor picks the workflow for a post: a channel's own workflow
// (the one with most steps when the post goes to several such channels)
// over the workspace's default; ok is false when none applies to its
// author.
func workflowFor(ctx context.Context, q *store.Queries, p model.Post) (model.Workflow, bool, error) {
	all, err := q.Workflows(ctx, p.WorkspaceID)
	if err != nil || len(all) == 0 {
		return model.Workflow{}, false, err
	}
	role, err := q.MemberRole(ctx, p.WorkspaceID, p.AuthorID)
	if errors.Is(err, store.ErrNotFound) {
		role = "" // the author left: only person rules can name them
	} else if err != nil {
		return model.Workflow{}, false, err
	}
	var pick *model.Workflow
	for i, w := range all {
		if w.ChannelID == "" || !slices.ContainsFunc(p.Targets, func(t model.Target) bool { return t.ChannelID == w.ChannelID }) {
			continue
		}
		if pick == nil || len(w.Steps) > len(pick.Steps) {
			pick = &all[i]
		}
	}
	if pick == nil && all[0].ChannelID == "" {
		pick = &all[0]
	}
	if pick == nil || !pick.Applies(p.AuthorID, role) {
		return model.Workflow{}, false, nil
	}
	return *pick, true, nil
}
