package count

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is the half-open byte range [Start, End) of an entity in a string.
// Offsets are UTF-8 bytes because Bluesky facets index text that way; other
// networks' units can be derived from the text before Start.
type Span struct {
	Start int
	End   int
}

// URLs returns the links in text as X finds them (twitter-text's extractor):
// with or without a protocol, "example.com" included, trailing punctuation
// excluded. The spans are in order and do not overlap.
func URLs(text string) []Span { return extractURLs(text, true) }

// Hashtags returns the hashtags in text, each span covering the '#' (or
// '＃') and the tag, following twitter-text's rules: the tag holds letters,
// marks, digits and a few joiners in any script, needs at least one letter or
// mark ("#16" is not a tag), must not follow a letter or digit, and is
// dropped when it overlaps a URL.
func Hashtags(text string) []Span {
	if !strings.ContainsAny(text, "#＃") {
		return nil
	}
	return hashtags(text, URLs(text))
}

// hashtags is Hashtags with the text's URLs already extracted.
func hashtags(text string, urls []Span) []Span {
	var tags []Span
	for pos := 0; pos < len(text); {
		tag, ok := nextHashtag(text, pos)
		if !ok {
			break
		}
		pos = tag.End
		after := text[tag.End:]
		if strings.HasPrefix(after, "#") || strings.HasPrefix(after, "＃") || strings.HasPrefix(after, "://") {
			continue
		}
		tags = append(tags, tag)
	}
	if len(tags) == 0 {
		return nil
	}
	return keepKind(removeOverlaps(tagged(tags, kindHashtag), tagged(urls, kindURL)), kindHashtag)
}

// nextHashtag finds the leftmost validHashtag match at or after pos. The
// pattern consumes the character before the '#' as its boundary, so a '#'
// right where the previous match ended cannot start a tag.
func nextHashtag(s string, pos int) (Span, bool) {
	for i := pos; i < len(s); {
		if i == 0 {
			if end := hashtagAt(s, 0); end > 0 {
				return Span{0, end}, true
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == vs15 || r == vs16 || (!isHashtagAlnum(r) && r != '&') {
			if end := hashtagAt(s, i+n); end > 0 {
				return Span{i + n, end}, true
			}
		}
		i += n
	}
	return Span{}, false
}

// hashtagAt returns the end of a hashtag starting with the hash sign at i,
// or 0 when there is none.
func hashtagAt(s string, i int) int {
	r, n := firstRune(s[i:])
	if r != '#' && r != '＃' {
		return 0
	}
	j := i + n
	if next, _ := firstRune(s[j:]); next == vs16 || next == combiningKeycap {
		return 0 // "#️⃣" is the keycap emoji
	}
	alpha := false
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !isHashtagAlnum(r) {
			break
		}
		alpha = alpha || unicode.IsLetter(r) || unicode.IsMark(r)
		j += size
	}
	if !alpha {
		return 0
	}
	return j
}

// isHashtagAlnum is twitter-text's hashtagAlphaNumeric: letters, marks,
// decimal digits and hashtagSpecialChars.
func isHashtagAlnum(r rune) bool {
	if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.Is(unicode.Nd, r) {
		return true
	}
	switch r {
	case '_', 0x200C, 0x200D, 0xA67E, 0x05BE, 0x05F3, 0x05F4, 0xFF5E, 0x301C,
		0x309B, 0x309C, 0x30A0, 0x30FB, 0x3003, 0x0F0B, 0x0F0C, 0xB7:
		return true
	}
	return false
}

// Mentions returns the account mentions in text, each span starting at the
// '@': "@user", Mastodon's "@user@instance.example" and Bluesky's
// "@handle.bsky.social". The rules are Mastodon's (Account::MENTION_RE and
// its extractor): the '@' must not follow a letter, digit, '_', '=' or '/',
// so e-mail addresses are not mentions; a name is letters, digits and '_'
// with '.' and '-' inside; a mention followed by '@', a Latin accented
// letter or "://" is dropped. Bluesky only links handles with a dot, so its
// caller keeps the spans whose text contains one.
func Mentions(text string) []Span {
	if !strings.Contains(text, "@") {
		return nil
	}
	var out []Span
	for i := 0; i < len(text); {
		at := strings.IndexByte(text[i:], '@')
		if at < 0 {
			break
		}
		at += i
		i = at + 1
		if prev, _ := utf8.DecodeLastRuneInString(text[:at]); at > 0 && (prev == '=' || prev == '/' || isWordRune(prev)) {
			continue
		}
		end := mentionEnd(text, at)
		if end < 0 {
			continue
		}
		i = end // scanning resumes after the match, accepted or not
		after := text[end:]
		if r, _ := firstRune(after); r == '@' || r == '＠' || isLatinAccent(r) || strings.HasPrefix(after, "://") {
			continue
		}
		out = append(out, Span{at, end})
	}
	return out
}

// mentionEnd returns the end of the mention whose '@' is at i, or -1.
func mentionEnd(s string, i int) int {
	user := trimTail(s, i+1, asciiNameRun(s, i+1), func(b byte) bool { return b == '.' || b == '-' })
	if user == i+1 || s[i+1] == '.' || s[i+1] == '-' {
		return -1
	}
	if user >= len(s) || s[user] != '@' {
		return user
	}
	// The instance: word characters, '.' and '-', ending in a word character,
	// at least two characters long and at most 253 (Mastodon's limit).
	j := user + 1
	last := -1
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if r != '.' && r != '-' && !isWordRune(r) {
			break
		}
		j += n
		if isWordRune(r) {
			last = j
		}
	}
	if n := utf8.RuneCountInString(s[user+1 : max(last, user+1)]); last < 0 || n < 2 || n > 253 {
		return user
	}
	return last
}

// asciiNameRun returns the end of the run of [a-zA-Z0-9_.-] starting at i.
func asciiNameRun(s string, i int) int {
	for i < len(s) && (isASCIIAlnum(rune(s[i])) || s[i] == '_' || s[i] == '.' || s[i] == '-') {
		i++
	}
	return i
}

// trimTail moves end back over bytes matching cut, not before start.
func trimTail(s string, start, end int, cut func(byte) bool) int {
	for end > start && cut(s[end-1]) {
		end--
	}
	return end
}

// isWordRune is Ruby's [[:word:]] in a Unicode string: letters, marks,
// decimal digits and connector punctuation.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Pc, r)
}

// entity kinds, for overlap removal across extractors.
const (
	kindURL = iota
	kindHashtag
	kindMention
)

type entity struct {
	Span
	kind int
}

func tagged(spans []Span, kind int) []entity {
	out := make([]entity, len(spans))
	for i, s := range spans {
		out[i] = entity{s, kind}
	}
	return out
}

// removeOverlaps is twitter-text's removeOverlappingEntities: sorted by
// start, an entity that begins inside the previous kept one is dropped.
func removeOverlaps(groups ...[]entity) []entity {
	var all []entity
	for _, g := range groups {
		all = append(all, g...)
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].Start < all[b].Start })
	kept := all[:0]
	for _, e := range all {
		if len(kept) > 0 && e.Start < kept[len(kept)-1].End {
			continue
		}
		kept = append(kept, e)
	}
	return kept
}

func keepKind(es []entity, kind int) []Span {
	var out []Span
	for _, e := range es {
		if e.kind == kind {
			out = append(out, e.Span)
		}
	}
	return out
}
