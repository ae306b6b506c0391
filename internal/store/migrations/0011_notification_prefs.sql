-- Per person and kind of notification: e-mail each one at once (the
-- default, no row), gather them in a daily digest, or send no e-mail (the
-- in-app notification always stays). notification_digests remembers when
-- each person's last digest went out.
CREATE TABLE notification_prefs (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    mode    TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
CREATE TABLE notification_digests (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    sent_at TEXT NOT NULL
);
