package sense

import (
	"unicode/utf8"

	"herald/internal/provider/count"
)

// Emoji sequences follow the grammar of Unicode TS #51, read by the
// counting package (count.EmojiLen, without twemoji's text-presentation
// exceptions, which matter for counting but not for reading a message):
//
//	keycap:  [#*0-9] U+FE0F? U+20E3
//	flag:    regional indicator pair
//	element: pictograph (U+FE0F | skin tone)?  or  black flag + tag characters
//	zwj:     element (U+200D element)*
//
// A whole sequence is one token, so 👍🏽, ❤️ and 👨‍👩‍👧 are read as one
// sign each instead of falling apart into code points.

const (
	zwj  = 0x200D
	vs15 = 0xFE0E // text presentation selector
	vs16 = 0xFE0F // emoji presentation selector
)

func isSkinTone(r rune) bool { return r >= 0x1F3FB && r <= 0x1F3FF }

// firstRune decodes the first rune of s, -1 for an empty string.
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
// or 0 when s does not start with one (count.EmojiLen: the counting
// package's grammar without twemoji's text-presentation exceptions). A
// lone skin-tone modifier counts as an emoji so that it never becomes a
// stray symbol.
func emojiLen(s string) int { return count.EmojiLen(s) }

// appendEmojiKey appends the lexicon key of the emoji sequence seq to dst:
// the sequence without presentation selectors and skin tones, so 👍🏽 and 👍
// share an entry, and ❤️ (with U+FE0F) finds ❤. It also returns the length
// of the key's first element, the fallback for ZWJ sequences that have no
// entry of their own (👩🏽‍💻 falls back to 👩).
func appendEmojiKey(dst []byte, seq string) ([]byte, int) {
	start := len(dst)
	first := -1
	for _, r := range seq {
		switch {
		case r == vs16 || r == vs15 || isSkinTone(r):
			continue
		case r == zwj && first < 0:
			first = len(dst) - start
		}
		dst = utf8.AppendRune(dst, r)
	}
	if first < 0 {
		first = len(dst) - start
	}
	return dst, first
}
