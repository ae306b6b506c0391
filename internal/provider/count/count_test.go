package count

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

const (
	family   = "👩‍👩‍👧‍👦" // 7 code points, 11 UTF-16 units, 25 bytes, 1 grapheme
	flagJP   = "🇯🇵"
	thumbsUp = "👍🏽"  // with a skin tone
	keycap1  = "1️⃣" // digit, U+FE0F, U+20E3
	eAcute   = "e\u0301"
	hangul   = "\u1100\u1161\u11A8" // 각 as conjoining jamo
	hebrew   = "שלום"
	arabic   = "مرحبا"
)

func TestMeasure(t *testing.T) {
	tests := []struct {
		name string
		text string
		m    Method
		want int
	}{
		{"empty graphemes", "", Graphemes, 0},
		{"empty x", "", TwitterWeighted, 0},
		{"empty linkedin", "", LinkedInLittle, 0},
		{"zwj family is one grapheme", family, Graphemes, 1},
		{"zwj family bytes", family, UTF8Bytes, 25},
		{"zwj family utf16", family, UTF16Units, 11},
		{"zwj family code points", family, CodePoints, 7},
		{"flag grapheme", flagJP, Graphemes, 1},
		{"flag utf16", flagJP, UTF16Units, 4},
		{"skin tone grapheme", thumbsUp, Graphemes, 1},
		{"keycap grapheme", keycap1, Graphemes, 1},
		{"combining mark grapheme", eAcute, Graphemes, 1},
		{"combining mark code points", eAcute, CodePoints, 2},
		{"hangul jamo grapheme", hangul, Graphemes, 1},
		{"cjk graphemes", "漢字", Graphemes, 2},
		{"rtl graphemes", hebrew, Graphemes, 4},
		{"lone zwj grapheme", "\u200d", Graphemes, 1},

		{"x latin", "hello", TwitterWeighted, 5},
		{"x cjk weighs 2", "漢字", TwitterWeighted, 4},
		{"x hangul syllable", "한국어", TwitterWeighted, 6},
		{"x hangul jamo normalise to one syllable", hangul, TwitterWeighted, 2},
		{"x combining mark normalises", eAcute, TwitterWeighted, 1},
		{"x hebrew", hebrew, TwitterWeighted, 4},
		{"x arabic", arabic, TwitterWeighted, 5},
		{"x zwj family is one emoji", family, TwitterWeighted, 2},
		{"x flag", flagJP, TwitterWeighted, 2},
		{"x skin tone", thumbsUp, TwitterWeighted, 2},
		{"x keycap", keycap1, TwitterWeighted, 2},
		{"x heart with selector", "❤️", TwitterWeighted, 2},
		{"x copyright is text", "©", TwitterWeighted, 1},
		{"x copyright as emoji", "©️", TwitterWeighted, 2},
		{"x text presentation is not emoji", "☺︎", TwitterWeighted, 4},
		{"x lone zwj", "\u200d", TwitterWeighted, 1},
		{"x url with scheme", "https://example.com/a/rather/long/path?with=query", TwitterWeighted, 23},
		{"x url without scheme", "example.com", TwitterWeighted, 23},
		{"x url in text", "read example.com/news now", TwitterWeighted, 5 + 23 + 4},
		{"x email is not a url", "me@example.com", TwitterWeighted, 14},
		{"x trailing period not in url", "see https://go.dev.", TwitterWeighted, 4 + 23 + 1},

		{"mastodon url with scheme", "https://example.com/a/rather/long/path", MastodonChars, 23},
		{"mastodon url without scheme counts in full", "example.com", MastodonChars, 11},
		{"mastodon remote mention counts local part", "@alice@mastodon.social", MastodonChars, 6},
		{"mastodon local mention", "hi @alice", MastodonChars, 9},
		{"mastodon family is one grapheme, as the server counts", family, MastodonChars, 1},

		{"threads latin", "hello", ThreadsChars, 5},
		{"threads emoji bytes", "😀", ThreadsChars, 4},
		{"threads family bytes", family, ThreadsChars, 25},
		{"threads keycap bytes", keycap1, ThreadsChars, 7},
		{"threads cjk", "漢字", ThreadsChars, 2},

		{"linkedin plain", "hello", LinkedInLittle, 5},
		{"linkedin underscore escaped", "a_b", LinkedInLittle, 4},
		{"linkedin mention escaped", "@bob", LinkedInLittle, 5},
		{"linkedin hashtag kept", "#tag", LinkedInLittle, 4},
		{"linkedin url kept", "https://ex.com/a_b", LinkedInLittle, 18},
		{"linkedin parens escaped", "(x)", LinkedInLittle, 5},
		{"linkedin backslash escaped", `\`, LinkedInLittle, 2},
		{"linkedin emoji utf16", "😀", LinkedInLittle, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Measure(tt.text, tt.m, 0); got != tt.want {
				t.Errorf("Measure(%q, %s) = %d, want %d", tt.text, tt.m, got, tt.want)
			}
		})
	}
}

func TestMeasureURLLength(t *testing.T) {
	if got := Measure("https://example.com/x", MastodonChars, 30); got != 30 {
		t.Errorf("custom URL length: got %d, want 30", got)
	}
	if got := Measure("https://example.com/x", TwitterWeighted, 0); got != DefaultURLLength {
		t.Errorf("default URL length: got %d, want %d", got, DefaultURLLength)
	}
}

// TestLimitsEveryNetwork checks, for each default rule, text exactly at the
// limit and one unit over, with OverAt on the first unit that does not fit.
func TestLimitsEveryNetwork(t *testing.T) {
	for name, r := range Defaults {
		t.Run(name, func(t *testing.T) {
			if err := r.Validate(); err != nil {
				t.Fatal(err)
			}
			if res := Count("", r); res.Used != 0 || res.Over || res.OverAt != -1 {
				t.Errorf("empty: %+v", res)
			}
			limit, byBytes := r.Max, false
			if limit == 0 {
				limit, byBytes = r.MaxBytes, true
			}
			if limit == 0 {
				if res := Count(strings.Repeat("a", 100000), r); res.Over {
					t.Errorf("no limit but over: %+v", res)
				}
				return
			}
			at := strings.Repeat("a", limit)
			if res := Count(at, r); res.Over || res.OverAt != -1 || (!byBytes && res.Used != limit) {
				t.Errorf("at limit: %+v", res)
			}
			res := Count(at+"b", r)
			if !res.Over || res.OverAt != limit {
				t.Errorf("one over: %+v, want OverAt %d", res, limit)
			}
		})
	}
}

func TestOverAt(t *testing.T) {
	x, bsky := Defaults["x"], Defaults["bluesky"]
	tests := []struct {
		name   string
		text   string
		r      Rule
		used   int
		overAt int
	}{
		{"x emoji at limit", strings.Repeat("😷", 140), x, 280, -1},
		{"x emoji one over", strings.Repeat("😷", 140) + "a", x, 281, 560},
		{"x cjk one over", strings.Repeat("漢", 140) + "字", x, 282, 420},
		{"x url crossing the limit", strings.Repeat("a", 260) + " https://example.com/x", x, 284, 261},
		{"x family over", strings.Repeat("a", 279) + family, x, 281, 279},
		{"bluesky family at limit", strings.Repeat("a", 299) + family, bsky, 300, -1},
		{"bluesky grapheme over", strings.Repeat("a", 299) + family + eAcute, bsky, 301, 299 + 25},
		{"bluesky bytes at limit", strings.Repeat(family, 120), bsky, 120, -1},
		{"bluesky bytes over", strings.Repeat(family, 120) + "a", bsky, 121, 3000},
		{"bluesky bytes over mid cluster", strings.Repeat(family, 119) + strings.Repeat("a", 24) + family, bsky, 144, 2999},
		{"mastodon mention discount", strings.Repeat("a", 490) + " @alice@example.social", Defaults["mastodon"], 497, -1},
		{"threads emoji over", strings.Repeat("a", 497) + "😀", Defaults["threads"], 501, 497},
		{"linkedin escape over", strings.Repeat("a", 2999) + "_", Defaults["linkedin"], 3001, 2999},
		{"tiktok surrogate pair over", strings.Repeat("a", 2199) + "😀", Defaults["tiktok"], 2201, 2199},
		{"discord combining mark over", strings.Repeat("a", 1999) + eAcute, Defaults["discord"], 2001, 1999},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Count(tt.text, tt.r)
			if res.Used != tt.used || res.OverAt != tt.overAt || res.Over != (tt.overAt >= 0) || res.Bytes != len(tt.text) {
				t.Errorf("got %+v, want used %d overAt %d", res, tt.used, tt.overAt)
			}
			if res.Over && Count(tt.text[:res.OverAt], tt.r).Over {
				t.Errorf("prefix before OverAt %d is itself over", res.OverAt)
			}
		})
	}
}

func TestInvalidAt(t *testing.T) {
	res := Count("ok\uFEFFno", Defaults["x"])
	if res.InvalidAt != 2 || res.OK() {
		t.Errorf("got %+v, want InvalidAt 2 and not OK", res)
	}
	if res := Count("ok", Defaults["x"]); res.InvalidAt != -1 || !res.OK() {
		t.Errorf("clean text: %+v", res)
	}
}

func TestRuleValidate(t *testing.T) {
	if err := (Rule{Method: "furlongs", Max: 1}).Validate(); err == nil || !strings.HasPrefix(err.Error(), "count: ") {
		t.Errorf("unknown method: %v", err)
	}
	if err := (Rule{Method: Graphemes, Max: -1}).Validate(); err == nil {
		t.Error("negative limit accepted")
	}
	// An unknown method still counts, strictly: UTF-8 bytes.
	if res := Count("é", Rule{Method: "furlongs", Max: 1}); res.Used != 2 || !res.Over {
		t.Errorf("unknown method: %+v", res)
	}
}

func TestEscapeLinkedInLittle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{`a\b`, `a\\b`},
		{"@bob [x] (y) <z> {w} a|b *bold* _it_ ~s~", `\@bob \[x\] \(y\) \<z\> \{w\} a\|b \*bold\* \_it\_ \~s\~`},
		{"#golang and #go_lang rock", "#golang and #go_lang rock"},
		{"see https://ex.com/a_(b)?q=1 now", "see https://ex.com/a_(b)?q=1 now"},
		{"# alone", `\# alone`},
		{"日本語 (テスト)", `日本語 \(テスト\)`},
	}
	for _, tt := range tests {
		got := EscapeLinkedInLittle(tt.in)
		if got != tt.want {
			t.Errorf("EscapeLinkedInLittle(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if n := Measure(tt.in, LinkedInLittle, 0); n != utf16Len(got) {
			t.Errorf("Measure(%q, LinkedInLittle) = %d, escaped text has %d UTF-16 units", tt.in, n, utf16Len(got))
		}
	}
}

// TestExtendedPictographicMatchesUniseg checks the emoji table against the
// data uniseg segments with: a pictograph followed by ZWJ and another
// pictograph is one grapheme cluster (rule GB11), anything else is not.
func TestExtendedPictographicMatchesUniseg(t *testing.T) {
	for r := rune(0); r <= 0x1FFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		joined := uniseg.GraphemeClusterCount(string(r)+"\u200d\U0001F600") == 1
		if joined != isPictographic(r) {
			t.Fatalf("U+%04X: table says %v, uniseg says %v", r, isPictographic(r), joined)
		}
	}
}

func TestPunycode(t *testing.T) {
	for in, want := range map[string]string{
		"münchen": "mnchen-3ya",
		"bücher":  "bcher-kva",
		"☃":       "n3h",
		"例え":      "r8jz45g",
		"ü":       "tda",
	} {
		if got := punycode([]rune(in)); got != want {
			t.Errorf("punycode(%q) = %q, want %q", in, got, want)
		}
	}
	if !labelFitsDNS(strings.Repeat("a", 63)) || labelFitsDNS(strings.Repeat("a", 64)) || labelFitsDNS("") {
		t.Error("labelFitsDNS length bounds wrong")
	}
}

// TestNFCMapping checks that unit offsets map back to the original text.
func TestNFCMapping(t *testing.T) {
	text := "Ame\u0301lie " + hangul + " ok"
	nt := nfc(text)
	if nt.s != "Amélie 각 ok" {
		t.Fatalf("nfc = %q", nt.s)
	}
	var starts []int
	twitterScan(text, twitterV3, 23, func(u unit) { starts = append(starts, u.start) })
	want := []int{0, 1, 2, 5, 6, 7, 8, 9, 18, 19, 20}
	if fmt.Sprint(starts) != fmt.Sprint(want) {
		t.Errorf("unit starts %v, want %v", starts, want)
	}
	for _, s := range starts {
		if !utf8.RuneStart(text[s]) {
			t.Errorf("start %d is not a rune start", s)
		}
	}
}
