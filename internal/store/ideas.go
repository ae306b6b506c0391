package store

import (
	"context"
	"encoding/json"
	"time"

	"herald/internal/model"
)

// CreatePillar inserts a content pillar; a duplicate name is ErrConflict.
func (q *Queries) CreatePillar(ctx context.Context, p model.Pillar) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO pillars (id, workspace_id, name, color, target_share, description, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, p.ID, p.WorkspaceID, p.Name, p.Color, p.TargetShare, p.Description, ts(p.CreatedAt))
	return wrap("create pillar", err)
}

// UpdatePillar changes a pillar.
func (q *Queries) UpdatePillar(ctx context.Context, p model.Pillar) error {
	return q.execOne(ctx, "update pillar", `UPDATE pillars SET name = $1, color = $2, target_share = $3, description = $4
		WHERE workspace_id = $5 AND id = $6`, p.Name, p.Color, p.TargetShare, p.Description, p.WorkspaceID, p.ID)
}

// DeletePillar removes a pillar and clears it from posts.
func (q *Queries) DeletePillar(ctx context.Context, workspaceID, id string) error {
	if err := q.execOne(ctx, "delete pillar", `DELETE FROM pillars WHERE workspace_id = $1 AND id = $2`, workspaceID, id); err != nil {
		return err
	}
	_, err := q.q.ExecContext(ctx, `UPDATE posts SET pillar_id = '' WHERE workspace_id = $1 AND pillar_id = $2`, workspaceID, id)
	return wrap("delete pillar", err)
}

// ListPillars returns a workspace's pillars by name.
func (q *Queries) ListPillars(ctx context.Context, workspaceID string) ([]model.Pillar, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, workspace_id, name, color, target_share, description, created_at
		FROM pillars WHERE workspace_id = $1 ORDER BY name, id`, workspaceID)
	if err != nil {
		return nil, wrap("list pillars", err)
	}
	defer rows.Close()
	var out []model.Pillar
	for rows.Next() {
		var p model.Pillar
		if err := rows.Scan(&p.ID, &p.WorkspaceID, &p.Name, &p.Color, &p.TargetShare, &p.Description, tm(&p.CreatedAt)); err != nil {
			return nil, wrap("list pillars", err)
		}
		out = append(out, p)
	}
	return out, wrap("list pillars", rows.Err())
}

const ideaCols = `id, workspace_id, text, link, media, author_id, post_id, created_at, updated_at`

func scanIdea(row interface{ Scan(...any) error }) (model.Idea, error) {
	var i model.Idea
	var media string
	if err := row.Scan(&i.ID, &i.WorkspaceID, &i.Text, &i.Link, &media, &i.AuthorID, &i.PostID, tm(&i.CreatedAt), tm(&i.UpdatedAt)); err != nil {
		return i, err
	}
	return i, json.Unmarshal([]byte(media), &i.Media)
}

func mediaJSON(m []model.MediaRef) string {
	if m == nil {
		m = []model.MediaRef{}
	}
	return jsonText(m)
}

// CreateIdea inserts an idea.
func (q *Queries) CreateIdea(ctx context.Context, i model.Idea) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO ideas (`+ideaCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		i.ID, i.WorkspaceID, i.Text, i.Link, mediaJSON(i.Media), i.AuthorID, i.PostID, ts(i.CreatedAt), ts(i.UpdatedAt))
	return wrap("create idea", err)
}

// UpdateIdea saves an idea's text, link, media and the draft it became.
func (q *Queries) UpdateIdea(ctx context.Context, i model.Idea) error {
	return q.execOne(ctx, "update idea", `UPDATE ideas SET text = $1, link = $2, media = $3, post_id = $4, updated_at = $5
		WHERE workspace_id = $6 AND id = $7`, i.Text, i.Link, mediaJSON(i.Media), i.PostID, ts(i.UpdatedAt), i.WorkspaceID, i.ID)
}

// ClaimIdea links an open idea to the draft it became, only if no draft
// claimed it first. The condition on post_id is what makes two simultaneous
// conversions safe on PostgreSQL, where READ COMMITTED lets both
// transactions read the idea as open: the second UPDATE waits for the
// first's row lock, then re-checks post_id and matches nothing. It returns
// ErrConflict when the idea already has a draft and ErrNotFound when there
// is no such idea.
func (q *Queries) ClaimIdea(ctx context.Context, workspaceID, id, postID string, at time.Time) error {
	res, err := q.q.ExecContext(ctx, `UPDATE ideas SET post_id = $1, updated_at = $2
		WHERE workspace_id = $3 AND id = $4 AND post_id = ''`, postID, ts(at), workspaceID, id)
	if err != nil {
		return wrap("claim idea", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap("claim idea", err)
	}
	if n == 1 {
		return nil
	}
	var one int
	err = q.q.QueryRowContext(ctx, `SELECT 1 FROM ideas WHERE workspace_id = $1 AND id = $2`, workspaceID, id).Scan(&one)
	if err != nil {
		return wrap("claim idea", err)
	}
	return ErrConflict
}

// IdeaByID loads an idea.
func (q *Queries) IdeaByID(ctx context.Context, workspaceID, id string) (model.Idea, error) {
	i, err := scanIdea(q.q.QueryRowContext(ctx, `SELECT `+ideaCols+` FROM ideas WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return i, wrap("idea by id", err)
}

// DeleteIdea removes an idea.
func (q *Queries) DeleteIdea(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete idea", `DELETE FROM ideas WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// ListIdeas returns a workspace's ideas, newest first; open ones only
// unless all is set.
func (q *Queries) ListIdeas(ctx context.Context, workspaceID string, all bool) ([]model.Idea, error) {
	cond := ` AND post_id = ''`
	if all {
		cond = ""
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+ideaCols+` FROM ideas WHERE workspace_id = $1`+cond+` ORDER BY id DESC`, workspaceID)
	if err != nil {
		return nil, wrap("list ideas", err)
	}
	defer rows.Close()
	var out []model.Idea
	for rows.Next() {
		i, err := scanIdea(rows)
		if err != nil {
			return nil, wrap("list ideas", err)
		}
		out = append(out, i)
	}
	return out, wrap("list ideas", rows.Err())
}

const snippetCols = `id, workspace_id, kind, name, body, created_by, created_at, updated_at`

func scanSnippet(row interface{ Scan(...any) error }) (model.Snippet, error) {
	var s model.Snippet
	err := row.Scan(&s.ID, &s.WorkspaceID, &s.Kind, &s.Name, &s.Body, &s.CreatedBy, tm(&s.CreatedAt), tm(&s.UpdatedAt))
	return s, err
}

// CreateSnippet inserts a template or hashtag group; a duplicate name of
// the same kind is ErrConflict.
func (q *Queries) CreateSnippet(ctx context.Context, s model.Snippet) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO snippets (`+snippetCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		s.ID, s.WorkspaceID, string(s.Kind), s.Name, s.Body, s.CreatedBy, ts(s.CreatedAt), ts(s.UpdatedAt))
	return wrap("create snippet", err)
}

// UpdateSnippet changes a snippet's name and body.
func (q *Queries) UpdateSnippet(ctx context.Context, s model.Snippet) error {
	return q.execOne(ctx, "update snippet", `UPDATE snippets SET name = $1, body = $2, updated_at = $3 WHERE workspace_id = $4 AND id = $5`,
		s.Name, s.Body, ts(s.UpdatedAt), s.WorkspaceID, s.ID)
}

// SnippetByID loads a snippet.
func (q *Queries) SnippetByID(ctx context.Context, workspaceID, id string) (model.Snippet, error) {
	s, err := scanSnippet(q.q.QueryRowContext(ctx, `SELECT `+snippetCols+` FROM snippets WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return s, wrap("snippet by id", err)
}

// DeleteSnippet removes a snippet.
func (q *Queries) DeleteSnippet(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete snippet", `DELETE FROM snippets WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// ListSnippets returns a workspace's snippets of a kind ("" for all) by name.
func (q *Queries) ListSnippets(ctx context.Context, workspaceID string, kind model.SnippetKind) ([]model.Snippet, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+snippetCols+` FROM snippets WHERE workspace_id = $1 AND ($2 = '' OR kind = $2)
		ORDER BY kind, name, id`, workspaceID, string(kind))
	if err != nil {
		return nil, wrap("list snippets", err)
	}
	defer rows.Close()
	var out []model.Snippet
	for rows.Next() {
		s, err := scanSnippet(rows)
		if err != nil {
			return nil, wrap("list snippets", err)
		}
		out = append(out, s)
	}
	return out, wrap("list snippets", rows.Err())
}
