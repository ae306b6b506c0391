package sense

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSentimentLabels(t *testing.T) {
	tests := []struct {
		text string
		want Label
	}{
		// words, negation, "never"
		{"good", Positive},
		{"not good", Negative},
		{"bad", Negative},
		{"isn't bad", Positive},
		{"not bad at all", Positive},
		{"never again", Negative},
		{"I don't like the new layout", Negative},
		{"can't believe how slow this is", Negative},
		// emoji, with skin tones, presentation selectors and ZWJ sequences
		{"😍", Positive},
		{"😡", Negative},
		{"🙄", Negative},
		{"💩", Negative},
		{"❤️", Positive},
		{"❤", Positive},
		{"👍🏽", Positive},
		{"👍🏿👍🏿", Positive},
		{"🤦🏽‍♀️", Negative},
		{"❤️‍🔥", Positive},
		{"🔥🔥🔥", Positive},
		{"👨‍👩‍👧", Neutral},
		{"🤔", Neutral},
		{"🇩🇪", Neutral},
		// emoticons
		{":)", Positive},
		{":-)", Positive},
		{":(", Negative},
		{":-D", Positive},
		{"<3", Positive},
		{"xD", Positive},
		{"thanks:)", Positive},
		{"D:", Negative},
		// slang
		{"this is lit", Positive},
		{"that drop is fire", Positive},
		{"absolute goat", Positive},
		{"meh", Negative},
		{"this sucks", Negative},
		{"the update is mid", Negative},
		{"total trash", Negative},
		{"lol love it", Positive},
		// questions ask rather than state
		{"Is it any good for running?", Neutral},
		{"Do you ship to Canada?", Neutral},
		{"Why is customer service so terrible?", Negative},
		// other languages: no crash, and function words are not English
		{"Danke für die schnelle Hilfe!", Positive},
		{"Wann kommt die Lieferung?", Neutral},
		{"Très déçu de la qualité", Negative},
		{"注文はいつ届きますか？", Neutral},
		// nothing to read
		{"", Neutral},
		{"   \n\t ", Neutral},
		{"https://free-gifts.example/love-best-amazing", Neutral},
		{"@happy_customer", Neutral},
		{"\xff\xfe\xfd", Neutral},
	}
	for _, tt := range tests {
		if got := Sentiment(tt.text); got.Label != tt.want {
			t.Errorf("Sentiment(%q) = %s (%+.3f), want %s", tt.text, got.Label, got.Score, tt.want)
		}
	}
}

// TestSentimentRules checks each rule moves the score the right way.
func TestSentimentRules(t *testing.T) {
	tests := []struct {
		rule, more, less string // Score(more) > Score(less)
	}{
		{"intensifier", "very good", "good"},
		{"intensifier on negative", "bad", "extremely bad"},
		{"diminisher", "good", "kinda good"},
		{"diminisher", "good", "slightly good"},
		{"caps among lower case", "this is GREAT", "this is great"},
		{"caps on negative", "this is terrible", "this is TERRIBLE"},
		{"whole message in caps", "I LOVE IT", "i love it"},
		{"caps booster", "this is SO good", "this is so good"},
		{"exclamation marks", "great!!!", "great"},
		{"exclamation marks on negative", "awful", "awful!!!"},
		{"elongation", "sooo good", "good"},
		{"elongation of the word", "loooove it", "love it"},
		{"but: the clause after weighs more", "The service was slow but the food was great", "The food was great but the service was slow"},
		{"but: the clause before weighs less", "Great idea", "Great idea but the execution is poor"},
		{"negation scope ends at a comma", "not now, great job", "not great"},
		{"more emoji, stronger", "😍😍😍", "😍"},
		{"praise in a question counts less", "It is good.", "Is it good?"},
	}
	for _, tt := range tests {
		more, less := Sentiment(tt.more).Score, Sentiment(tt.less).Score
		if !(more > less) {
			t.Errorf("%s: Score(%q) = %+.3f, want more than Score(%q) = %+.3f", tt.rule, tt.more, more, tt.less, less)
		}
	}
}

func TestSentimentNegationFlips(t *testing.T) {
	for _, w := range []string{"good", "happy", "great", "helpful", "worth it"} {
		pos, neg := Sentiment("it is "+w), Sentiment("it is not "+w)
		if pos.Score <= 0 || neg.Score >= 0 {
			t.Errorf("%q = %+.3f, %q = %+.3f: want positive then negative", "it is "+w, pos.Score, "it is not "+w, neg.Score)
		}
	}
	for _, w := range []string{"bad", "terrible", "awful"} {
		if s := Sentiment("it isn't " + w).Score; s <= 0 {
			t.Errorf("Sentiment(%q) = %+.3f, want positive", "it isn't "+w, s)
		}
	}
}

func TestSentimentScoreRange(t *testing.T) {
	texts := []string{
		strings.Repeat("AMAZING!!! 😍😍😍 ", 500),
		strings.Repeat("HORRIBLE!!! 😡 ", 500),
		strings.Repeat("not ", 1000) + "good",
		strings.Repeat("👨‍👩‍👧‍👦", 300),
		strings.Repeat("\u200d\ufe0f", 100),
		strings.Repeat("a", 100000),
	}
	for _, text := range texts {
		p := Sentiment(text)
		if math.IsNaN(p.Score) || p.Score < -1 || p.Score > 1 {
			t.Errorf("Sentiment(%.20q...) score %v out of [-1, 1]", text, p.Score)
		}
	}
}

func TestLexiconFilesParse(t *testing.T) {
	lx := theLexicon()
	if len(lx.words) < 7000 || len(lx.phrases) < 100 {
		t.Fatalf("lexicon has %d words and %d phrases, want the embedded files loaded", len(lx.words), len(lx.phrases))
	}
	// Herald overrides VADER where social media disagrees.
	if lx.words["fire"].valence <= 0 || lx.words["please"].valence != 0 {
		t.Errorf("herald.txt overrides not applied: fire %v, please %v", lx.words["fire"].valence, lx.words["please"].valence)
	}
	// Every emoji entry must be a single emoji sequence in lookup form.
	for w := range lx.words {
		r, _ := utf8.DecodeRuneInString(w)
		if r < 0x2000 || emojiLen(w) == 0 || strings.Trim(w, "★") == "" {
			continue // not emoji, or a star rating read as a whole chunk
		}
		if emojiLen(w) != len(w) {
			t.Errorf("emoji entry %q is not one sequence", w)
		}
		if key, _ := appendEmojiKey(nil, w); string(key) != w {
			t.Errorf("emoji entry %q has a skin tone or U+FE0F; write %q", w, key)
		}
	}
}

func FuzzSentiment(f *testing.F) {
	for _, seed := range []string{
		"", "good", "not good!!!", "I LOVE IT 😍", "👍🏽", "❤️‍🔥", "👨‍👩‍👧", ":-D", "sooo baaad",
		"but but but", "Is it good?", "https://example.com x", "\xff\xfe", "1️⃣ #tag @user",
		"Danke für die Hilfe", "kind of", "no no no", "\u200d\u200d\ufe0f", "a\u0301",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p := Sentiment(text)
		if math.IsNaN(p.Score) || p.Score < -1 || p.Score > 1 {
			t.Fatalf("Sentiment(%q) score %v out of [-1, 1]", text, p.Score)
		}
		if p.Label != Positive && p.Label != Neutral && p.Label != Negative {
			t.Fatalf("Sentiment(%q) label %q", text, p.Label)
		}
		// the other signals take the same untrusted text
		for _, r := range []Risk{Spam(Message{Text: text, SameAuthorRepeats: 2, ThreadDomains: []string{}}), Abuse(text)} {
			if math.IsNaN(r.Score) || r.Score < 0 || r.Score > 1 {
				t.Fatalf("risk of %q = %v out of [0, 1]", text, r.Score)
			}
		}
		if _, conf := Language(text); conf < 0 || conf > 1 {
			t.Fatalf("Language(%q) confidence %v", text, conf)
		}
		_ = HasQuestion(text) || HasLink(text) || HasEmail(text) || HasPhone(text) || OnlyEmoji(text)
	})
}

// TestConcurrentUse runs every signal from several goroutines; run with
// -race to check the shared lexicons and the scanner pool.
func TestConcurrentUse(t *testing.T) {
	texts := []string{"I LOVE IT 😍", "not good!!!", "Check my bio bit.ly/x", "you idiot", "Wo bleibt meine Bestellung?"}
	want := make([]Signals, len(texts))
	for i, text := range texts {
		want[i] = Read(Message{Text: text})
	}
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- true }()
			for n := 0; n < 200; n++ {
				i := n % len(texts)
				got := Read(Message{Text: texts[i]})
				if got.Sentiment != want[i].Sentiment || got.Language != want[i].Language || got.Spam.Score != want[i].Spam.Score {
					t.Errorf("Read(%q) differs between calls: %+v vs %+v", texts[i], got, want[i])
					return
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
