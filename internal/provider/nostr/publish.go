package nostr

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	gonostr "github.com/nbd-wtf/go-nostr"
	"github.com/nbd-wtf/go-nostr/nip19"

	"herald/internal/provider"
	"herald/internal/provider/count"
)

// Publish signs one kind-1 note per segment and sends it to every relay
// (NIP-01). Segments after the first reply to the first (NIP-10 marked e
// tags). Each note's created_at comes from post.At (fixed by the publisher
// when it claims the target), or from post.Key's timestamp when At is zero,
// so a repeated call produces byte-identical events that relays store once.
func (p *Provider) Publish(ctx context.Context, acct provider.Account, post provider.Post) ([]provider.RemotePost, error) {
	sk, err := accountKey(acct, "publish")
	if err != nil {
		return post.Done, err
	}
	relays, err := relaysOf(acct, "publish")
	if err != nil {
		return post.Done, err
	}
	base := post.At.Unix()
	if post.At.IsZero() {
		if base, err = keyTime(post.Key); err != nil {
			return post.Done, permanent("publish", "%s", err.Error())
		}
	}
	// Refuse before sending anything, so a thread is never cut in half by a
	// segment that could never be published.
	for i := len(post.Done); i < len(post.Segments); i++ {
		if err := checkMedia(post.Segments[i]); err != nil {
			return post.Done, err
		}
	}
	pk, _ := gonostr.GetPublicKey(sk)
	s := p.session(relays, sk)
	defer s.close()
	out := append([]provider.RemotePost(nil), post.Done...)
	for i := len(post.Done); i < len(post.Segments); i++ {
		ev := note(post.Segments[i], post.Options, out, relays[0], pk)
		ev.CreatedAt = gonostr.Timestamp(base + int64(i))
		if err := ev.Sign(sk); err != nil {
			return out, &provider.Error{Trait: provider.AuthExpired, Network: Network, Op: "publish", Message: "cannot sign with the stored key", Err: err}
		}
		rs := s.publish(ctx, ev)
		if err := outcome("publish", rs); err != nil {
			return out, err
		}
		rp := remotePost(ev, rs)
		out = append(out, rp)
		if post.Progress != nil {
			if err := post.Progress(i, rp); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// keyTime returns the Unix seconds of a ULID key's timestamp (its first ten
// Crockford base-32 characters hold milliseconds since the epoch).
func keyTime(key string) (int64, error) {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	if len(key) != 26 {
		return 0, fmt.Errorf("post key %q is not a ULID; Nostr derives the note's timestamp from it", key)
	}
	var ms uint64
	for _, c := range strings.ToUpper(key[:10]) {
		d := strings.IndexRune(alphabet, c)
		if d < 0 {
			return 0, fmt.Errorf("post key %q is not a ULID; Nostr derives the note's timestamp from it", key)
		}
		ms = ms<<5 | uint64(d)
	}
	if ms >= 1<<48 {
		return 0, fmt.Errorf("post key %q is not a ULID (timestamp overflows)", key)
	}
	return int64(ms / 1000), nil
}

// checkMedia refuses media without a public URL: core Nostr has no upload,
// notes only point at files (NIP-92).
func checkMedia(seg provider.Segment) error {
	for _, m := range seg.Media {
		u, err := url.Parse(m.URL)
		if m.URL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return &provider.Error{Trait: provider.Permanent, Network: Network, Op: "publish",
				Message: "this relay network needs a public media URL: Nostr notes link to files instead of uploading them, and " + mediaName(m) + " has no public http(s) URL"}
		}
	}
	return nil
}

func mediaName(m provider.Media) string {
	if m.ID != "" {
		return "media " + m.ID
	}
	return "an attachment"
}

// note builds the unsigned kind-1 event of one segment; thread holds the
// segments already published, so this one replies to the first (root) and
// the previous (reply) with NIP-10 marked e tags and tags its author.
func note(seg provider.Segment, opts map[string]string, thread []provider.RemotePost, hint, pk string) gonostr.Event {
	ev := gonostr.Event{Kind: gonostr.KindTextNote, Tags: gonostr.Tags{}}
	content := seg.Text
	if seg.Link != nil && seg.Link.URL != "" && !strings.Contains(content, seg.Link.URL) {
		content = joinLines(content, seg.Link.URL)
	}
	for _, m := range seg.Media {
		// NIP-92: an imeta tag describes a URL that appears in the content.
		content = joinLines(content, m.URL)
		ev.Tags = append(ev.Tags, imeta(m))
	}
	ev.Content = content
	if n := len(thread); n > 0 {
		// A direct reply to the root carries only the root tag (NIP-10).
		ev.Tags = append(ev.Tags, gonostr.Tag{"e", thread[0].ID, hint, "root", pk})
		if n > 1 {
			ev.Tags = append(ev.Tags, gonostr.Tag{"e", thread[n-1].ID, hint, "reply", pk})
		}
		ev.Tags = append(ev.Tags, gonostr.Tag{"p", pk})
	}
	ev.Tags = append(ev.Tags, hashtags(seg.Text)...)
	if cw := firstNonEmpty(opts["spoiler_text"], opts["content_warning"]); cw != "" {
		ev.Tags = append(ev.Tags, gonostr.Tag{"content-warning", cw}) // NIP-36
	}
	if lang := opts["language"]; lang != "" {
		ev.Tags = append(ev.Tags, gonostr.Tag{"L", "ISO-639-1"}, gonostr.Tag{"l", lang, "ISO-639-1"}) // NIP-32
	}
	return ev
}

// imeta describes one attachment (NIP-92), with its alt text.
func imeta(m provider.Media) gonostr.Tag {
	t := gonostr.Tag{"imeta", "url " + m.URL}
	if m.ContentType != "" {
		t = append(t, "m "+m.ContentType)
	}
	if m.Width > 0 && m.Height > 0 {
		t = append(t, fmt.Sprintf("dim %dx%d", m.Width, m.Height))
	}
	if alt := strings.Join(strings.Fields(m.Alt), " "); alt != "" {
		t = append(t, "alt "+alt)
	}
	return t
}

// hashtags become t tags so relays and clients can find the note by tag.
func hashtags(text string) gonostr.Tags {
	var out gonostr.Tags
	seen := map[string]bool{}
	for _, sp := range count.Hashtags(text) {
		tag := strings.ToLower(strings.TrimLeft(text[sp.Start:sp.End], "#＃"))
		if tag != "" && !seen[tag] {
			seen[tag] = true
			out = append(out, gonostr.Tag{"t", tag})
		}
	}
	return out
}

func joinLines(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			return x
		}
	}
	return ""
}

// remotePost describes a published event with what each relay did.
func remotePost(ev gonostr.Event, rs []result) provider.RemotePost {
	rp := postOf(ev, answered(rs))
	for k, v := range extra(rs) {
		rp.Extra[k] = v
	}
	return rp
}

// postOf describes an event; URL is its NIP-21 nostr: URI (with up to three
// relay hints), which Nostr apps open, as the protocol has no canonical web
// address.
func postOf(ev gonostr.Event, hints []string) provider.RemotePost {
	rp := provider.RemotePost{ID: ev.ID, PublishedAt: ev.CreatedAt.Time().UTC(),
		Extra: map[string]string{"pubkey": ev.PubKey, "kind": strconv.Itoa(ev.Kind)}}
	if ne, err := nip19.EncodeEvent(ev.ID, hints, ev.PubKey); err == nil {
		rp.URL = "nostr:" + ne
	}
	return rp
}

// sign stamps an event with the clock and signs it, for events that need
// no idempotency (replies, reactions, deletion requests are harmless to
// repeat).
func (p *Provider) sign(ev *gonostr.Event, sk, op string) error {
	ev.CreatedAt = gonostr.Timestamp(p.opts.Now().Unix())
	if err := ev.Sign(sk); err != nil {
		return &provider.Error{Trait: provider.AuthExpired, Network: Network, Op: op, Message: "cannot sign with the stored key", Err: err}
	}
	return nil
}

// broadcast signs and sends one event to the account's relays.
func (p *Provider) broadcast(ctx context.Context, acct provider.Account, ev gonostr.Event, op string) (provider.RemotePost, error) {
	sk, err := accountKey(acct, op)
	if err != nil {
		return provider.RemotePost{}, err
	}
	relays, err := relaysOf(acct, op)
	if err != nil {
		return provider.RemotePost{}, err
	}
	if err := p.sign(&ev, sk, op); err != nil {
		return provider.RemotePost{}, err
	}
	s := p.session(relays, sk)
	defer s.close()
	rs := s.publish(ctx, ev)
	if err := outcome(op, rs); err != nil {
		return provider.RemotePost{}, err
	}
	return remotePost(ev, rs), nil
}

// Delete asks the relays to delete a note with a deletion request (kind 5,
// https://github.com/nostr-protocol/nips/blob/master/09.md). Relays honour it at their discretion; the request itself is
// stored like any event.
func (p *Provider) Delete(ctx context.Context, acct provider.Account, post provider.RemotePost) error {
	ev := gonostr.Event{Kind: gonostr.KindDeletion, Tags: gonostr.Tags{{"e", post.ID}, {"k", strconv.Itoa(gonostr.KindTextNote)}}}
	_, err := p.broadcast(ctx, acct, ev, "delete")
	return err
}

// Reply answers a note with a kind-1 reply
// (https://github.com/nostr-protocol/nips/blob/master/10.md): a root tag for the
// thread's first note, a reply tag for the parent and a p tag for its author.
func (p *Provider) Reply(ctx context.Context, acct provider.Account, parent provider.Interaction, text string) (provider.RemotePost, error) {
	relays, err := relaysOf(acct, "reply")
	if err != nil {
		return provider.RemotePost{}, err
	}
	ev := gonostr.Event{Kind: gonostr.KindTextNote, Content: text}
	root := firstNonEmpty(parent.RootID, parent.ID)
	ev.Tags = append(ev.Tags, gonostr.Tag{"e", root, relays[0], "root"})
	if parent.ID != root {
		ev.Tags = append(ev.Tags, gonostr.Tag{"e", parent.ID, relays[0], "reply"})
	}
	if parent.AuthorID != "" {
		ev.Tags = append(ev.Tags, gonostr.Tag{"p", parent.AuthorID})
	}
	ev.Tags = append(ev.Tags, hashtags(text)...)
	return p.broadcast(ctx, acct, ev, "reply")
}

// React sends a kind-7 reaction
// (https://github.com/nostr-protocol/nips/blob/master/25.md): "+" is a like, anything else an
// emoji reaction.
func (p *Provider) React(ctx context.Context, acct provider.Account, target provider.Interaction, reaction string) error {
	if reaction == "" {
		reaction = "+"
	}
	ev := gonostr.Event{Kind: gonostr.KindReaction, Content: reaction, Tags: gonostr.Tags{{"e", target.ID}}}
	if target.AuthorID != "" {
		ev.Tags = append(ev.Tags, gonostr.Tag{"p", target.AuthorID})
	}
	ev.Tags = append(ev.Tags, gonostr.Tag{"k", strconv.Itoa(gonostr.KindTextNote)})
	_, err := p.broadcast(ctx, acct, ev, "react")
	return err
}

// answered lists up to three relays that accepted or answered, as hints.
func answered(rs []result) []string {
	var out []string
	for _, r := range rs {
		if r.OK && len(out) < 3 {
			out = append(out, r.Relay)
		}
	}
	return out
}

// query runs filters on the account's relays.
func (p *Provider) query(ctx context.Context, acct provider.Account, op string, filters gonostr.Filters) ([]gonostr.Event, []result, error) {
	relays, err := relaysOf(acct, op)
	if err != nil {
		return nil, nil, err
	}
	sk, _ := parseSecretKey(acct.Credentials[credSecretKey]) // only for NIP-42; reads work without it
	s := p.session(relays, sk)
	defer s.close()
	evs, rs := s.query(ctx, filters)
	return evs, rs, readOutcome(op, rs)
}
