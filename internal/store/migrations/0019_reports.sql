-- Reports: how a workspace's PDF reports look, reports sent by e-mail on a
-- schedule, and read-only report links for people without an account.

-- Branding of the workspace's reports: a brand colour (#rrggbb) and an
-- optional logo, an image of the media library ('' for none).
CREATE TABLE report_settings (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    brand_color  TEXT NOT NULL,
    logo_id      TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL
);

-- A report e-mailed every week (weekday, 0 = Sunday) or month (month_day,
-- 1 to 28, so every month has it) at an hour of its time zone, about the
-- last full week (Monday to Sunday) or month. next_at is when it is due
-- next, in UTC. A run claims a schedule by moving next_at on from the value
-- it read, in the transaction that queues the sending, so two workers or a
-- restart never send one period twice. last_period names the period being
-- or last sent (YYYY-MM-DD/YYYY-MM-DD, end exclusive) and sent_to who
-- already has it, so a retry after a failed delivery skips them.
CREATE TABLE report_schedules (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    frequency    TEXT NOT NULL,
    weekday      INTEGER NOT NULL DEFAULT 1,
    month_day    INTEGER NOT NULL DEFAULT 1,
    hour         INTEGER NOT NULL,
    zone         TEXT NOT NULL,
    recipients   TEXT NOT NULL,            -- addresses, one per line
    paused       INTEGER NOT NULL DEFAULT 0,
    next_at      TEXT NOT NULL,
    last_period  TEXT NOT NULL DEFAULT '',
    sent_to      TEXT NOT NULL DEFAULT '', -- addresses, one per line
    last_sent_at TEXT,
    last_error   TEXT NOT NULL DEFAULT '',
    last_error_at TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX report_schedules_due ON report_schedules(paused, next_at);
CREATE INDEX report_schedules_workspace ON report_schedules(workspace_id);

-- Read-only report links: a fixed period (period_from and period_to, both
-- YYYY-MM-DD and inclusive) or the last rolling_days days; only the token's
-- hash is kept; expires_at is NULL for a link that does not expire.
CREATE TABLE report_shares (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    period_from  TEXT NOT NULL DEFAULT '',
    period_to    TEXT NOT NULL DEFAULT '',
    rolling_days INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT
);
CREATE INDEX report_shares_workspace ON report_shares(workspace_id);
