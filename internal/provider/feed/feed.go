// Package feed is a channel whose "publishing" adds an item to a per-channel
// RSS 2.0 and Atom 1.0 feed that Herald itself serves. Providers do not
// touch the store, so the split is: Publish only names the item, with an id
// derived from Herald's key (a tag URI, RFC 4151), so publishing the same
// target twice names the same item; the caller keeps the item with the
// target, and the web layer serves Render's output.
//
// Render uses encoding/xml rather than github.com/gorilla/feeds: v1.2.0
// writes Atom entries without a link as <link href="">, uses the site link
// as the feed id with no way to add rel="self", and has no atom:link self
// reference in RSS; writing the XML here keeps every required element and
// adds no dependency.
package feed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"herald/internal/provider"
)

// Network is the feed channel's network name.
const Network provider.Network = "feed"

// Options configure the provider.
type Options struct {
	// Now is the clock and Rand the source of channel ids (tests).
	Now  func() time.Time
	Rand io.Reader
}

// Provider is the feed connector.
type Provider struct {
	opt Options
}

// New returns a feed provider.
func New(o Options) *Provider {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	return &Provider{opt: o}
}

var (
	_ provider.Provider  = (*Provider)(nil)
	_ provider.Connector = (*Provider)(nil)
	_ provider.Checker   = (*Provider)(nil)
	_ provider.Publisher = (*Provider)(nil)
	_ provider.Deleter   = (*Provider)(nil)
)

// Info describes the feed connector. Feeds have no text limit; images
// travel as enclosures by URL (RSS 2.0 allows one enclosure per item, so
// one image per item).
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Network: Network, Name: "RSS/Atom feed",
		Capabilities: []provider.Capability{provider.CapPublish, provider.CapThreads, provider.CapImages, provider.CapDelete},
		Auth:         provider.AuthNone,
		Idempotency:  provider.IdemClientKey,
		Fields: []provider.Field{
			{Name: "title", Label: "Feed title", Required: true},
			{Name: "description", Label: "Description"},
			{Name: "link", Label: "Website", Help: "The site the feed belongs to; its host names the item ids"},
			{Name: "author", Label: "Author"},
			{Name: "language", Label: "Language", Help: "e.g. en or fr-CA"},
		},
		Limits:  provider.Limits{MaxMedia: 1, MaxImages: 1, ImageTypes: []string{"image/jpeg", "image/png", "image/gif", "image/webp"}, MaxThread: 100},
		DocsURL: "https://www.rssboard.org/rss-specification",
	}
}

// Connect records the feed's metadata and the two parts of its tag URIs:
// an authority (the website's host) and the date it was created, which
// stay fixed so item ids never change.
func (p *Provider) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	title := strings.TrimSpace(input["title"])
	if title == "" {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, "connect", nil, "a feed title is required")
	}
	authority := "herald.invalid" // RFC 2606: a name no one else can own
	if l := strings.TrimSpace(input["link"]); l != "" {
		u, err := url.Parse(l)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" {
			return provider.Account{}, provider.Errorf(provider.Permanent, Network, "connect", err, "the website must be an http(s) URL")
		}
		authority = strings.ToLower(u.Hostname())
	}
	raw := make([]byte, 8)
	if _, err := io.ReadFull(p.opt.Rand, raw); err != nil {
		return provider.Account{}, provider.Errorf(provider.Transient, Network, "connect", err, "could not create a feed id")
	}
	date := p.opt.Now().UTC().Format("2006-01-02")
	id := fmt.Sprintf("tag:%s,%s:herald/feed/%s", authority, date, hex.EncodeToString(raw))
	settings := map[string]string{"tag_authority": authority, "tag_date": date, "feed_id": id}
	for _, k := range []string{"title", "description", "link", "author", "language"} {
		settings[k] = strings.TrimSpace(input[k])
	}
	return provider.Account{RemoteID: id, Handle: title, Credentials: map[string]string{}, Settings: settings, Limits: p.Info().Limits}, nil
}

// Check has nothing remote to reach: a feed is always available.
func (p *Provider) Check(ctx context.Context, acct provider.Account) (provider.Status, error) {
	return provider.Status{OK: true, Handle: acct.Handle, Message: "the feed is served by Herald"}, nil
}

// ItemID is the tag URI of segment i of the target key in the channel's feed.
func ItemID(acct provider.Account, key string, i int) string {
	return fmt.Sprintf("tag:%s,%s:herald/item/%s/%d", acct.Settings["tag_authority"], acct.Settings["tag_date"], url.PathEscape(key), i)
}

// Publish names one item per remaining segment; publishing the same key
// again yields the same ids, so a repeat cannot add a second item.
func (p *Provider) Publish(ctx context.Context, acct provider.Account, post provider.Post) ([]provider.RemotePost, error) {
	if post.Key == "" {
		return nil, provider.Errorf(provider.Permanent, Network, "publish", nil, "a post key is required")
	}
	if acct.Settings["tag_authority"] == "" || acct.Settings["tag_date"] == "" {
		return nil, provider.Errorf(provider.Permanent, Network, "publish", nil, "the feed channel is missing its id settings; reconnect it")
	}
	now := p.opt.Now().UTC()
	out := append([]provider.RemotePost(nil), post.Done...)
	for i := len(post.Done); i < len(post.Segments); i++ {
		rp := provider.RemotePost{ID: ItemID(acct, post.Key, i), PublishedAt: now, Extra: map[string]string{"feed_id": acct.Settings["feed_id"]}}
		out = append(out, rp)
		if post.Progress != nil {
			if err := post.Progress(i, rp); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// Delete has nothing remote to delete: the item leaves the feed when the
// caller drops it from the items it renders.
func (p *Provider) Delete(ctx context.Context, acct provider.Account, post provider.RemotePost) error {
	return nil
}
