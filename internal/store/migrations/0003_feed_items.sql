-- Items of the RSS/Atom feeds Herald serves itself: one row per published
-- segment, keyed by its stable tag URI so publishing again cannot add a
-- second copy.
CREATE TABLE feed_items (
    id           TEXT PRIMARY KEY,
    channel_id   TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    text         TEXT NOT NULL,
    link         TEXT NOT NULL DEFAULT '',
    media        TEXT NOT NULL DEFAULT '[]',  -- JSON: url, type, alt
    published_at TEXT NOT NULL
);
CREATE INDEX feed_items_channel ON feed_items(channel_id, published_at);
