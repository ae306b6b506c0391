-- The production board: per workspace, columns in order (the last one means
-- "done"), cards in a column in order, and a checklist per card. A card may
-- stand alone or follow one post; when the post is deleted the card stays
-- and only loses the link, and when its assignee's account goes the card
-- becomes unassigned. Columns are refused deletion while they hold cards
-- (the service checks; the foreign key without cascade backs it up).
CREATE TABLE board_columns (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    position     INTEGER NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX board_columns_workspace ON board_columns(workspace_id, position);

CREATE TABLE board_cards (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    column_id    TEXT NOT NULL REFERENCES board_columns(id),
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    post_id      TEXT REFERENCES posts(id) ON DELETE SET NULL,
    assignee_id  TEXT REFERENCES users(id) ON DELETE SET NULL,
    due_at       TEXT,            -- an instant in UTC, or NULL for none
    reminded_at  TEXT,            -- when the assignee was told it is due soon; cleared when due_at changes
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX board_cards_column ON board_cards(column_id, position);
CREATE INDEX board_cards_workspace ON board_cards(workspace_id);
-- "My work" and the reminder job look cards up by assignee and due date.
CREATE INDEX board_cards_assignee ON board_cards(assignee_id, due_at);
CREATE INDEX board_cards_due ON board_cards(due_at, reminded_at);

CREATE TABLE board_checklist (
    id         TEXT PRIMARY KEY,
    card_id    TEXT NOT NULL REFERENCES board_cards(id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX board_checklist_card ON board_checklist(card_id, position);
