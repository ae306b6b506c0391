-- Metrics collected from the networks: raw snapshots with where they came
-- from, and the schedule that decides when each published target and each
-- channel is read next. A counter the network does not report is NULL
-- ("not available"), never 0; flags mark values recorded as received but
-- kept out of totals (negative, impossible, went down).

CREATE TABLE post_metric_snapshots (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    channel_id   TEXT NOT NULL,
    post_id      TEXT NOT NULL,
    target_id    TEXT NOT NULL REFERENCES post_targets(id) ON DELETE CASCADE,
    taken_at     TEXT NOT NULL,
    source       TEXT NOT NULL,   -- e.g. "bluesky:getPosts", "herald:links"
    likes        INTEGER,
    reposts      INTEGER,
    replies      INTEGER,
    quotes       INTEGER,
    views        INTEGER,
    clicks       INTEGER,
    flags        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX post_metric_snapshots_target ON post_metric_snapshots(target_id, taken_at);
CREATE INDEX post_metric_snapshots_workspace ON post_metric_snapshots(workspace_id, taken_at);

CREATE TABLE account_metric_snapshots (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    channel_id   TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    taken_at     TEXT NOT NULL,
    source       TEXT NOT NULL,
    followers    INTEGER,
    following    INTEGER,
    posts        INTEGER,
    flags        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX account_metric_snapshots_channel ON account_metric_snapshots(channel_id, taken_at);

-- When to read a published target next (step counts the reads done, for
-- the decaying intervals), or a channel's account metrics (target_id '').
CREATE TABLE metric_schedule (
    channel_id  TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    target_id   TEXT NOT NULL DEFAULT '',
    next_at     TEXT NOT NULL,
    step        INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (channel_id, target_id)
);
CREATE INDEX metric_schedule_due ON metric_schedule(done, next_at);
