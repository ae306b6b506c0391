package store

import (
	"context"
	"strings"
	"time"

	"herald/internal/model"
)

// StoredConversionSettings are a workspace's conversion settings with the
// sealed signing secret, which only the conversion service opens.
type StoredConversionSettings struct {
	model.ConversionSettings
	SealedSecret string
}

const convSettingsCols = `workspace_id, enabled, window_days, origins, site_key, sealed_secret, updated_by, updated_at`

func scanConvSettings(row interface{ Scan(...any) error }) (StoredConversionSettings, error) {
	var s StoredConversionSettings
	var enabled int
	var origins string
	err := row.Scan(&s.WorkspaceID, &enabled, &s.WindowDays, &origins, &s.SiteKey, &s.SealedSecret, &s.UpdatedBy, tm(&s.UpdatedAt))
	s.Enabled, s.HasSecret = enabled != 0, s.SealedSecret != ""
	if origins != "" {
		s.Origins = strings.Split(origins, "\n")
	}
	return s, err
}

// ConversionSettings loads a workspace's conversion settings.
func (q *Queries) ConversionSettings(ctx context.Context, workspaceID string) (StoredConversionSettings, error) {
	s, err := scanConvSettings(q.q.QueryRowContext(ctx, `SELECT `+convSettingsCols+` FROM conversion_settings WHERE workspace_id = $1`, workspaceID))
	return s, wrap("conversion settings", err)
}

// ConversionSettingsBySiteKey loads the settings that own a public site key.
func (q *Queries) ConversionSettingsBySiteKey(ctx context.Context, siteKey string) (StoredConversionSettings, error) {
	s, err := scanConvSettings(q.q.QueryRowContext(ctx, `SELECT `+convSettingsCols+` FROM conversion_settings WHERE site_key = $1`, siteKey))
	return s, wrap("conversion settings by site key", err)
}

// PutConversionSettings inserts or replaces a workspace's settings. The
// site key is kept once set, so snippets already pasted keep working.
func (q *Queries) PutConversionSettings(ctx context.Context, s StoredConversionSettings) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO conversion_settings (`+convSettingsCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
		ON CONFLICT (workspace_id) DO UPDATE SET enabled = excluded.enabled, window_days = excluded.window_days,
		origins = excluded.origins, sealed_secret = excluded.sealed_secret, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		s.WorkspaceID, b2i(s.Enabled), s.WindowDays, strings.Join(s.Origins, "\n"), s.SiteKey, s.SealedSecret, s.UpdatedBy, ts(s.UpdatedAt))
	return wrap("put conversion settings", err)
}

// ConversionsEnabled reports whether a workspace tracks conversions; a
// workspace that never set them up does not.
func (q *Queries) ConversionsEnabled(ctx context.Context, workspaceID string) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM conversion_settings WHERE workspace_id = $1 AND enabled = 1`, workspaceID).Scan(&n)
	return n > 0, wrap("conversions enabled", err)
}

// ClickRef is a stored click as attribution needs it.
type ClickRef struct {
	ID     string
	LinkID string
	At     time.Time
}

// ClickInWorkspace loads one click of a workspace by its ID.
func (q *Queries) ClickInWorkspace(ctx context.Context, workspaceID, clickID string) (ClickRef, error) {
	var c ClickRef
	err := q.q.QueryRowContext(ctx, `SELECT id, link_id, at FROM link_clicks WHERE id = $1 AND workspace_id = $2`, clickID, workspaceID).
		Scan(&c.ID, &c.LinkID, tm(&c.At))
	return c, wrap("click in workspace", err)
}

// LastClickOnLink returns the latest human click on a link in [from, to].
func (q *Queries) LastClickOnLink(ctx context.Context, workspaceID, linkID string, from, to time.Time) (ClickRef, error) {
	var c ClickRef
	err := q.q.QueryRowContext(ctx, `SELECT id, link_id, at FROM link_clicks
		WHERE workspace_id = $1 AND link_id = $2 AND bot = 0 AND at >= $3 AND at <= $4 ORDER BY at DESC, id DESC LIMIT 1`,
		workspaceID, linkID, ts(from), ts(to)).Scan(&c.ID, &c.LinkID, tm(&c.At))
	return c, wrap("last click on link", err)
}

// LastClickInCampaign returns the latest human click in [from, to] on any
// link of a campaign.
func (q *Queries) LastClickInCampaign(ctx context.Context, workspaceID, campaign string, from, to time.Time) (ClickRef, error) {
	var c ClickRef
	err := q.q.QueryRowContext(ctx, `SELECT c.id, c.link_id, c.at FROM link_clicks c JOIN links l ON l.id = c.link_id
		WHERE l.workspace_id = $1 AND l.campaign = $2 AND c.bot = 0 AND c.at >= $3 AND c.at <= $4 ORDER BY c.at DESC, c.id DESC LIMIT 1`,
		workspaceID, campaign, ts(from), ts(to)).Scan(&c.ID, &c.LinkID, tm(&c.At))
	return c, wrap("last click in campaign", err)
}

// CampaignHasLinks reports whether any link of a workspace carries a campaign.
func (q *Queries) CampaignHasLinks(ctx context.Context, workspaceID, campaign string) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM links WHERE workspace_id = $1 AND campaign = $2`, workspaceID, campaign).Scan(&n)
	return n > 0, wrap("campaign has links", err)
}

const conversionCols = `id, workspace_id, event_id, name, value, currency, occurred_at, received_at, source, click_id,
	attribution, reason, link_id, post_id, channel_id, campaign, utm_source, clicked_at`

func scanConversion(row interface{ Scan(...any) error }) (model.Conversion, error) {
	var c model.Conversion
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.EventID, &c.Name, &c.Value, &c.Currency, tm(&c.OccurredAt), tm(&c.ReceivedAt), &c.Source,
		&c.ClickID, &c.Attribution, &c.Reason, &c.LinkID, &c.PostID, &c.ChannelID, &c.Campaign, &c.UTMSource, tm(&c.ClickedAt))
	return c, err
}

// InsertConversion stores a conversion unless the workspace already has
// one with its event ID; it reports whether it stored it. Skipping in the
// INSERT itself keeps two concurrent deliveries of one event to one row.
func (q *Queries) InsertConversion(ctx context.Context, c model.Conversion) (bool, error) {
	res, err := q.q.ExecContext(ctx, `INSERT INTO conversions (`+conversionCols+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)
		ON CONFLICT (workspace_id, event_id) DO NOTHING`,
		c.ID, c.WorkspaceID, c.EventID, c.Name, c.Value, c.Currency, ts(c.OccurredAt), ts(c.ReceivedAt), c.Source, c.ClickID,
		c.Attribution, c.Reason, c.LinkID, c.PostID, c.ChannelID, c.Campaign, c.UTMSource, ts(c.ClickedAt))
	if err != nil {
		return false, wrap("insert conversion", err)
	}
	n, err := res.RowsAffected()
	return n > 0, wrap("insert conversion", err)
}

// ConversionByEvent loads a workspace's conversion by the sender's event ID.
func (q *Queries) ConversionByEvent(ctx context.Context, workspaceID, eventID string) (model.Conversion, error) {
	c, err := scanConversion(q.q.QueryRowContext(ctx, `SELECT `+conversionCols+` FROM conversions WHERE workspace_id = $1 AND event_id = $2`,
		workspaceID, eventID))
	return c, wrap("conversion by event", err)
}

// ListConversions returns a workspace's latest conversions, newest first;
// linkID, when not "", keeps those attributed to one link.
func (q *Queries) ListConversions(ctx context.Context, workspaceID, linkID string, limit int) ([]model.Conversion, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+conversionCols+` FROM conversions
		WHERE workspace_id = $1 AND ($2 = '' OR link_id = $2) ORDER BY received_at DESC, id DESC LIMIT $3`, workspaceID, linkID, limit)
	if err != nil {
		return nil, wrap("list conversions", err)
	}
	defer rows.Close()
	var out []model.Conversion
	for rows.Next() {
		c, err := scanConversion(rows)
		if err != nil {
			return nil, wrap("list conversions", err)
		}
		out = append(out, c)
	}
	return out, wrap("list conversions", rows.Err())
}

// ConversionsInPeriod returns a workspace's conversions that occurred in
// [from, to), oldest first (by occurrence, then ID), at most limit of them.
func (q *Queries) ConversionsInPeriod(ctx context.Context, workspaceID string, from, to time.Time, limit int) ([]model.Conversion, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+conversionCols+` FROM conversions
		WHERE workspace_id = $1 AND occurred_at >= $2 AND occurred_at < $3 ORDER BY occurred_at, id LIMIT $4`,
		workspaceID, ts(from), ts(to), limit)
	if err != nil {
		return nil, wrap("conversions in period", err)
	}
	defer rows.Close()
	var out []model.Conversion
	for rows.Next() {
		c, err := scanConversion(rows)
		if err != nil {
			return nil, wrap("conversions in period", err)
		}
		out = append(out, c)
	}
	return out, wrap("conversions in period", rows.Err())
}

// CountLinkConversions counts the conversions attributed to one link.
func (q *Queries) CountLinkConversions(ctx context.Context, workspaceID, linkID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM conversions WHERE workspace_id = $1 AND link_id = $2`, workspaceID, linkID).Scan(&n)
	return n, wrap("count link conversions", err)
}

// ConversionCount is a period's conversions on one channel ("" for those
// without one): all of them, and those attributed to a click, link or campaign.
type ConversionCount struct {
	All, Attributed int
}

// ConversionCounts counts a workspace's conversions that occurred in
// [from, to), by channel.
func (q *Queries) ConversionCounts(ctx context.Context, workspaceID string, from, to time.Time) (map[string]ConversionCount, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT channel_id, COUNT(*), COALESCE(SUM(CASE WHEN attribution = $4 THEN 0 ELSE 1 END), 0)
		FROM conversions WHERE workspace_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY channel_id`,
		workspaceID, ts(from), ts(to), model.Unattributed)
	if err != nil {
		return nil, wrap("conversion counts", err)
	}
	defer rows.Close()
	out := map[string]ConversionCount{}
	for rows.Next() {
		var ch string
		var c ConversionCount
		if err := rows.Scan(&ch, &c.All, &c.Attributed); err != nil {
			return nil, wrap("conversion counts", err)
		}
		out[ch] = c
	}
	return out, wrap("conversion counts", rows.Err())
}

// HumanClicksByChannel counts a workspace's human clicks in [from, to) by
// the channel of their link ("" for links made by hand without one). The
// day bounds let the (workspace, channel, day) index narrow the scan.
func (q *Queries) HumanClicksByChannel(ctx context.Context, workspaceID string, from, to time.Time) (map[string]int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT channel_id, COUNT(*) FROM link_clicks
		WHERE workspace_id = $1 AND bot = 0 AND day >= $2 AND day <= $3 AND at >= $4 AND at < $5 GROUP BY channel_id`,
		workspaceID, from.UTC().Format(time.DateOnly), to.UTC().Format(time.DateOnly), ts(from), ts(to))
	if err != nil {
		return nil, wrap("human clicks by channel", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var ch string
		var n int
		if err := rows.Scan(&ch, &n); err != nil {
			return nil, wrap("human clicks by channel", err)
		}
		out[ch] = n
	}
	return out, wrap("human clicks by channel", rows.Err())
}
