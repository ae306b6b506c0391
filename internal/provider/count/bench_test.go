package count

import "testing"

// benchPost is a typical 280-character post: prose, a link, a mention, a
// hashtag, an emoji sequence and some non-Latin text.
const benchPost = "Shipping Herald 1.4 today 🎉 Scheduling now respects each account's own limits " +
	"(X tiers, Mastodon instances), and threads split at paragraphs first. Thanks @alice@fosstodon.org " +
	"for the report! Release notes: https://example.com/blog/herald-1-4 #selfhosted 日本語の説明もあります。 👩‍👩‍👧‍👦"

func BenchmarkCount(b *testing.B) {
	for _, m := range methods {
		r := Rule{Method: m, Max: 280}
		b.Run(string(m), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(benchPost)))
			for b.Loop() {
				Count(benchPost, r)
			}
		})
	}
}

func BenchmarkSplit(b *testing.B) {
	text := benchPost + "\n\n" + benchPost + " " + benchPost
	b.ReportAllocs()
	for b.Loop() {
		Split(text, Defaults["x"], SplitOptions{Number: true})
	}
}
