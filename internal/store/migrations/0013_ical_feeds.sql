-- Private iCalendar feeds: a person's tokenised URL listing a workspace's
-- scheduled and published posts (only the token's hash is kept).
CREATE TABLE ical_feeds (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX ical_feeds_owner ON ical_feeds(workspace_id, user_id);
