package count

import (
	"sort"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file ports twitter-text's parseTweet (js/src/parseTweet.js, Apache
// License 2.0, Copyright Twitter, Inc.) with its v3 configuration
// (config/v3.json, mirrored in shared/testdata/twitter-text/v3.json).

// twitterConfig is twitter-text's configuration object. Weights are scaled
// integers: with scale 100 a weight of 200 is two characters.
type twitterConfig struct {
	scale         int
	defaultWeight int
	urlLength     int // transformedURLLength, in characters
	emoji         bool
	ranges        []weightRange
}

// weightRange gives code points start..end (inclusive) a weight other than
// the default.
type weightRange struct {
	start, end rune
	weight     int
}

// twitterV3 is v3.json: Latin, General Punctuation and the like weigh 1,
// everything else (CJK, emoji) 2, URLs 23, and an emoji sequence weighs 2
// however many code points it has.
var twitterV3 = twitterConfig{
	scale:         100,
	defaultWeight: 200,
	urlLength:     23,
	emoji:         true,
	ranges: []weightRange{
		{0, 4351, 100},
		{8192, 8205, 100},
		{8208, 8223, 100},
		{8242, 8247, 100},
	},
}

// weight is getCharacterWeight. twitter-text walks UTF-16, and for a
// character outside the BMP it weighs the low surrogate, so such characters
// take the default weight unless a range covers surrogates.
func (c twitterConfig) weight(r rune) int {
	if r > 0xFFFF {
		r = 0xDC00 + (r-0x10000)&0x3FF
	}
	for _, rg := range c.ranges {
		if r >= rg.start && r <= rg.end {
			return rg.weight
		}
	}
	return c.defaultWeight
}

// units splits NFC-normalised text into what parseTweet charges for: each
// URL (urlLength characters), each emoji sequence (the default weight), and
// otherwise each code point. Offsets are bytes of s.
func (c twitterConfig) units(s string, urlLength int) []unit {
	urls := extractURLs(s, true)
	var emoji []Span
	if c.emoji {
		emoji = emojiSpans(s)
	}
	out := make([]unit, 0, len(s))
	for i, ui, ei := 0, 0, 0; i < len(s); {
		// Entities that start inside an earlier entity are skipped, as the
		// reference loop jumps over them.
		for ui < len(urls) && urls[ui].Start < i {
			ui++
		}
		for ei < len(emoji) && emoji[ei].Start < i {
			ei++
		}
		var end, w int
		switch {
		case ui < len(urls) && urls[ui].Start == i:
			end, w = urls[ui].End, urlLength*c.scale
		case ei < len(emoji) && emoji[ei].Start == i:
			end, w = emoji[ei].End, c.defaultWeight
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			end, w = i+n, c.weight(r)
		}
		last, _ := utf8.DecodeLastRuneInString(s[i:end])
		out = append(out, unit{start: i, end: end, weight: w, invalid: isInvalidChar(last)})
		i = end
	}
	return out
}

// twitterScan reports X's units in original-text offsets. X counts the NFC
// form ("e" + U+0301 is one character), so the text is normalised and each
// unit mapped back; a unit that starts inside a normalisation segment joins
// the unit before it.
func twitterScan(text string, c twitterConfig, urlLength int, visit func(unit)) {
	nt := nfc(text)
	fine := c.units(nt.s, urlLength)
	for i := range fine {
		fine[i].start = nt.origin(fine[i].start)
	}
	mergeGraphemes(text, fine, visit)
}

// normText is an NFC form with enough bookkeeping to map offsets back.
type normText struct {
	s string
	// orig and norm are the starts of normalisation segments in the input
	// and in s; both nil when the input was already NFC.
	orig, norm []int
}

// nfc normalises text segment by segment. norm's boundaries are points the
// normalisation does not cross, so the segments' forms concatenate to the
// form of the whole; should that ever not hold, the text becomes one segment
// and offsets inside it snap to its start.
func nfc(text string) normText {
	if norm.NFC.IsNormalString(text) {
		return normText{s: text}
	}
	var b []byte
	var orig, nrm []int
	for p := 0; p < len(text); {
		n := norm.NFC.NextBoundaryInString(text[p:], true)
		if n <= 0 {
			n = len(text) - p
		}
		orig, nrm = append(orig, p), append(nrm, len(b))
		b = norm.NFC.AppendString(b, text[p:p+n])
		p += n
	}
	whole := norm.NFC.String(text)
	if string(b) != whole {
		return normText{s: whole, orig: []int{0}, norm: []int{0}}
	}
	return normText{s: whole, orig: orig, norm: nrm}
}

// origin maps a unit start in the normalised text to the input, or -1 when
// it falls inside a segment (and so has no input counterpart).
func (t normText) origin(q int) int {
	if t.norm == nil {
		return q
	}
	i := sort.SearchInts(t.norm, q)
	if i < len(t.norm) && t.norm[i] == q {
		return t.orig[i]
	}
	return -1
}
