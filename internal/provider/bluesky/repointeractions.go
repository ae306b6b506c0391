package bluesky

import (
	"context"
	"time"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/api/bsky"
	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider"
)

// perRepo bounds the records read per collection of one watched repo.
const perRepo = 300

// repoGone are the XRPC errors of a repo that cannot be read here
// (com.atproto.repo.listRecords and describeRepo: the PDS answers 400
// InvalidRequest "Could not find repo"; newer ones name the state).
var repoGone = map[string]bool{"InvalidRequest": true, "RepoNotFound": true, "RepoDeactivated": true, "RepoTakendown": true, "RepoSuspended": true}

// fromRepos reads interactions without an AppView: the posts, likes and
// reposts of each watched account, kept when they answer, mention, like or
// repost the account. Records are public, so this needs no AppView, only
// the repos' PDS (on a self-hosted PDS, the same one).
func (c *collector) fromRepos(ctx context.Context, s *session, acct provider.Account) error {
	dids, err := c.watched(ctx, s, acct)
	if err != nil {
		return err
	}
	for _, did := range dids {
		if err := c.fromRepo(ctx, s, did); err != nil {
			if _, code, _ := errorCode(err); repoGone[code] {
				continue // the repo is not on this PDS, or gone: nothing to read here
			}
			return err
		}
	}
	return nil
}

// watched lists the accounts whose repos are read: the channel's
// watch_dids setting, the accounts it follows, and the accounts its recent
// posts mention or answer, since those are the people a conversation is
// with. The account itself is left out: its own thread replies are not
// interactions.
func (c *collector) watched(ctx context.Context, s *session, acct provider.Account) ([]string, error) {
	var out []string
	seen := map[string]bool{s.did: true}
	add := func(d string) {
		if _, err := syntax.ParseDID(d); err == nil && !seen[d] && len(out) < maxWatched {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, d := range watchList(acct.Settings[SettingWatchDIDs]) {
		add(d)
	}
	// No time bound: follows and own posts older than the poll window
	// still name the people who may interact now.
	follows, err := s.listRecords(ctx, s.did, collFollow, 100, time.Time{})
	if err != nil {
		return nil, err
	}
	for _, r := range follows {
		if f, ok := r.val.(*bsky.GraphFollow); ok {
			add(f.Subject)
		}
	}
	posts, err := s.listRecords(ctx, s.did, collPost, 50, time.Time{})
	if err != nil {
		return nil, err
	}
	for _, r := range posts {
		post, ok := r.val.(*bsky.FeedPost)
		if !ok {
			continue
		}
		for _, f := range post.Facets {
			for _, feat := range f.Features {
				if feat != nil && feat.RichtextFacet_Mention != nil {
					add(feat.RichtextFacet_Mention.Did)
				}
			}
		}
		if post.Reply != nil && post.Reply.Parent != nil {
			if u, err := syntax.ParseATURI(post.Reply.Parent.Uri); err == nil {
				add(u.Authority().String())
			}
		}
	}
	return out, nil
}

// fromRepo reads one watched repo.
func (c *collector) fromRepo(ctx context.Context, s *session, did string) error {
	author := did
	// https://docs.bsky.app/docs/api/com-atproto-repo-describe-repo
	if d, err := comatproto.RepoDescribeRepo(ctx, s.xc, did); err == nil && d.Handle != "" {
		author = "@" + d.Handle
	} else if err != nil {
		return err
	}
	base := provider.Interaction{AuthorID: did, Author: author}
	posts, err := s.listRecords(ctx, did, collPost, perRepo, c.since)
	if err != nil {
		return err
	}
	for _, r := range posts {
		post, ok := r.val.(*bsky.FeedPost)
		if !ok {
			continue
		}
		in := base
		in.ID = r.uri
		c.fillPost(&in, post)
		switch {
		case in.ParentID != "" && ownedBy(in.ParentID, s.did):
			in.Kind = "reply"
		case mentions(post, s.did):
			in.Kind = "mention"
		default:
			continue
		}
		c.add(in)
	}
	for _, coll := range []string{collLike, collRepost} {
		recs, err := s.listRecords(ctx, did, coll, perRepo, c.since)
		if err != nil {
			return err
		}
		for _, r := range recs {
			in := base
			in.ID, in.URL = r.uri, ""
			switch v := r.val.(type) {
			case *bsky.FeedLike:
				in.Kind, in.Reaction, in.CreatedAt = "like", "+", parseTime(v.CreatedAt)
				in.ParentID = subjectURI(v.Subject)
			case *bsky.FeedRepost:
				in.Kind, in.CreatedAt = "repost", parseTime(v.CreatedAt)
				in.ParentID = subjectURI(v.Subject)
			}
			if in.Kind != "" && ownedBy(in.ParentID, s.did) {
				c.add(in)
			}
		}
	}
	return nil
}

func subjectURI(ref *comatproto.RepoStrongRef) string {
	if ref == nil {
		return ""
	}
	return ref.Uri
}

// ownedBy reports whether the at:// URI names a record in did's repo.
func ownedBy(uri, did string) bool {
	u, err := syntax.ParseATURI(uri)
	return err == nil && u.Authority().String() == did
}

// mentions reports whether a post links a mention of did.
func mentions(post *bsky.FeedPost, did string) bool {
	for _, f := range post.Facets {
		for _, feat := range f.Features {
			if feat != nil && feat.RichtextFacet_Mention != nil && feat.RichtextFacet_Mention.Did == did {
				return true
			}
		}
	}
	return false
}
