package sense

import "testing"

// The benchmarks cycle through the labelled messages so that the mix of
// lengths, emoji and languages is that of an inbox. Throughput in messages
// per second is reported as msgs/s (one core: go test -bench . -cpu 1).

func benchTexts(b *testing.B) []string {
	var texts []string
	for _, e := range readTSV(b, "sentiment.tsv") {
		texts = append(texts, e.text)
	}
	return texts
}

func report(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkSentiment(b *testing.B) {
	texts := benchTexts(b)
	Sentiment(texts[0]) // load the lexicon outside the timing
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Sentiment(texts[i%len(texts)])
	}
	report(b)
}

func BenchmarkSpam(b *testing.B) {
	texts := benchTexts(b)
	Spam(Message{Text: texts[0]})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Spam(Message{Text: texts[i%len(texts)], ThreadDomains: []string{"herald-app.com"}})
	}
	report(b)
}

func BenchmarkAbuse(b *testing.B) {
	texts := benchTexts(b)
	Abuse(texts[0])
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Abuse(texts[i%len(texts)])
	}
	report(b)
}

func BenchmarkLanguage(b *testing.B) {
	var texts []string
	for _, e := range readTSV(b, "lang.tsv") {
		texts = append(texts, e.text)
	}
	Language(texts[0])
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Language(texts[i%len(texts)])
	}
	report(b)
}

func BenchmarkFeatures(b *testing.B) {
	texts := benchTexts(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t := texts[i%len(texts)]
		_ = HasQuestion(t) || HasLink(t) || HasEmail(t) || HasPhone(t) || OnlyEmoji(t)
	}
	report(b)
}
