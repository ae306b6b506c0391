-- Workspace calendar entries that are not posts: notes, events, holidays
-- and launch dates, on one day or a range of days (dates, no time zone).
CREATE TABLE calendar_entries (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    starts_on    TEXT NOT NULL,  -- YYYY-MM-DD
    ends_on      TEXT NOT NULL,  -- YYYY-MM-DD, the last day (inclusive)
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX calendar_entries_days ON calendar_entries(workspace_id, starts_on, ends_on);
