package nostr

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"
	"github.com/nbd-wtf/go-nostr/nip10"
	"github.com/nbd-wtf/go-nostr/nip19"

	"herald/internal/provider"
)

// maxIDsPerFilter keeps tag filters within what relays accept in one REQ.
const maxIDsPerFilter = 100

// Interactions reads, since a time, the replies, reactions and reposts that
// point at the given notes (their e tags), and the notes that mention the
// account (p tags, which replies and reactions to any own note also carry).
// Own events are left out: they include the thread's own segments.
func (p *Provider) Interactions(ctx context.Context, acct provider.Account, since time.Time, posts []provider.RemotePost) ([]provider.Interaction, error) {
	evs, rs, err := p.query(ctx, acct, "read interactions", interactionFilters(acct, since, posts))
	if err != nil {
		return nil, err
	}
	hints := answered(rs)
	var out []provider.Interaction
	for _, ev := range evs {
		if ev.PubKey == acct.RemoteID {
			continue
		}
		out = append(out, interaction(ev, hints))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

// interactionFilters ask for replies, reactions and reposts of the given
// notes and for notes that tag the account.
func interactionFilters(acct provider.Account, since time.Time, posts []provider.RemotePost) gonostr.Filters {
	ts := gonostr.Timestamp(since.Unix())
	kinds := []int{gonostr.KindTextNote, gonostr.KindRepost, gonostr.KindReaction, gonostr.KindGenericRepost}
	filters := gonostr.Filters{{Kinds: kinds, Tags: gonostr.TagMap{"p": {acct.RemoteID}}, Since: &ts}}
	for _, chunk := range chunks(postIDs(posts)) {
		filters = append(filters, gonostr.Filter{Kinds: kinds, Tags: gonostr.TagMap{"e": chunk}, Since: &ts})
	}
	return filters
}

// interaction maps an event to Herald's terms.
func interaction(ev gonostr.Event, hints []string) provider.Interaction {
	in := provider.Interaction{ID: ev.ID, AuthorID: ev.PubKey, Text: ev.Content, CreatedAt: ev.CreatedAt.Time().UTC()}
	in.Author, _ = nip19.EncodePublicKey(ev.PubKey)
	if ne, err := nip19.EncodeEvent(ev.ID, hints, ev.PubKey); err == nil {
		in.URL = "nostr:" + ne
	}
	switch ev.Kind {
	case gonostr.KindReaction:
		in.Kind, in.Reaction, in.Text = "reaction", ev.Content, ""
		if ev.Content == "+" || ev.Content == "" {
			in.Kind, in.Reaction = "like", "+"
		}
		in.ParentID = reactionTarget(ev.Tags)
	case gonostr.KindRepost, gonostr.KindGenericRepost:
		in.Kind, in.Text = "repost", ""
		in.ParentID = reactionTarget(ev.Tags)
	default:
		// The filters only let through notes that tag an own note (e) or
		// the account (p): with an e tag it answers something in a
		// conversation the account is part of, without one it mentions it.
		in.ParentID, in.RootID = parentOf(ev.Tags), rootOf(ev.Tags)
		in.Kind = "reply"
		if in.ParentID == "" {
			in.Kind = "mention"
		}
	}
	if in.RootID == "" {
		in.RootID = in.ParentID
	}
	return in
}

// rootOf returns the thread root a note replies to (NIP-10), or "".
func rootOf(tags gonostr.Tags) string {
	for _, t := range tags {
		if len(t) >= 4 && t[0] == "e" && t[3] == "root" {
			return t[1]
		}
	}
	return ""
}

// parentOf returns the note a note replies to: the "reply" marker, else the
// "root" marker, else the last unmarked e tag (NIP-10's deprecated
// positional form, still sent by old clients).
func parentOf(tags gonostr.Tags) string {
	if t := nip10.GetImmediateReply(tags); t != nil && len(*t) > 1 && (*t)[0] == "e" {
		return (*t)[1]
	}
	return ""
}

// reactionTarget is the last e tag: NIP-25 and NIP-18 put the target there.
func reactionTarget(tags gonostr.Tags) string {
	if t := tags.GetLast([]string{"e", ""}); t != nil {
		return (*t)[1]
	}
	return ""
}

// PostMetrics counts, per note, the likes and reactions (kind 7, "-"
// excluded), reposts (kinds 6 and 16), replies (kind 1 answering it) and
// quotes (NIP-18 q tags) that the relays hold, each event once.
func (p *Provider) PostMetrics(ctx context.Context, acct provider.Account, posts []provider.RemotePost) (map[string]provider.PostMetrics, error) {
	ids := postIDs(posts)
	out := map[string]provider.PostMetrics{}
	if len(ids) == 0 {
		return out, nil
	}
	var filters gonostr.Filters
	for _, chunk := range chunks(ids) {
		filters = append(filters,
			gonostr.Filter{Kinds: []int{gonostr.KindTextNote, gonostr.KindRepost, gonostr.KindReaction, gonostr.KindGenericRepost}, Tags: gonostr.TagMap{"e": chunk}},
			gonostr.Filter{Kinds: []int{gonostr.KindTextNote}, Tags: gonostr.TagMap{"q": chunk}})
	}
	evs, _, err := p.query(ctx, acct, "read metrics", filters)
	if err != nil {
		return nil, err
	}
	now := p.opts.Now().UTC()
	for _, id := range ids {
		out[id] = provider.PostMetrics{At: now}
	}
	for _, ev := range evs {
		if ev.PubKey == acct.RemoteID {
			continue
		}
		countEvent(out, ev)
	}
	return out, nil
}

func countEvent(out map[string]provider.PostMetrics, ev gonostr.Event) {
	bump := func(id string, f func(*provider.PostMetrics)) {
		if m, ok := out[id]; ok {
			f(&m)
			out[id] = m
		}
	}
	switch ev.Kind {
	case gonostr.KindReaction:
		if ev.Content != "-" {
			bump(reactionTarget(ev.Tags), func(m *provider.PostMetrics) { m.Likes++ })
		}
	case gonostr.KindRepost, gonostr.KindGenericRepost:
		bump(reactionTarget(ev.Tags), func(m *provider.PostMetrics) { m.Reposts++ })
	case gonostr.KindTextNote:
		if q := ev.Tags.GetFirst([]string{"q", ""}); q != nil {
			bump((*q)[1], func(m *provider.PostMetrics) { m.Quotes++ })
		}
		if parent := parentOf(ev.Tags); parent != "" {
			bump(parent, func(m *provider.PostMetrics) { m.Replies++ })
		}
	}
}

// RecentPosts lists the account's own notes, newest first.
func (p *Provider) RecentPosts(ctx context.Context, acct provider.Account, limit int) ([]provider.RemotePost, error) {
	if limit <= 0 {
		limit = 20
	}
	evs, rs, err := p.query(ctx, acct, "read posts", gonostr.Filters{{Authors: []string{acct.RemoteID}, Kinds: []int{gonostr.KindTextNote}, Limit: limit}})
	if err != nil {
		return nil, err
	}
	if len(evs) > limit {
		evs = evs[:limit]
	}
	out := make([]provider.RemotePost, 0, len(evs))
	for _, ev := range evs {
		out = append(out, postOf(ev, answered(rs)))
	}
	return out, nil
}

// Check verifies the stored key and asks every relay for the account's
// newest note, reporting each relay's state.
func (p *Provider) Check(ctx context.Context, acct provider.Account) (provider.Status, error) {
	if _, err := accountKey(acct, "check"); err != nil {
		return provider.Status{Message: provider.AsError(err).Message}, err
	}
	npub, _ := nip19.EncodePublicKey(acct.RemoteID)
	_, rs, err := p.query(ctx, acct, "check", gonostr.Filters{{Authors: []string{acct.RemoteID}, Kinds: []int{gonostr.KindTextNote}, Limit: 1}})
	if err != nil {
		if e := provider.AsError(err); e != nil {
			return provider.Status{Handle: npub, Message: e.Message}, err
		}
		return provider.Status{Handle: npub, Message: err.Error()}, err
	}
	var ok, lines []string
	for _, r := range rs {
		if r.OK {
			ok = append(ok, r.Relay)
			continue
		}
		lines = append(lines, relayError(r.Relay, r.Message))
	}
	msg := fmt.Sprintf("signing as %s; %d of %d relays answer", npub, len(ok), len(rs))
	if len(lines) > 0 {
		msg += " (" + strings.Join(lines, "; ") + ")"
	}
	return provider.Status{OK: true, Handle: npub, Message: msg}, nil
}

// relayInfo is the part of a NIP-11 relay information document Herald uses.
type relayInfo struct {
	Limitation struct {
		MaxContentLength int  `json:"max_content_length"`
		AuthRequired     bool `json:"auth_required"`
		PaymentRequired  bool `json:"payment_required"`
	} `json:"limitation"`
}

// RefreshLimits reads each relay's information document (NIP-11,
// https://github.com/nostr-protocol/nips/blob/master/11.md) and keeps the
// smallest max_content_length, so a note fits every relay.
func (p *Provider) RefreshLimits(ctx context.Context, acct provider.Account) (provider.Limits, error) {
	relays, err := relaysOf(acct, "refresh limits")
	if err != nil {
		return provider.Limits{}, err
	}
	lim := defaultLimits
	read := 0
	var errs []string
	for _, relay := range relays {
		info, err := p.info(ctx, relay)
		if err != nil {
			errs = append(errs, relayError(relay, shortErr(err)))
			continue
		}
		read++
		if n := info.Limitation.MaxContentLength; n > 0 && (lim.Text.Max == 0 || n < lim.Text.Max) {
			lim.Text.Max = n
		}
	}
	if read == 0 {
		return provider.Limits{}, provider.Errorf(provider.Transient, Network, "refresh limits", nil, "no relay information document could be read (%s)", strings.Join(errs, "; "))
	}
	return lim, nil
}

func (p *Provider) info(ctx context.Context, relay string) (relayInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, infoURL(relay), nil)
	if err != nil {
		return relayInfo{}, err
	}
	req.Header.Set("Accept", "application/nostr+json")
	resp, err := p.opts.HTTPClient.Do(req)
	if err != nil {
		return relayInfo{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return relayInfo{}, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var info relayInfo
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
		return relayInfo{}, fmt.Errorf("not a relay information document: %w", err)
	}
	return info, nil
}

func postIDs(posts []provider.RemotePost) []string {
	out := make([]string, 0, len(posts))
	for _, rp := range posts {
		if rp.ID != "" {
			out = append(out, rp.ID)
		}
	}
	return out
}

func chunks(ids []string) [][]string {
	var out [][]string
	for len(ids) > maxIDsPerFilter {
		out = append(out, ids[:maxIDsPerFilter])
		ids = ids[maxIDsPerFilter:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}
