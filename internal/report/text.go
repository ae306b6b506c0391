package report

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// The PDF embeds the Go fonts, which cover Latin, Greek and Cyrillic
// scripts. A character they have no glyph for (emoji, CJK) would print as
// an empty box in some viewers and nothing in others, so printable swaps
// it for a visible stand-in.

var goFont = sync.OnceValue(func() *sfnt.Font {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		return nil // the embedded font always parses; without it nothing is replaced
	}
	return f
})

// stand-in for a character without a glyph: a white square, or "?" should
// the font lack it.
var standIn = sync.OnceValue(func() string {
	if hasGlyph(new(sfnt.Buffer), '□') {
		return "□"
	}
	return "?"
})

func hasGlyph(buf *sfnt.Buffer, r rune) bool {
	f := goFont()
	if f == nil {
		return true
	}
	i, err := f.GlyphIndex(buf, r)
	return err == nil && i != 0
}

// printable makes s safe for the report's font: line breaks and tabs
// become spaces, other control characters, joiners, variation selectors
// and skin-tone modifiers go, and each run of characters the font cannot
// draw becomes one stand-in.
func printable(s string) string {
	var b strings.Builder
	var buf sfnt.Buffer
	missing := false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r), r == 0x200B, r == 0x200D, r >= 0xFE00 && r <= 0xFE0F, r >= 0x1F3FB && r <= 0x1F3FF, r >= 0xE0020 && r <= 0xE007F:
			continue
		case !hasGlyph(&buf, r):
			if !missing {
				b.WriteString(standIn())
			}
			missing = true
			continue
		default:
			b.WriteRune(r)
		}
		missing = false
	}
	return b.String()
}
