package bluesky

import (
	"context"
	"sort"
	"time"

	"github.com/bluesky-social/indigo/api/bsky"
	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider"
)

// Bounds of one Interactions poll, so a busy account cannot keep it busy.
const (
	maxNotificationPages = 10 // of 100 notifications
	maxThreads           = 25 // own posts whose reply trees are read
	maxWatched           = 50 // repos read when no AppView answers
)

// Interactions reads replies, mentions, quotes, likes and reposts of the
// account since the given time. In production the PDS proxies app.bsky.*
// reads to Bluesky's AppView: notifications, plus the reply trees of the
// given posts (replies to replies do not notify the account). A PDS without
// an AppView answers "No service configured"; then Herald reads the
// records of the accounts likely to interact (see watched) straight from
// their repos.
func (p *Provider) Interactions(ctx context.Context, acct provider.Account, since time.Time, posts []provider.RemotePost) ([]provider.Interaction, error) {
	const op = "read interactions"
	s, err := p.session(acct, op)
	if err != nil {
		return nil, err
	}
	c := &collector{p: p, since: since, seen: map[string]bool{}}
	err = c.fromAppView(ctx, s, posts)
	if isNoAppView(err) {
		c.out, c.seen = nil, map[string]bool{}
		err = c.fromRepos(ctx, s, acct)
	}
	if err != nil {
		return nil, s.classify(op, false, err)
	}
	sort.SliceStable(c.out, func(i, j int) bool { return c.out[i].CreatedAt.Before(c.out[j].CreatedAt) })
	return c.out, nil
}

// collector gathers interactions once each.
type collector struct {
	p     *Provider
	since time.Time
	seen  map[string]bool
	out   []provider.Interaction
}

func (c *collector) add(in provider.Interaction) {
	if c.seen[in.ID] || (!c.since.IsZero() && in.CreatedAt.Before(c.since)) {
		return
	}
	c.seen[in.ID] = true
	c.out = append(c.out, in)
}

// notificationKinds maps notification reasons to interaction kinds; a
// quote is a post that mentions the account's post, so it reads as one.
var notificationKinds = map[string]string{"reply": "reply", "mention": "mention", "quote": "mention", "like": "like", "repost": "repost"}

func (c *collector) fromAppView(ctx context.Context, s *session, posts []provider.RemotePost) error {
	cursor := ""
	for page := 0; page < maxNotificationPages; page++ {
		// https://docs.bsky.app/docs/api/app-bsky-notification-list-notifications
		res, err := bsky.NotificationListNotifications(ctx, s.xc, cursor, 100, false, nil, "")
		if err != nil {
			return err
		}
		older := false
		for _, n := range res.Notifications {
			if at := parseTime(n.IndexedAt); !c.since.IsZero() && at.Before(c.since) {
				older = true
				continue
			}
			if in, ok := c.fromNotification(n); ok {
				c.add(in)
			}
		}
		if older || res.Cursor == nil || *res.Cursor == "" || len(res.Notifications) == 0 {
			break
		}
		cursor = *res.Cursor
	}
	for i, rp := range posts {
		if i == maxThreads {
			break
		}
		// https://docs.bsky.app/docs/api/app-bsky-feed-get-post-thread
		res, err := bsky.FeedGetPostThread(ctx, s.xc, 10, 0, rp.ID)
		if _, code, _ := errorCode(err); code == "NotFound" {
			continue // the post was deleted
		} else if err != nil {
			return err
		}
		if res.Thread != nil && res.Thread.FeedDefs_ThreadViewPost != nil {
			c.fromThread(res.Thread.FeedDefs_ThreadViewPost.Replies, s.did)
		}
	}
	return nil
}

func (c *collector) fromNotification(n *bsky.NotificationListNotifications_Notification) (provider.Interaction, bool) {
	kind, ok := notificationKinds[n.Reason]
	if !ok || n.Author == nil || n.Record == nil {
		return provider.Interaction{}, false
	}
	in := provider.Interaction{Kind: kind, ID: n.Uri, AuthorID: n.Author.Did, Author: "@" + n.Author.Handle,
		CreatedAt: parseTime(n.IndexedAt)}
	if n.ReasonSubject != nil {
		in.ParentID = *n.ReasonSubject
	}
	switch r := n.Record.Val.(type) {
	case *bsky.FeedPost:
		c.fillPost(&in, r)
	case *bsky.FeedLike:
		in.Reaction = "+"
		in.CreatedAt = orTime(parseTime(r.CreatedAt), in.CreatedAt)
	case *bsky.FeedRepost:
		in.CreatedAt = orTime(parseTime(r.CreatedAt), in.CreatedAt)
	}
	return in, true
}

// fillPost copies a post record's text, time, reply refs and web link.
func (c *collector) fillPost(in *provider.Interaction, r *bsky.FeedPost) {
	in.Text = r.Text
	in.CreatedAt = orTime(parseTime(r.CreatedAt), in.CreatedAt)
	if r.Reply != nil && r.Reply.Parent != nil {
		in.ParentID = r.Reply.Parent.Uri
		if r.Reply.Root != nil {
			in.RootID = r.Reply.Root.Uri
		}
	}
	if u, err := syntax.ParseATURI(in.ID); err == nil {
		in.URL = c.p.postURL(u.Authority().String(), u.RecordKey().String())
	}
}

// fromThread walks a reply tree; the account's own replies are not
// interactions.
func (c *collector) fromThread(replies []*bsky.FeedDefs_ThreadViewPost_Replies_Elem, self string) {
	for _, r := range replies {
		if r == nil || r.FeedDefs_ThreadViewPost == nil || r.FeedDefs_ThreadViewPost.Post == nil {
			continue
		}
		tv := r.FeedDefs_ThreadViewPost
		var post *bsky.FeedPost
		if tv.Post.Record != nil {
			post, _ = tv.Post.Record.Val.(*bsky.FeedPost)
		}
		if post != nil && tv.Post.Author != nil && tv.Post.Author.Did != self {
			in := provider.Interaction{Kind: "reply", ID: tv.Post.Uri, AuthorID: tv.Post.Author.Did, Author: "@" + tv.Post.Author.Handle,
				CreatedAt: parseTime(tv.Post.IndexedAt)}
			c.fillPost(&in, post)
			c.add(in)
		}
		c.fromThread(tv.Replies, self)
	}
}

func orTime(t, fallback time.Time) time.Time {
	if t.IsZero() {
		return fallback
	}
	return t
}
