-- When the inbox last asked a channel's network which stored messages
-- their authors have deleted (networks whose reads do not say so).
ALTER TABLE inbox_cursors ADD COLUMN deletions_checked_at TEXT;

-- Told once that a conversation nears or passed its resolution target.
ALTER TABLE conversations ADD COLUMN resolution_warned_at TEXT;

-- Which process holds the channel's live stream (networks that push new
-- interactions), and until when its lease runs; polling slows down while
-- a stream is up.
ALTER TABLE inbox_cursors ADD COLUMN stream_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE inbox_cursors ADD COLUMN stream_until TEXT;
