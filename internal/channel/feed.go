package channel

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// feedLimit is how many items a served feed carries, newest first.
const feedLimit = 50

type feedMedia struct {
	URL  string `json:"url"`
	Type string `json:"type"`
	Alt  string `json:"alt"`
}

// RecordFeedItems keeps the segments just published to a channel that
// Herald serves itself (provider.FeedRenderer), one item per remote post.
// The publisher calls it after Publish; repeating it adds nothing. Other
// channels are left alone.
func (s *Service) RecordFeedItems(ctx context.Context, c model.Channel, post provider.Post, published []provider.RemotePost) error {
	channelID := c.ID
	p, err := s.provider(c.Network)
	if err != nil {
		return err
	}
	if _, ok := p.(provider.FeedRenderer); !ok {
		return nil
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		for i, rp := range published {
			if i >= len(post.Segments) {
				break
			}
			seg := post.Segments[i]
			var media []feedMedia
			for _, m := range seg.Media {
				if m.URL != "" {
					media = append(media, feedMedia{URL: m.URL, Type: m.ContentType, Alt: m.Alt})
				}
			}
			raw, _ := json.Marshal(media)
			link := ""
			if seg.Link != nil {
				link = seg.Link.URL
			}
			if err := tx.PutFeedItem(ctx, store.FeedItemRow{ID: rp.ID, ChannelID: channelID, Text: seg.Text, Link: link,
				Media: string(raw), PublishedAt: rp.PublishedAt}); err != nil {
				return err
			}
		}
		return nil
	})
}

// RemoveFeedItem drops a published item from a served feed (the feed's
// Delete has nothing remote to remove).
func (s *Service) RemoveFeedItem(ctx context.Context, workspaceID, channelID, itemID string) error {
	if _, err := s.load(ctx, workspaceID, channelID); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteFeedItem(ctx, channelID, itemID); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no such item in this feed")
		} else if err != nil {
			return err
		}
		return nil
	})
}

// FeedURL is the public address of a served feed channel in a format.
func (s *Service) FeedURL(channelID, format string) string {
	return strings.TrimRight(s.BaseURL, "/") + "/feeds/" + channelID + "/" + format
}

// FeedFormats returns the formats a channel is served in (format -> media
// type), or nil when Herald does not serve the channel itself.
func (s *Service) FeedFormats(network string) map[string]string {
	p, err := s.Registry.Get(provider.Network(network))
	if err != nil {
		return nil
	}
	if fr, ok := p.(provider.FeedRenderer); ok {
		return fr.FeedFormats()
	}
	return nil
}

// Feed renders a served feed for anyone who has its address: feeds are
// public by nature, and the channel id in the address is not guessable.
// It returns the document and its media type.
func (s *Service) Feed(ctx context.Context, channelID, format string) ([]byte, string, error) {
	notFound := model.NotFound("no feed at this address")
	if !ids.Valid(channelID) {
		return nil, "", notFound
	}
	workspaceID, network, err := s.Store.Read().ChannelNetwork(ctx, channelID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", notFound
	} else if err != nil {
		return nil, "", err
	}
	p, err := s.provider(network)
	if err != nil {
		return nil, "", notFound
	}
	fr, ok := p.(provider.FeedRenderer)
	if !ok {
		return nil, "", notFound
	}
	mediaType, ok := fr.FeedFormats()[format]
	if !ok {
		return nil, "", notFound
	}
	acct, _, err := s.Account(ctx, workspaceID, channelID)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.Store.Read().FeedItems(ctx, channelID, feedLimit)
	if err != nil {
		return nil, "", err
	}
	items := make([]provider.FeedItem, 0, len(rows))
	for _, r := range rows {
		var media []feedMedia
		_ = json.Unmarshal([]byte(r.Media), &media)
		it := provider.FeedItem{ID: r.ID, Text: r.Text, Link: r.Link, Published: r.PublishedAt}
		for _, m := range media {
			it.Media = append(it.Media, provider.Media{URL: m.URL, ContentType: m.Type, Alt: m.Alt})
		}
		items = append(items, it)
	}
	doc, err := fr.RenderFeed(acct, format, s.FeedURL(channelID, format), items)
	return doc, mediaType, err
}
