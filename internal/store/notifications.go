package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
)

const notificationCols = `id, user_id, workspace_id, kind, text, link, post_id, channel_id, target_id, created_at, read_at`

func scanNotification(row interface{ Scan(...any) error }) (model.Notification, error) {
	var n model.Notification
	err := row.Scan(&n.ID, &n.UserID, &n.WorkspaceID, &n.Kind, &n.Text, &n.Link, &n.PostID, &n.ChannelID, &n.TargetID, tm(&n.CreatedAt), tm(&n.ReadAt))
	return n, err
}

// AddNotification inserts one person's notification.
func (q *Queries) AddNotification(ctx context.Context, n model.Notification) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO notifications (`+notificationCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		n.ID, n.UserID, n.WorkspaceID, string(n.Kind), n.Text, n.Link, n.PostID, n.ChannelID, n.TargetID, ts(n.CreatedAt), ts(n.ReadAt))
	return wrap("add notification", err)
}

// Notifications lists a person's notifications newest first, at most limit,
// older than the notification ID before ("" for the newest). ULIDs sort by
// creation time, so the ID is the cursor.
func (q *Queries) Notifications(ctx context.Context, userID string, unreadOnly bool, before string, limit int) ([]model.Notification, error) {
	query := `SELECT ` + notificationCols + ` FROM notifications WHERE user_id = $1`
	args := []any{userID}
	if unreadOnly {
		query += ` AND read_at IS NULL`
	}
	if before != "" {
		args = append(args, before)
		query += ` AND id < $2`
	}
	args = append(args, limit)
	query += ` ORDER BY id DESC LIMIT $` + strconv.Itoa(len(args))
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap("notifications", err)
	}
	defer rows.Close()
	var out []model.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, wrap("notifications", err)
		}
		out = append(out, n)
	}
	return out, wrap("notifications", rows.Err())
}

// OpenNotification marks one of a person's notifications read and returns
// it; ErrNotFound when it is not theirs or does not exist.
func (q *Queries) OpenNotification(ctx context.Context, userID, id string, now time.Time) (model.Notification, error) {
	if _, err := q.q.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL`,
		ts(now), userID, id); err != nil {
		return model.Notification{}, wrap("open notification", err)
	}
	n, err := scanNotification(q.q.QueryRowContext(ctx, `SELECT `+notificationCols+` FROM notifications WHERE user_id = $1 AND id = $2`, userID, id))
	return n, wrap("open notification", err)
}

// UnreadNotifications counts a person's unread notifications.
func (q *Queries) UnreadNotifications(ctx context.Context, userID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID).Scan(&n)
	return n, wrap("unread notifications", err)
}

// MarkNotificationsRead marks a person's notifications read: those named
// by ids, or all of them when ids is empty. Other people's IDs match
// nothing. It returns how many changed.
func (q *Queries) MarkNotificationsRead(ctx context.Context, userID string, ids []string, now time.Time) (int, error) {
	query := `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`
	args := []any{ts(now), userID}
	if len(ids) > 0 {
		marks := make([]string, len(ids))
		for i, id := range ids {
			args = append(args, id)
			marks[i] = "$" + strconv.Itoa(len(args))
		}
		query += ` AND id IN (` + strings.Join(marks, ",") + `)`
	}
	res, err := q.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, wrap("mark notifications read", err)
	}
	n, err := res.RowsAffected()
	return int(n), wrap("mark notifications read", err)
}

// StoredHook is a workspace's notification webhook with its sealed secret.
type StoredHook struct {
	WorkspaceID  string
	URL          string
	SealedSecret string
	UpdatedBy    string
	UpdatedAt    time.Time
}

// NotificationHook loads a workspace's notification webhook, ErrNotFound if
// none is set.
func (q *Queries) NotificationHook(ctx context.Context, workspaceID string) (StoredHook, error) {
	var h StoredHook
	err := q.q.QueryRowContext(ctx, `SELECT workspace_id, url, secret_sealed, updated_by, updated_at FROM notification_hooks WHERE workspace_id = $1`,
		workspaceID).Scan(&h.WorkspaceID, &h.URL, &h.SealedSecret, &h.UpdatedBy, tm(&h.UpdatedAt))
	return h, wrap("notification hook", err)
}

// PutNotificationHook sets (or replaces) a workspace's notification webhook.
func (q *Queries) PutNotificationHook(ctx context.Context, h StoredHook) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO notification_hooks (workspace_id, url, secret_sealed, updated_by, updated_at) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (workspace_id) DO UPDATE SET url = excluded.url, secret_sealed = excluded.secret_sealed,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`, h.WorkspaceID, h.URL, h.SealedSecret, h.UpdatedBy, ts(h.UpdatedAt))
	return wrap("put notification hook", err)
}

// DeleteNotificationHook removes a workspace's notification webhook.
func (q *Queries) DeleteNotificationHook(ctx context.Context, workspaceID string) error {
	return q.execOne(ctx, "delete notification hook", `DELETE FROM notification_hooks WHERE workspace_id = $1`, workspaceID)
}

// NotificationChat returns the channel a workspace's notifications are
// posted to, ErrNotFound if none.
func (q *Queries) NotificationChat(ctx context.Context, workspaceID string) (string, error) {
	var id string
	err := q.q.QueryRowContext(ctx, `SELECT channel_id FROM notification_chats WHERE workspace_id = $1`, workspaceID).Scan(&id)
	return id, wrap("notification chat", err)
}

// PutNotificationChat sets the channel a workspace's notifications are
// posted to.
func (q *Queries) PutNotificationChat(ctx context.Context, workspaceID, channelID, by string, now time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO notification_chats (workspace_id, channel_id, updated_by, updated_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (workspace_id) DO UPDATE SET channel_id = excluded.channel_id, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		workspaceID, channelID, by, ts(now))
	return wrap("put notification chat", err)
}

// DeleteNotificationChat stops posting a workspace's notifications to chat.
func (q *Queries) DeleteNotificationChat(ctx context.Context, workspaceID string) error {
	return q.execOne(ctx, "delete notification chat", `DELETE FROM notification_chats WHERE workspace_id = $1`, workspaceID)
}

// NotificationPrefs returns people's e-mail modes per notification kind
// (user → kind → mode); kinds without a row are absent.
func (q *Queries) NotificationPrefs(ctx context.Context, userIDs []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	if len(userIDs) == 0 {
		return out, nil
	}
	in, args := inList(userIDs, 0)
	rows, err := q.q.QueryContext(ctx, `SELECT user_id, kind, mode FROM notification_prefs WHERE user_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, wrap("notification prefs", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u, k, m string
		if err := rows.Scan(&u, &k, &m); err != nil {
			return nil, wrap("notification prefs", err)
		}
		if out[u] == nil {
			out[u] = map[string]string{}
		}
		out[u][k] = m
	}
	return out, wrap("notification prefs", rows.Err())
}

// SetNotificationPref sets one person's e-mail mode for a kind.
func (q *Queries) SetNotificationPref(ctx context.Context, userID, kind, mode string) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO notification_prefs (user_id, kind, mode) VALUES ($1,$2,$3)
		ON CONFLICT (user_id, kind) DO UPDATE SET mode = excluded.mode`, userID, kind, mode)
	return wrap("set notification pref", err)
}

// DigestDue lists people with a digest preference whose last digest went
// out before before (or never).
func (q *Queries) DigestDue(ctx context.Context, before time.Time) ([]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT DISTINCT p.user_id FROM notification_prefs p
		LEFT JOIN notification_digests d ON d.user_id = p.user_id
		WHERE p.mode = 'digest' AND (d.sent_at IS NULL OR d.sent_at < $1) ORDER BY p.user_id`, ts(before))
	if err != nil {
		return nil, wrap("digest due", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, wrap("digest due", err)
		}
		out = append(out, id)
	}
	return out, wrap("digest due", rows.Err())
}

// LastDigest is when a person's last digest went out (zero: never).
func (q *Queries) LastDigest(ctx context.Context, userID string) (time.Time, error) {
	var at time.Time
	err := q.q.QueryRowContext(ctx, `SELECT sent_at FROM notification_digests WHERE user_id = $1`, userID).Scan(tm(&at))
	if err == sql.ErrNoRows {
		return time.Time{}, nil
	}
	return at, wrap("last digest", err)
}

// MarkDigest records that a person's digest went out at at.
func (q *Queries) MarkDigest(ctx context.Context, userID string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO notification_digests (user_id, sent_at) VALUES ($1,$2)
		ON CONFLICT (user_id) DO UPDATE SET sent_at = excluded.sent_at`, userID, ts(at))
	return wrap("mark digest", err)
}

// NotificationsSince lists a person's notifications of the given kinds
// created after since, oldest first, at most limit.
func (q *Queries) NotificationsSince(ctx context.Context, userID string, kinds []string, since time.Time, limit int) ([]model.Notification, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	in, args := inList(kinds, 2)
	rows, err := q.q.QueryContext(ctx, `SELECT `+notificationCols+` FROM notifications WHERE user_id = $1 AND created_at > $2
		AND kind IN (`+in+`) ORDER BY id LIMIT `+strconv.Itoa(limit), append([]any{userID, ts(since)}, args...)...)
	if err != nil {
		return nil, wrap("notifications since", err)
	}
	defer rows.Close()
	var out []model.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, wrap("notifications since", err)
		}
		out = append(out, n)
	}
	return out, wrap("notifications since", rows.Err())
}
