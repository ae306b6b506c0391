package bluesky

import (
	"context"
	"strings"
	"time"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/api/bsky"
	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider"
	"herald/internal/provider/count"
)

// datetimeLayout is the atproto datetime form Bluesky's own app writes
// (https://atproto.com/specs/lexicon#datetime): UTC with milliseconds.
const datetimeLayout = "2006-01-02T15:04:05.000Z"

// Publish creates one app.bsky.feed.post record per segment, each with the
// record key derived from post.Key and its index, replies chained to the
// first (root) and previous (parent) segment. It resumes after post.Done and
// calls post.Progress as soon as each record exists.
func (p *Provider) Publish(ctx context.Context, acct provider.Account, post provider.Post) ([]provider.RemotePost, error) {
	const op = "publish"
	out := append([]provider.RemotePost(nil), post.Done...)
	langs, err := p.validate(acct, post)
	if err != nil || len(post.Done) >= len(post.Segments) {
		return out, err
	}
	s, err := p.session(acct, op)
	if err != nil {
		return out, err
	}
	var root, parent *comatproto.RepoStrongRef
	if len(post.Done) > 0 {
		if root, err = s.strongRef(ctx, post.Done[0]); err != nil {
			return out, err
		}
		if parent, err = s.strongRef(ctx, post.Done[len(post.Done)-1]); err != nil {
			return out, err
		}
	}
	res := newResolver(s)
	for i := len(post.Done); i < len(post.Segments); i++ {
		rp, err := p.publishSegment(ctx, s, acct, post, i, post.Segments[i], replyRef(root, parent), langs, res)
		if err != nil {
			return out, err
		}
		out = append(out, rp)
		if post.Progress != nil {
			if err := post.Progress(i, rp); err != nil {
				return out, err
			}
		}
		ref := &comatproto.RepoStrongRef{Uri: rp.ID, Cid: rp.Extra["cid"]}
		if root == nil {
			root = ref
		}
		parent = ref
	}
	return out, nil
}

func replyRef(root, parent *comatproto.RepoStrongRef) *bsky.FeedPost_ReplyRef {
	if root == nil {
		return nil
	}
	return &bsky.FeedPost_ReplyRef{Root: root, Parent: parent}
}

// validate checks the whole post before anything is sent, so a thread
// never stops half-way on text that was too long from the start.
func (p *Provider) validate(acct provider.Account, post provider.Post) ([]string, error) {
	fail := func(format string, args ...any) ([]string, error) {
		return nil, provider.Errorf(provider.Permanent, Network, "publish", nil, format, args...)
	}
	lim := limitsOf(acct)
	n := len(post.Segments)
	switch {
	case n == 0:
		return fail("there is nothing to publish")
	case lim.MaxThread > 0 && n > lim.MaxThread:
		return fail("a thread of %d posts is longer than the %d allowed", n, lim.MaxThread)
	case len(post.Done) > n:
		return fail("%d segments are marked done but the post has %d", len(post.Done), n)
	}
	for i, seg := range post.Segments {
		if _, err := recordKey(post.Key, post.At, i); err != nil {
			return nil, err
		}
		if strings.TrimSpace(seg.Text) == "" && len(seg.Media) == 0 && seg.Link == nil {
			return fail("post %d of the thread is empty", i+1)
		}
		if res := count.Count(seg.Text, lim.Text); !res.OK() {
			return fail("post %d of the thread is too long for Bluesky: %d of %d characters, %d of %d bytes",
				i+1, res.Used, res.Max, res.Bytes, res.MaxBytes)
		}
		if len(seg.Media) > lim.MaxImages {
			return fail("post %d has %d images; Bluesky takes at most %d", i+1, len(seg.Media), lim.MaxImages)
		}
		for _, m := range seg.Media {
			if !strings.HasPrefix(m.ContentType, "image/") {
				return fail("post %d has a %s attachment; this connector publishes images only (Bluesky video needs its video service)", i+1, m.ContentType)
			}
		}
	}
	return languages(post.Options)
}

// languages reads the post's languages ("langs" or "language", comma
// separated BCP-47 tags; the lexicon takes at most 3).
func languages(opts map[string]string) ([]string, error) {
	raw := opts["langs"]
	if raw == "" {
		raw = opts["language"]
	}
	var out []string
	for _, l := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, err := syntax.ParseLanguage(l); err != nil {
			return nil, provider.Errorf(provider.Permanent, Network, "publish", err, "%q is not a language tag such as en or pt-BR", l)
		}
		out = append(out, l)
	}
	if len(out) > 3 {
		return nil, provider.Errorf(provider.Permanent, Network, "publish", nil, "Bluesky takes at most 3 languages per post, not %d", len(out))
	}
	return out, nil
}

// publishSegment creates segment i under its derived record key. A record
// already under the key with the same text is this segment, published by
// this call before an error or by an earlier attempt (see session.create).
func (p *Provider) publishSegment(ctx context.Context, s *session, acct provider.Account, post provider.Post, i int, seg provider.Segment,
	reply *bsky.FeedPost_ReplyRef, langs []string, res *resolver) (provider.RemotePost, error) {
	rkey, err := recordKey(post.Key, post.At, i)
	if err != nil {
		return provider.RemotePost{}, err
	}
	rec, err := p.buildRecord(ctx, s, acct, seg, reply, langs, res)
	if err != nil {
		return provider.RemotePost{}, err
	}
	cid, stored, err := s.create(ctx, "publish", collPost, rkey, rec, func(v any) bool {
		got, ok := v.(*bsky.FeedPost)
		return ok && got.Text == rec.Text
	})
	if err != nil {
		return provider.RemotePost{}, err
	}
	return p.remotePost(s.did, rkey, cid, stored.(*bsky.FeedPost).CreatedAt), nil
}

// buildRecord assembles the app.bsky.feed.post record of a segment:
// facets, images (or a link card: a post has one embed, so images win and
// the link stays a link in the text), reply refs, languages, createdAt.
func (p *Provider) buildRecord(ctx context.Context, s *session, acct provider.Account, seg provider.Segment,
	reply *bsky.FeedPost_ReplyRef, langs []string, res *resolver) (*bsky.FeedPost, error) {
	fs, err := facets(ctx, seg.Text, res)
	if err != nil {
		return nil, err
	}
	rec := &bsky.FeedPost{
		Text:      seg.Text,
		Facets:    fs,
		Reply:     reply,
		Langs:     langs,
		CreatedAt: p.opts.Now().UTC().Format(datetimeLayout),
	}
	lim := limitsOf(acct)
	switch {
	case len(seg.Media) > 0:
		imgs, err := s.embedImages(ctx, seg.Media, lim)
		if err != nil {
			return nil, err
		}
		rec.Embed = &bsky.FeedPost_Embed{EmbedImages: imgs}
	case seg.Link != nil && seg.Link.URL != "":
		ext, err := s.embedExternal(ctx, seg.Link, lim)
		if err != nil {
			return nil, err
		}
		rec.Embed = &bsky.FeedPost_Embed{EmbedExternal: ext}
	}
	return rec, nil
}

func (p *Provider) remotePost(did, rkey, cid, createdAt string) provider.RemotePost {
	at, _ := syntax.ParseDatetimeLenient(createdAt)
	rp := provider.RemotePost{
		ID:    "at://" + did + "/" + collPost + "/" + rkey,
		URL:   p.postURL(did, rkey),
		Extra: map[string]string{"cid": cid, "rkey": rkey},
	}
	if createdAt != "" {
		rp.PublishedAt = at.Time().UTC()
	}
	return rp
}

// strongRef returns the URI and CID of a published segment, reading the
// CID back when an earlier attempt did not keep it.
func (s *session) strongRef(ctx context.Context, rp provider.RemotePost) (*comatproto.RepoStrongRef, error) {
	if cid := rp.Extra["cid"]; cid != "" {
		return &comatproto.RepoStrongRef{Uri: rp.ID, Cid: cid}, nil
	}
	_, ref, err := s.getPostURI(ctx, "publish", rp.ID)
	return ref, err
}

// FindByKey reads the record that segment of key was (or would be)
// published under, for reconciliation after an unknown outcome.
func (p *Provider) FindByKey(ctx context.Context, acct provider.Account, post provider.Post, segment int) (provider.RemotePost, bool, error) {
	rkey, err := recordKey(post.Key, post.At, segment)
	if err != nil {
		return provider.RemotePost{}, false, err
	}
	s, err := p.session(acct, "find post")
	if err != nil {
		return provider.RemotePost{}, false, err
	}
	rec, cid, err := s.getPost(ctx, s.did, rkey)
	switch {
	case isNotFound(err):
		return provider.RemotePost{}, false, nil
	case err != nil:
		return provider.RemotePost{}, false, s.classify("find post", false, err)
	}
	return p.remotePost(s.did, rkey, cid, rec.CreatedAt), true, nil
}

// Delete deletes one published post record. Deleting a record that is
// already gone succeeds on the PDS, so a retried delete is safe.
func (p *Provider) Delete(ctx context.Context, acct provider.Account, post provider.RemotePost) error {
	const op = "delete"
	u, err := syntax.ParseATURI(post.ID)
	if err != nil {
		return provider.Errorf(provider.Permanent, Network, op, err, "%q is not a Bluesky post URI", post.ID)
	}
	if u.Authority().String() != acct.RemoteID {
		return provider.Errorf(provider.Permanent, Network, op, nil, "%s belongs to another account", post.ID)
	}
	s, err := p.session(acct, op)
	if err != nil {
		return err
	}
	// https://docs.bsky.app/docs/api/com-atproto-repo-delete-record
	_, err = comatproto.RepoDeleteRecord(ctx, s.xc, &comatproto.RepoDeleteRecord_Input{
		Repo: s.did, Collection: u.Collection().String(), Rkey: u.RecordKey().String(),
	})
	return s.classify(op, false, err)
}

// RecentPosts lists the account's own posts from its repo, newest first.
func (p *Provider) RecentPosts(ctx context.Context, acct provider.Account, limit int) ([]provider.RemotePost, error) {
	s, err := p.session(acct, "recent posts")
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 50
	}
	recs, err := s.listPosts(ctx, s.did, limit, time.Time{})
	if err != nil {
		return nil, err
	}
	out := make([]provider.RemotePost, 0, len(recs))
	for _, r := range recs {
		out = append(out, p.remotePost(s.did, r.rkey, r.cid, r.post.CreatedAt))
	}
	return out, nil
}
