package fake

import (
	"context"
	"fmt"
	"math"
	"time"

	"herald/internal/provider"
)

var fans = []string{"@ada", "@grace", "@linus", "@margaret", "@ken", "@barbara", "@dennis", "@radia"}

var replies = []string{
	"Love this! 🙌", "Where can I read more?", "Great point, thanks for sharing.", "Is this available in Europe?",
	"Bookmarked 🔖", "Could you post the link again?", "This made my day 😄", "Not sure I agree, but interesting.",
}

// reach is how many people reacted to a post by now: it rises quickly after
// publishing and levels off, like real engagement.
func reach(post provider.RemotePost, now time.Time, scale float64) int {
	age := now.Sub(post.PublishedAt).Hours()
	if age <= 0 {
		return 0
	}
	base := float64(seed(post.ID)%40+10) * scale
	return int(base * (1 - math.Exp(-age/6)))
}

// Interactions returns replies and likes that have "arrived" since since.
func (p *Provider) Interactions(ctx context.Context, acct provider.Account, since time.Time, posts []provider.RemotePost) ([]provider.Interaction, error) {
	now := p.now()
	var out []provider.Interaction
	for _, post := range posts {
		n := reach(post, now, 0.2)
		for i := 0; i < n; i++ {
			at := post.PublishedAt.Add(time.Duration(-6 * math.Log(1-float64(i+1)/float64(n+1)) * float64(time.Hour)))
			if !at.After(since) || at.After(now) {
				continue
			}
			k := seed(post.ID, fmt.Sprint(i))
			kind := "like"
			it := provider.Interaction{ID: fmt.Sprintf("%s-i%d", post.ID, i), ParentID: post.ID, RootID: post.ID,
				AuthorID: fans[k%uint64(len(fans))], Author: fans[k%uint64(len(fans))], CreatedAt: at}
			if k%3 == 0 {
				kind = "reply"
				it.Text = replies[k%uint64(len(replies))]
			} else {
				it.Reaction = "❤️"
			}
			it.Kind = kind
			out = append(out, it)
		}
	}
	return out, nil
}

// PostMetrics derives counters from the same curve.
func (p *Provider) PostMetrics(ctx context.Context, acct provider.Account, posts []provider.RemotePost) (map[string]provider.PostMetrics, error) {
	now := p.now()
	out := map[string]provider.PostMetrics{}
	for _, post := range posts {
		likes := int64(reach(post, now, 1))
		out[post.ID] = provider.PostMetrics{Likes: likes, Reposts: likes / 5, Replies: likes / 7, Views: likes * 23, Clicks: likes / 3,
			Reach: likes * 9, Saves: likes / 11, At: now}
	}
	return out, nil
}

// AccountMetrics grows followers slowly with time.
func (p *Provider) AccountMetrics(ctx context.Context, acct provider.Account) (provider.AccountMetrics, error) {
	now := p.now()
	days := float64(now.Unix()) / 86400
	base := int64(seed(acct.RemoteID)%5000 + 500)
	followers := base + int64(days*1.7)%100000
	reached := followers/4 + int64(seed(acct.RemoteID, now.Format("2006-01-02"))%uint64(followers/8+1))
	return provider.AccountMetrics{Followers: followers, Following: base / 3, Posts: int64(len(p.Posts(acct))),
		Reach: reached, Impressions: reached * 3, At: now}, nil
}

// Reply stores a reply as a post of the account.
func (p *Provider) Reply(ctx context.Context, acct provider.Account, parent provider.Interaction, text string) (provider.RemotePost, error) {
	if f, err := p.begin(ctx, "reply"); err != nil || f != nil {
		if f != nil {
			return provider.RemotePost{}, f.err("reply")
		}
		return provider.RemotePost{}, err
	}
	return p.store(acct, "reply:"+parent.ID+":"+text, 0, text), nil
}

// React accepts any reaction.
func (p *Provider) React(ctx context.Context, acct provider.Account, target provider.Interaction, reaction string) error {
	f, err := p.begin(ctx, "react")
	if f != nil {
		return f.err("react")
	}
	return err
}
