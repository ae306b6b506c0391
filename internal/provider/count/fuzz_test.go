package count

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

var fuzzSeeds = []string{
	"",
	"hello world",
	family + flagJP + thumbsUp + keycap1 + eAcute + hangul + hebrew + arabic,
	"see https://example.com/a_(b)?q=1. and example.com, t.co/abc",
	"@alice@mastodon.social @bob.bsky.social #tag #日本語 ＃全角",
	"Ame\u0301lie \u200d\u200d ©️ ☺︎ ok\uFEFF",
	"para one.\n\npara two! Sentence three? " + strings.Repeat("漢字", 30),
	"\xff\xfe invalid \xe2\x82 utf-8",
}

// FuzzCount checks Count's invariants under every method.
func FuzzCount(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, uint16(10))
	}
	f.Fuzz(func(t *testing.T, text string, max uint16) {
		bounds := map[int]bool{0: true}
		state, pos := -1, 0
		for rest := text; rest != ""; {
			var c string
			c, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
			pos += len(c)
			bounds[pos] = true
		}
		for _, m := range methods {
			r := Rule{Method: m, Max: int(max % 300)}
			if max%3 == 0 {
				r.MaxBytes = int(max % 200)
			}
			res := Count(text, r)
			if res.Used < 0 || res.Bytes != len(text) {
				t.Fatalf("%s: %+v", m, res)
			}
			if m == Graphemes && res.Used > utf8.RuneCountInString(text) {
				t.Fatalf("graphemes %d > runes %d", res.Used, utf8.RuneCountInString(text))
			}
			if res.Over != (res.OverAt >= 0) {
				t.Fatalf("%s: Over and OverAt disagree: %+v", m, res)
			}
			if res.Over && (res.OverAt >= len(text) || !bounds[res.OverAt]) {
				t.Fatalf("%s: OverAt %d is not a grapheme boundary inside %q", m, res.OverAt, text)
			}
			if res.Used != Measure(text, m, 0) {
				t.Fatalf("%s: Measure disagrees with Count", m)
			}
			// Where counting is context-free, the prefix before OverAt fits.
			if res.Over && m != TwitterWeighted && m != MastodonChars && m != LinkedInLittle {
				if p := Count(text[:res.OverAt], r); p.Over {
					t.Fatalf("%s: prefix %q before OverAt is over: %+v", m, text[:res.OverAt], p)
				}
			}
		}
	})
}

// FuzzSplit checks Split's contract for every method and small limits.
func FuzzSplit(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, uint8(0), uint8(20), false)
		f.Add(s+" "+s, uint8(4), uint8(30), true)
	}
	f.Fuzz(func(t *testing.T, text string, method, max uint8, number bool) {
		if len(text) > 2000 {
			return // long inputs only slow the fuzzer down; the logic is the same
		}
		r := Rule{Method: methods[int(method)%len(methods)], Max: 1 + int(max%60)}
		if max%4 == 0 {
			r.MaxBytes = 8 + int(max%90)
		}
		opts := SplitOptions{Number: number}
		checkSplit(t, text, r, opts, Split(text, r, opts))
	})
}
