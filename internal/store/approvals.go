package store

import (
	"context"
	"encoding/json"
	"time"

	"herald/internal/model"
)

// SetPostApproval records where a post is in approval.
func (q *Queries) SetPostApproval(ctx context.Context, postID string, state model.ApprovalState, approvedVersion int) error {
	return q.execOne(ctx, "set post approval", `UPDATE posts SET approval = $1, approved_version = $2 WHERE id = $3`,
		string(state), approvedVersion, postID)
}

// Workflows lists a workspace's approval workflows, the default first.
func (q *Queries) Workflows(ctx context.Context, workspaceID string) ([]model.Workflow, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT workspace_id, channel_id, applies_roles, applies_users, steps, updated_by, updated_at
		FROM approval_workflows WHERE workspace_id = $1 ORDER BY channel_id`, workspaceID)
	if err != nil {
		return nil, wrap("workflows", err)
	}
	defer rows.Close()
	var out []model.Workflow
	for rows.Next() {
		var w model.Workflow
		var roles, users, steps string
		if err := rows.Scan(&w.WorkspaceID, &w.ChannelID, &roles, &users, &steps, &w.UpdatedBy, tm(&w.UpdatedAt)); err != nil {
			return nil, wrap("workflows", err)
		}
		if err := unmarshalAll([]byte(roles), &w.AppliesRoles, []byte(users), &w.AppliesUsers, []byte(steps), &w.Steps); err != nil {
			return nil, wrap("workflows", err)
		}
		out = append(out, w)
	}
	return out, wrap("workflows", rows.Err())
}

func unmarshalAll(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := json.Unmarshal(pairs[i].([]byte), pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// PutWorkflow creates or replaces the workflow for its workspace and channel.
func (q *Queries) PutWorkflow(ctx context.Context, w model.Workflow) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO approval_workflows (workspace_id, channel_id, applies_roles, applies_users, steps, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (workspace_id, channel_id) DO UPDATE SET applies_roles = excluded.applies_roles,
		applies_users = excluded.applies_users, steps = excluded.steps, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		w.WorkspaceID, w.ChannelID, jsonText(orEmpty(w.AppliesRoles)), jsonText(orEmpty(w.AppliesUsers)), jsonText(w.Steps), w.UpdatedBy, ts(w.UpdatedAt))
	return wrap("put workflow", err)
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// DeleteWorkflow removes a workspace's workflow for a channel (” for
// the default).
func (q *Queries) DeleteWorkflow(ctx context.Context, workspaceID, channelID string) error {
	return q.execOne(ctx, "delete workflow", `DELETE FROM approval_workflows WHERE workspace_id = $1 AND channel_id = $2`, workspaceID, channelID)
}

const roundCols = `id, post_id, workspace_id, version, steps, step, state, requested_by, created_at, updated_at`

func scanRound(row interface{ Scan(...any) error }) (model.ApprovalRound, error) {
	var r model.ApprovalRound
	var steps string
	if err := row.Scan(&r.ID, &r.PostID, &r.WorkspaceID, &r.Version, &steps, &r.Step, &r.State, &r.RequestedBy,
		tm(&r.CreatedAt), tm(&r.UpdatedAt)); err != nil {
		return r, err
	}
	return r, json.Unmarshal([]byte(steps), &r.Steps)
}

// CreateRound starts an approval round.
func (q *Queries) CreateRound(ctx context.Context, r model.ApprovalRound) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO approval_rounds (`+roundCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		r.ID, r.PostID, r.WorkspaceID, r.Version, jsonText(r.Steps), r.Step, string(r.State), r.RequestedBy, ts(r.CreatedAt), ts(r.UpdatedAt))
	return wrap("create round", err)
}

// UpdateRound moves a round to its step and state.
func (q *Queries) UpdateRound(ctx context.Context, id string, step int, state model.ApprovalState, now time.Time) error {
	return q.execOne(ctx, "update round", `UPDATE approval_rounds SET step = $1, state = $2, updated_at = $3 WHERE id = $4`,
		step, string(state), ts(now), id)
}

// LatestRound is a post's newest approval round.
func (q *Queries) LatestRound(ctx context.Context, postID string) (model.ApprovalRound, error) {
	r, err := scanRound(q.q.QueryRowContext(ctx, `SELECT `+roundCols+` FROM approval_rounds WHERE post_id = $1
		ORDER BY created_at DESC, id DESC LIMIT 1`, postID))
	return r, wrap("latest round", err)
}

// OpenRounds lists a workspace's pending rounds, oldest first.
func (q *Queries) OpenRounds(ctx context.Context, workspaceID string) ([]model.ApprovalRound, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+roundCols+` FROM approval_rounds WHERE workspace_id = $1 AND state = 'pending'
		ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return nil, wrap("open rounds", err)
	}
	defer rows.Close()
	var out []model.ApprovalRound
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, wrap("open rounds", err)
		}
		out = append(out, r)
	}
	return out, wrap("open rounds", rows.Err())
}

const decisionCols = `id, round_id, post_id, step, user_id, reviewer_id, name, decision, reason, version, created_at`

// AddDecision records an approver's verdict.
func (q *Queries) AddDecision(ctx context.Context, d model.ApprovalDecision) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO approval_decisions (`+decisionCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		d.ID, d.RoundID, d.PostID, d.Step, d.UserID, d.ReviewerID, d.Name, d.Decision, d.Reason, d.Version, ts(d.CreatedAt))
	return wrap("add decision", err)
}

// Decisions lists a post's verdicts over all its rounds, oldest first.
func (q *Queries) Decisions(ctx context.Context, postID string) ([]model.ApprovalDecision, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+decisionCols+` FROM approval_decisions WHERE post_id = $1 ORDER BY created_at, id`, postID)
	if err != nil {
		return nil, wrap("decisions", err)
	}
	defer rows.Close()
	var out []model.ApprovalDecision
	for rows.Next() {
		var d model.ApprovalDecision
		if err := rows.Scan(&d.ID, &d.RoundID, &d.PostID, &d.Step, &d.UserID, &d.ReviewerID, &d.Name, &d.Decision, &d.Reason,
			&d.Version, tm(&d.CreatedAt)); err != nil {
			return nil, wrap("decisions", err)
		}
		out = append(out, d)
	}
	return out, wrap("decisions", rows.Err())
}

const reviewerCols = `id, post_id, workspace_id, name, email, expires_at, revoked_at, created_by, created_at, share_id`

func scanReviewer(row interface{ Scan(...any) error }) (model.Reviewer, error) {
	var r model.Reviewer
	err := row.Scan(&r.ID, &r.PostID, &r.WorkspaceID, &r.Name, &r.Email, tm(&r.ExpiresAt), tm(&r.RevokedAt), &r.CreatedBy, tm(&r.CreatedAt), &r.ShareID)
	return r, err
}

// AddReviewer invites an external reviewer to a post.
func (q *Queries) AddReviewer(ctx context.Context, r model.Reviewer) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO post_reviewers (`+reviewerCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		r.ID, r.PostID, r.WorkspaceID, r.Name, r.Email, ts(r.ExpiresAt), ts(r.RevokedAt), r.CreatedBy, ts(r.CreatedAt), r.ShareID)
	return wrap("add reviewer", err)
}

// Reviewer finds an external reviewer by ID.
func (q *Queries) Reviewer(ctx context.Context, id string) (model.Reviewer, error) {
	r, err := scanReviewer(q.q.QueryRowContext(ctx, `SELECT `+reviewerCols+` FROM post_reviewers WHERE id = $1`, id))
	return r, wrap("reviewer", err)
}

// Reviewers lists a post's external reviewers, newest first.
func (q *Queries) Reviewers(ctx context.Context, postID string) ([]model.Reviewer, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+reviewerCols+` FROM post_reviewers WHERE post_id = $1 ORDER BY created_at DESC, id DESC`, postID)
	if err != nil {
		return nil, wrap("reviewers", err)
	}
	defer rows.Close()
	var out []model.Reviewer
	for rows.Next() {
		r, err := scanReviewer(rows)
		if err != nil {
			return nil, wrap("reviewers", err)
		}
		out = append(out, r)
	}
	return out, wrap("reviewers", rows.Err())
}

// RevokeReviewer ends a reviewer's link.
func (q *Queries) RevokeReviewer(ctx context.Context, postID, id string, now time.Time) error {
	return q.execOne(ctx, "revoke reviewer", `UPDATE post_reviewers SET revoked_at = $1 WHERE post_id = $2 AND id = $3 AND revoked_at IS NULL`,
		ts(now), postID, id)
}

const commentCols = `id, post_id, workspace_id, user_id, reviewer_id, name, body, mentions, created_at`

// AddComment saves a comment on a post.
func (q *Queries) AddComment(ctx context.Context, c model.Comment) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO post_comments (`+commentCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		c.ID, c.PostID, c.WorkspaceID, c.UserID, c.ReviewerID, c.Name, c.Body, jsonText(orEmpty(c.Mentions)), ts(c.CreatedAt))
	return wrap("add comment", err)
}

// Comments lists a post's comments, oldest first.
func (q *Queries) Comments(ctx context.Context, postID string) ([]model.Comment, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+commentCols+` FROM post_comments WHERE post_id = $1 ORDER BY created_at, id`, postID)
	if err != nil {
		return nil, wrap("comments", err)
	}
	defer rows.Close()
	var out []model.Comment
	for rows.Next() {
		var c model.Comment
		var mentions string
		if err := rows.Scan(&c.ID, &c.PostID, &c.WorkspaceID, &c.UserID, &c.ReviewerID, &c.Name, &c.Body, &mentions, tm(&c.CreatedAt)); err != nil {
			return nil, wrap("comments", err)
		}
		if err := json.Unmarshal([]byte(mentions), &c.Mentions); err != nil {
			return nil, wrap("comments", err)
		}
		out = append(out, c)
	}
	return out, wrap("comments", rows.Err())
}

// ShareReviewer finds the live reviewer a client calendar link has for a
// post.
func (q *Queries) ShareReviewer(ctx context.Context, shareID, postID string) (model.Reviewer, error) {
	r, err := scanReviewer(q.q.QueryRowContext(ctx, `SELECT `+reviewerCols+` FROM post_reviewers WHERE share_id = $1 AND post_id = $2
		AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1`, shareID, postID))
	return r, wrap("share reviewer", err)
}
