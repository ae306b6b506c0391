package count

import (
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// unit is a piece of text that is charged as a whole: a grapheme cluster, or
// a URL or emoji sequence. Offsets are bytes of the original text; weight is
// in the method's units times its scale.
type unit struct {
	start, end int
	weight     int
	invalid    bool // holds a character the network refuses (X only)
}

// scan reports the units of text under method m, in order. Units never split
// a grapheme cluster, so an error placed at a unit start never cuts one.
func scan(text string, m Method, urlLength int, visit func(unit)) {
	switch m {
	case TwitterWeighted:
		twitterScan(text, twitterV3, urlLength, visit)
	case MastodonChars:
		mergeGraphemes(text, mastodonUnits(text, urlLength), visit)
	case ThreadsChars:
		mergeGraphemes(text, threadsUnits(text), visit)
	case LinkedInLittle:
		mergeGraphemes(text, linkedInUnits(text), visit)
	default:
		state := -1
		for pos, rest := 0, text; rest != ""; {
			var cluster string
			cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
			visit(unit{start: pos, end: pos + len(cluster), weight: clusterWeight(cluster, m)})
			pos += len(cluster)
		}
	}
}

// clusterWeight is the weight of one grapheme cluster under a method that
// counts plain encoding units.
func clusterWeight(cluster string, m Method) int {
	switch m {
	case Graphemes:
		return 1
	case UTF16Units:
		return utf16Len(cluster)
	case CodePoints:
		return utf8.RuneCountInString(cluster)
	default:
		return len(cluster)
	}
}

// measureSimple counts the methods that need no entity detection without
// building units, which keeps the common Count call allocation-free.
func measureSimple(text string, m Method) (int, bool) {
	switch m {
	case Graphemes:
		return uniseg.GraphemeClusterCount(text), true
	case UTF8Bytes:
		return len(text), true
	case UTF16Units:
		return utf16Len(text), true
	case CodePoints:
		return utf8.RuneCountInString(text), true
	}
	return 0, false
}

// mergeGraphemes folds fine units into units that end on grapheme cluster
// boundaries: a fine unit whose start is not a boundary (or is -1, unknown)
// is added to the unit before it. This keeps "e" + U+0301 or an emoji plus a
// stray modifier in one piece wherever the fine units cut them.
func mergeGraphemes(text string, fine []unit, visit func(unit)) {
	if len(fine) == 0 {
		return
	}
	state := -1
	nextBoundary, rest := 0, text
	isBoundary := func(pos int) bool {
		for nextBoundary < pos && rest != "" {
			var cluster string
			cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
			nextBoundary += len(cluster)
		}
		return nextBoundary == pos
	}
	cur := unit{start: 0}
	for i, f := range fine {
		if i > 0 && f.start >= 0 && isBoundary(f.start) {
			cur.end = f.start
			visit(cur)
			cur = unit{start: f.start}
		}
		cur.weight += f.weight
		cur.invalid = cur.invalid || f.invalid
	}
	cur.end = len(text)
	visit(cur)
}

// runeUnits appends one unit per code point of text[from:to], weighed by w.
func runeUnits(out []unit, text string, from, to int, w func(r rune) int) []unit {
	for i := from; i < to; {
		r, n := utf8.DecodeRuneInString(text[i:to])
		out = append(out, unit{start: i, end: i + n, weight: w(r)})
		i += n
	}
	return out
}

func one(rune) int { return 1 }

// mastodonUnits follows Mastodon's StatusLengthValidator: URLs with a
// protocol count as urlLength characters and "@user@instance" counts as
// "@user"; the rest counts one per code point. (The server counts grapheme
// clusters where we count code points, which never counts less.)
func mastodonUnits(text string, urlLength int) []unit {
	ents := removeOverlaps(tagged(extractURLs(text, false), kindURL), tagged(Mentions(text), kindMention))
	out := make([]unit, 0, len(text))
	pos := 0
	for _, e := range ents {
		out = clusterUnits(out, text, pos, e.Start)
		w := urlLength
		if e.kind == kindMention {
			name := text[e.Start:e.End]
			if at := indexByteFrom(name, '@', 1); at > 0 {
				name = name[:at]
			}
			w = utf8.RuneCountInString(name)
		}
		out = append(out, unit{start: e.Start, end: e.End, weight: w})
		pos = e.End
	}
	return clusterUnits(out, text, pos, len(text))
}

// clusterUnits appends one unit of weight 1 per grapheme cluster of
// text[from:to]: Mastodon's server counts grapheme clusters.
func clusterUnits(out []unit, text string, from, to int) []unit {
	state := -1
	for pos, rest := from, text[from:to]; rest != ""; {
		var cluster string
		cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		out = append(out, unit{start: pos, end: pos + len(cluster), weight: 1})
		pos += len(cluster)
	}
	return out
}

func indexByteFrom(s string, b byte, from int) int {
	for i := from; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return -1
}

// threadsUnits follows Meta's wording for Threads: characters count one,
// except that an emoji counts as many as its UTF-8 bytes (a family emoji is
// 25). Meta documents no URL rule, so links count in full.
func threadsUnits(text string) []unit {
	out := make([]unit, 0, len(text))
	pos := 0
	for _, e := range emojiSpans(text) {
		out = runeUnits(out, text, pos, e.Start, one)
		out = append(out, unit{start: e.Start, end: e.End, weight: e.End - e.Start})
		pos = e.End
	}
	return runeUnits(out, text, pos, len(text), one)
}

// linkedInUnits charges what LinkedIn receives: the text after
// EscapeLinkedInLittle, in UTF-16 units, so each escaped reserved character
// costs two.
func linkedInUnits(text string) []unit {
	out := make([]unit, 0, len(text))
	pos := 0
	escaped := func(r rune) int {
		if isLittleReserved(r) {
			return 2
		}
		return runeUTF16(r)
	}
	for _, keep := range linkedInVerbatim(text) {
		out = runeUnits(out, text, pos, keep.Start, escaped)
		out = runeUnits(out, text, keep.Start, keep.End, runeUTF16)
		pos = keep.End
	}
	return runeUnits(out, text, pos, len(text), escaped)
}

// runeUTF16 is the number of UTF-16 code units of r.
func runeUTF16(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}
