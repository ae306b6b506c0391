package feed

import (
	"herald/internal/provider"
)

var _ provider.FeedRenderer = (*Provider)(nil)

// FeedFormats lists the two documents every feed channel is served as.
func (p *Provider) FeedFormats() map[string]string {
	return map[string]string{"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8"}
}

// RenderFeed renders the channel's stored items, newest first as given,
// with the metadata entered when the feed was connected.
func (p *Provider) RenderFeed(acct provider.Account, format, selfURL string, items []provider.FeedItem) ([]byte, error) {
	s := acct.Settings
	meta := FeedMeta{ID: s["feed_id"], Title: s["title"], Description: s["description"], Link: s["link"], FeedURL: selfURL,
		Author: s["author"], Language: s["language"]}
	if meta.Title == "" {
		meta.Title = acct.Handle
	}
	out := make([]Item, 0, len(items))
	for _, it := range items {
		item := Item{ID: it.ID, Text: it.Text, Link: it.Link, Published: it.Published, Author: s["author"]}
		for _, m := range it.Media {
			if m.URL != "" {
				item.Media = append(item.Media, Enclosure{URL: m.URL, Type: m.ContentType, Length: int64(len(m.Data)), Alt: m.Alt})
			}
		}
		out = append(out, item)
	}
	return Render(format, meta, out)
}
