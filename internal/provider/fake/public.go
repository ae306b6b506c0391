package fake

import (
	"context"
	"fmt"
	"strings"
	"time"

	"herald/internal/provider"
)

var _ provider.PublicAccountReader = (*Provider)(nil)

// LookupPublicAccount accepts any handle except those starting with
// "nobody", which name no account (for tests of the error).
func (p *Provider) LookupPublicAccount(ctx context.Context, via provider.Account, handle string) (provider.PublicAccount, error) {
	if f, err := p.begin(ctx, "look up account"); err != nil || f != nil {
		if f != nil {
			return provider.PublicAccount{}, f.err("look up account")
		}
		return provider.PublicAccount{}, err
	}
	h := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(handle), "@"))
	if h == "" || strings.ContainsAny(h, " /") {
		return provider.PublicAccount{}, &provider.Error{Trait: provider.Permanent, Network: Network, Op: "look up account",
			Message: fmt.Sprintf("%q is not a demo handle", handle)}
	}
	if strings.HasPrefix(h, "nobody") {
		return provider.PublicAccount{}, &provider.Error{Trait: provider.Permanent, Network: Network, Op: "look up account",
			Message: "no demo account @" + h + " was found"}
	}
	return provider.PublicAccount{ID: "fake:" + h, Handle: "@" + h, Name: strings.ToUpper(h[:1]) + h[1:], Network: Network}, nil
}

// ReadPublicAccount makes up a steady account: followers from its id and
// the date, one post a day for the past three days with counters from the
// audience curve; quotes are not available, as on networks without them.
func (p *Provider) ReadPublicAccount(ctx context.Context, via provider.Account, id string, since time.Time) (provider.PublicRead, error) {
	if f, err := p.begin(ctx, "read account"); err != nil || f != nil {
		if f != nil {
			return provider.PublicRead{}, f.err("read account")
		}
		return provider.PublicRead{}, err
	}
	now := p.now().UTC()
	h := strings.TrimPrefix(id, "fake:")
	days := now.Unix() / 86400
	out := provider.PublicRead{Account: provider.PublicAccount{ID: id, Handle: "@" + h, Name: strings.ToUpper(h[:1]) + h[1:], Network: Network},
		Followers: provider.Known(int64(seed(id)%5000) + 500 + days%1000), Following: provider.Known(int64(seed(id) % 300)),
		Posts: provider.Known(int64(seed(id)%200) + days%1000), Source: "fake:public"}
	for d := 1; d <= 3; d++ {
		at := now.Add(-time.Duration(d) * 24 * time.Hour).Truncate(time.Hour)
		if at.Before(since) {
			continue
		}
		rp := provider.RemotePost{ID: fmt.Sprintf("%s-%d", id, at.Unix()), PublishedAt: at}
		likes := int64(reach(rp, now, 1))
		out.Recent = append(out.Recent, provider.PublicPost{ID: rp.ID, Text: "Demo post by @" + h, CreatedAt: at,
			Likes: provider.Known(likes), Reposts: provider.Known(likes / 5), Replies: provider.Known(likes / 7)})
	}
	return out, nil
}
