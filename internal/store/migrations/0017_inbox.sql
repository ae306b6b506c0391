-- The community inbox: contacts, conversations and their messages read
-- from every channel, notes, saved replies and views, rules, poll cursors
-- and service levels.

-- A contact is a person who writes to the workspace; handles tie them to
-- their accounts on each network (one contact may have several).
CREATE TABLE contacts (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    tags         TEXT NOT NULL DEFAULT '[]',
    vip          INTEGER NOT NULL DEFAULT 0,
    followers    INTEGER,               -- NULL: unknown
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX contacts_workspace ON contacts(workspace_id, name);

CREATE TABLE contact_handles (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    network      TEXT NOT NULL,
    remote_id    TEXT NOT NULL,         -- the author's ID on the network
    handle       TEXT NOT NULL DEFAULT '',
    contact_id   TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    PRIMARY KEY (workspace_id, network, remote_id)
);
CREATE INDEX contact_handles_contact ON contact_handles(contact_id);

-- A conversation is the thread under one of our posts, a thread that
-- mentions us, or a direct-message thread, on one channel.
CREATE TABLE conversations (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    channel_id        TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,     -- comments, mention, message
    root_remote_id    TEXT NOT NULL,     -- the thread's root on the network
    root_text         TEXT NOT NULL DEFAULT '',  -- the original post, shown above the thread
    root_url          TEXT NOT NULL DEFAULT '',
    post_id           TEXT NOT NULL DEFAULT '',  -- our Herald post, when the root is one
    contact_id        TEXT NOT NULL DEFAULT '',  -- who started it (mentions, messages)
    status            TEXT NOT NULL DEFAULT 'open',  -- open, done, snoozed
    snoozed_until     TEXT,
    assignee_id       TEXT NOT NULL DEFAULT '',
    priority          INTEGER NOT NULL DEFAULT 0,    -- 0 normal, 1 high, 2 urgent
    tags              TEXT NOT NULL DEFAULT '[]',
    unread            INTEGER NOT NULL DEFAULT 0,
    last_message_at   TEXT NOT NULL,
    first_inbound_at  TEXT,              -- for service levels
    awaiting_since    TEXT,              -- oldest inbound message not yet answered
    first_response_at TEXT,
    resolved_at       TEXT,
    sla_warned_at     TEXT,              -- told once that a response target is near
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (channel_id, root_remote_id)
);
CREATE INDEX conversations_list ON conversations(workspace_id, status, last_message_at);
CREATE INDEX conversations_assignee ON conversations(workspace_id, assignee_id, status);

-- Messages in and out. (channel_id, remote_id) de-duplicates what a poller
-- reads twice; flags mark what was stored with care (truncated,
-- invalid_utf8, no_author, unknown_kind); original keeps a truncated or
-- repaired text as it came.
CREATE TABLE inbox_messages (
    id               TEXT PRIMARY KEY,
    conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    workspace_id     TEXT NOT NULL,
    channel_id       TEXT NOT NULL,
    remote_id        TEXT NOT NULL,
    parent_remote_id TEXT NOT NULL DEFAULT '',
    kind             TEXT NOT NULL,      -- comment, reply, mention, message, review, like, repost, reaction
    direction        TEXT NOT NULL,      -- in, out
    contact_id       TEXT NOT NULL DEFAULT '',
    author_remote_id TEXT NOT NULL DEFAULT '',
    author           TEXT NOT NULL DEFAULT '',
    text             TEXT NOT NULL DEFAULT '',
    original         TEXT,
    flags            TEXT NOT NULL DEFAULT '',
    reaction         TEXT NOT NULL DEFAULT '',
    url              TEXT NOT NULL DEFAULT '',
    sentiment        TEXT NOT NULL DEFAULT '',
    sentiment_score  REAL NOT NULL DEFAULT 0,
    spam             REAL NOT NULL DEFAULT 0,
    abuse            REAL NOT NULL DEFAULT 0,
    reasons          TEXT NOT NULL DEFAULT '[]',
    language         TEXT NOT NULL DEFAULT '',
    question         INTEGER NOT NULL DEFAULT 0,
    sent_by          TEXT NOT NULL DEFAULT '',  -- the member who replied (out)
    automatic        INTEGER NOT NULL DEFAULT 0, -- sent by a rule
    state            TEXT NOT NULL DEFAULT '',  -- out: pending_approval, sending, sent, failed
    error            TEXT NOT NULL DEFAULT '',  -- out: why sending failed
    created_at       TEXT NOT NULL,      -- on the network
    received_at      TEXT NOT NULL,
    edited_at        TEXT,
    deleted_at       TEXT,               -- deleted on the network
    hidden_at        TEXT,
    UNIQUE (channel_id, remote_id)
);
CREATE INDEX inbox_messages_conversation ON inbox_messages(conversation_id, created_at);
CREATE INDEX inbox_messages_workspace ON inbox_messages(workspace_id, received_at);
CREATE INDEX inbox_messages_contact ON inbox_messages(contact_id);

CREATE TABLE inbox_notes (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    workspace_id    TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX inbox_notes_conversation ON inbox_notes(conversation_id, created_at);

CREATE TABLE saved_replies (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE inbox_views (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    query        TEXT NOT NULL,           -- the list's filter as a query string
    created_at   TEXT NOT NULL,
    UNIQUE (workspace_id, user_id, name)
);

-- Where each channel's poller is: read since (cursor), how often, and how
-- it went; next_at moves out on quiet channels and on errors.
CREATE TABLE inbox_cursors (
    channel_id   TEXT PRIMARY KEY REFERENCES channels(id) ON DELETE CASCADE,
    since        TEXT NOT NULL,
    interval_s   INTEGER NOT NULL,
    next_at      TEXT NOT NULL,
    last_ok_at   TEXT,
    last_error   TEXT NOT NULL DEFAULT '',
    failures     INTEGER NOT NULL DEFAULT 0
);

-- Rules run in priority order on every new inbound message; conditions
-- and actions are JSON (model.RuleCondition, model.RuleAction).
CREATE TABLE inbox_rules (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    priority     INTEGER NOT NULL,
    enabled      INTEGER NOT NULL DEFAULT 1,
    stop         INTEGER NOT NULL DEFAULT 0,  -- later rules do not run after a match
    conditions   TEXT NOT NULL,
    actions      TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX inbox_rules_workspace ON inbox_rules(workspace_id, priority);

-- Every automatic action, so it can be shown and undone.
CREATE TABLE rule_actions (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    rule_id      TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    action       TEXT NOT NULL,           -- JSON model.RuleAction as applied
    undo         TEXT NOT NULL DEFAULT '',-- JSON of what undoing restores, '' when it cannot be undone
    undone_at    TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX rule_actions_message ON rule_actions(message_id);
CREATE INDEX rule_actions_workspace ON rule_actions(workspace_id, created_at);

-- An auto-reply goes at most once per author per thread.
CREATE TABLE auto_replies (
    conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    author_remote_id TEXT NOT NULL,
    rule_id          TEXT NOT NULL,
    sent_at          TEXT NOT NULL,
    PRIMARY KEY (conversation_id, author_remote_id)
);

-- Business hours and service levels per workspace: hours is JSON
-- [{weekday, from, to}] in minutes of the day in zone.
CREATE TABLE inbox_settings (
    workspace_id          TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    zone                  TEXT NOT NULL DEFAULT 'UTC',
    hours                 TEXT NOT NULL DEFAULT '[]',
    first_response_mins   INTEGER NOT NULL DEFAULT 0,  -- 0: no target
    resolution_mins       INTEGER NOT NULL DEFAULT 0,
    warn_before_mins      INTEGER NOT NULL DEFAULT 30,
    reply_approval_roles  TEXT NOT NULL DEFAULT '[]',  -- roles whose replies need approval
    escalate_email        TEXT NOT NULL DEFAULT '',
    escalate_webhook      TEXT NOT NULL DEFAULT '',
    updated_at            TEXT NOT NULL
);
