package bluesky

import (
	"context"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider"
)

// maxDeletionChecks bounds the records one Deleted call reads, one request
// each, so a busy inbox stays well inside the PDS's rate limits.
const maxDeletionChecks = 100

// Deleted reads each interaction's record back: a post, like or repost
// whose author deleted it answers RecordNotFound. Only that answer counts;
// a repo this PDS cannot reach, or any other error, leaves the item
// unchecked rather than reported deleted.
func (p *Provider) Deleted(ctx context.Context, acct provider.Account, items []provider.Interaction) ([]string, error) {
	const op = "read deletions"
	s, err := p.session(acct, op)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, it := range items {
		if i == maxDeletionChecks {
			break
		}
		u, err := syntax.ParseATURI(it.ID)
		if err != nil || u.RecordKey() == "" {
			continue // not a record URI (e.g. a content hash kept for a broken payload)
		}
		// https://docs.bsky.app/docs/api/com-atproto-repo-get-record
		_, err = comatproto.RepoGetRecord(ctx, s.xc, "", u.Collection().String(), u.Authority().String(), u.RecordKey().String())
		switch {
		case err == nil:
		case isNotFound(err):
			out = append(out, it.ID)
		case ctx.Err() != nil:
			return out, ctx.Err()
		default:
			if pe := provider.AsError(s.classify(op, false, err)); pe != nil && (pe.Trait == provider.RateLimited || pe.Trait == provider.AuthExpired) {
				return out, pe
			}
		}
	}
	return out, nil
}
