-- The conversation list's index no longer holds last_message_at. Every
-- new message moves its conversation's time, and with the time indexed
-- each of those updates rewrote an index entry (SQLite) or a new entry in
-- every index of the table (PostgreSQL: not a HOT update). The list sorts
-- the matching conversations instead: measured on SQLite with 100,000
-- conversations of which 95,000 done (BenchmarkConversationList), the
-- open view went from 41 to 13 ms, all from 651 to 34 ms, and done from
-- 1 to 47 ms.
DROP INDEX conversations_list;
CREATE INDEX conversations_list ON conversations(workspace_id, status);
