-- Notifications: in-app messages per person about publishing problems and
-- channels that need reconnecting, and one notification webhook per
-- workspace that receives the same events as signed JSON.

-- One row per recipient, so "read" is per person. post_id, channel_id and
-- target_id are plain text rather than foreign keys: a notification outlives
-- the post or channel it was about (the link then shows "not found"), and it
-- goes with its workspace or its recipient.
CREATE TABLE notifications (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL,
    link         TEXT NOT NULL DEFAULT '',
    post_id      TEXT NOT NULL DEFAULT '',
    channel_id   TEXT NOT NULL DEFAULT '',
    target_id    TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    read_at      TEXT
);
-- IDs are ULIDs, so (user_id, id) lists a person's notifications newest
-- first; the second index serves the unread count shown on every page.
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);

-- The signing secret is sealed with the installation key: Herald needs it
-- back to sign each delivery, and a database dump alone must not give it away.
CREATE TABLE notification_hooks (
    workspace_id  TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    url           TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
