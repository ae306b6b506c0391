-- Media library: assets stored through gocloud.dev/blob, with what Herald
-- read from their content, alt text, rights and organisation.
CREATE TABLE media (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    blob_key     TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    kind         TEXT NOT NULL,              -- image, video
    size         INTEGER NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    codec        TEXT NOT NULL DEFAULT '',
    sha256       TEXT NOT NULL,
    alt          TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    tags         TEXT NOT NULL DEFAULT '[]',  -- JSON array
    folder       TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    licence      TEXT NOT NULL DEFAULT '',
    credit       TEXT NOT NULL DEFAULT '',
    expires_at   TEXT,                       -- rights expiry
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX media_workspace ON media(workspace_id, created_at);
