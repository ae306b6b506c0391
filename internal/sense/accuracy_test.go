package sense

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// The accuracy tests measure the signals on the labelled sets in testdata
// and fail when a change makes them worse than the floors below, which sit
// just under the values measured when the floors were set (docs/SENSE.md
// lists them). Run with -v to see the confusion matrix and every miss.
const (
	sentimentFloor = 0.90
	holdoutFloor   = 0.90
	riskFloor      = 0.95
	languageFloor  = 0.88
)

type example struct {
	label, text string
	line        int
}

func readTSV(t testing.TB, name string) []example {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []example
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		label, text, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("testdata/%s:%d: want label<TAB>text", name, n)
		}
		out = append(out, example{label, text, n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// confusion counts predictions per true label.
type confusion struct {
	labels []string
	counts map[[2]string]int
}

func newConfusion(labels ...string) *confusion {
	return &confusion{labels: labels, counts: map[[2]string]int{}}
}

func (c *confusion) add(want, got string) { c.counts[[2]string{want, got}]++ }

func (c *confusion) accuracy() float64 {
	ok, n := 0, 0
	for k, v := range c.counts {
		n += v
		if k[0] == k[1] {
			ok += v
		}
	}
	return float64(ok) / float64(max(n, 1))
}

// report renders per-class precision/recall and the matrix (rows: truth).
func (c *confusion) report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "accuracy %.3f\n%-10s", c.accuracy(), "truth\\got")
	for _, l := range c.labels {
		fmt.Fprintf(&b, " %9s", l)
	}
	b.WriteString("    recall precision\n")
	for _, want := range c.labels {
		fmt.Fprintf(&b, "%-10s", want)
		row, hit := 0, c.counts[[2]string{want, want}]
		for _, got := range c.labels {
			n := c.counts[[2]string{want, got}]
			row += n
			fmt.Fprintf(&b, " %9d", n)
		}
		col := 0
		for _, w := range c.labels {
			col += c.counts[[2]string{w, want}]
		}
		fmt.Fprintf(&b, "    %.3f  %.3f\n", float64(hit)/float64(max(row, 1)), float64(hit)/float64(max(col, 1)))
	}
	return b.String()
}

func TestSentimentAccuracy(t *testing.T) {
	set := readTSV(t, "sentiment.tsv")
	if len(set) < 520 {
		t.Fatalf("sentiment.tsv has %d examples, want at least 520", len(set))
	}
	c := newConfusion(string(Positive), string(Neutral), string(Negative))
	var misses []string
	for _, e := range set {
		p := Sentiment(e.text)
		c.add(e.label, string(p.Label))
		if string(p.Label) != e.label {
			misses = append(misses, fmt.Sprintf("line %d: want %s got %s (%+.2f): %s", e.line, e.label, p.Label, p.Score, e.text))
		}
	}
	sort.Strings(misses)
	t.Logf("sentiment, %d messages\n%s\nmisses:\n%s", len(set), c.report(), strings.Join(misses, "\n"))
	if acc := c.accuracy(); acc < sentimentFloor {
		t.Errorf("sentiment accuracy %.3f is below the floor %.2f", acc, sentimentFloor)
	}
}

// riskLabel classifies a message the way docs/SENSE.md suggests rules use
// the scores: abuse first, then spam, at 0.5.
func riskLabel(text string) string {
	if Abuse(text).Score >= 0.5 {
		return "abuse"
	}
	if Spam(Message{Text: text}).Score >= 0.5 {
		return "spam"
	}
	return "ok"
}

func TestRiskAccuracy(t *testing.T) {
	set := readTSV(t, "spam.tsv")
	if len(set) < 120 {
		t.Fatalf("spam.tsv has %d examples, want at least 120", len(set))
	}
	c := newConfusion("spam", "abuse", "ok")
	var misses []string
	for _, e := range set {
		got := riskLabel(e.text)
		c.add(e.label, got)
		if got != e.label {
			misses = append(misses, fmt.Sprintf("line %d: want %s got %s (spam %.2f %q, abuse %.2f %q): %s", e.line, e.label, got,
				Spam(Message{Text: e.text}).Score, Spam(Message{Text: e.text}).Reasons, Abuse(e.text).Score, Abuse(e.text).Reasons, e.text))
		}
	}
	sort.Strings(misses)
	t.Logf("spam and abuse, %d messages\n%s\nmisses:\n%s", len(set), c.report(), strings.Join(misses, "\n"))
	if acc := c.accuracy(); acc < riskFloor {
		t.Errorf("spam/abuse accuracy %.3f is below the floor %.2f", acc, riskFloor)
	}
}

func TestLanguageAccuracy(t *testing.T) {
	set := readTSV(t, "lang.tsv")
	if len(set) < 150 {
		t.Fatalf("lang.tsv has %d examples, want at least 150", len(set))
	}
	per := map[string][2]int{}
	ok, unsure := 0, 0
	var misses []string
	for _, e := range set {
		code, conf := Language(e.text)
		p := per[e.label]
		p[1]++
		if code == e.label {
			ok++
			p[0]++
		} else {
			if code == "" {
				unsure++
			}
			misses = append(misses, fmt.Sprintf("line %d: want %s got %q (%.2f): %s", e.line, e.label, code, conf, e.text))
		}
		per[e.label] = p
	}
	var langs []string
	for l := range per {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	var b strings.Builder
	for _, l := range langs {
		fmt.Fprintf(&b, "%s %d/%d  ", l, per[l][0], per[l][1])
	}
	acc := float64(ok) / float64(len(set))
	sort.Strings(misses)
	answered := len(set) - unsure
	t.Logf("language, %d messages, %d languages: accuracy %.3f; %d unsure (\"\"), %.3f right when it answers\n%s\nmisses:\n%s",
		len(set), len(langs), acc, unsure, float64(ok)/float64(max(answered, 1)), b.String(), strings.Join(misses, "\n"))
	if acc < languageFloor {
		t.Errorf("language accuracy %.3f is below the floor %.2f", acc, languageFloor)
	}
}

// TestSentimentHoldoutAccuracy measures sentiment on messages that were written
// before the lexicon was tuned and never used for tuning: the number to
// expect on messages nobody has looked at.
func TestSentimentHoldoutAccuracy(t *testing.T) {
	set := readTSV(t, "sentiment_holdout.tsv")
	c := newConfusion(string(Positive), string(Neutral), string(Negative))
	var misses []string
	for _, e := range set {
		p := Sentiment(e.text)
		c.add(e.label, string(p.Label))
		if string(p.Label) != e.label {
			misses = append(misses, fmt.Sprintf("line %d: want %s got %s (%+.2f): %s", e.line, e.label, p.Label, p.Score, e.text))
		}
	}
	t.Logf("sentiment hold-out, %d messages\n%s", len(set), c.report())
	if acc := c.accuracy(); acc < holdoutFloor {
		t.Errorf("hold-out accuracy %.3f is below the floor %.2f\n%s", acc, holdoutFloor, strings.Join(misses, "\n"))
	}
}
