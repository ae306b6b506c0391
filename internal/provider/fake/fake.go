// Package fake is a provider with scripted latency and failures, for tests,
// benchmarks and the demo workspace. Its remote ids derive from Herald's
// keys, so it is idempotent the way Bluesky is; its audience (replies,
// likes, followers) grows deterministically with time, so the demo looks
// alive without storing anything.
package fake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"sync"
	"time"

	"herald/internal/provider"
	"herald/internal/provider/count"
)

// Network is the fake network's name.
const Network provider.Network = "fake"

// Failure scripts one failing call.
type Failure struct {
	Op         string // "publish", "delete", "check", ... ("" for any)
	Trait      provider.Trait
	Message    string
	RetryAfter time.Duration
	// AfterSend makes the call take effect before failing, like a timeout
	// after the network stored the post (with Trait Unknown).
	AfterSend bool
	// Pass lets this many matching calls succeed before the failure
	// applies (e.g. to fail the third segment of a thread).
	Pass int
}

// Provider is the fake network.
type Provider struct {
	Latency time.Duration
	Now     func() time.Time
	// As, when set, makes the fake stand in for a real network: it reports
	// that network's name, capabilities and limits (so validation and
	// previews behave as for the real one) but connects with a plain handle
	// and publishes nowhere. Tests of the composer use it.
	As *provider.Info

	mu       sync.Mutex
	failures []Failure
	posts    map[string][]provider.RemotePost // account -> posts, newest last
	calls    map[string]int                   // op -> count
	// successes counts publish calls that returned without error, per key:
	// a publisher that publishes a target twice shows up as 2 even though
	// the fake, like Bluesky, keeps one post per key.
	successes map[string]int
}

// New returns a fake provider.
func New() *Provider {
	return &Provider{posts: map[string][]provider.RemotePost{}, calls: map[string]int{}, successes: map[string]int{}}
}

var (
	_ provider.Publisher            = (*Provider)(nil)
	_ provider.Deleter              = (*Provider)(nil)
	_ provider.Connector            = (*Provider)(nil)
	_ provider.Checker              = (*Provider)(nil)
	_ provider.Finder               = (*Provider)(nil)
	_ provider.InteractionReader    = (*Provider)(nil)
	_ provider.PostMetricsReader    = (*Provider)(nil)
	_ provider.AccountMetricsReader = (*Provider)(nil)
	_ provider.RecentPostsReader    = (*Provider)(nil)
	_ provider.Replier              = (*Provider)(nil)
	_ provider.Reactor              = (*Provider)(nil)
)

// Info describes the fake network.
func (p *Provider) Info() provider.Info {
	if p.As != nil {
		info := *p.As
		info.Auth, info.Idempotency = provider.AuthKeys, provider.IdemClientKey
		info.Fields = []provider.Field{{Name: "handle", Label: "Demo handle", Required: true, Help: "Any name; nothing is sent anywhere"}}
		return info
	}
	return provider.Info{
		Network: Network, Name: "Demo network (fake)",
		Capabilities: []provider.Capability{provider.CapPublish, provider.CapThreads, provider.CapImages, provider.CapDelete,
			provider.CapComments, provider.CapReply, provider.CapReact, provider.CapPostMetrics, provider.CapAccountMetrics, provider.CapRecentPosts, provider.CapPublicAccounts},
		Auth: provider.AuthKeys, Idempotency: provider.IdemClientKey,
		Fields: []provider.Field{{Name: "handle", Label: "Demo handle", Required: true, Help: "Any name; nothing is sent anywhere"}},
		Limits: provider.Limits{Text: count.Rule{Method: count.Graphemes, Max: 500}, MaxMedia: 4, MaxImages: 4, MaxThread: 25},
		PostMetricFields: []string{provider.MetricLikes, provider.MetricReposts, provider.MetricReplies, provider.MetricViews,
			provider.MetricClicks, provider.MetricReach, provider.MetricSaves},
		AccountMetricFields: []string{provider.MetricReach, provider.MetricImpressions},
	}
}

// Fail queues failures for the next matching calls.
func (p *Provider) Fail(f ...Failure) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failures = append(p.failures, f...)
}

// Calls reports how many times op was called.
func (p *Provider) Calls(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[op]
}

func (p *Provider) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// begin waits the scripted latency and pops a scripted failure for op.
func (p *Provider) begin(ctx context.Context, op string) (*Failure, error) {
	if p.Latency > 0 {
		select {
		case <-time.After(p.Latency):
		case <-ctx.Done():
			return nil, &provider.Error{Trait: provider.Unknown, Network: Network, Op: op, Message: "timed out", Err: ctx.Err()}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[op]++
	for i, f := range p.failures {
		if f.Op == "" || f.Op == op {
			if f.Pass > 0 {
				p.failures[i].Pass--
				return nil, nil
			}
			p.failures = append(p.failures[:i], p.failures[i+1:]...)
			return &f, nil
		}
	}
	return nil, nil
}

func (f *Failure) err(op string) error {
	msg := f.Message
	if msg == "" {
		msg = "scripted " + f.Trait.String()
	}
	return &provider.Error{Trait: f.Trait, Network: Network, Op: op, Message: msg, RetryAfter: f.RetryAfter}
}

// Connect accepts any handle.
func (p *Provider) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	h := strings.TrimPrefix(strings.TrimSpace(input["handle"]), "@")
	if h == "" {
		return provider.Account{}, &provider.Error{Trait: provider.Permanent, Network: Network, Op: "connect", Message: "a handle is required"}
	}
	return provider.Account{RemoteID: "fake:" + h, Handle: "@" + h, Credentials: map[string]string{"token": "demo-" + h}, Settings: map[string]string{}}, nil
}

// Check reports the scripted outcome.
func (p *Provider) Check(ctx context.Context, acct provider.Account) (provider.Status, error) {
	if f, err := p.begin(ctx, "check"); err != nil || f != nil {
		if f != nil {
			return provider.Status{}, f.err("check")
		}
		return provider.Status{}, err
	}
	return provider.Status{OK: true, Handle: acct.Handle, Message: "connected as " + acct.Handle}, nil
}

// remoteID derives the post id from Herald's key and the segment, so a
// repeated publish of the same target finds the same post.
func remoteID(acct provider.Account, key string, i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%s|%d", acct.RemoteID, key, i)))
	return "fake-" + hex.EncodeToString(sum[:8])
}

// Publish stores each segment (idempotently by key) and reports progress.
func (p *Provider) Publish(ctx context.Context, acct provider.Account, post provider.Post) ([]provider.RemotePost, error) {
	out := append([]provider.RemotePost(nil), post.Done...)
	for i := len(post.Done); i < len(post.Segments); i++ {
		f, err := p.begin(ctx, "publish")
		if err != nil {
			return out, err
		}
		if f != nil && !f.AfterSend {
			return out, f.err("publish")
		}
		rp := p.store(acct, post.Key, i, post.Segments[i].Text)
		if f != nil {
			return out, f.err("publish")
		}
		out = append(out, rp)
		if post.Progress != nil {
			if err := post.Progress(i, rp); err != nil {
				return out, err
			}
		}
	}
	p.mu.Lock()
	p.successes[post.Key]++
	p.mu.Unlock()
	return out, nil
}

// Successes reports how many publish calls for key returned without error.
func (p *Provider) Successes(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.successes[key]
}

func (p *Provider) store(acct provider.Account, key string, i int, text string) provider.RemotePost {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := remoteID(acct, key, i)
	for _, rp := range p.posts[acct.RemoteID] {
		if rp.ID == id {
			return rp
		}
	}
	rp := provider.RemotePost{ID: id, URL: "https://demo.invalid/" + strings.TrimPrefix(acct.Handle, "@") + "/" + id,
		PublishedAt: p.now().UTC(), Extra: map[string]string{"key": key, "segment": fmt.Sprint(i), "text": text}}
	p.posts[acct.RemoteID] = append(p.posts[acct.RemoteID], rp)
	return rp
}

// Posts returns the posts of an account (for tests).
func (p *Provider) Posts(acct provider.Account) []provider.RemotePost {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]provider.RemotePost(nil), p.posts[acct.RemoteID]...)
}

// FindByKey looks the post of key and segment up among stored posts.
func (p *Provider) FindByKey(ctx context.Context, acct provider.Account, post provider.Post, segment int) (provider.RemotePost, bool, error) {
	key := post.Key
	id := remoteID(acct, key, segment)
	for _, rp := range p.Posts(acct) {
		if rp.ID == id {
			return rp, true, nil
		}
	}
	return provider.RemotePost{}, false, nil
}

// Delete removes a post.
func (p *Provider) Delete(ctx context.Context, acct provider.Account, post provider.RemotePost) error {
	if f, err := p.begin(ctx, "delete"); err != nil || f != nil {
		if f != nil {
			return f.err("delete")
		}
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.posts[acct.RemoteID]
	for i, rp := range list {
		if rp.ID == post.ID {
			p.posts[acct.RemoteID] = append(list[:i], list[i+1:]...)
			return nil
		}
	}
	return &provider.Error{Trait: provider.Permanent, Network: Network, Op: "delete", Message: "post not found"}
}

// RecentPosts lists own posts, newest first.
func (p *Provider) RecentPosts(ctx context.Context, acct provider.Account, limit int) ([]provider.RemotePost, error) {
	posts := p.Posts(acct)
	sort.Slice(posts, func(i, j int) bool { return posts[i].PublishedAt.After(posts[j].PublishedAt) })
	if limit > 0 && len(posts) > limit {
		posts = posts[:limit]
	}
	return posts, nil
}

// seed makes a stable pseudo-random number from parts.
func seed(parts ...string) uint64 {
	h := fnv.New64a()
	for _, s := range parts {
		h.Write([]byte(s))
	}
	return h.Sum64()
}
