package bluesky

import (
	"context"
	"time"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/api/bsky"
	"github.com/bluesky-social/indigo/atproto/syntax"
	lexutil "github.com/bluesky-social/indigo/lex/util"

	"herald/internal/provider"
)

// record is one record read from a repo.
type record struct {
	uri, rkey, cid string
	val            any // the SDK's type for the record's $type (*bsky.FeedPost, ...)
}

// listRecords pages through a collection of repo, newest record key first,
// until limit records, skipping records created before since. Record keys
// only roughly follow creation time (Herald derives its own from the target
// and the post it answers), so the listing stops at the first page with
// nothing new rather than at the first old record. Pages are capped so a
// huge repo cannot keep one poll busy.
func (s *session) listRecords(ctx context.Context, repo, coll string, limit int, since time.Time) ([]record, error) {
	const pageSize, maxPages = 100, 10
	var out []record
	cursor := ""
	for page := 0; page < maxPages && len(out) < limit; page++ {
		// https://docs.bsky.app/docs/api/com-atproto-repo-list-records
		res, err := comatproto.RepoListRecords(ctx, s.xc, coll, cursor, int64(min(pageSize, limit-len(out))), repo, false)
		if err != nil {
			return out, err
		}
		fresh := false
		for _, r := range res.Records {
			if r == nil || r.Value == nil {
				continue
			}
			if at := createdAt(r.Value.Val); !since.IsZero() && !at.IsZero() && at.Before(since) {
				continue
			}
			u, err := syntax.ParseATURI(r.Uri)
			if err != nil {
				continue
			}
			fresh = true
			out = append(out, record{uri: r.Uri, rkey: u.RecordKey().String(), cid: r.Cid, val: r.Value.Val})
		}
		if !fresh || res.Cursor == nil || *res.Cursor == "" || len(res.Records) == 0 {
			break
		}
		cursor = *res.Cursor
	}
	return out, nil
}

// postRecord is a post read from a repo.
type postRecord struct {
	uri, rkey, cid string
	post           *bsky.FeedPost
}

// listPosts lists repo's posts, newest first.
func (s *session) listPosts(ctx context.Context, repo string, limit int, since time.Time) ([]postRecord, error) {
	recs, err := s.listRecords(ctx, repo, collPost, limit, since)
	if err != nil {
		return nil, s.classify("list posts", false, err)
	}
	var out []postRecord
	for _, r := range recs {
		if p, ok := r.val.(*bsky.FeedPost); ok {
			out = append(out, postRecord{uri: r.uri, rkey: r.rkey, cid: r.cid, post: p})
		}
	}
	return out, nil
}

// createdAt returns a record's createdAt, or the zero time.
func createdAt(v any) time.Time {
	var s string
	switch r := v.(type) {
	case *bsky.FeedPost:
		s = r.CreatedAt
	case *bsky.FeedLike:
		s = r.CreatedAt
	case *bsky.FeedRepost:
		s = r.CreatedAt
	case *bsky.GraphFollow:
		s = r.CreatedAt
	}
	return parseTime(s)
}

// parseTime reads an atproto datetime leniently (records written by other
// clients are not always strict), or returns the zero time.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	d, err := syntax.ParseDatetimeLenient(s)
	if err != nil {
		return time.Time{}
	}
	return d.Time().UTC()
}

// create writes rec under rkey in the account's collection coll. After any
// error it reads the key back: a record that same() accepts is this write
// (stored before a timeout or reset) or an earlier attempt's (this PDS
// answers a taken rkey with 500 InternalServerError), so it is returned as
// success; a different record under the key is a Permanent conflict.
func (s *session) create(ctx context.Context, op, coll, rkey string, rec lexutil.CBOR, same func(any) bool) (string, any, error) {
	// https://docs.bsky.app/docs/api/com-atproto-repo-create-record
	out, err := comatproto.RepoCreateRecord(ctx, s.xc, &comatproto.RepoCreateRecord_Input{
		Repo: s.did, Collection: coll, Rkey: &rkey, Record: &lexutil.LexiconTypeDecoder{Val: rec},
	})
	if err == nil {
		return out.Cid, rec, nil
	}
	err = s.classify(op, true, err)
	// https://docs.bsky.app/docs/api/com-atproto-repo-get-record
	got, gerr := comatproto.RepoGetRecord(ctx, s.xc, "", coll, s.did, rkey)
	switch {
	case gerr != nil || got.Value == nil || got.Cid == nil:
		return "", nil, err
	case !same(got.Value.Val):
		return "", nil, provider.Errorf(provider.Permanent, Network, op, err,
			"another record already exists under record key %s; delete it on Bluesky, or check it before trying again", rkey)
	}
	return *got.Cid, got.Value.Val, nil
}

// getPost reads a post record. Errors are the SDK's, unclassified, so
// callers can tell RecordNotFound apart.
func (s *session) getPost(ctx context.Context, repo, rkey string) (*bsky.FeedPost, string, error) {
	// https://docs.bsky.app/docs/api/com-atproto-repo-get-record
	out, err := comatproto.RepoGetRecord(ctx, s.xc, "", collPost, repo, rkey)
	if err != nil {
		return nil, "", err
	}
	post, ok := out.Value.Val.(*bsky.FeedPost)
	if !ok || out.Cid == nil {
		return nil, "", provider.Errorf(provider.Permanent, Network, "read post", nil, "%s is not a post record", out.Uri)
	}
	return post, *out.Cid, nil
}

// getPostURI reads the post an at:// URI names (on any repo the PDS can
// reach), with its CID for strong references.
func (s *session) getPostURI(ctx context.Context, op, uri string) (*bsky.FeedPost, *comatproto.RepoStrongRef, error) {
	u, err := syntax.ParseATURI(uri)
	if err != nil || u.Collection().String() != collPost {
		return nil, nil, provider.Errorf(provider.Permanent, Network, op, err, "%q is not a Bluesky post URI", uri)
	}
	post, cid, err := s.getPost(ctx, u.Authority().String(), u.RecordKey().String())
	if err != nil {
		return nil, nil, s.classify(op, false, err)
	}
	return post, &comatproto.RepoStrongRef{Uri: uri, Cid: cid}, nil
}
