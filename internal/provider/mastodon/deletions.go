package mastodon

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"herald/internal/provider"
)

// maxDeletionChecks bounds the requests of one Deleted call, well inside
// Mastodon's 300 requests per 5 minutes per account.
const maxDeletionChecks = 50

// Deleted reads each interaction back: a status its author deleted
// answers 404 (https://docs.joinmastodon.org/methods/statuses/#get), and
// so does the notification of a favourite or boost that was taken back
// (https://docs.joinmastodon.org/methods/notifications/#get-one; Herald
// keeps those as "favourite:<notification id>"). Any other answer leaves
// the item unchecked.
func (p *Provider) Deleted(ctx context.Context, acct provider.Account, items []provider.Interaction) ([]string, error) {
	base, err := instanceOf(acct)
	if err != nil {
		return nil, provider.Errorf(provider.Permanent, Network, "read deletions", err, "%v", err)
	}
	var out []string
	for i, it := range items {
		if i == maxDeletionChecks {
			break
		}
		path := "/api/v1/statuses/" + url.PathEscape(it.ID)
		if kind, id, ok := strings.Cut(it.ID, ":"); ok {
			if kind != "favourite" && kind != "reblog" {
				continue
			}
			path = "/api/v1/notifications/" + url.PathEscape(id)
		}
		status, err := p.do(ctx, request{op: "read deletions", method: "GET", url: base + path, token: token(acct)}, nil)
		switch {
		case status == http.StatusNotFound:
			out = append(out, it.ID)
		case err == nil:
		case ctx.Err() != nil:
			return out, ctx.Err()
		default:
			if pe := provider.AsError(err); pe != nil && (pe.Trait == provider.RateLimited || pe.Trait == provider.AuthExpired) {
				return out, pe
			}
		}
	}
	return out, nil
}
