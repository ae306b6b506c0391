package bluesky

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"strings"

	"github.com/bluesky-social/indigo/api/bsky"
	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider"
	"herald/internal/provider/count"
)

// getPostsBatch is app.bsky.feed.getPosts' most URIs per call.
const getPostsBatch = 25

// Reply answers the post parent.ID with text, threading it under the same
// root. Its record key derives from the parent, the account and the text
// (anchoredKey), so a retried reply finds the one it already wrote instead
// of answering twice.
func (p *Provider) Reply(ctx context.Context, acct provider.Account, parent provider.Interaction, text string) (provider.RemotePost, error) {
	const op = "reply"
	if strings.TrimSpace(text) == "" {
		return provider.RemotePost{}, provider.Errorf(provider.Permanent, Network, op, nil, "the reply is empty")
	}
	if res := count.Count(text, limitsOf(acct).Text); !res.OK() {
		return provider.RemotePost{}, provider.Errorf(provider.Permanent, Network, op, nil,
			"the reply is too long for Bluesky: %d of %d characters, %d of %d bytes", res.Used, res.Max, res.Bytes, res.MaxBytes)
	}
	s, err := p.session(acct, op)
	if err != nil {
		return provider.RemotePost{}, err
	}
	parentPost, parentRef, err := s.getPostURI(ctx, op, parent.ID)
	if err != nil {
		return provider.RemotePost{}, err
	}
	root := parentRef
	if parentPost.Reply != nil && parentPost.Reply.Root != nil {
		root = parentPost.Reply.Root
	}
	fs, err := facets(ctx, text, newResolver(s))
	if err != nil {
		return provider.RemotePost{}, err
	}
	rec := &bsky.FeedPost{Text: text, Facets: fs, CreatedAt: p.opts.Now().UTC().Format(datetimeLayout),
		Reply: &bsky.FeedPost_ReplyRef{Root: root, Parent: parentRef}}
	rkey := p.anchoredKey(parent.ID, s.did, text)
	cid, stored, err := s.create(ctx, op, collPost, rkey, rec, func(v any) bool {
		got, ok := v.(*bsky.FeedPost)
		return ok && got.Text == text && got.Reply != nil && got.Reply.Parent != nil && got.Reply.Parent.Uri == parent.ID
	})
	if err != nil {
		return provider.RemotePost{}, err
	}
	return p.remotePost(s.did, rkey, cid, stored.(*bsky.FeedPost).CreatedAt), nil
}

// React likes target (Bluesky has likes only, so every reaction is one).
// The like's record key derives from the post, so liking twice keeps one
// like.
func (p *Provider) React(ctx context.Context, acct provider.Account, target provider.Interaction, reaction string) error {
	const op = "like"
	s, err := p.session(acct, op)
	if err != nil {
		return err
	}
	_, ref, err := s.getPostURI(ctx, op, target.ID)
	if err != nil {
		return err
	}
	rec := &bsky.FeedLike{Subject: ref, CreatedAt: p.opts.Now().UTC().Format(datetimeLayout)}
	_, _, err = s.create(ctx, op, collLike, p.anchoredKey(target.ID, s.did, "like"), rec, func(v any) bool {
		got, ok := v.(*bsky.FeedLike)
		return ok && got.Subject != nil && got.Subject.Uri == target.ID
	})
	return err
}

// anchoredKey derives a TID record key for a record that answers anchor (a
// post URI): the anchor's own TID time plus up to a second, with the offset
// and the clock id taken from a hash of anchor and parts. The same answer
// to the same post always gets the same key; different answers differ in
// 30 bits. An anchor whose key is not a TID gives a key from the current
// time, which makes the write unrepeatable but still valid.
func (p *Provider) anchoredKey(anchor string, parts ...string) string {
	sum := sha256.Sum256([]byte(anchor + "\x00" + strings.Join(parts, "\x00")))
	micros := p.opts.Now().UnixMicro()
	if u, err := syntax.ParseATURI(anchor); err == nil {
		if t, err := syntax.ParseTID(u.RecordKey().String()); err == nil {
			micros = t.Time().UnixMicro()
		}
	}
	micros += int64(binary.BigEndian.Uint32(sum[2:6]) % 1_000_000)
	return syntax.NewTID(micros, uint(binary.BigEndian.Uint16(sum[:2])&0x3ff)).String()
}

// PostMetrics reads like, repost, reply and quote counts from the AppView.
// Posts the AppView does not return (deleted, or not yet indexed) are left
// out, since unavailable is not zero.
func (p *Provider) PostMetrics(ctx context.Context, acct provider.Account, posts []provider.RemotePost) (map[string]provider.PostMetrics, error) {
	const op = "post metrics"
	s, err := p.session(acct, op)
	if err != nil {
		return nil, err
	}
	out := map[string]provider.PostMetrics{}
	for i := 0; i < len(posts); i += getPostsBatch {
		var uris []string
		for _, rp := range posts[i:min(i+getPostsBatch, len(posts))] {
			uris = append(uris, rp.ID)
		}
		// https://docs.bsky.app/docs/api/app-bsky-feed-get-posts
		res, err := bsky.FeedGetPosts(ctx, s.xc, uris)
		if err != nil {
			return nil, s.classify(op, false, err)
		}
		now := p.opts.Now().UTC()
		for _, v := range res.Posts {
			if v == nil {
				continue
			}
			out[v.Uri] = provider.PostMetrics{Likes: n(v.LikeCount), Reposts: n(v.RepostCount), Replies: n(v.ReplyCount), Quotes: n(v.QuoteCount), At: now}
		}
	}
	return out, nil
}

// AccountMetrics reads follower, following and post counts from the
// account's AppView profile.
func (p *Provider) AccountMetrics(ctx context.Context, acct provider.Account) (provider.AccountMetrics, error) {
	const op = "account metrics"
	s, err := p.session(acct, op)
	if err != nil {
		return provider.AccountMetrics{}, err
	}
	// https://docs.bsky.app/docs/api/app-bsky-actor-get-profile
	prof, err := bsky.ActorGetProfile(ctx, s.xc, s.did)
	if err != nil {
		return provider.AccountMetrics{}, s.classify(op, false, err)
	}
	return provider.AccountMetrics{Followers: n(prof.FollowersCount), Following: n(prof.FollowsCount), Posts: n(prof.PostsCount), At: p.opts.Now().UTC()}, nil
}

func n(v *int64) int64 {
	if v == nil {
		return 0
	}
	return *v
}
