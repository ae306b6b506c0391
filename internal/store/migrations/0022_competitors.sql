-- Competitors: public accounts a workspace follows on networks that show
-- counters to anyone, and raw snapshots of what each read found. As with
-- the workspace's own metrics, a counter the network does not give is NULL
-- ("not available"), never 0, and flags mark values kept out of totals.

CREATE TABLE competitors (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    network      TEXT NOT NULL,
    remote_id    TEXT NOT NULL,   -- the network's stable id (DID, pubkey, instance#id)
    handle       TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    avatar       TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL DEFAULT '',
    label        TEXT NOT NULL DEFAULT '',  -- optional group, e.g. "direct rivals"
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    next_at      TEXT NOT NULL,   -- when the daily refresh reads it next
    refreshed_at TEXT,            -- the last successful read; NULL before the first
    last_error   TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',  -- why numbers are missing or partial, one per line
    -- Following one account twice would count it twice in comparisons.
    UNIQUE (workspace_id, network, remote_id)
);
CREATE INDEX competitors_due ON competitors(next_at);

CREATE TABLE competitor_snapshots (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    competitor_id   TEXT NOT NULL REFERENCES competitors(id) ON DELETE CASCADE,
    taken_at        TEXT NOT NULL,
    source          TEXT NOT NULL,   -- e.g. "mastodon:accounts+statuses", "bluesky:repo"
    followers       INTEGER,
    following       INTEGER,
    posts           INTEGER,
    followers_lower INTEGER NOT NULL DEFAULT 0,  -- followers is a lower bound (Nostr contact lists)
    flags           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX competitor_snapshots_competitor ON competitor_snapshots(competitor_id, taken_at);

-- One row per post per read: the post's public counters at that time.
CREATE TABLE competitor_post_snapshots (
    id            TEXT PRIMARY KEY,
    competitor_id TEXT NOT NULL REFERENCES competitors(id) ON DELETE CASCADE,
    snapshot_id   TEXT NOT NULL REFERENCES competitor_snapshots(id) ON DELETE CASCADE,
    remote_id     TEXT NOT NULL,
    url           TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL DEFAULT '',
    posted_at     TEXT NOT NULL,
    taken_at      TEXT NOT NULL,
    likes         INTEGER,
    reposts       INTEGER,
    replies       INTEGER,
    quotes        INTEGER,
    flags         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX competitor_post_snapshots_competitor ON competitor_post_snapshots(competitor_id, posted_at);
CREATE INDEX competitor_post_snapshots_snapshot ON competitor_post_snapshots(snapshot_id);
