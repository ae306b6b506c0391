package mastodon

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"herald/internal/provider"
)

var _ provider.PublicAccountReader = (*Provider)(nil)

// maxPublicPages bounds one read of a public account's statuses (40 each).
const maxPublicPages = 5

// acctPattern is a Mastodon username, optionally with its domain.
var acctPattern = regexp.MustCompile(`^[A-Za-z0-9_]+(@[A-Za-z0-9.-]+(:[0-9]+)?)?$`)

// publicTarget is where a handle lives: the instance to ask and the acct
// to ask it for.
type publicTarget struct{ base, acct string }

// parseHandle reads "@user@instance", "user@instance", a profile URL
// ("https://instance/@user") or, with via, a bare "@user" on via's
// instance. Accounts are read on their own instance: another server's copy
// of a remote account has stale counters.
func parseHandle(via provider.Account, h string) (publicTarget, error) {
	const op = "look up account"
	h = strings.TrimSpace(h)
	bad := func() (publicTarget, error) {
		return publicTarget{}, provider.Errorf(provider.Permanent, Network, op, nil,
			"%q is not a Mastodon address; enter @user@instance or the profile's URL (https://instance/@user)", h)
	}
	if strings.HasPrefix(h, "https://") || strings.HasPrefix(h, "http://") {
		u, err := url.Parse(h)
		if err != nil || u.Host == "" || u.User != nil {
			return bad()
		}
		user, ok := strings.CutPrefix(strings.Trim(u.Path, "/"), "@")
		if !ok || !acctPattern.MatchString(user) || strings.Contains(user, "/") {
			return bad()
		}
		if name, domain, remote := strings.Cut(user, "@"); remote {
			return publicTarget{base: "https://" + strings.ToLower(domain), acct: name}, nil
		}
		return publicTarget{base: u.Scheme + "://" + strings.ToLower(u.Host), acct: user}, nil
	}
	h = strings.TrimPrefix(h, "@")
	if h == "" || !acctPattern.MatchString(h) {
		return bad()
	}
	if name, domain, ok := strings.Cut(h, "@"); ok {
		base, err := NormalizeInstance(domain)
		if err != nil {
			return bad()
		}
		return publicTarget{base: base, acct: name}, nil
	}
	base, err := instanceOf(via)
	if err != nil {
		return publicTarget{}, provider.Errorf(provider.Permanent, Network, op, nil, "add the instance: @%s@instance", h)
	}
	return publicTarget{base: base, acct: h}, nil
}

// viaToken is via's token when via is on base: some servers (limited
// federation mode) answer public reads only to their own users.
func viaToken(via provider.Account, base string) string {
	if b, err := instanceOf(via); err == nil && b == base {
		return token(via)
	}
	return ""
}

// publicID joins an instance and its account id: account ids are only
// unique on their instance.
func publicID(base, id string) string { return base + "#" + id }

func splitID(id string) (base, account string, ok bool) {
	base, account, ok = strings.Cut(id, "#")
	return base, account, ok && base != "" && account != ""
}

func (p *Provider) publicAccount(base string, a account, avatar string) provider.PublicAccount {
	u, _ := url.Parse(base)
	handle := "@" + a.Acct
	if !strings.Contains(a.Acct, "@") {
		handle += "@" + u.Host
	}
	return provider.PublicAccount{ID: publicID(base, a.ID), Handle: handle, Name: a.DisplayName, Avatar: avatar, URL: a.URL, Network: Network}
}

// publicAccountJSON adds the avatar to the account entity.
type publicAccountJSON struct {
	account
	Avatar string `json:"avatar"`
}

// LookupPublicAccount resolves a handle on the account's own instance.
// https://docs.joinmastodon.org/methods/accounts/#lookup
func (p *Provider) LookupPublicAccount(ctx context.Context, via provider.Account, handle string) (provider.PublicAccount, error) {
	t, err := parseHandle(via, handle)
	if err != nil {
		return provider.PublicAccount{}, err
	}
	var a publicAccountJSON
	code, err := p.do(ctx, request{op: "look up account", method: http.MethodGet, token: viaToken(via, t.base),
		url: t.base + "/api/v1/accounts/lookup?" + url.Values{"acct": {t.acct}}.Encode()}, &a)
	if code == http.StatusNotFound {
		return provider.PublicAccount{}, provider.Errorf(provider.Permanent, Network, "look up account", err,
			"%s has no account @%s", strings.TrimPrefix(t.base, "https://"), t.acct)
	}
	if err != nil {
		return provider.PublicAccount{}, err
	}
	return p.publicAccount(t.base, a.account, a.Avatar), nil
}

// publicStatus is the part of a Status Herald reads from someone else's
// timeline; quotes_count is a pointer because servers before Mastodon 4.5
// do not send it, which is "not available", not 0.
type publicStatus struct {
	ID              string `json:"id"`
	URL             string `json:"url"`
	CreatedAt       string `json:"created_at"`
	Content         string `json:"content"`
	RepliesCount    int64  `json:"replies_count"`
	ReblogsCount    int64  `json:"reblogs_count"`
	FavouritesCount int64  `json:"favourites_count"`
	QuotesCount     *int64 `json:"quotes_count"`
}

// ReadPublicAccount reads the account's counters and its public statuses
// since a time (boosts left out), following the Link header's next page.
// https://docs.joinmastodon.org/methods/accounts/#get
// https://docs.joinmastodon.org/methods/accounts/#statuses
// https://docs.joinmastodon.org/api/guidelines/#pagination
func (p *Provider) ReadPublicAccount(ctx context.Context, via provider.Account, id string, since time.Time) (provider.PublicRead, error) {
	const op = "read account"
	base, acctID, ok := splitID(id)
	if !ok {
		return provider.PublicRead{}, provider.Errorf(provider.Permanent, Network, op, nil, "%q is not a followed Mastodon account", id)
	}
	tok := viaToken(via, base)
	var a publicAccountJSON
	if _, err := p.do(ctx, request{op: op, method: http.MethodGet, token: tok, url: base + "/api/v1/accounts/" + url.PathEscape(acctID)}, &a); err != nil {
		return provider.PublicRead{}, err
	}
	out := provider.PublicRead{Account: p.publicAccount(base, a.account, a.Avatar), Source: "mastodon:accounts+statuses",
		Followers: provider.Known(a.FollowersCount), Following: provider.Known(a.FollowingCount), Posts: provider.Known(a.StatusesCount)}
	next := base + "/api/v1/accounts/" + url.PathEscape(acctID) + "/statuses?" + url.Values{"limit": {"40"}, "exclude_reblogs": {"true"}}.Encode()
	for page := 0; page < maxPublicPages && next != ""; page++ {
		var ss []publicStatus
		var hdr http.Header
		if _, err := p.do(ctx, request{op: op, method: http.MethodGet, token: tok, url: next, got: &hdr}, &ss); err != nil {
			return provider.PublicRead{}, err
		}
		older := false
		for _, s := range ss {
			at := parseTime(s.CreatedAt)
			if at.Before(since) {
				older = true
				continue
			}
			pp := provider.PublicPost{ID: s.ID, URL: s.URL, Text: PlainText(s.Content), CreatedAt: at, Likes: provider.Known(s.FavouritesCount),
				Reposts: provider.Known(s.ReblogsCount), Replies: provider.Known(s.RepliesCount)}
			if s.QuotesCount != nil {
				pp.Quotes = provider.Known(*s.QuotesCount)
			}
			out.Recent = append(out.Recent, pp)
		}
		if older || len(ss) == 0 {
			break
		}
		next = nextLink(hdr.Get("Link"), base)
	}
	return out, nil
}

// linkNext finds rel="next" in a Link header.
var linkNext = regexp.MustCompile(`<([^>]+)>;\s*rel="next"`)

// nextLink returns the next page's URL when it is on base (a server does
// not send Herald elsewhere), or "".
func nextLink(h, base string) string {
	m := linkNext.FindStringSubmatch(h)
	if m == nil || !strings.HasPrefix(m[1], base+"/") {
		return ""
	}
	return m[1]
}
