package store

import (
	"context"
	"encoding/json"
	"time"

	"herald/internal/model"
)

const linkCols = `id, workspace_id, code, url, post_id, channel_id, campaign, created_by, created_at, updated_at`

func scanLink(row interface{ Scan(...any) error }, extra ...any) (model.Link, error) {
	var l model.Link
	dest := append([]any{&l.ID, &l.WorkspaceID, &l.Code, &l.URL, &l.PostID, &l.ChannelID, &l.Campaign, &l.CreatedBy,
		tm(&l.CreatedAt), tm(&l.UpdatedAt)}, extra...)
	return l, row.Scan(dest...)
}

// nullable stores "" as NULL, for columns where NULL means "none" and must
// not clash in a UNIQUE constraint.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateLink inserts a link. trackKey is "" for links made by hand; a
// second link with the same non-empty key in a workspace, or a code already
// taken, returns ErrConflict.
func (q *Queries) CreateLink(ctx context.Context, l model.Link, trackKey string) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO links (id, workspace_id, code, url, post_id, channel_id, campaign, track_key,
		created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		l.ID, l.WorkspaceID, l.Code, l.URL, l.PostID, l.ChannelID, l.Campaign, nullable(trackKey), l.CreatedBy, ts(l.CreatedAt), ts(l.UpdatedAt))
	return wrap("create link", err)
}

// LinkByID loads a link of a workspace.
func (q *Queries) LinkByID(ctx context.Context, workspaceID, id string) (model.Link, error) {
	l, err := scanLink(q.q.QueryRowContext(ctx, `SELECT `+linkCols+` FROM links WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return l, wrap("link by id", err)
}

// LinkCodes returns the short codes of these links of a workspace by ID;
// a link that is gone is absent.
func (q *Queries) LinkCodes(ctx context.Context, workspaceID string, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for start := 0; start < len(ids); start += campaignChunk {
		cond, args := q.oneOf("id", ids[start:min(start+campaignChunk, len(ids))], 1)
		rows, err := q.q.QueryContext(ctx, `SELECT id, code FROM links WHERE workspace_id = $1 AND `+cond, append([]any{workspaceID}, args...)...)
		if err != nil {
			return nil, wrap("link codes", err)
		}
		for rows.Next() {
			var id, code string
			if err := rows.Scan(&id, &code); err != nil {
				rows.Close()
				return nil, wrap("link codes", err)
			}
			out[id] = code
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, wrap("link codes", err)
		}
	}
	return out, nil
}

// LinkByCode loads the link with a short code, in any workspace.
func (q *Queries) LinkByCode(ctx context.Context, code string) (model.Link, error) {
	l, err := scanLink(q.q.QueryRowContext(ctx, `SELECT `+linkCols+` FROM links WHERE code = $1`, code))
	return l, wrap("link by code", err)
}

// LinkByTrackKey loads the composer's link for a (post, channel, target).
func (q *Queries) LinkByTrackKey(ctx context.Context, workspaceID, key string) (model.Link, error) {
	l, err := scanLink(q.q.QueryRowContext(ctx, `SELECT `+linkCols+` FROM links WHERE workspace_id = $1 AND track_key = $2`, workspaceID, key))
	return l, wrap("link by track key", err)
}

// ListLinks returns up to limit links of a workspace with IDs after
// afterID, in ID order, each with its count of human clicks.
func (q *Queries) ListLinks(ctx context.Context, workspaceID, afterID string, limit int) ([]model.Link, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+linkCols+`,
		(SELECT COUNT(*) FROM link_clicks c WHERE c.link_id = links.id AND c.bot = 0)
		FROM links WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3`, workspaceID, afterID, limit)
	if err != nil {
		return nil, wrap("list links", err)
	}
	defer rows.Close()
	var out []model.Link
	for rows.Next() {
		var n int
		l, err := scanLink(rows, &n)
		if err != nil {
			return nil, wrap("list links", err)
		}
		l.Clicks = n
		out = append(out, l)
	}
	return out, wrap("list links", rows.Err())
}

// UpdateLinkURL changes a link's target.
func (q *Queries) UpdateLinkURL(ctx context.Context, workspaceID, id, target string, now time.Time) error {
	return q.execOne(ctx, "update link", `UPDATE links SET url = $1, updated_at = $2 WHERE workspace_id = $3 AND id = $4`,
		target, ts(now), workspaceID, id)
}

// DeleteLink removes a link and, by cascade, its clicks.
func (q *Queries) DeleteLink(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete link", `DELETE FROM links WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// InsertClicks stores journaled clicks and returns how many were new. A
// click whose ID is already stored is skipped (journal replays after a
// crash), and so is one whose link was deleted meanwhile: the SELECT finds
// no link row to copy the workspace, channel and post from.
func (q *Queries) InsertClicks(ctx context.Context, clicks []model.Click) (int, error) {
	n := 0
	for _, c := range clicks {
		res, err := q.q.ExecContext(ctx, `INSERT INTO link_clicks (id, link_id, workspace_id, channel_id, post_id, at, day, referrer, bot)
			SELECT $1, id, workspace_id, channel_id, post_id, $2, $3, $4, CAST($5 AS INTEGER) FROM links WHERE id = $6
			ON CONFLICT (id) DO NOTHING`,
			c.ID, ts(c.At), c.At.UTC().Format(time.DateOnly), c.Referrer, b2i(c.Bot), c.LinkID)
		if err != nil {
			return n, wrap("insert clicks", err)
		}
		if k, err := res.RowsAffected(); err == nil {
			n += int(k)
		}
	}
	return n, nil
}

// Click statistics group by one of these columns.
const (
	ByLink    = "link_id"
	ByPost    = "post_id"
	ByChannel = "channel_id"
)

// ClickStats summarises the clicks of one link, post or channel of a
// workspace (by is ByLink, ByPost or ByChannel) on days from since
// (YYYY-MM-DD, "" for all). The column name is one of the constants above,
// never caller input, so it is safe to splice into the SQL.
func (q *Queries) ClickStats(ctx context.Context, workspaceID, by, id, since string) (model.LinkStats, error) {
	var st model.LinkStats
	switch by {
	case ByLink, ByPost, ByChannel:
	default:
		panic("store: click stats by unknown column " + by)
	}
	where := ` FROM link_clicks WHERE workspace_id = $1 AND ` + by + ` = $2 AND day >= $3`
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(bot), 0)`+where, workspaceID, id, since).Scan(&st.Total, &st.Bots)
	if err != nil {
		return st, wrap("click stats", err)
	}
	st.Human = st.Total - st.Bots
	rows, err := q.q.QueryContext(ctx, `SELECT day, COUNT(*)`+where+` AND bot = 0 GROUP BY day ORDER BY day`, workspaceID, id, since)
	if err != nil {
		return st, wrap("click stats", err)
	}
	for rows.Next() {
		var d model.DayCount
		if err := rows.Scan(&d.Day, &d.Clicks); err != nil {
			rows.Close()
			return st, wrap("click stats", err)
		}
		st.ByDay = append(st.ByDay, d)
	}
	rows.Close()
	rows, err = q.q.QueryContext(ctx, `SELECT referrer, COUNT(*) AS n`+where+` AND bot = 0 GROUP BY referrer ORDER BY n DESC, referrer`,
		workspaceID, id, since)
	if err != nil {
		return st, wrap("click stats", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r model.ReferrerCount
		if err := rows.Scan(&r.Referrer, &r.Clicks); err != nil {
			return st, wrap("click stats", err)
		}
		st.ByReferrer = append(st.ByReferrer, r)
	}
	return st, wrap("click stats", rows.Err())
}

// UTMPresets returns a workspace's presets by scope and key.
func (q *Queries) UTMPresets(ctx context.Context, workspaceID string) ([]model.UTMPreset, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT scope, scope_key, params FROM utm_presets WHERE workspace_id = $1
		ORDER BY CASE scope WHEN 'workspace' THEN 0 WHEN 'channel' THEN 1 ELSE 2 END, scope_key`, workspaceID)
	if err != nil {
		return nil, wrap("utm presets", err)
	}
	defer rows.Close()
	var out []model.UTMPreset
	for rows.Next() {
		var p model.UTMPreset
		var params string
		if err := rows.Scan(&p.Scope, &p.Key, &params); err != nil {
			return nil, wrap("utm presets", err)
		}
		if err := json.Unmarshal([]byte(params), &p.Params); err != nil {
			return nil, wrap("utm presets", err)
		}
		out = append(out, p)
	}
	return out, wrap("utm presets", rows.Err())
}

// ReplaceUTMPresets replaces all of a workspace's presets with list.
func (q *Queries) ReplaceUTMPresets(ctx context.Context, workspaceID string, list []model.UTMPreset, now time.Time) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM utm_presets WHERE workspace_id = $1`, workspaceID); err != nil {
		return wrap("replace utm presets", err)
	}
	for _, p := range list {
		_, err := q.q.ExecContext(ctx, `INSERT INTO utm_presets (workspace_id, scope, scope_key, params, updated_at) VALUES ($1,$2,$3,$4,$5)`,
			workspaceID, p.Scope, p.Key, jsonMap(p.Params), ts(now))
		if err != nil {
			return wrap("replace utm presets", err)
		}
	}
	return nil
}

// LinkPreview returns the cached card for a URL hash fetched at or after
// notBefore, or ErrNotFound.
func (q *Queries) LinkPreview(ctx context.Context, urlHash string, notBefore time.Time) (model.LinkPreview, error) {
	var p model.LinkPreview
	err := q.q.QueryRowContext(ctx, `SELECT url, title, description, image, site_name, fetched_at FROM link_previews
		WHERE url_hash = $1 AND fetched_at >= $2`, urlHash, ts(notBefore)).
		Scan(&p.URL, &p.Title, &p.Description, &p.Image, &p.SiteName, tm(&p.FetchedAt))
	return p, wrap("link preview", err)
}

// PutLinkPreview caches a card, replacing an older one.
func (q *Queries) PutLinkPreview(ctx context.Context, urlHash string, p model.LinkPreview) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO link_previews (url_hash, url, title, description, image, site_name, fetched_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (url_hash) DO UPDATE SET url = excluded.url, title = excluded.title,
		description = excluded.description, image = excluded.image, site_name = excluded.site_name, fetched_at = excluded.fetched_at`,
		urlHash, p.URL, p.Title, p.Description, p.Image, p.SiteName, ts(p.FetchedAt))
	return wrap("put link preview", err)
}

// PostChannel names a published target the way links do: by its post and
// its channel.
type PostChannel struct{ PostID, ChannelID string }

// campaignChunk bounds the IDs of one look-up by a list (campaigns,
// link codes), well under SQLite's limit on bound parameters.
const campaignChunk = 500

// TargetCampaigns returns the distinct non-empty campaigns of the links
// made for each of these (post, channel) pairs of a workspace; a pair
// whose links carry none is left out. Links for a post on a channel not
// asked about (a target that was not published) are ignored.
func (q *Queries) TargetCampaigns(ctx context.Context, workspaceID string, targets []PostChannel) (map[PostChannel][]string, error) {
	wanted := make(map[PostChannel]bool, len(targets))
	var postIDs []string
	seen := map[string]bool{}
	for _, t := range targets {
		wanted[t] = true
		if !seen[t.PostID] {
			seen[t.PostID] = true
			postIDs = append(postIDs, t.PostID)
		}
	}
	out := map[PostChannel][]string{}
	for start := 0; start < len(postIDs); start += campaignChunk {
		if err := q.campaignsOf(ctx, workspaceID, postIDs[start:min(start+campaignChunk, len(postIDs))], wanted, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// campaignsOf adds the campaigns of one chunk of posts' links to out,
// for the pairs wanted. A post's IDs fall in one chunk only, so each
// pair's campaigns come from one query and DISTINCT keeps them distinct.
func (q *Queries) campaignsOf(ctx context.Context, workspaceID string, postIDs []string, wanted map[PostChannel]bool,
	out map[PostChannel][]string) error {
	cond, args := q.oneOf("post_id", postIDs, 1)
	rows, err := q.q.QueryContext(ctx, `SELECT DISTINCT post_id, channel_id, campaign FROM links
		WHERE workspace_id = $1 AND `+cond+` AND campaign <> ''`, append([]any{workspaceID}, args...)...)
	if err != nil {
		return wrap("target campaigns", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pc PostChannel
		var campaign string
		if err := rows.Scan(&pc.PostID, &pc.ChannelID, &campaign); err != nil {
			return wrap("target campaigns", err)
		}
		if wanted[pc] {
			out[pc] = append(out[pc], campaign)
		}
	}
	return wrap("target campaigns", rows.Err())
}
