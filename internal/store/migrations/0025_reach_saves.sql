-- Reach (unique accounts a post was shown to) and saves (bookmarks) for
-- posts, and reach and impressions of the day before the read for
-- accounts: counters some networks report and others do not. As with the
-- others, NULL is "not available from this network", never 0; every
-- snapshot taken before this migration has them NULL, so the rollups
-- need no rebuild.

ALTER TABLE post_metric_snapshots ADD COLUMN reach BIGINT;
ALTER TABLE post_metric_snapshots ADD COLUMN saves BIGINT;
ALTER TABLE post_metric_latest ADD COLUMN reach BIGINT;
ALTER TABLE post_metric_latest ADD COLUMN saves BIGINT;

-- The period index covers every counter the overview reads.
DROP INDEX post_metric_latest_period;
CREATE INDEX post_metric_latest_period ON post_metric_latest(workspace_id, published_at, target_id, snapshot_id, taken_at,
    likes, reposts, replies, quotes, views, clicks, reach, saves);

ALTER TABLE account_metric_snapshots ADD COLUMN reach BIGINT;
ALTER TABLE account_metric_snapshots ADD COLUMN impressions BIGINT;

-- A channel's daily reach and impressions at the day's last read, for the
-- end of a period.
ALTER TABLE channel_metric_daily ADD COLUMN last_reach BIGINT;
ALTER TABLE channel_metric_daily ADD COLUMN last_impressions BIGINT;
