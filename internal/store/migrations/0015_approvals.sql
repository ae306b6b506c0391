-- Approvals, external reviewers and comments on posts.

-- approval is the post's place in approval ('' when none applies, pending,
-- approved, rejected, changes_requested); approved_version is the version
-- an approval was given for, so the publisher needs no other table to know
-- whether the text going out is the approved one.
ALTER TABLE posts ADD COLUMN approval TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN approved_version INTEGER NOT NULL DEFAULT 0;

-- A workflow says whose posts need approval (roles and people) and its
-- steps (JSON []model.ApprovalStep); channel_id '' is the workspace's
-- default, a channel's own workflow overrides it for posts to it.
CREATE TABLE approval_workflows (
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    channel_id    TEXT NOT NULL DEFAULT '',
    applies_roles TEXT NOT NULL DEFAULT '[]',
    applies_users TEXT NOT NULL DEFAULT '[]',
    steps         TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (workspace_id, channel_id)
);

-- A round is one pass of one version of a post through its workflow's
-- steps (a copy, so changing the workflow does not change a round under
-- way). An edit supersedes the round and starts a new one.
CREATE TABLE approval_rounds (
    id           TEXT PRIMARY KEY,
    post_id      TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    version      INTEGER NOT NULL,
    steps        TEXT NOT NULL,
    step         INTEGER NOT NULL,  -- index of the current step
    state        TEXT NOT NULL,     -- pending, approved, rejected, changes_requested, superseded
    requested_by TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX approval_rounds_post ON approval_rounds(post_id, created_at);
CREATE INDEX approval_rounds_open ON approval_rounds(workspace_id, state);

CREATE TABLE approval_decisions (
    id          TEXT PRIMARY KEY,
    round_id    TEXT NOT NULL REFERENCES approval_rounds(id) ON DELETE CASCADE,
    post_id     TEXT NOT NULL,
    step        INTEGER NOT NULL,
    user_id     TEXT NOT NULL DEFAULT '',  -- a member, or
    reviewer_id TEXT NOT NULL DEFAULT '',  -- an external reviewer
    name        TEXT NOT NULL,
    decision    TEXT NOT NULL,             -- approve, reject, changes
    reason      TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX approval_decisions_round ON approval_decisions(round_id, created_at);
CREATE INDEX approval_decisions_post ON approval_decisions(post_id, created_at);

-- External reviewers (clients, legal) reach one post through a signed,
-- expiring link; nothing secret is stored, the link's signature is checked
-- against this row.
CREATE TABLE post_reviewers (
    id           TEXT PRIMARY KEY,
    post_id      TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    name         TEXT NOT NULL,
    email        TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX post_reviewers_post ON post_reviewers(post_id);

CREATE TABLE post_comments (
    id           TEXT PRIMARY KEY,
    post_id      TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    user_id      TEXT NOT NULL DEFAULT '',
    reviewer_id  TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    body         TEXT NOT NULL,
    mentions     TEXT NOT NULL DEFAULT '[]',  -- JSON user IDs
    created_at   TEXT NOT NULL
);
CREATE INDEX post_comments_post ON post_comments(post_id, created_at);

-- A post's activity history reads its audit entries.
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

-- A client calendar link may also let its holder review posts waiting for
-- approval; each post they open gets a reviewer row tied to the link
-- (share_id), which stops working with the link.
ALTER TABLE calendar_shares ADD COLUMN can_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE post_reviewers ADD COLUMN share_id TEXT NOT NULL DEFAULT '';
