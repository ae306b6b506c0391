package nostr

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	gonostr "github.com/nbd-wtf/go-nostr"
	"github.com/nbd-wtf/go-nostr/nip19"

	"herald/internal/provider"
)

var _ provider.PublicAccountReader = (*Provider)(nil)

// Bounds of one read of a public account, so a prolific author or a
// popular one cannot keep a refresh busy.
const (
	maxPublicNotes    = 200
	maxContactLists   = 5000
	followersLowerMsg = "Followers count the contact lists (kind 3) naming this key on the relays Herald asks: a lower bound, since other relays may hold more."
)

// nip05Name is the local part NIP-05 allows: a-z0-9-_.
var nip05Name = regexp.MustCompile(`^[a-z0-9._-]+$`)

// LookupPublicAccount resolves an npub, nprofile, 64 hex characters or a
// NIP-05 name@domain (https://github.com/nostr-protocol/nips/blob/master/05.md)
// to a public key, and reads its kind-0 metadata from via's relays (one of
// the workspace's Nostr channels: Herald asks the relays it already uses).
func (p *Provider) LookupPublicAccount(ctx context.Context, via provider.Account, handle string) (provider.PublicAccount, error) {
	const op = "look up account"
	pk, err := p.resolveKey(ctx, strings.TrimSpace(handle))
	if err != nil {
		return provider.PublicAccount{}, err
	}
	if strings.TrimSpace(via.Settings[settingRelays]) == "" {
		return provider.PublicAccount{}, permanent(op, "Herald reads Nostr accounts from the relays of the workspace's Nostr channels; connect a Nostr channel first")
	}
	evs, _, err := p.query(ctx, via, op, gonostr.Filters{{Authors: []string{pk}, Kinds: []int{gonostr.KindProfileMetadata}, Limit: 1}})
	if err != nil {
		return provider.PublicAccount{}, err
	}
	return publicAccount(pk, latest(evs, gonostr.KindProfileMetadata)), nil
}

// resolveKey turns a handle into a hex public key.
func (p *Provider) resolveKey(ctx context.Context, h string) (string, error) {
	const op = "look up account"
	lower := strings.ToLower(strings.TrimPrefix(h, "nostr:"))
	switch {
	case h == "":
		return "", permanent(op, "enter an npub1… key, 64 hex characters or a name@domain (NIP-05) address")
	case strings.HasPrefix(lower, "npub1") || strings.HasPrefix(lower, "nprofile1"):
		prefix, v, err := nip19.Decode(lower)
		if err != nil {
			return "", permanent(op, "%q is not a valid %s", h, strings.SplitN(lower, "1", 2)[0])
		}
		if prefix == "nprofile" {
			return v.(gonostr.ProfilePointer).PublicKey, nil
		}
		return v.(string), nil
	case strings.HasPrefix(lower, "nsec1"):
		return "", permanent(op, "that is a secret key; never share it. Enter the account's public key (npub1…)")
	case strings.Contains(h, "@"):
		return p.nip05(ctx, lower)
	}
	if b, err := hex.DecodeString(lower); err == nil && len(b) == 32 {
		return lower, nil
	}
	return "", permanent(op, "%q is not an npub1… key, 64 hex characters or a name@domain (NIP-05) address", h)
}

// nip05 asks https://domain/.well-known/nostr.json?name=local for the key
// of name@domain; "_@domain" and "@domain" name the domain's root.
func (p *Provider) nip05(ctx context.Context, addr string) (string, error) {
	const op = "look up account"
	name, domain, ok := strings.Cut(strings.TrimPrefix(addr, "@"), "@")
	if !ok {
		name, domain = "_", name
	}
	if !nip05Name.MatchString(name) || domain == "" || strings.ContainsAny(domain, "/?#@ ") {
		return "", permanent(op, "%q is not a NIP-05 address (name@domain)", addr)
	}
	ctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	u := "https://" + domain + "/.well-known/nostr.json?name=" + url.QueryEscape(name)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", permanent(op, "%q is not a NIP-05 address (name@domain)", addr)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.opts.HTTPClient.Do(req)
	if err != nil {
		return "", provider.Errorf(provider.Transient, Network, op, err, "could not read %s", u)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		e := provider.Errorf(provider.RateLimited, Network, op, nil, "%s is rate limiting Herald", domain)
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), p.opts.RateLimitBackoff, p.opts.Now())
		return "", e
	case resp.StatusCode >= 500:
		return "", provider.Errorf(provider.Transient, Network, op, nil, "%s answered HTTP %d", u, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return "", permanent(op, "%s has no NIP-05 names (HTTP %d)", domain, resp.StatusCode)
	}
	var doc struct {
		Names map[string]string `json:"names"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return "", permanent(op, "%s does not serve a NIP-05 document", domain)
	}
	pk := strings.ToLower(doc.Names[name])
	if b, err := hex.DecodeString(pk); err != nil || len(b) != 32 {
		return "", permanent(op, "%s does not know the name %q", domain, name)
	}
	return pk, nil
}

// metadata is the kind-0 content (NIP-01, NIP-24).
type metadata struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Picture     string `json:"picture"`
	Website     string `json:"website"`
}

func publicAccount(pk string, meta *gonostr.Event) provider.PublicAccount {
	npub, _ := nip19.EncodePublicKey(pk)
	a := provider.PublicAccount{ID: pk, Handle: npub, Network: Network, URL: "nostr:" + npub}
	if meta != nil {
		var m metadata
		if json.Unmarshal([]byte(meta.Content), &m) == nil {
			a.Name = m.DisplayName
			if a.Name == "" {
				a.Name = m.Name
			}
			if u, err := url.Parse(m.Picture); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
				a.Avatar = m.Picture
			}
		}
	}
	return a
}

// latest is the newest event of kind among evs (which come newest first).
func latest(evs []gonostr.Event, kind int) *gonostr.Event {
	for i := range evs {
		if evs[i].Kind == kind {
			return &evs[i]
		}
	}
	return nil
}

// ReadPublicAccount reads a public key's metadata, its notes since a time
// with the likes, reposts and replies others made to them, how many keys
// it follows (its own contact list) and how many contact lists name it
// (followers: a lower bound, the relays Herald asks being a few of many).
// Nostr keeps no post count, so Posts is not available.
func (p *Provider) ReadPublicAccount(ctx context.Context, via provider.Account, id string, since time.Time) (provider.PublicRead, error) {
	const op = "read account"
	if b, err := hex.DecodeString(id); err != nil || len(b) != 32 {
		return provider.PublicRead{}, permanent(op, "%q is not a public key", id)
	}
	ts := gonostr.Timestamp(since.Unix())
	evs, _, err := p.query(ctx, via, op, gonostr.Filters{
		{Authors: []string{id}, Kinds: []int{gonostr.KindProfileMetadata}, Limit: 1},
		{Authors: []string{id}, Kinds: []int{gonostr.KindFollowList}, Limit: 1},
		{Authors: []string{id}, Kinds: []int{gonostr.KindTextNote}, Since: &ts, Limit: maxPublicNotes},
		{Kinds: []int{gonostr.KindFollowList}, Tags: gonostr.TagMap{"p": {id}}, Limit: maxContactLists},
	})
	if err != nil {
		return provider.PublicRead{}, err
	}
	out := provider.PublicRead{Account: publicAccount(id, latest(evs, gonostr.KindProfileMetadata)), Source: "nostr:relays",
		Notes: []string{followersLowerMsg, "Nostr keeps no count of an account's notes: posts are not available."}, FollowersLowerBound: true}
	followers := map[string]bool{}
	var own *gonostr.Event
	var notes []gonostr.Event
	for i, ev := range evs {
		switch {
		case ev.Kind == gonostr.KindFollowList && ev.PubKey == id:
			if own == nil {
				own = &evs[i]
			}
		case ev.Kind == gonostr.KindFollowList && ev.Tags.ContainsAny("p", []string{id}):
			followers[ev.PubKey] = true
		case ev.Kind == gonostr.KindTextNote && ev.PubKey == id && len(notes) < maxPublicNotes:
			notes = append(notes, ev)
		}
	}
	out.Followers = provider.Known(int64(len(followers)))
	if own != nil {
		out.Following = provider.Known(int64(len(own.Tags.GetAll([]string{"p", ""}))))
	}
	counts, err := p.countReactions(ctx, via, id, notes)
	if err != nil {
		return provider.PublicRead{}, err
	}
	for _, ev := range notes {
		m := counts[ev.ID]
		pp := provider.PublicPost{ID: ev.ID, Text: ev.Content, CreatedAt: ev.CreatedAt.Time().UTC(),
			Likes: provider.Known(m.Likes), Reposts: provider.Known(m.Reposts), Replies: provider.Known(m.Replies)}
		if ne, err := nip19.EncodeEvent(ev.ID, nil, ev.PubKey); err == nil {
			pp.URL = "nostr:" + ne
		}
		out.Recent = append(out.Recent, pp)
	}
	return out, nil
}

// countReactions counts, per note, what other keys sent about it: the same
// counting as PostMetrics (likes, reposts, replies), the author's own
// events left out.
func (p *Provider) countReactions(ctx context.Context, via provider.Account, author string, notes []gonostr.Event) (map[string]provider.PostMetrics, error) {
	out := map[string]provider.PostMetrics{}
	var ids []string
	for _, ev := range notes {
		ids = append(ids, ev.ID)
		out[ev.ID] = provider.PostMetrics{}
	}
	if len(ids) == 0 {
		return out, nil
	}
	var filters gonostr.Filters
	for _, chunk := range chunks(ids) {
		filters = append(filters, gonostr.Filter{Kinds: []int{gonostr.KindTextNote, gonostr.KindRepost, gonostr.KindReaction, gonostr.KindGenericRepost},
			Tags: gonostr.TagMap{"e": chunk}})
	}
	evs, _, err := p.query(ctx, via, "read account", filters)
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		if ev.PubKey != author {
			countEvent(out, ev)
		}
	}
	return out, nil
}
