-- Tracked links: short codes that redirect to a target URL, the clicks on
-- them, UTM presets and cached link-preview cards.

CREATE TABLE links (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    code         TEXT NOT NULL UNIQUE,       -- random path segment of the short URL
    url          TEXT NOT NULL,              -- final target, UTM applied
    post_id      TEXT NOT NULL DEFAULT '',
    channel_id   TEXT NOT NULL DEFAULT '',
    campaign     TEXT NOT NULL DEFAULT '',
    -- SHA-256 of (post, channel, target) for links the composer made, so
    -- asking twice for the same link returns the first one. NULL for links
    -- made by hand: NULLs never clash in a UNIQUE constraint on either engine.
    track_key    TEXT,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (workspace_id, track_key)
);
CREATE INDEX links_workspace ON links(workspace_id, id);

-- Clicks arrive in batches from the click journal. id is the click's own
-- ID from the journal, so replaying a journal after a crash inserts nothing
-- twice. channel_id and post_id are copied from the link so per-post and
-- per-channel statistics need no join; day is the UTC date for grouping.
CREATE TABLE link_clicks (
    id           TEXT PRIMARY KEY,
    link_id      TEXT NOT NULL REFERENCES links(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    channel_id   TEXT NOT NULL DEFAULT '',
    post_id      TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL,
    day          TEXT NOT NULL,
    referrer     TEXT NOT NULL,
    bot          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX link_clicks_link ON link_clicks(link_id, day);
CREATE INDEX link_clicks_post ON link_clicks(workspace_id, post_id, day);
CREATE INDEX link_clicks_channel ON link_clicks(workspace_id, channel_id, day);

-- UTM presets: scope is workspace (key ''), channel (key = channel ID) or
-- campaign (key = campaign name); params is a JSON object.
CREATE TABLE utm_presets (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    scope        TEXT NOT NULL,
    scope_key    TEXT NOT NULL DEFAULT '',
    params       TEXT NOT NULL DEFAULT '{}',
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, scope, scope_key)
);

-- Link preview cards read from Open Graph tags, cached for a day. The key
-- is the SHA-256 of the URL: URLs can be longer than an index entry may be.
CREATE TABLE link_previews (
    url_hash    TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    image       TEXT NOT NULL DEFAULT '',
    site_name   TEXT NOT NULL DEFAULT '',
    fetched_at  TEXT NOT NULL
);
