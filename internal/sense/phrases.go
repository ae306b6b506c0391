package sense

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

var (
	//go:embed lexicon/spam.txt
	spamText string
	//go:embed lexicon/abuse.txt
	abuseText string
)

// phraseList matches weighted phrases on normalised words.
type phraseList struct {
	entries  map[string]phraseEntry // normalised phrase -> entry
	first    map[string]bool        // first words of phrases
	vocab    map[string]bool        // every word used
	words    []string               // vocab, sorted: masked words resolve the same way every time
	maxWords int
}

type phraseEntry struct {
	kind, phrase string
	weight       float64
}

type phraseHit struct {
	phraseEntry
	at int // index of the first word
}

type riskLists struct{ spam, abuse phraseList }

var theRiskLists = sync.OnceValue(func() *riskLists {
	return &riskLists{spam: loadPhrases("spam.txt", spamText, false), abuse: loadPhrases("abuse.txt", abuseText, true)}
})

// loadPhrases reads "weight<TAB>phrase" (spam) or "kind<TAB>weight<TAB>phrase"
// (abuse) lines. Phrases are normalised like message text, so the two always
// agree.
func loadPhrases(name, text string, kinds bool) phraseList {
	pl := phraseList{entries: map[string]phraseEntry{}, first: map[string]bool{}, vocab: map[string]bool{}}
	for n, line := range strings.Split(text, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		kind := "spam"
		if kinds && len(f) == 3 {
			kind, f = f[0], f[1:]
		}
		w, err := strconv.ParseFloat(f[0], 64)
		if len(f) != 2 || err != nil || (kinds && kind == "spam") {
			panic(fmt.Sprintf("sense: lexicon/%s line %d: malformed %q", name, n+1, line))
		}
		words := normWords(f[1], false)
		pl.entries[strings.Join(words, " ")] = phraseEntry{kind, f[1], w}
		pl.first[words[0]] = true
		pl.maxWords = max(pl.maxWords, len(words))
		for _, w := range words {
			if !pl.vocab[w] {
				pl.vocab[w] = true
				pl.words = append(pl.words, w)
			}
		}
	}
	slices.Sort(pl.words)
	return pl
}

func (pl *phraseList) match(text string) []phraseHit {
	return pl.matchWords(normWords(text, false))
}

// matchWords finds phrases left to right, longest first; masked words
// ("f*ck") match any list word of the same length and letters.
func (pl *phraseList) matchWords(words []string) []phraseHit {
	for i, w := range words {
		switch {
		case strings.IndexByte(w, '*') >= 0:
			words[i] = pl.unmask(w)
		case !pl.vocab[w] && pl.vocab[undouble(w)]:
			words[i] = undouble(w)
		}
	}
	var hits []phraseHit
	var key strings.Builder
	for i := 0; i < len(words); i++ {
		if !pl.first[words[i]] {
			continue
		}
		for n := min(pl.maxWords, len(words)-i); n >= 1; n-- {
			key.Reset()
			for k := i; k < i+n; k++ {
				if k > i {
					key.WriteByte(' ')
				}
				key.WriteString(words[k])
			}
			if e, ok := pl.entries[key.String()]; ok {
				hits = append(hits, phraseHit{e, i})
				i += n - 1
				break
			}
		}
	}
	return hits
}

// unmask resolves a word with masking stars to the first list word of the
// same length that agrees on every letter shown.
func (pl *phraseList) unmask(w string) string {
	if strings.Trim(w, "*") == "" {
		return w
	}
	for _, v := range pl.words {
		if len(v) != len(w) {
			continue
		}
		ok := true
		for i := 0; i < len(w) && ok; i++ {
			ok = w[i] == '*' || w[i] == v[i]
		}
		if ok {
			return v
		}
	}
	return w
}

// leet folds the digits and symbols people use to dodge word filters.
var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', '$': 's', '!': 'i', '|': 'l'}

// normWords splits text into lower-case words for phrase matching. Links
// and @mentions are dropped, hashtags lose their "#", words that mix
// letters with digits or symbols are leet-folded ("1d10t" -> "idiot",
// "l0ser" -> "loser"), letters repeated three times or more are cut to two
// ("asssshole" -> "asshole"; matchWords then tries "idioot" as "idiot").
// With masks, "*" stays inside words as a wildcard.
func normWords(text string, masks bool) []string {
	var out []string
	for _, chunk := range strings.Fields(text) {
		if isLinkLike(chunk) || (len(chunk) > 1 && chunk[0] == '@') {
			continue
		}
		start := -1
		for i, r := range chunk + " " {
			inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' ||
				(masks && r == '*') || (leet[r] != 0 && i+utf8.RuneLen(r) < len(chunk) && isWordStartByte(chunk[i+utf8.RuneLen(r)]))
			if inWord && start < 0 {
				start = i
			}
			if !inWord && start >= 0 {
				if w := normWord(chunk[start:i]); w != "" {
					out = append(out, w)
				}
				start = -1
			}
		}
	}
	return out
}

func isWordStartByte(c byte) bool { return isASCIIAlnum(c) || c >= utf8.RuneSelf || c == '*' }

func normWord(w string) string {
	hasLetter, hasOther := false, false
	for _, r := range w {
		if unicode.IsLetter(r) {
			hasLetter = true
		} else if leet[r] != 0 {
			hasOther = true
		}
	}
	b := make([]rune, 0, len(w))
	run := 0
	for _, r := range w {
		if r == '’' {
			r = '\''
		}
		if hasLetter && hasOther {
			if l, ok := leet[r]; ok {
				r = l
			}
		}
		r = unicode.ToLower(r)
		if n := len(b); n > 0 && b[n-1] == r {
			run++
		} else {
			run = 1
		}
		if run >= 3 && unicode.IsLetter(r) {
			continue // stretched letters: "asssshole" -> "asshole"
		}
		b = append(b, r)
	}
	return string(b)
}

// undouble collapses every double letter ("idioot" -> "idiot"), the second
// try for stretched words that are not list words with their doubles.
func undouble(w string) string {
	b := []byte(w)
	out := b[:0]
	for i := 0; i < len(b); i++ {
		if i > 0 && b[i] == b[i-1] && b[i] < utf8.RuneSelf {
			continue
		}
		out = append(out, b[i])
	}
	return string(out)
}
