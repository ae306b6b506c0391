-- Publishing: what a claim on a target holds, every attempt made for it,
-- pauses per workspace and channel, and weekly posting slots per channel.

-- generation changes whenever a target is scheduled, rescheduled or
-- cancelled; a job carries the generation it was made for, so an old job
-- can never act on a newer plan. publish_at is the network-visible time
-- fixed at the first claim; done holds the remote posts of thread segments
-- already out (JSON), so a retry resumes after them; lease_until is how
-- long a claim holds the target before another worker may take it over.
ALTER TABLE post_targets ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE post_targets ADD COLUMN publish_at TEXT;
ALTER TABLE post_targets ADD COLUMN done TEXT NOT NULL DEFAULT '[]';
ALTER TABLE post_targets ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE post_targets ADD COLUMN lease_until TEXT;
ALTER TABLE post_targets ADD COLUMN error_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE post_targets ADD COLUMN queued INTEGER NOT NULL DEFAULT 0;  -- placed by the channel's queue
CREATE INDEX post_targets_due ON post_targets(status, scheduled_at);

-- Series: a recurring post (RRULE in recur_zone) or an evergreen one
-- (re-queued at least evergreen_gap seconds apart, at most evergreen_max
-- times) continues as a copy once every target is done; continued_by names
-- that copy, so a post continues once. series_id is the first post.
ALTER TABLE posts ADD COLUMN recurrence TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN recur_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN evergreen_gap INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN evergreen_max INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN series_id TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN continued_by TEXT NOT NULL DEFAULT '';

CREATE TABLE publish_attempts (
    id           TEXT PRIMARY KEY,
    target_id    TEXT NOT NULL REFERENCES post_targets(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    duration_ms  INTEGER NOT NULL,
    outcome      TEXT NOT NULL,  -- published, retry, failed, unconfirmed, paused, missed, reconciled
    error_kind   TEXT NOT NULL DEFAULT '',
    message      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX publish_attempts_target ON publish_attempts(target_id, started_at);

-- A pause stops publishing for a whole workspace (channel_id '') or one
-- channel until someone resumes it.
CREATE TABLE pauses (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    channel_id   TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL,
    paused_by    TEXT NOT NULL,
    paused_at    TEXT NOT NULL,
    PRIMARY KEY (workspace_id, channel_id)
);

CREATE TABLE posting_slots (
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    weekday    INTEGER NOT NULL,  -- 0 Sunday .. 6 Saturday
    minute     INTEGER NOT NULL,  -- minute of the day in the channel's time zone
    PRIMARY KEY (channel_id, weekday, minute)
);
