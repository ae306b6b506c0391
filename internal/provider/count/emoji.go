package count

import (
	"unicode"
	"unicode/utf8"
)

// Emoji sequences are recognised with the grammar of Unicode TS #51 rather
// than twemoji's enumerated list of every known sequence (the list twitter-text
// uses): the list goes stale with every Unicode release, the grammar does not,
// and both agree on every sequence in the conformance suite. A sequence is
//
//	keycap:  [#*0-9] U+FE0F? U+20E3
//	flag:    regional indicator pair (a lone indicator is a one-rune sequence)
//	element: pictograph (U+FE0F | skin tone)?  or  black flag + tag characters
//	zwj:     element (U+200D element)*
//
// As in twemoji, ©, ®, ™ and ♟ are emoji only when followed by U+FE0F (they
// are ordinary text otherwise), and a pictograph followed by the text
// presentation selector U+FE0E is not an emoji.

const (
	zwj             = 0x200D
	vs15            = 0xFE0E // text presentation selector
	vs16            = 0xFE0F // emoji presentation selector
	combiningKeycap = 0x20E3
	blackFlag       = 0x1F3F4
	cancelTag       = 0xE007F
)

// extendedPictographic is the Extended_Pictographic property of Unicode 15.0
// (emoji-data.txt), the same data github.com/rivo/uniseg segments with;
// TestExtendedPictographicMatchesUniseg checks the two agree. Go's unicode
// package does not export this property.
var extendedPictographic = &unicode.RangeTable{
	LatinOffset: 2,
	R16: []unicode.Range16{
		{0x00A9, 0x00A9, 1}, {0x00AE, 0x00AE, 1}, {0x203C, 0x203C, 1}, {0x2049, 0x2049, 1},
		{0x2122, 0x2122, 1}, {0x2139, 0x2139, 1}, {0x2194, 0x2199, 1}, {0x21A9, 0x21AA, 1},
		{0x231A, 0x231B, 1}, {0x2328, 0x2328, 1}, {0x2388, 0x2388, 1}, {0x23CF, 0x23CF, 1},
		{0x23E9, 0x23F3, 1}, {0x23F8, 0x23FA, 1}, {0x24C2, 0x24C2, 1}, {0x25AA, 0x25AB, 1},
		{0x25B6, 0x25B6, 1}, {0x25C0, 0x25C0, 1}, {0x25FB, 0x25FE, 1}, {0x2600, 0x2605, 1},
		{0x2607, 0x2612, 1}, {0x2614, 0x2685, 1}, {0x2690, 0x2705, 1}, {0x2708, 0x2712, 1},
		{0x2714, 0x2714, 1}, {0x2716, 0x2716, 1}, {0x271D, 0x271D, 1}, {0x2721, 0x2721, 1},
		{0x2728, 0x2728, 1}, {0x2733, 0x2734, 1}, {0x2744, 0x2744, 1}, {0x2747, 0x2747, 1},
		{0x274C, 0x274C, 1}, {0x274E, 0x274E, 1}, {0x2753, 0x2755, 1}, {0x2757, 0x2757, 1},
		{0x2763, 0x2767, 1}, {0x2795, 0x2797, 1}, {0x27A1, 0x27A1, 1}, {0x27B0, 0x27B0, 1},
		{0x27BF, 0x27BF, 1}, {0x2934, 0x2935, 1}, {0x2B05, 0x2B07, 1}, {0x2B1B, 0x2B1C, 1},
		{0x2B50, 0x2B50, 1}, {0x2B55, 0x2B55, 1}, {0x3030, 0x3030, 1}, {0x303D, 0x303D, 1},
		{0x3297, 0x3297, 1}, {0x3299, 0x3299, 1},
	},
	R32: []unicode.Range32{
		{0x1F000, 0x1F0FF, 1}, {0x1F10D, 0x1F10F, 1}, {0x1F12F, 0x1F12F, 1}, {0x1F16C, 0x1F171, 1},
		{0x1F17E, 0x1F17F, 1}, {0x1F18E, 0x1F18E, 1}, {0x1F191, 0x1F19A, 1}, {0x1F1AD, 0x1F1E5, 1},
		{0x1F201, 0x1F20F, 1}, {0x1F21A, 0x1F21A, 1}, {0x1F22F, 0x1F22F, 1}, {0x1F232, 0x1F23A, 1},
		{0x1F23C, 0x1F23F, 1}, {0x1F249, 0x1F3FA, 1}, {0x1F400, 0x1F53D, 1}, {0x1F546, 0x1F64F, 1},
		{0x1F680, 0x1F6FF, 1}, {0x1F774, 0x1F77F, 1}, {0x1F7D5, 0x1F7FF, 1}, {0x1F80C, 0x1F80F, 1},
		{0x1F848, 0x1F84F, 1}, {0x1F85A, 0x1F85F, 1}, {0x1F888, 0x1F88F, 1}, {0x1F8AE, 0x1F8FF, 1},
		{0x1F90C, 0x1F93A, 1}, {0x1F93C, 0x1F945, 1}, {0x1F947, 0x1FAFF, 1}, {0x1FC00, 0x1FFFD, 1},
	},
}

func isPictographic(r rune) bool { return r >= 0xA9 && unicode.Is(extendedPictographic, r) }

func isSkinTone(r rune) bool { return r >= 0x1F3FB && r <= 0x1F3FF }

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

func isTag(r rune) bool { return r >= 0xE0020 && r <= 0xE007E }

// needsEmojiSelector reports the pictographs twemoji treats as text unless an
// explicit U+FE0F asks for the emoji form.
func needsEmojiSelector(r rune) bool {
	return r == 0xA9 || r == 0xAE || r == 0x2122 || r == 0x265F
}

// firstRune decodes the first rune of s, returning -1 for an empty string so
// callers can compare against code points without a length check.
func firstRune(s string) (rune, int) {
	if s == "" {
		return -1, 0
	}
	if s[0] < utf8.RuneSelf {
		return rune(s[0]), 1
	}
	return utf8.DecodeRuneInString(s)
}

// emojiLen returns the byte length of the emoji sequence at the start of s,
// or 0 when s does not start with one, as twemoji counts them.
func emojiLen(s string) int { return sequenceLen(s, true) }

// EmojiLen returns the byte length of the emoji sequence (Unicode TS #51:
// keycap, flag, pictograph with selector and skin tone, tag sequence, ZWJ
// sequence) at the start of s, or 0 when s does not start with one. Unlike
// the counting rules, it reads ©, ®, ™ and ♟ as emoji without U+FE0F, the
// way a person reading a message does (package sense).
func EmojiLen(s string) int { return sequenceLen(s, false) }

// sequenceLen is emojiLen; twemoji says whether twemoji's text-presentation
// exceptions apply.
func sequenceLen(s string, twemoji bool) int {
	r, n := firstRune(s)
	switch {
	case r == '#' || r == '*' || (r >= '0' && r <= '9'):
		i := n
		if next, m := firstRune(s[i:]); next == vs16 {
			i += m
		}
		if next, m := firstRune(s[i:]); next == combiningKeycap {
			return i + m
		}
		return 0
	case isRegionalIndicator(r):
		if next, m := firstRune(s[n:]); isRegionalIndicator(next) {
			return n + m
		}
		return n
	case isSkinTone(r):
		return n
	}
	i := emojiElement(s, twemoji)
	if i == 0 {
		return 0
	}
	if next, _ := firstRune(s[i:]); next == vs15 {
		return 0
	}
	for {
		next, m := firstRune(s[i:])
		if next != zwj {
			return i
		}
		e := emojiElement(s[i+m:], twemoji)
		if e == 0 {
			return i
		}
		i += m + e
	}
}

// emojiElement returns the byte length of one pictograph with its optional
// presentation selector and skin tone, or of a tag sequence (subdivision
// flags such as England's), at the start of s.
func emojiElement(s string, twemoji bool) int {
	r, n := firstRune(s)
	if r < 0 || !isPictographic(r) {
		return 0
	}
	if r == blackFlag {
		i := n
		for {
			t, m := firstRune(s[i:])
			if !isTag(t) {
				break
			}
			i += m
		}
		if t, m := firstRune(s[i:]); i > n && t == cancelTag {
			return i + m
		}
	}
	i := n
	next, m := firstRune(s[i:])
	if twemoji && needsEmojiSelector(r) && next != vs16 {
		return 0
	}
	if next == vs16 {
		i += m
		next, m = firstRune(s[i:])
	}
	if isSkinTone(next) {
		i += m
	}
	return i
}

// emojiSpans lists the emoji sequences of s left to right, the way twemoji's
// global regexp scan finds them: a sequence never starts inside another.
func emojiSpans(s string) []Span {
	var out []Span
	for i := 0; i < len(s); {
		if l := emojiLen(s[i:]); l > 0 {
			out = append(out, Span{i, i + l})
			i += l
			continue
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return out
}
