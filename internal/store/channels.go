package store

import (
	"context"
	"encoding/json"
	"time"

	"herald/internal/model"
)

const channelCols = `id, workspace_id, network, name, remote_id, handle, settings, status, status_message, checked_at,
	time_zone, defaults, limits, limits_at, created_by, created_at, updated_at`

func scanChannel(row interface{ Scan(...any) error }) (model.Channel, error) {
	var c model.Channel
	var settings, defaults string
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.Network, &c.Name, &c.RemoteID, &c.Handle, &settings, &c.Status, &c.StatusMessage,
		tm(&c.CheckedAt), &c.TimeZone, &defaults, &c.LimitsJSON, tm(&c.LimitsAt), &c.CreatedBy, tm(&c.CreatedAt), tm(&c.UpdatedAt))
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(settings), &c.Settings); err != nil {
		return c, err
	}
	return c, json.Unmarshal([]byte(defaults), &c.Defaults)
}

func jsonMap(m map[string]string) string {
	if m == nil {
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// CreateChannel inserts a channel with its sealed credentials; the same
// account connected twice in a workspace returns ErrConflict.
func (q *Queries) CreateChannel(ctx context.Context, c model.Channel, sealedCreds string) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO channels (id, workspace_id, network, name, remote_id, handle, settings, credentials, status,
		status_message, checked_at, time_zone, defaults, limits, limits_at, created_by, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)`,
		c.ID, c.WorkspaceID, c.Network, c.Name, c.RemoteID, c.Handle, jsonMap(c.Settings), sealedCreds, string(c.Status),
		c.StatusMessage, ts(c.CheckedAt), c.TimeZone, jsonMap(c.Defaults), c.LimitsJSON, ts(c.LimitsAt), c.CreatedBy, ts(c.CreatedAt), ts(c.UpdatedAt))
	return wrap("create channel", err)
}

// ChannelByID loads a channel of a workspace.
func (q *Queries) ChannelByID(ctx context.Context, workspaceID, id string) (model.Channel, error) {
	c, err := scanChannel(q.q.QueryRowContext(ctx, `SELECT `+channelCols+` FROM channels WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return c, wrap("channel by id", err)
}

// ChannelCredentials returns a channel's sealed credentials.
func (q *Queries) ChannelCredentials(ctx context.Context, id string) (string, error) {
	var s string
	err := q.q.QueryRowContext(ctx, `SELECT credentials FROM channels WHERE id = $1`, id).Scan(&s)
	return s, wrap("channel credentials", err)
}

// ListChannels returns a workspace's channels by network and name.
func (q *Queries) ListChannels(ctx context.Context, workspaceID string) ([]model.Channel, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+channelCols+` FROM channels WHERE workspace_id = $1 ORDER BY network, name, id`, workspaceID)
	if err != nil {
		return nil, wrap("list channels", err)
	}
	defer rows.Close()
	var out []model.Channel
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, wrap("list channels", err)
		}
		out = append(out, c)
	}
	return out, wrap("list channels", rows.Err())
}

// UpdateChannelSettings changes the user-editable parts of a channel.
func (q *Queries) UpdateChannelSettings(ctx context.Context, c model.Channel, now time.Time) error {
	return q.execOne(ctx, "update channel", `UPDATE channels SET name = $1, time_zone = $2, defaults = $3, settings = $4, updated_at = $5
		WHERE workspace_id = $6 AND id = $7`, c.Name, c.TimeZone, jsonMap(c.Defaults), jsonMap(c.Settings), ts(now), c.WorkspaceID, c.ID)
}

// UpdateChannelCredentials replaces credentials (reconnect, token refresh)
// and the account identity, and marks the channel active.
func (q *Queries) UpdateChannelCredentials(ctx context.Context, id, handle, sealedCreds string, now time.Time) error {
	return q.execOne(ctx, "update channel credentials", `UPDATE channels SET credentials = $1, handle = $2, status = 'active',
		status_message = '', checked_at = $3, updated_at = $3 WHERE id = $4`, sealedCreds, handle, ts(now), id)
}

// SetChannelStatus records the outcome of a check or a failed call.
func (q *Queries) SetChannelStatus(ctx context.Context, id string, status model.ChannelStatus, message string, now time.Time) error {
	return q.execOne(ctx, "set channel status", `UPDATE channels SET status = $1, status_message = $2, checked_at = $3 WHERE id = $4`,
		string(status), message, ts(now), id)
}

// SetChannelLimits stores limits read from the network.
func (q *Queries) SetChannelLimits(ctx context.Context, id, limitsJSON string, now time.Time) error {
	return q.execOne(ctx, "set channel limits", `UPDATE channels SET limits = $1, limits_at = $2 WHERE id = $3`, limitsJSON, ts(now), id)
}

// DeleteChannel removes a channel.
func (q *Queries) DeleteChannel(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete channel", `DELETE FROM channels WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

const appCols = `id, network, workspace_id, instance, client_id, client_secret, created_at, updated_at`

func scanApp(row interface{ Scan(...any) error }) (model.NetworkApp, error) {
	var a model.NetworkApp
	err := row.Scan(&a.ID, &a.Network, &a.WorkspaceID, &a.Instance, &a.ClientID, &a.ClientSecret, tm(&a.CreatedAt), tm(&a.UpdatedAt))
	return a, err
}

// PutNetworkApp inserts or replaces the app for (network, workspace, instance);
// ClientSecret must already be sealed.
func (q *Queries) PutNetworkApp(ctx context.Context, a model.NetworkApp) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO network_apps (`+appCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
		ON CONFLICT (network, workspace_id, instance) DO UPDATE SET client_id = excluded.client_id,
		client_secret = excluded.client_secret, updated_at = excluded.updated_at`,
		a.ID, a.Network, a.WorkspaceID, a.Instance, a.ClientID, a.ClientSecret, ts(a.CreatedAt), ts(a.UpdatedAt))
	return wrap("put network app", err)
}

// NetworkApp loads the app for (network, workspace, instance); the secret is sealed.
func (q *Queries) NetworkApp(ctx context.Context, network, workspaceID, instance string) (model.NetworkApp, error) {
	a, err := scanApp(q.q.QueryRowContext(ctx, `SELECT `+appCols+` FROM network_apps WHERE network = $1 AND workspace_id = $2 AND instance = $3`,
		network, workspaceID, instance))
	return a, wrap("network app", err)
}

// ListNetworkApps lists apps of one workspace ("" for installation-wide); secrets are sealed.
func (q *Queries) ListNetworkApps(ctx context.Context, workspaceID string) ([]model.NetworkApp, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+appCols+` FROM network_apps WHERE workspace_id = $1 ORDER BY network, instance`, workspaceID)
	if err != nil {
		return nil, wrap("list network apps", err)
	}
	defer rows.Close()
	var out []model.NetworkApp
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			return nil, wrap("list network apps", err)
		}
		out = append(out, a)
	}
	return out, wrap("list network apps", rows.Err())
}

// DeleteNetworkApp removes an app.
func (q *Queries) DeleteNetworkApp(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete network app", `DELETE FROM network_apps WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// CreateOAuthState stores an authorisation in flight.
func (q *Queries) CreateOAuthState(ctx context.Context, stateHash string, s model.OAuthState) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO oauth_states (state_hash, workspace_id, user_id, network, instance, channel_id, verifier, created_at, expires_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, stateHash, s.WorkspaceID, s.UserID, s.Network, s.Instance, s.ChannelID, s.Verifier, ts(s.CreatedAt), ts(s.ExpiresAt))
	return wrap("create oauth state", err)
}

// TakeOAuthState loads and deletes a live state, so a callback works once.
func (q *Queries) TakeOAuthState(ctx context.Context, stateHash string, now time.Time) (model.OAuthState, error) {
	var s model.OAuthState
	err := q.q.QueryRowContext(ctx, `SELECT workspace_id, user_id, network, instance, channel_id, verifier, created_at, expires_at
		FROM oauth_states WHERE state_hash = $1 AND expires_at > $2`, stateHash, ts(now)).
		Scan(&s.WorkspaceID, &s.UserID, &s.Network, &s.Instance, &s.ChannelID, &s.Verifier, tm(&s.CreatedAt), tm(&s.ExpiresAt))
	if err != nil {
		return s, wrap("take oauth state", err)
	}
	_, err = q.q.ExecContext(ctx, `DELETE FROM oauth_states WHERE state_hash = $1`, stateHash)
	return s, wrap("take oauth state", err)
}

// ChannelsWithCredentials loads channels by ID with their sealed
// credentials, keyed by ID; IDs that match no channel are left out.
func (q *Queries) ChannelsWithCredentials(ctx context.Context, ids []string) (map[string]model.Channel, map[string]string, error) {
	chans, sealed := map[string]model.Channel{}, map[string]string{}
	if len(ids) == 0 {
		return chans, sealed, nil
	}
	in, args := inList(ids, 0)
	rows, err := q.q.QueryContext(ctx, `SELECT `+channelCols+`, credentials FROM channels WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, nil, wrap("channels with credentials", err)
	}
	defer rows.Close()
	for rows.Next() {
		var creds string
		c, err := scanChannel(scanTail{rows, &creds})
		if err != nil {
			return nil, nil, wrap("channels with credentials", err)
		}
		chans[c.ID], sealed[c.ID] = c, creds
	}
	return chans, sealed, wrap("channels with credentials", rows.Err())
}
