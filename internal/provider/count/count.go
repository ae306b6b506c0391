// Package count measures post text the way each network does. It is the one
// place Herald counts text: the composer preview, API validation, the
// publisher and the thread splitter all call it, so a post accepted here is
// not refused for length at publish time.
//
// Networks disagree on what a character is. Bluesky counts grapheme clusters
// and UTF-8 bytes, X weighs code points and charges every URL 23, Mastodon
// charges URLs 23 and "@user@instance" as "@user", Threads charges emoji by
// their UTF-8 bytes, TikTok counts UTF-16 code units, and LinkedIn counts the
// text after escaping its "little" format. Each rule is a Method; a Rule adds
// the limits; Defaults holds the documented limits per network
// (shared/docs/PLATFORMS.md §5.1–5.2), which callers override per account because
// limits belong to the account (X tier, Mastodon instance).
//
// Example:
//
//	r := count.Defaults["bluesky"]
//	res := count.Count(text, r)
//	if res.Over {
//		fmt.Printf("too long from byte %d: %q\n", res.OverAt, text[res.OverAt:])
//	}
//	for i, part := range count.Split(text, r, count.SplitOptions{Number: true}) {
//		fmt.Println(i, part)
//	}
//	for _, link := range count.URLs(text) {
//		fmt.Println(text[link.Start:link.End]) // byte offsets, as Bluesky facets want
//	}
//
// The X rules port twitter-text v3 (https://github.com/twitter/twitter-text,
// Copyright Twitter, Inc., Apache License 2.0); the tests run its
// conformance files from shared/testdata/twitter-text.
package count

import "fmt"

// Method names a way of counting text. The values are stable strings so
// per-account overrides can be stored as data.
type Method string

// The counting methods. Each names the network rule it implements.
const (
	// Graphemes counts extended grapheme clusters (Unicode UAX #29): what a
	// reader sees as one character. Bluesky's maxGraphemes.
	Graphemes Method = "graphemes"
	// UTF8Bytes counts UTF-8 bytes. Bluesky's maxLength, YouTube descriptions.
	UTF8Bytes Method = "utf8_bytes"
	// UTF16Units counts UTF-16 code units, as JavaScript's String.length
	// does: an emoji outside the BMP is 2. TikTok, Instagram, Facebook.
	UTF16Units Method = "utf16_units"
	// CodePoints counts Unicode code points.
	CodePoints Method = "code_points"
	// TwitterWeighted is X's weighted length (twitter-text v3): NFC first,
	// weight 1 for Latin and common punctuation, 2 for everything else, 2 per
	// emoji sequence however many code points, and the rule's URLLength
	// (23) per URL.
	TwitterWeighted Method = "twitter_weighted"
	// MastodonChars counts grapheme clusters as Mastodon's server does
	// (StatusLengthValidator), with every http(s) URL counted as the rule's
	// URLLength (characters_reserved_per_url, 23) and a remote mention
	// "@user@instance" counted as "@user".
	MastodonChars Method = "mastodon_chars"
	// ThreadsChars counts characters, each emoji weighing its UTF-8 byte
	// length (Meta's documented wording).
	ThreadsChars Method = "threads_chars"
	// LinkedInLittle counts the UTF-16 code units of EscapeLinkedInLittle's
	// output, the text LinkedIn actually receives.
	LinkedInLittle Method = "linkedin_little"
)

// DefaultURLLength is what X (t.co) and Mastodon
// (characters_reserved_per_url) charge for a URL unless told otherwise.
const DefaultURLLength = 23

var methods = []Method{Graphemes, UTF8Bytes, UTF16Units, CodePoints, TwitterWeighted, MastodonChars, ThreadsChars, LinkedInLittle}

// Valid reports whether m is one of the package's methods.
func (m Method) Valid() bool {
	for _, k := range methods {
		if m == k {
			return true
		}
	}
	return false
}

// scale is the factor between a method's unit weights and its count.
func (m Method) scale() int {
	if m == TwitterWeighted {
		return twitterV3.scale
	}
	return 1
}

// Rule is a text limit: how to count, and how much is allowed. Zero limits
// mean "no limit". Rules are data; accounts override the Defaults.
type Rule struct {
	Method Method `json:"method"`
	// Max is the most the text may count under Method; 0 for no limit.
	Max int `json:"max"`
	// MaxBytes is a second ceiling in UTF-8 bytes that applies whatever
	// Method is (Bluesky: 300 graphemes and 3000 bytes); 0 for none.
	MaxBytes int `json:"max_bytes,omitempty"`
	// URLLength is what a URL counts under TwitterWeighted and
	// MastodonChars; 0 means DefaultURLLength.
	URLLength int `json:"url_length,omitempty"`
}

// Validate reports a rule that Count would not apply as written, such as one
// loaded from a per-account override.
func (r Rule) Validate() error {
	switch {
	case !r.Method.Valid():
		return fmt.Errorf("count: unknown method %q", r.Method)
	case r.Max < 0 || r.MaxBytes < 0 || r.URLLength < 0:
		return fmt.Errorf("count: negative limit in rule %+v", r)
	}
	return nil
}

func (r Rule) urlLength() int {
	if r.URLLength > 0 {
		return r.URLLength
	}
	return DefaultURLLength
}

// Result is the measure of one text against one rule.
type Result struct {
	// Used is the text's count under the rule's method.
	Used int `json:"used"`
	// Max and MaxBytes repeat the rule's limits (0 for none).
	Max      int `json:"max"`
	MaxBytes int `json:"max_bytes,omitempty"`
	// Bytes is the text's length in UTF-8 bytes.
	Bytes int `json:"bytes"`
	// Over reports that Used exceeds Max or Bytes exceeds MaxBytes.
	Over bool `json:"over"`
	// OverAt is the byte offset in the text of the first character (grapheme
	// cluster, or whole URL or emoji sequence) that does not fit, so
	// text[:OverAt] is the longest prefix within the limits; -1 if none.
	OverAt int `json:"over_at"`
	// InvalidAt is the byte offset of the first character the network
	// refuses outright (X: U+FFFE, U+FEFF, U+FFFF), -1 if none.
	InvalidAt int `json:"invalid_at"`
}

// OK reports whether the text is within the limits and has no refused
// characters.
func (r Result) OK() bool { return !r.Over && r.InvalidAt < 0 }

// Count measures text against r. An unknown method counts UTF-8 bytes, the
// largest of the encoding counts, so a bad override errs on the strict side;
// use Rule.Validate to catch it.
func Count(text string, r Rule) Result {
	m := r.Method
	if !m.Valid() {
		m = UTF8Bytes
	}
	res := Result{Max: r.Max, MaxBytes: r.MaxBytes, Bytes: len(text), OverAt: -1, InvalidAt: -1}
	if used, ok := measureSimple(text, m); ok {
		res.Used = used
		if !res.exceeds() {
			return res
		}
	}
	scale := m.scale()
	sum, bytesOver := 0, -1
	scan(text, m, r.urlLength(), func(u unit) {
		sum += u.weight
		if r.Max > 0 && res.OverAt < 0 && sum > r.Max*scale {
			res.OverAt = u.start
		}
		if r.MaxBytes > 0 && bytesOver < 0 && u.end > r.MaxBytes {
			bytesOver = u.start
		}
		if u.invalid && res.InvalidAt < 0 {
			res.InvalidAt = u.start
		}
	})
	// Twitter's weights can be fractional in other configurations; rounding
	// up never lets an over-long post through.
	res.Used = (sum + scale - 1) / scale
	if bytesOver >= 0 && (res.OverAt < 0 || bytesOver < res.OverAt) {
		res.OverAt = bytesOver
	}
	res.Over = res.exceeds()
	return res
}

func (r Result) exceeds() bool {
	return (r.Max > 0 && r.Used > r.Max) || (r.MaxBytes > 0 && r.Bytes > r.MaxBytes)
}

// Measure returns how much text counts under m, with urlLength the length
// charged per URL by TwitterWeighted and MastodonChars (0 for
// DefaultURLLength).
func Measure(text string, m Method, urlLength int) int {
	return Count(text, Rule{Method: m, URLLength: urlLength}).Used
}
