package store

import (
	"context"
	"time"
)

// FeedItemRow is one stored feed item; Media is JSON.
type FeedItemRow struct {
	ID          string
	ChannelID   string
	Text        string
	Link        string
	Media       string
	PublishedAt time.Time
}

// PutFeedItem stores an item; storing the same id again changes nothing.
func (q *Queries) PutFeedItem(ctx context.Context, it FeedItemRow) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO feed_items (id, channel_id, text, link, media, published_at) VALUES ($1,$2,$3,$4,$5,$6)
		ON CONFLICT (id) DO NOTHING`, it.ID, it.ChannelID, it.Text, it.Link, it.Media, ts(it.PublishedAt))
	return wrap("put feed item", err)
}

// DeleteFeedItem removes an item of a channel.
func (q *Queries) DeleteFeedItem(ctx context.Context, channelID, id string) error {
	return q.execOne(ctx, "delete feed item", `DELETE FROM feed_items WHERE channel_id = $1 AND id = $2`, channelID, id)
}

// FeedItems returns a channel's newest items.
func (q *Queries) FeedItems(ctx context.Context, channelID string, limit int) ([]FeedItemRow, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, channel_id, text, link, media, published_at FROM feed_items
		WHERE channel_id = $1 ORDER BY published_at DESC, id DESC LIMIT $2`, channelID, limit)
	if err != nil {
		return nil, wrap("feed items", err)
	}
	defer rows.Close()
	var out []FeedItemRow
	for rows.Next() {
		var it FeedItemRow
		if err := rows.Scan(&it.ID, &it.ChannelID, &it.Text, &it.Link, &it.Media, tm(&it.PublishedAt)); err != nil {
			return nil, wrap("feed items", err)
		}
		out = append(out, it)
	}
	return out, wrap("feed items", rows.Err())
}

// ChannelNetwork returns a channel's workspace and network by id alone, for
// public addresses such as feeds that carry only the channel id.
func (q *Queries) ChannelNetwork(ctx context.Context, id string) (workspaceID, network string, err error) {
	err = q.q.QueryRowContext(ctx, `SELECT workspace_id, network FROM channels WHERE id = $1`, id).Scan(&workspaceID, &network)
	return workspaceID, network, wrap("channel network", err)
}
