package count

import "strings"

// LinkedIn's "little" text format gives these characters a meaning (mention
// and hashtag templates, emphasis); unescaped, LinkedIn does not reject the
// post but silently truncates it at the first one it cannot parse.
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
const littleReserved = `\|{}@[]()<>#*_~`

func isLittleReserved(r rune) bool {
	return r < 0x80 && strings.IndexByte(littleReserved, byte(r)) >= 0
}

// EscapeLinkedInLittle backslash-escapes the little format's reserved
// characters \ | { } @ [ ] ( ) < > # * _ ~ so LinkedIn publishes text as
// typed. URLs and #hashtags are left as they are, so LinkedIn still links
// them. Count with LinkedInLittle measures this escaped form.
func EscapeLinkedInLittle(s string) string {
	if !strings.ContainsAny(s, littleReserved) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	pos := 0
	// Byte-wise: the reserved characters are ASCII, which never occurs
	// inside a multi-byte sequence, and other bytes pass through unchanged.
	escape := func(part string) {
		for i := 0; i < len(part); i++ {
			if strings.IndexByte(littleReserved, part[i]) >= 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(part[i])
		}
	}
	for _, keep := range linkedInVerbatim(s) {
		escape(s[pos:keep.Start])
		b.WriteString(s[keep.Start:keep.End])
		pos = keep.End
	}
	escape(s[pos:])
	return b.String()
}

// linkedInVerbatim returns the spans EscapeLinkedInLittle leaves alone: URLs
// and hashtags, in order and without overlaps.
func linkedInVerbatim(s string) []Span {
	if !strings.ContainsAny(s, ".#＃") {
		return nil
	}
	urls := URLs(s)
	ents := removeOverlaps(tagged(urls, kindURL), tagged(hashtags(s, urls), kindHashtag))
	out := make([]Span, len(ents))
	for i, e := range ents {
		out[i] = e.Span
	}
	return out
}
