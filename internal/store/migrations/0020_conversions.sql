-- Conversions: what people did on the workspace's own website after
-- following a tracked link, sent by the website's server (signed calls) or
-- by Herald's JavaScript snippet, each attributed to the last click.

-- One row per workspace that set conversion tracking up. site_key is public
-- (it is pasted into web pages to name the workspace); the signing secret is
-- sealed, not hashed, because verifying an HMAC needs the secret itself.
-- origins is one website origin per line.
CREATE TABLE conversion_settings (
    workspace_id  TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    enabled       INTEGER NOT NULL DEFAULT 0,
    window_days   INTEGER NOT NULL DEFAULT 7,
    origins       TEXT NOT NULL DEFAULT '',
    site_key      TEXT NOT NULL UNIQUE,
    sealed_secret TEXT NOT NULL DEFAULT '',
    updated_by    TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL
);

-- event_id is the sender's own ID; UNIQUE with the workspace makes a
-- repeated event (a retry, a reloaded thank-you page) land once. The
-- attribution is copied from the link at recording time, so deleting the
-- link later keeps the conversion and what it was credited to: link_id is
-- therefore not a foreign key. value is the decimal as sent (text keeps it
-- exact on both engines); clicked_at is NULL without an attributed click.
CREATE TABLE conversions (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    event_id     TEXT NOT NULL,
    name         TEXT NOT NULL,
    value        TEXT NOT NULL DEFAULT '',
    currency     TEXT NOT NULL DEFAULT '',
    occurred_at  TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    source       TEXT NOT NULL,
    click_id     TEXT NOT NULL DEFAULT '',
    attribution  TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    link_id      TEXT NOT NULL DEFAULT '',
    post_id      TEXT NOT NULL DEFAULT '',
    channel_id   TEXT NOT NULL DEFAULT '',
    campaign     TEXT NOT NULL DEFAULT '',
    utm_source   TEXT NOT NULL DEFAULT '',
    clicked_at   TEXT,
    UNIQUE (workspace_id, event_id)
);
CREATE INDEX conversions_period ON conversions(workspace_id, occurred_at);
CREATE INDEX conversions_link ON conversions(workspace_id, link_id);

-- Attribution by campaign looks for the last click on any of the
-- campaign's links.
CREATE INDEX links_campaign ON links(workspace_id, campaign);
