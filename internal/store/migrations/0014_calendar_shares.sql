-- Read-only links to a workspace's calendar for clients: no account, an
-- expiry, revocable; only the token's hash is kept.
CREATE TABLE calendar_shares (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT
);
CREATE INDEX calendar_shares_workspace ON calendar_shares(workspace_id);
