-- Rollups of the metric snapshots, so the analytics overview reads rows in
-- proportion to the posts published in its period and to days × channels,
-- never to the snapshots behind them (tens of millions on a busy
-- installation). The store keeps them in step with the raw snapshots in
-- the transaction that writes a snapshot; a rebuild recomputes them from
-- the raw rows (metric_rollup_rebuilds).

-- Each published target's latest read, the one the KPIs use, with every
-- counter a network got wrong (negative, or above 10^12) left NULL ("not
-- available") so it never enters a total. BIGINT: a believable counter
-- may exceed 32 bits.
CREATE TABLE post_metric_latest (
    target_id   TEXT PRIMARY KEY REFERENCES post_targets(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    published_at TEXT,  -- the target's, copied so a period is one index range
    snapshot_id TEXT NOT NULL,
    taken_at    TEXT NOT NULL,
    likes       BIGINT,
    reposts     BIGINT,
    replies     BIGINT,
    quotes      BIGINT,
    views       BIGINT,
    clicks      BIGINT
);

-- A period's latest reads, in one contiguous range of this index (a
-- look-up per target would touch a page per target of a table with
-- millions of rows).
CREATE INDEX post_metric_latest_period ON post_metric_latest(workspace_id, published_at, target_id, snapshot_id, taken_at,
    likes, reposts, replies, quotes, views, clicks);

-- Per channel and UTC day, the first and the last account read without a
-- flag: follower growth over whole days reads these, and only the partial
-- days at a period's edges read raw snapshots.
CREATE TABLE channel_metric_daily (
    channel_id      TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    day             TEXT NOT NULL,  -- YYYY-MM-DD, UTC
    workspace_id    TEXT NOT NULL,
    first_at        TEXT NOT NULL,
    first_id        TEXT NOT NULL,
    first_followers BIGINT,
    last_at         TEXT NOT NULL,
    last_id         TEXT NOT NULL,
    last_followers  BIGINT,
    PRIMARY KEY (channel_id, day)
);
CREATE INDEX channel_metric_daily_workspace ON channel_metric_daily(workspace_id, channel_id, day);

-- Recomputations of the rollups from raw snapshots, for one workspace (''
-- for all) and period (NULL bounds: all time), worked through in batches
-- by a job that records its progress (phase, and the last target or
-- channel done) with each batch, so it resumes after a restart. While one
-- is unfinished, the workspace's overview is computed from raw snapshots.
CREATE TABLE metric_rollup_rebuilds (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL DEFAULT '',
    from_at      TEXT,
    to_at        TEXT,
    phase        TEXT NOT NULL DEFAULT 'posts',  -- posts, accounts, done
    after_id     TEXT NOT NULL DEFAULT '',
    finished_at  TEXT
);
CREATE INDEX metric_rollup_rebuilds_open ON metric_rollup_rebuilds(phase);

-- Existing installations fill the rollups with the rebuild job at start
-- rather than here: it works in batches that each commit, so a large
-- history neither holds the migration's transaction for minutes nor
-- starts over after an interruption, and the overview stays right
-- meanwhile by reading raw snapshots. A new installation has nothing to
-- fill.
INSERT INTO metric_rollup_rebuilds (id) SELECT '00000000000000000000000021'
WHERE EXISTS (SELECT 1 FROM post_metric_snapshots) OR EXISTS (SELECT 1 FROM account_metric_snapshots);

-- The overview reads only index ranges for the targets of a period and
-- their posts' pillar and labels (post IDs grow with time, so a period's
-- posts lie close together in a workspace; a post's row, with its
-- content, is far larger); and the raw reads at a period's edges.
CREATE INDEX post_targets_published ON post_targets(workspace_id, status, published_at, id, post_id, channel_id);
CREATE INDEX posts_grouping ON posts(workspace_id, id, pillar_id, labels);
CREATE INDEX account_metric_snapshots_workspace ON account_metric_snapshots(workspace_id, taken_at);
