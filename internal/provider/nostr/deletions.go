package nostr

import (
	"context"

	gonostr "github.com/nbd-wtf/go-nostr"

	"herald/internal/provider"
)

// Deleted finds the given events that their authors deleted (NIP-09,
// https://github.com/nostr-protocol/nips/blob/master/09.md). Relays differ:
// some keep the kind-5 deletion request, which counts only when its author
// wrote the event it names (anyone can publish one naming someone else's
// note); others, khatru among them, drop the named events and do not keep
// the request. So an event counts as deleted when a valid request names it,
// or when every relay answered the query in full and none holds it any
// more. When any relay fails to answer, absence proves nothing.
func (p *Provider) Deleted(ctx context.Context, acct provider.Account, items []provider.Interaction) ([]string, error) {
	authors := make(map[string]string, len(items))
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if it.ID != "" && it.AuthorID != "" && authors[it.ID] == "" {
			authors[it.ID] = it.AuthorID
			ids = append(ids, it.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var filters gonostr.Filters
	for _, chunk := range chunks(ids) {
		filters = append(filters, gonostr.Filter{Kinds: []int{gonostr.KindDeletion}, Tags: gonostr.TagMap{"e": chunk}},
			gonostr.Filter{IDs: chunk})
	}
	evs, rs, err := p.query(ctx, acct, "read deletions", filters)
	if err != nil {
		return nil, err
	}
	gone, present := map[string]bool{}, map[string]bool{}
	for _, ev := range evs {
		if authors[ev.ID] != "" {
			present[ev.ID] = true
		}
		if ev.Kind != gonostr.KindDeletion {
			continue
		}
		for _, tag := range ev.Tags {
			if len(tag) >= 2 && tag[0] == "e" && authors[tag[1]] == ev.PubKey {
				gone[tag[1]] = true
			}
		}
	}
	complete := len(rs) > 0
	for _, r := range rs {
		complete = complete && r.OK
	}
	var out []string
	for _, id := range ids {
		if gone[id] || (complete && !present[id]) {
			out = append(out, id)
		}
	}
	return out, nil
}
