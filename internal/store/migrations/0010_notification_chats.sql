-- A workspace may also post its notifications into one connected team-chat
-- channel (Slack, Discord, Matrix, Telegram) through that network's API.
CREATE TABLE notification_chats (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    channel_id   TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    updated_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
