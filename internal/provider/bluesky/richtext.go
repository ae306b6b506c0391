package bluesky

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/api/bsky"
	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider/count"
)

// Lexicon limits of app.bsky.richtext.facet#tag
// (https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/richtext/facet.json).
var tagRule = count.Rule{Method: count.Graphemes, Max: 64, MaxBytes: 640}

// resolver resolves mentioned handles to DIDs once per publish.
type resolver struct {
	s     *session
	cache map[string]string // handle -> DID ("" when it does not resolve)
}

func newResolver(s *session) *resolver { return &resolver{s: s, cache: map[string]string{}} }

// did returns the DID of handle, or "" when the handle does not resolve.
// Other failures (the server unreachable, rate limited) are errors: a
// mention must not silently lose its link because of a hiccup.
func (r *resolver) did(ctx context.Context, handle string) (string, error) {
	h := strings.ToLower(handle)
	if d, ok := r.cache[h]; ok {
		return d, nil
	}
	// https://docs.bsky.app/docs/api/com-atproto-identity-resolve-handle
	out, err := comatproto.IdentityResolveHandle(ctx, r.s.xc, h)
	switch {
	case err == nil:
		if _, perr := syntax.ParseDID(out.Did); perr != nil {
			r.cache[h] = ""
		} else {
			r.cache[h] = out.Did
		}
	case isUnresolvable(err):
		r.cache[h] = ""
	default:
		return "", r.s.classify("resolve handle", false, err)
	}
	return r.cache[h], nil
}

// isUnresolvable reports whether resolveHandle answered that the handle
// does not exist (400 InvalidRequest "Unable to resolve handle", or
// HandleNotFound on newer servers).
func isUnresolvable(err error) bool {
	status, code, _ := errorCode(err)
	if _, auth := authCodes[code]; auth {
		return false
	}
	return status == 400 || status == 404
}

// facets builds the rich-text facets of text: Bluesky does not link
// anything by itself, so every link, mention and hashtag is a facet that
// indexes the text in UTF-8 bytes
// (https://docs.bsky.app/docs/advanced-guides/post-richtext). A mention
// whose handle does not resolve stays plain text.
func facets(ctx context.Context, text string, r *resolver) ([]*bsky.RichtextFacet, error) {
	var out []*bsky.RichtextFacet
	add := func(sp count.Span, f *bsky.RichtextFacet_Features_Elem) {
		out = append(out, &bsky.RichtextFacet{
			Index:    &bsky.RichtextFacet_ByteSlice{ByteStart: int64(sp.Start), ByteEnd: int64(sp.End)},
			Features: []*bsky.RichtextFacet_Features_Elem{f},
		})
	}
	for _, sp := range count.URLs(text) {
		if u, ok := linkURI(text[sp.Start:sp.End]); ok {
			add(sp, &bsky.RichtextFacet_Features_Elem{RichtextFacet_Link: &bsky.RichtextFacet_Link{Uri: u}})
		}
	}
	for _, sp := range count.Mentions(text) {
		h, err := syntax.ParseHandle(strings.TrimPrefix(text[sp.Start:sp.End], "@"))
		if err != nil {
			continue // "@name" without a domain, or Mastodon's @user@host: not a Bluesky handle
		}
		did, err := r.did(ctx, h.String())
		if err != nil {
			return nil, err
		}
		if did != "" {
			add(sp, &bsky.RichtextFacet_Features_Elem{RichtextFacet_Mention: &bsky.RichtextFacet_Mention{Did: did}})
		}
	}
	for _, sp := range count.Hashtags(text) {
		_, n := utf8.DecodeRuneInString(text[sp.Start:]) // '#' or the full-width '＃'
		tag := text[sp.Start+n : sp.End]
		if tag == "" || !count.Count(tag, tagRule).OK() {
			continue // the lexicon refuses longer tags; the text stays
		}
		add(sp, &bsky.RichtextFacet_Features_Elem{RichtextFacet_Tag: &bsky.RichtextFacet_Tag{Tag: tag}})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index.ByteStart < out[j].Index.ByteStart })
	return out, nil
}

// linkURI returns the URI a link facet points to: links written without a
// scheme ("example.com/x") get https://, as Bluesky's own app does.
func linkURI(s string) (string, bool) {
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", false
	}
	return s, true
}
