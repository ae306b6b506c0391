package mastodon

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"herald/internal/provider"
)

// notification is the part of the Notification entity Herald reads
// (https://docs.joinmastodon.org/entities/Notification/).
type notification struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`
	CreatedAt string  `json:"created_at"`
	Account   account `json:"account"`
	Status    *status `json:"status"`
}

// maxPages bounds one Interactions call; the caller's next poll continues
// from the newest interaction it stored.
const maxPages = 10

// Interactions reads mentions (replies included), favourites and boosts of
// own posts, and edits of statuses the account interacted with (as edits
// without a kind), since since, newest first, from the notifications API.
// https://docs.joinmastodon.org/methods/notifications/#get
func (p *Provider) Interactions(ctx context.Context, acct provider.Account, since time.Time, posts []provider.RemotePost) ([]provider.Interaction, error) {
	base, err := instanceOf(acct)
	if err != nil {
		return nil, provider.Errorf(provider.Permanent, Network, "interactions", err, "%v", err)
	}
	own := map[string]bool{}
	for _, rp := range posts {
		own[rp.ID] = true
	}
	var out []provider.Interaction
	maxID := ""
	for page := 0; page < maxPages; page++ {
		q := url.Values{"types[]": {"mention", "favourite", "reblog", "update"}, "limit": {"40"}}
		if maxID != "" {
			q.Set("max_id", maxID)
		}
		var ns []notification
		if _, err := p.do(ctx, request{op: "interactions", method: "GET", url: base + "/api/v1/notifications?" + q.Encode(), token: token(acct)}, &ns); err != nil {
			return out, err
		}
		for _, n := range ns {
			at := parseTime(n.CreatedAt)
			if !at.After(since) {
				return out, nil
			}
			if it, ok := interactionOf(base, acct, n, own, at); ok {
				out = append(out, it)
			}
		}
		if len(ns) == 0 {
			break
		}
		maxID = ns[len(ns)-1].ID
	}
	return out, nil
}

func interactionOf(base string, acct provider.Account, n notification, own map[string]bool, at time.Time) (provider.Interaction, bool) {
	if n.Status == nil {
		return provider.Interaction{}, false
	}
	s := *n.Status
	it := provider.Interaction{AuthorID: n.Account.ID, Author: "@" + n.Account.Acct, CreatedAt: at}
	switch n.Type {
	case "mention":
		it.Kind, it.ID, it.URL, it.Text = "mention", s.ID, s.URL, PlainText(s.Content)
		if s.InReplyToID != "" && (own[s.InReplyToID] || s.InReplyToAcct == acct.Settings["account_id"]) {
			it.Kind = "reply"
		}
		it.ParentID, it.RootID = s.InReplyToID, s.InReplyToID
	case "update":
		// A status the account interacted with was edited: news about a
		// message the reader may have stored, not a message of its own.
		it.ID, it.Text, it.EditedAt = s.ID, PlainText(s.Content), at
		if t := parseTime(s.EditedAt); !t.IsZero() {
			it.EditedAt = t
		}
	case "favourite", "reblog":
		it.Kind, it.Reaction = "like", "+"
		if n.Type == "reblog" {
			it.Kind, it.Reaction = "repost", ""
		}
		// The notification id is the favourite's only stable identity.
		it.ID, it.ParentID, it.RootID, it.URL = n.Type+":"+n.ID, s.ID, s.ID, s.URL
	default:
		return provider.Interaction{}, false
	}
	return it, true
}

var (
	breakTags = regexp.MustCompile(`(?i)<br\s*/?>`)
	paraTags  = regexp.MustCompile(`(?i)</p>\s*<p[^>]*>`)
	anyTag    = regexp.MustCompile(`<[^>]*>`)
)

// PlainText turns a status's HTML content into the text a person wrote:
// paragraphs and line breaks become newlines, tags go, entities decode.
func PlainText(content string) string {
	s := paraTags.ReplaceAllString(content, "\n\n")
	s = breakTags.ReplaceAllString(s, "\n")
	s = anyTag.ReplaceAllString(s, "")
	return strings.TrimSpace(html.UnescapeString(s))
}

// getStatus reads one status.
// https://docs.joinmastodon.org/methods/statuses/#get
func (p *Provider) getStatus(ctx context.Context, op, base, tok, id string) (status, int, error) {
	var s status
	code, err := p.do(ctx, request{op: op, method: "GET", url: base + "/api/v1/statuses/" + url.PathEscape(id), token: tok}, &s)
	return s, code, err
}

// PostMetrics reads favourites, boosts, replies and quotes of each post. A
// post that no longer exists is left out: unavailable is not zero.
func (p *Provider) PostMetrics(ctx context.Context, acct provider.Account, posts []provider.RemotePost) (map[string]provider.PostMetrics, error) {
	base, err := instanceOf(acct)
	if err != nil {
		return nil, provider.Errorf(provider.Permanent, Network, "post metrics", err, "%v", err)
	}
	out := map[string]provider.PostMetrics{}
	for _, rp := range posts {
		s, code, err := p.getStatus(ctx, "post metrics", base, token(acct), rp.ID)
		if code == 404 {
			continue
		}
		if err != nil {
			return out, err
		}
		out[rp.ID] = provider.PostMetrics{Likes: s.FavouritesCount, Reposts: s.ReblogsCount, Replies: s.RepliesCount,
			Quotes: s.QuotesCount, At: p.opt.Now().UTC()}
	}
	return out, nil
}

// RecentPosts lists the account's own statuses, newest first.
// https://docs.joinmastodon.org/methods/accounts/#statuses
func (p *Provider) RecentPosts(ctx context.Context, acct provider.Account, limit int) ([]provider.RemotePost, error) {
	base, err := instanceOf(acct)
	if err != nil {
		return nil, provider.Errorf(provider.Permanent, Network, "recent posts", err, "%v", err)
	}
	if limit <= 0 || limit > 40 {
		limit = 40
	}
	q := url.Values{"limit": {strconv.Itoa(limit)}, "exclude_reblogs": {"true"}}
	var ss []status
	if _, err := p.do(ctx, request{op: "recent posts", method: "GET", token: token(acct),
		url: base + "/api/v1/accounts/" + url.PathEscape(acct.Settings["account_id"]) + "/statuses?" + q.Encode()}, &ss); err != nil {
		return nil, err
	}
	out := make([]provider.RemotePost, 0, len(ss))
	for _, s := range ss {
		out = append(out, s.remote())
	}
	return out, nil
}

// Reply answers a status. It mentions the author (Mastodon notifies only
// mentioned accounts) and never widens the parent's visibility, so a reply
// to a private mention stays private. Its Idempotency-Key derives from the
// parent and the text, so a double submit posts once.
func (p *Provider) Reply(ctx context.Context, acct provider.Account, parent provider.Interaction, text string) (provider.RemotePost, error) {
	base, err := instanceOf(acct)
	if err != nil {
		return provider.RemotePost{}, provider.Errorf(provider.Permanent, Network, "reply", err, "%v", err)
	}
	ps, _, err := p.getStatus(ctx, "reply", base, token(acct), parent.ID)
	if err != nil {
		return provider.RemotePost{}, err
	}
	if author := "@" + ps.Account.Acct; ps.Account.Acct != "" && !strings.Contains(text, author) {
		text = author + " " + text
	}
	form := url.Values{"status": {text}, "in_reply_to_id": {parent.ID}}
	if ps.Visibility == "private" || ps.Visibility == "direct" || ps.Visibility == "unlisted" {
		form.Set("visibility", ps.Visibility)
	}
	s, err := p.postStatus(ctx, "reply", base, token(acct), form, IdempotencyKey("reply|"+parent.ID+"|"+text, 0))
	if err != nil {
		return provider.RemotePost{}, err
	}
	return s.remote(), nil
}

// React favourites a status ("+", "like", "favourite" or a heart) or boosts
// it ("boost", "repost"). Mastodon has no other reactions; both calls are
// idempotent on the server.
// https://docs.joinmastodon.org/methods/statuses/#favourite
// https://docs.joinmastodon.org/methods/statuses/#boost
func (p *Provider) React(ctx context.Context, acct provider.Account, target provider.Interaction, reaction string) error {
	base, err := instanceOf(acct)
	if err != nil {
		return provider.Errorf(provider.Permanent, Network, "react", err, "%v", err)
	}
	var action string
	switch strings.ToLower(strings.TrimSpace(reaction)) {
	case "", "+", "like", "favourite", "favorite", "❤", "❤️", "⭐":
		action = "favourite"
	case "boost", "repost", "reblog":
		action = "reblog"
	default:
		return provider.Errorf(provider.Permanent, Network, "react", nil, "Mastodon supports only favourites and boosts, not %q", reaction)
	}
	id := target.ID
	if target.Kind == "like" || target.Kind == "repost" {
		id = target.ParentID
	}
	_, err = p.do(ctx, request{op: "react", method: "POST", token: token(acct),
		url: fmt.Sprintf("%s/api/v1/statuses/%s/%s", base, url.PathEscape(id), action)}, nil)
	return err
}
