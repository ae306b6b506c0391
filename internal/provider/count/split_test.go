package count

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
)

// checkSplit asserts Split's contract on one result: each segment (minus
// its counter) is the next piece of text after white space, starts and ends
// on grapheme cluster boundaries, has no white space at its ends, and fits
// the rule unless it is a single grapheme cluster; together the pieces
// cover all of text but white space at the breaks.
func checkSplit(t *testing.T, text string, r Rule, opts SplitOptions, segs []string) {
	t.Helper()
	bounds := map[int]bool{0: true}
	state, pos := -1, 0
	for rest := text; rest != ""; {
		var c string
		c, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		pos += len(c)
		bounds[pos] = true
	}
	pos = 0
	for i, seg := range segs {
		body := seg
		if opts.Number && len(segs) > 1 {
			counter := fmt.Sprintf(" %d/%d", i+1, len(segs))
			if !strings.HasSuffix(seg, counter) {
				t.Fatalf("segment %d %q lacks counter %q", i, seg, counter)
			}
			body = strings.TrimSuffix(seg, counter)
		}
		pos = skipSpace(text, pos)
		if body == "" || !strings.HasPrefix(text[pos:], body) {
			t.Fatalf("segment %d %q is not the text at byte %d: %q", i, body, pos, text[pos:])
		}
		if !bounds[pos] || !bounds[pos+len(body)] {
			t.Fatalf("segment %d %q cuts a grapheme cluster", i, body)
		}
		if clusters := graphemes(body); spaceCluster(clusters[0]) || spaceCluster(clusters[len(clusters)-1]) {
			t.Fatalf("segment %d %q has white space at an end", i, body)
		}
		if Count(seg, r).Over && uniseg.GraphemeClusterCount(body) > 1 {
			t.Fatalf("segment %d %q is over %+v: %+v", i, seg, r, Count(seg, r))
		}
		pos += len(body)
	}
	for _, c := range graphemes(text[pos:]) {
		if !spaceCluster(c) {
			t.Fatalf("text after the last segment was dropped: %q", text[pos:])
		}
	}
}

func graphemes(s string) []string {
	var out []string
	for state := -1; s != ""; {
		var c string
		c, s, _, state = uniseg.FirstGraphemeClusterInString(s, state)
		out = append(out, c)
	}
	return out
}

func words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("word%d", i)
	}
	return strings.Join(w, " ")
}

func TestSplitBasics(t *testing.T) {
	x := Defaults["x"]
	if got := Split("", x, SplitOptions{}); got != nil {
		t.Errorf("empty: %q", got)
	}
	if got := Split(" \n\t ", x, SplitOptions{}); got != nil {
		t.Errorf("white space: %q", got)
	}
	if got := Split("  short post  ", x, SplitOptions{Number: true}); !slices.Equal(got, []string{"short post"}) {
		t.Errorf("fits: %q", got)
	}
	if got := Split(words(500), Rule{Method: Graphemes}, SplitOptions{}); len(got) != 1 {
		t.Errorf("no limit: %d segments", len(got))
	}
}

func TestSplitPrefersParagraphsThenSentencesThenWords(t *testing.T) {
	r := Rule{Method: Graphemes, Max: 60}
	tests := []struct {
		name string
		text string
		want []string
	}{
		{
			"paragraph",
			"First paragraph has some words in it.\n\nSecond paragraph follows here and is long enough.",
			[]string{"First paragraph has some words in it.", "Second paragraph follows here and is long enough."},
		},
		{
			"sentence",
			"One sentence that is fairly long. Another sentence that goes on and on for a while.",
			[]string{"One sentence that is fairly long.", "Another sentence that goes on and on for a while."},
		},
		{
			"words",
			"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi",
			[]string{"alpha beta gamma delta epsilon zeta eta theta iota kappa", "lambda mu nu xi omicron pi"},
		},
		{
			"short paragraph is not worth a segment",
			"Hi.\n\nThis paragraph is long enough that it has to be split somewhere near its end.",
			[]string{"Hi.\n\nThis paragraph is long enough that it has to be split", "somewhere near its end."},
		},
		{
			"long word is cut",
			strings.Repeat("x", 130),
			[]string{strings.Repeat("x", 60), strings.Repeat("x", 60), strings.Repeat("x", 10)},
		},
		{
			"cjk breaks between ideographs",
			strings.Repeat("漢字", 40),
			[]string{strings.Repeat("漢字", 30), strings.Repeat("漢字", 10)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.text, r, SplitOptions{})
			checkSplit(t, tt.text, r, SplitOptions{}, got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSplitKeepsURLsAndClusters(t *testing.T) {
	r := Rule{Method: Graphemes, Max: 40}
	url := "https://example.com/a/long/path/segment"
	text := "look " + url + " and " + strings.Repeat(family, 50)
	got := Split(text, r, SplitOptions{})
	checkSplit(t, text, r, SplitOptions{}, got)
	if !slices.Contains(got, url) && !strings.Contains(got[0], url) {
		t.Errorf("URL was cut: %q", got)
	}
	// A URL longer than a whole segment has to be cut; nothing else fits.
	long := "https://example.com/" + strings.Repeat("p", 100)
	got = Split(long, r, SplitOptions{})
	checkSplit(t, long, r, SplitOptions{}, got)
	if strings.Join(got, "") != long {
		t.Errorf("long URL pieces %q", got)
	}
}

func TestSplitNumbering(t *testing.T) {
	for name, r := range Defaults {
		if r.Max == 0 {
			continue
		}
		t.Run(name, func(t *testing.T) {
			text := strings.Repeat(words(60)+". ", 1+3*r.Max/400)
			opts := SplitOptions{Number: true}
			got := Split(text, r, opts)
			checkSplit(t, text, r, opts, got)
			if len(got) < 2 {
				t.Fatalf("%d segments", len(got))
			}
		})
	}
	// Ten or more segments widen the counter; every one must still fit.
	r := Rule{Method: TwitterWeighted, Max: 50}
	text := words(200)
	opts := SplitOptions{Number: true}
	got := Split(text, r, opts)
	checkSplit(t, text, r, opts, got)
	if len(got) < 10 || !strings.HasSuffix(got[0], fmt.Sprintf(" 1/%d", len(got))) {
		t.Errorf("segments %q", got)
	}
	custom := Split(text, r, SplitOptions{Number: true, NumberFormat: " (%d of %d)"})
	if !strings.HasSuffix(custom[0], fmt.Sprintf(" (1 of %d)", len(custom))) || Count(custom[0], r).Over {
		t.Errorf("custom format: %q", custom[0])
	}
}

func TestSplitBlueskyBytes(t *testing.T) {
	r := Defaults["bluesky"]
	text := strings.Repeat(family+" ", 200) // 200 graphemes of text but 5,200 bytes
	got := Split(text, r, SplitOptions{})
	checkSplit(t, text, r, SplitOptions{}, got)
	for _, s := range got {
		if len(s) > 3000 {
			t.Errorf("segment of %d bytes", len(s))
		}
	}
}

func TestSplitTwitterWeights(t *testing.T) {
	r := Defaults["x"]
	text := strings.Repeat("漢字かな ", 100) + "https://example.com/" + strings.Repeat("x", 300)
	got := Split(text, r, SplitOptions{Number: true})
	checkSplit(t, text, r, SplitOptions{Number: true}, got)
	if last := got[len(got)-1]; !strings.Contains(last, "https://example.com/") {
		t.Errorf("URL (weight 23) should fit whole in one segment: %q", last)
	}
}
