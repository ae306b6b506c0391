-- Channels: connected social accounts (and feeds, webhooks, rooms) of a
-- workspace, the network applications (OAuth client ids) they connect
-- through, and in-flight OAuth authorisations.

CREATE TABLE channels (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    network        TEXT NOT NULL,
    name           TEXT NOT NULL,
    remote_id      TEXT NOT NULL,
    handle         TEXT NOT NULL DEFAULT '',
    settings       TEXT NOT NULL DEFAULT '{}',  -- JSON, non-secret options
    credentials    TEXT NOT NULL DEFAULT '',    -- JSON sealed with the secret key
    status         TEXT NOT NULL,               -- active, needs_reconnect, error
    status_message TEXT NOT NULL DEFAULT '',
    checked_at     TEXT,
    time_zone      TEXT NOT NULL DEFAULT 'UTC',
    defaults       TEXT NOT NULL DEFAULT '{}',  -- JSON, default post options
    limits         TEXT NOT NULL DEFAULT '',    -- JSON, limits read from the network
    limits_at      TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    -- Connecting the same account twice in one workspace would publish twice.
    UNIQUE (workspace_id, network, remote_id)
);
CREATE INDEX channels_workspace ON channels(workspace_id);

-- Network applications: client ids and secrets registered with a network.
-- workspace_id '' means the installation-wide app; instance is the server for
-- federated networks (Mastodon), '' otherwise.
CREATE TABLE network_apps (
    id            TEXT PRIMARY KEY,
    network       TEXT NOT NULL,
    workspace_id  TEXT NOT NULL DEFAULT '',
    instance      TEXT NOT NULL DEFAULT '',
    client_id     TEXT NOT NULL,
    client_secret TEXT NOT NULL DEFAULT '',  -- sealed
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (network, workspace_id, instance)
);

-- OAuth authorisations in flight: the state parameter (hashed) ties the
-- callback to who started it; the PKCE verifier is sealed.
CREATE TABLE oauth_states (
    state_hash   TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    network      TEXT NOT NULL,
    instance     TEXT NOT NULL DEFAULT '',
    channel_id   TEXT NOT NULL DEFAULT '',  -- set when reconnecting
    verifier     TEXT NOT NULL,             -- sealed
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
