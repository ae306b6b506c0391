-- Posts: base content, one target per channel with its variant and status,
-- version history, content pillars, ideas and snippets (templates and
-- hashtag groups). Content is JSON in the shape of model.Content.

CREATE TABLE pillars (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    color        TEXT NOT NULL,
    target_share INTEGER NOT NULL DEFAULT 0,  -- percent of posts aimed for
    description  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE posts (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    base         TEXT NOT NULL,               -- JSON model.Content
    pillar_id    TEXT NOT NULL DEFAULT '',
    labels       TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    notes        TEXT NOT NULL DEFAULT '',
    campaign_id  TEXT NOT NULL DEFAULT '',
    author_id    TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX posts_workspace ON posts(workspace_id, updated_at);

CREATE TABLE post_targets (
    id           TEXT PRIMARY KEY,
    post_id      TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    channel_id   TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    variant      TEXT NOT NULL DEFAULT '{}',  -- JSON model.Variant
    status       TEXT NOT NULL,
    scheduled_at TEXT,
    time_zone    TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT '',
    remote_id    TEXT NOT NULL DEFAULT '',
    remote_url   TEXT NOT NULL DEFAULT '',
    published_at TEXT,
    updated_at   TEXT NOT NULL,
    UNIQUE (post_id, channel_id)
);
CREATE INDEX post_targets_channel ON post_targets(channel_id, status, scheduled_at);
CREATE INDEX post_targets_workspace ON post_targets(workspace_id, status, scheduled_at);

CREATE TABLE post_versions (
    post_id    TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    author_id  TEXT NOT NULL,
    snapshot   TEXT NOT NULL,  -- JSON of the post's editable parts
    summary    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (post_id, version)
);

-- Which library assets a post uses, kept in step with its content on every
-- save so the media library can answer "used in" and refuse to delete.
CREATE TABLE post_media (
    post_id  TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    media_id TEXT NOT NULL,
    PRIMARY KEY (post_id, media_id)
);
CREATE INDEX post_media_media ON post_media(media_id);

CREATE TABLE ideas (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    text         TEXT NOT NULL,
    link         TEXT NOT NULL DEFAULT '',
    media        TEXT NOT NULL DEFAULT '[]',  -- JSON []model.MediaRef
    author_id    TEXT NOT NULL,
    post_id      TEXT NOT NULL DEFAULT '',    -- the draft it became
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX ideas_workspace ON ideas(workspace_id, created_at);

CREATE TABLE snippets (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,  -- template, hashtags
    name         TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (workspace_id, kind, name)
);
