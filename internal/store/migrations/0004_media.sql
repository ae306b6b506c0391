-- Media library: assets stored through gocloud.dev/blob, with what Herald
-- read from their content, alt text, rights and organisation.
CREATE TABLE media (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    blob_key     TEXT NOT NULL,
    thumb_key    TEXT NOT NULL DEFAULT '',   -- '' when there is no thumbnail (video)
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,              -- detected from the content, never the name
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
    expires_at   TEXT,                       -- rights expiry; NULL: no end
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX media_workspace ON media(workspace_id, created_at);
CREATE INDEX media_folder ON media(workspace_id, folder);

-- Resumable uploads in flight. Each PATCH stores its bytes as one blob
-- (uploads/<id>/<chunk number>) because object stores cannot append; the
-- row says how far the upload got, so a client that lost its connection
-- asks for the offset and continues. Rows untouched for a day are pruned
-- together with their chunks.
CREATE TABLE media_uploads (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    size         INTEGER NOT NULL,
    received     INTEGER NOT NULL DEFAULT 0,
    chunks       INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX media_uploads_updated ON media_uploads(updated_at);

-- Workspace media policy. A missing row means the defaults (alt text
-- optional), so existing workspaces need no data migration.
CREATE TABLE media_policies (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    alt_required INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL
);
