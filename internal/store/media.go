package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
)

const mediaCols = `id, workspace_id, blob_key, thumb_key, filename, content_type, kind, size, width, height, duration_ms, codec,
	sha256, alt, title, tags, folder, source, licence, credit, expires_at, created_by, created_at, updated_at`

func scanMedia(row interface{ Scan(...any) error }) (model.Media, error) {
	var m model.Media
	var kind, tags string
	err := row.Scan(&m.ID, &m.WorkspaceID, &m.BlobKey, &m.ThumbKey, &m.Filename, &m.ContentType, &kind, &m.Size, &m.Width, &m.Height,
		&m.DurationMS, &m.Codec, &m.SHA256, &m.Alt, &m.Title, &tags, &m.Folder, &m.Source, &m.Licence, &m.Credit, tm(&m.ExpiresAt),
		&m.CreatedBy, tm(&m.CreatedAt), tm(&m.UpdatedAt))
	if err != nil {
		return m, err
	}
	m.Kind = model.MediaKind(kind)
	return m, json.Unmarshal([]byte(tags), &m.Tags)
}

// CreateMedia inserts an asset whose blobs are already stored.
func (q *Queries) CreateMedia(ctx context.Context, m model.Media) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO media (`+mediaCols+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24)`,
		m.ID, m.WorkspaceID, m.BlobKey, m.ThumbKey, m.Filename, m.ContentType, string(m.Kind), m.Size, m.Width, m.Height,
		m.DurationMS, m.Codec, m.SHA256, m.Alt, m.Title, labelsJSON(m.Tags), m.Folder, m.Source, m.Licence, m.Credit, ts(m.ExpiresAt),
		m.CreatedBy, ts(m.CreatedAt), ts(m.UpdatedAt))
	return wrap("create media", err)
}

// MediaByID loads an asset of a workspace.
func (q *Queries) MediaByID(ctx context.Context, workspaceID, id string) (model.Media, error) {
	m, err := scanMedia(q.q.QueryRowContext(ctx, `SELECT `+mediaCols+` FROM media WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return m, wrap("media by id", err)
}

// MediaByIDAnyWorkspace loads an asset by ID alone, for signed public URLs
// whose signature already names the asset.
func (q *Queries) MediaByIDAnyWorkspace(ctx context.Context, id string) (model.Media, error) {
	m, err := scanMedia(q.q.QueryRowContext(ctx, `SELECT `+mediaCols+` FROM media WHERE id = $1`, id))
	return m, wrap("media by id", err)
}

// MediaByIDs loads the assets of a workspace among ids, in no set order;
// unknown IDs are left out.
func (q *Queries) MediaByIDs(ctx context.Context, workspaceID string, ids []string) ([]model.Media, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{workspaceID}
	marks := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	return q.listMedia(ctx, `SELECT `+mediaCols+` FROM media WHERE workspace_id = $1 AND id IN (`+strings.Join(marks, ",")+`)`, args...)
}

// likePattern makes a case-insensitive substring pattern for LIKE ... ESCAPE
// '\', so a search for "50%" finds that text instead of everything.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// ListMedia returns a page of a workspace's assets. The search compares
// lower-cased text on both engines (PostgreSQL's LIKE is case-sensitive,
// SQLite's is not); tags are searched in their JSON text.
func (q *Queries) ListMedia(ctx context.Context, workspaceID string, f model.MediaFilter) ([]model.Media, error) {
	where := []string{"workspace_id = $1"}
	args := []any{workspaceID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Query != "" {
		add(`(lower(filename) LIKE ? ESCAPE '\' OR lower(title) LIKE ? ESCAPE '\' OR lower(alt) LIKE ? ESCAPE '\' OR lower(tags) LIKE ? ESCAPE '\')`, likePattern(f.Query))
	}
	if f.Kind != "" {
		add("kind = ?", string(f.Kind))
	}
	if f.Folder != "" {
		add("folder = ?", f.Folder)
	}
	order := "id"
	if f.Newest {
		order = "id DESC"
		if f.After != "" {
			add("id < ?", f.After)
		}
	} else if f.After != "" {
		add("id > ?", f.After)
	}
	query := `SELECT ` + mediaCols + ` FROM media WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order
	if f.Limit > 0 {
		query += ` LIMIT ` + strconv.Itoa(f.Limit)
	}
	return q.listMedia(ctx, query, args...)
}

func (q *Queries) listMedia(ctx context.Context, query string, args ...any) ([]model.Media, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap("list media", err)
	}
	defer rows.Close()
	var out []model.Media
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, wrap("list media", err)
		}
		out = append(out, m)
	}
	return out, wrap("list media", rows.Err())
}

// MediaFolders lists the folders a workspace's assets are in.
func (q *Queries) MediaFolders(ctx context.Context, workspaceID string) ([]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT DISTINCT folder FROM media WHERE workspace_id = $1 AND folder <> '' ORDER BY folder`, workspaceID)
	if err != nil {
		return nil, wrap("media folders", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, wrap("media folders", err)
		}
		out = append(out, f)
	}
	return out, wrap("media folders", rows.Err())
}

// UpdateMedia saves an asset's editable parts: alt text, title, tags,
// folder and rights.
func (q *Queries) UpdateMedia(ctx context.Context, m model.Media) error {
	return q.execOne(ctx, "update media", `UPDATE media SET alt = $1, title = $2, tags = $3, folder = $4, source = $5, licence = $6,
		credit = $7, expires_at = $8, updated_at = $9 WHERE workspace_id = $10 AND id = $11`,
		m.Alt, m.Title, labelsJSON(m.Tags), m.Folder, m.Source, m.Licence, m.Credit, ts(m.ExpiresAt), ts(m.UpdatedAt), m.WorkspaceID, m.ID)
}

// DeleteMedia removes an asset's row; its blobs are the caller's to delete.
func (q *Queries) DeleteMedia(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete media", `DELETE FROM media WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// MediaUses lists the posts of the workspace that use an asset, most
// recently changed first. post_media is kept by the compose service on
// every save; the join on posts keeps other workspaces' rows out.
func (q *Queries) MediaUses(ctx context.Context, workspaceID, mediaID string) ([]model.MediaUse, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT p.id, p.base, p.updated_at FROM post_media pm JOIN posts p ON p.id = pm.post_id
		WHERE pm.media_id = $1 AND p.workspace_id = $2 ORDER BY p.updated_at DESC, p.id`, mediaID, workspaceID)
	if err != nil {
		return nil, wrap("media uses", err)
	}
	defer rows.Close()
	var out []model.MediaUse
	for rows.Next() {
		var u model.MediaUse
		var base string
		if err := rows.Scan(&u.PostID, &base, tm(&u.UpdatedAt)); err != nil {
			return nil, wrap("media uses", err)
		}
		var c model.Content
		if json.Unmarshal([]byte(base), &c) == nil {
			u.Text = c.Text
		}
		out = append(out, u)
	}
	return out, wrap("media uses", rows.Err())
}

// MediaAltRequired reads the workspace's "alt text required" policy.
func (q *Queries) MediaAltRequired(ctx context.Context, workspaceID string) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT alt_required FROM media_policies WHERE workspace_id = $1`, workspaceID).Scan(&n)
	if err = wrap("media policy", err); err == ErrNotFound {
		return false, nil
	}
	return n != 0, err
}

// SetMediaAltRequired sets the workspace's "alt text required" policy.
func (q *Queries) SetMediaAltRequired(ctx context.Context, workspaceID string, required bool, now time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO media_policies (workspace_id, alt_required, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id) DO UPDATE SET alt_required = excluded.alt_required, updated_at = excluded.updated_at`,
		workspaceID, b2i(required), ts(now))
	return wrap("set media policy", err)
}

const uploadCols = `id, workspace_id, filename, size, received, chunks, created_by, created_at, updated_at`

func scanUpload(row interface{ Scan(...any) error }) (model.MediaUpload, error) {
	var u model.MediaUpload
	err := row.Scan(&u.ID, &u.WorkspaceID, &u.Filename, &u.Size, &u.Offset, &u.Chunks, &u.CreatedBy, tm(&u.CreatedAt), tm(&u.UpdatedAt))
	return u, err
}

// CreateMediaUpload starts a resumable upload.
func (q *Queries) CreateMediaUpload(ctx context.Context, u model.MediaUpload) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO media_uploads (`+uploadCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		u.ID, u.WorkspaceID, u.Filename, u.Size, u.Offset, u.Chunks, u.CreatedBy, ts(u.CreatedAt), ts(u.UpdatedAt))
	return wrap("create media upload", err)
}

// MediaUpload loads an upload of a workspace.
func (q *Queries) MediaUpload(ctx context.Context, workspaceID, id string) (model.MediaUpload, error) {
	u, err := scanUpload(q.q.QueryRowContext(ctx, `SELECT `+uploadCols+` FROM media_uploads WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return u, wrap("media upload", err)
}

// AdvanceMediaUpload records one more stored chunk of n bytes, but only if
// the upload is still at offset from: two clients racing on one upload
// cannot both append, and the loser gets ErrNotFound.
func (q *Queries) AdvanceMediaUpload(ctx context.Context, id string, from, n int64, now time.Time) error {
	return q.execOne(ctx, "advance media upload", `UPDATE media_uploads SET received = received + $1, chunks = chunks + 1, updated_at = $2
		WHERE id = $3 AND received = $4`, n, ts(now), id, from)
}

// DeleteMediaUpload forgets an upload; its chunks are the caller's to delete.
func (q *Queries) DeleteMediaUpload(ctx context.Context, id string) error {
	return q.execOne(ctx, "delete media upload", `DELETE FROM media_uploads WHERE id = $1`, id)
}

// StaleMediaUploads lists up to limit uploads untouched since before.
func (q *Queries) StaleMediaUploads(ctx context.Context, before time.Time, limit int) ([]model.MediaUpload, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+uploadCols+` FROM media_uploads WHERE updated_at < $1 ORDER BY updated_at LIMIT `+strconv.Itoa(limit), ts(before))
	if err != nil {
		return nil, wrap("stale media uploads", err)
	}
	defer rows.Close()
	var out []model.MediaUpload
	for rows.Next() {
		u, err := scanUpload(rows)
		if err != nil {
			return nil, wrap("stale media uploads", err)
		}
		out = append(out, u)
	}
	return out, wrap("stale media uploads", rows.Err())
}
