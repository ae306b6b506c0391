package count

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// spanTexts returns what each span covers, which reads better in failures
// than offsets; offsets are checked separately where they matter.
func spanTexts(s string, spans []Span) []string {
	var out []string
	for _, sp := range spans {
		out = append(out, s[sp.Start:sp.End])
	}
	return out
}

func TestURLs(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"no links here", nil},
		{"https://example.com", []string{"https://example.com"}},
		{"see example.com/path.", []string{"example.com/path"}},
		{"(https://en.wikipedia.org/wiki/Primer_(film))", []string{"https://en.wikipedia.org/wiki/Primer_(film)"}},
		{"HTTPS://EXAMPLE.COM/X", []string{"HTTPS://EXAMPLE.COM/X"}},
		{"mail me@example.com", nil},
		{"$example.com #example.com", nil},
		{"http://localhost:8080/", nil},
		{"bsky.app and go.dev", []string{"bsky.app", "go.dev"}},
		{"日本語https://example.jp/パス", []string{"https://example.jp/"}},
		{"http://例え.jp and 例え.jp", []string{"http://例え.jp"}},
		{"https://example.com:8443/x?y=1#z", []string{"https://example.com:8443/x?y=1#z"}},
		{"example.com?q=1", []string{"example.com"}},
	}
	for _, tt := range tests {
		if got := spanTexts(tt.text, URLs(tt.text)); !slices.Equal(got, tt.want) {
			t.Errorf("URLs(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestSpansAreUTF8ByteOffsets pins the offsets Bluesky facets need.
func TestSpansAreUTF8ByteOffsets(t *testing.T) {
	text := "✨ café https://bsky.app #über @alice.bsky.social"
	check := func(name string, got []Span, sub string) {
		t.Helper()
		start := strings.Index(text, sub)
		if want := []Span{{start, start + len(sub)}}; !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v (%q)", name, got, want, sub)
		}
	}
	check("URLs", URLs(text), "https://bsky.app")
	check("Hashtags", Hashtags(text), "#über")
	check("Mentions", Mentions(text), "@alice.bsky.social")
	if got := URLs(text)[0]; got.Start != 10 {
		t.Errorf("URL starts at byte %d, want 10 (✨ is 3 bytes, é is 2)", got.Start)
	}
}

func TestHashtags(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"#go", []string{"#go"}},
		{"#go, #rust!", []string{"#go", "#rust"}},
		{"On the #16 bus", nil},
		{"#1st place", []string{"#1st"}},
		{"café#tag", nil},
		{"#日本語 と #한국어", []string{"#日本語", "#한국어"}},
		{"＃全角", []string{"＃全角"}},
		{"keycap #️⃣ is not a tag", nil},
		{"#a#b", nil},
		{"https://example.com/#anchor", nil},
		{"&#39; is an entity", nil},
		{"#snake_case_tag", []string{"#snake_case_tag"}},
	}
	for _, tt := range tests {
		if got := spanTexts(tt.text, Hashtags(tt.text)); !slices.Equal(got, tt.want) {
			t.Errorf("Hashtags(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestMentions(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"@alice", []string{"@alice"}},
		{"hi @alice@mastodon.social!", []string{"@alice@mastodon.social"}},
		{"cc @bob.bsky.social.", []string{"@bob.bsky.social"}},
		{"(@carol-d.example.com)", []string{"@carol-d.example.com"}},
		{"mail bob@example.com", nil},
		{"a=@x or a/@x", nil},
		{"@alice@", nil},
		{"@alice@x", nil},
		{"@élodie", nil},
		{"@bob://", nil},
		{"@.dot", nil},
		{"@a @b", []string{"@a", "@b"}},
		{"@Alice_99@Social.Example", []string{"@Alice_99@Social.Example"}},
		{"@user@日本.example", []string{"@user@日本.example"}},
	}
	for _, tt := range tests {
		if got := spanTexts(tt.text, Mentions(tt.text)); !slices.Equal(got, tt.want) {
			t.Errorf("Mentions(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestExtractionIsLinear guards the memoised domain scanner: text that
// makes twitter-text's backtracking regexp quadratic must stay fast.
func TestExtractionIsLinear(t *testing.T) {
	inputs := map[string]string{
		"labels":     strings.Repeat("a.", 100000),
		"cjk":        strings.Repeat("あ", 100000) + ".com",
		"dashes":     strings.Repeat("-a", 100000) + ".",
		"underscore": strings.Repeat("a_", 50000) + "." + strings.Repeat("b.", 50000),
		"hashes":     strings.Repeat("#", 100000),
		"ats":        strings.Repeat("@a", 100000),
		"xn":         "xn--" + strings.Repeat("あ.", 50000),
	}
	for name, in := range inputs {
		start := time.Now()
		URLs(in)
		Hashtags(in)
		Mentions(in)
		Count(in, Defaults["x"])
		t.Logf("%s: %v", name, time.Since(start))
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: %v for %d bytes", name, d, len(in))
		}
	}
}
