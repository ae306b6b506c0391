package sense

import (
	_ "embed"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

var (
	//go:embed lexicon/trigrams.txt
	trigramText string
	//go:embed lexicon/stopwords.txt
	stopwordText string
)

// Tuning of Language, set on testdata/lang.tsv (docs/SENSE.md).
const (
	maxLangBytes = 1024 // the start of a long message says enough
	stopWeight   = 0.5  // one function word, against trigram scores normalised to 1
	hintWeight   = 0.2  // one letter only some languages use (ß, ñ, ł)
	confScale    = 0.5  // a lead of this much over the runner-up is full confidence
	minConf      = 0.05 // below this Language answers ""
	fullLetters  = 10   // fewer letters than this cap the confidence
	minLetters   = 3    // fewer letters than this: ""
)

type langRank struct {
	lang uint8
	rank uint16
}

// langModel holds whatlanggo's trigram profiles as an inverted index (one
// map lookup per trigram of the message instead of 300 per language), the
// function words and the letter hints.
type langModel struct {
	codes    []string
	latin    uint32 // bit set of Latin-script languages
	cyrillic uint32
	trigrams map[uint64][]langRank
	stop     map[string]uint32 // word -> languages that list it
	hints    map[rune]uint32   // letter -> languages that use it
	en       int
}

// letterHints are letters that narrow the language down; vowels with
// accents shared by half of Europe are left out.
var letterHints = map[string]string{
	"ß": "de", "ñ¿¡": "es", "ãõ": "pt", "å": "sv da nb", "æø": "da nb",
	"łżźśęąćń": "pl", "şğı": "tr", "ěřů": "cs", "őű": "hu", "ășț": "ro",
	"äö": "de sv fi", "ü": "de tr hu", "ç": "fr pt tr", "èùêœ": "fr it pt",
	"ìò": "it", "ыэё": "ru", "іїєґ": "uk", "ъ": "bg ru",
}

var theLangModel = sync.OnceValue(func() *langModel {
	m := &langModel{trigrams: map[uint64][]langRank{}, stop: map[string]uint32{}, hints: map[rune]uint32{}}
	index := map[string]int{}
	for n, line := range strings.Split(trigramText, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			panic(fmt.Sprintf("sense: lexicon/trigrams.txt line %d: want code<TAB>script<TAB>trigrams", n+1))
		}
		l := len(m.codes)
		index[f[0]] = l
		m.codes = append(m.codes, f[0])
		if f[1] == "Latin" {
			m.latin |= 1 << l
		} else {
			m.cyrillic |= 1 << l
		}
		for rank, tg := range strings.Split(f[2], "|") {
			k := trigramKey([]rune(tg))
			m.trigrams[k] = append(m.trigrams[k], langRank{uint8(l), uint16(rank)})
		}
	}
	m.en = index["en"]
	bit := func(codes string) uint32 {
		var b uint32
		for _, c := range strings.Fields(codes) {
			l, ok := index[c]
			if !ok {
				panic("sense: unknown language " + c)
			}
			b |= 1 << l
		}
		return b
	}
	for _, line := range strings.Split(stopwordText, "\n") {
		if code, words, ok := strings.Cut(line, "\t"); ok && line[0] != '#' {
			for _, w := range strings.Fields(words) {
				m.stop[w] |= bit(code)
			}
		}
	}
	for letters, codes := range letterHints {
		for _, r := range letters {
			m.hints[r] |= bit(codes)
		}
	}
	return m
})

func trigramKey(r []rune) uint64 {
	return uint64(r[0])<<42 | uint64(r[1])<<21 | uint64(r[2])
}

// Language names the language of a short message as an ISO 639-1 code, with
// a confidence from 0 to 1, or "" when it cannot tell (too short, only
// emoji, or too close a call). It knows English, German, French, Spanish,
// Italian, Portuguese, Dutch, Swedish, Danish, Norwegian (nb), Finnish,
// Polish, Turkish, Czech, Romanian and Hungarian by trigrams, function words
// and letters; Russian, Ukrainian and Bulgarian the same way among the
// Cyrillic languages; and Japanese, Chinese, Korean, Greek, Hebrew, Arabic,
// Hindi, Thai, Georgian and Armenian by their script.
func Language(text string) (code string, confidence float64) {
	if len(text) > maxLangBytes {
		text = text[:maxLangBytes]
	}
	sc := countScripts(text)
	switch sc.dominant() {
	case scriptLatin:
		return theLangModel().detect(text, theLangModel().latin, sc[scriptLatin])
	case scriptCyrillic:
		return theLangModel().detect(text, theLangModel().cyrillic, sc[scriptCyrillic])
	case scriptKana:
		return "ja", 1
	case scriptHan:
		if sc[scriptKana] > 0 {
			return "ja", 0.9
		}
		return "zh", 0.8 // a message in kanji only would be Japanese
	case scriptHangul:
		return "ko", 1
	case scriptGreek:
		return "el", 1
	case scriptHebrew:
		return "he", 0.9 // or Yiddish
	case scriptArabic:
		return "ar", 0.7 // or Persian, Urdu
	case scriptDevanagari:
		return "hi", 0.7 // or Marathi, Nepali
	case scriptThai:
		return "th", 1
	case scriptGeorgian:
		return "ka", 1
	case scriptArmenian:
		return "hy", 1
	}
	return "", 0
}

// detect scores the languages in set by trigram rank distance (whatlanggo's
// method), function words and letter hints, and returns the best with the
// lead over the runner-up as confidence.
func (m *langModel) detect(text string, set uint32, letters int) (string, float64) {
	if letters < minLetters {
		return "", 0
	}
	var score [32]float64
	tri := m.trigramScores(text, set)
	best := 0.0
	for l := range m.codes {
		best = max(best, tri[l])
	}
	if best == 0 {
		return "", 0
	}
	for l := range m.codes {
		score[l] = tri[l] / best
	}
	m.addWordEvidence(text, set, &score)
	first, second := -1, -1
	for l := range m.codes {
		if set&(1<<l) == 0 {
			continue
		}
		switch {
		case first < 0 || score[l] > score[first]:
			first, second = l, first
		case second < 0 || score[l] > score[second]:
			second = l
		}
	}
	conf := min(1, (score[first]-score[second])/confScale, float64(letters)/fullLetters)
	if conf < minConf {
		return "", conf
	}
	return m.codes[first], conf
}

// addWordEvidence adds function words and letter hints to score.
func (m *langModel) addWordEvidence(text string, set uint32, score *[32]float64) {
	var buf [64]byte
	w := buf[:0]
	var seen [16]rune // hint letters already counted: each counts once
	nseen := 0
	flush := func() {
		if len(w) > 0 {
			if mask := m.stop[string(w)] & set; mask != 0 {
				share := 1 / float64(bits.OnesCount32(mask))
				for l := range m.codes {
					if mask&(1<<l) != 0 {
						score[l] += stopWeight * share
					}
				}
			}
		}
		w = w[:0]
	}
	for _, r := range text {
		if r == '’' {
			r = '\''
		}
		if !unicode.IsLetter(r) && r != '\'' {
			flush()
			continue
		}
		r = unicode.ToLower(r)
		if r >= 0xC0 && nseen < len(seen) && !slices.Contains(seen[:nseen], r) {
			if mask := m.hints[r] & set; mask != 0 {
				seen[nseen] = r
				nseen++
				share := 1 / float64(bits.OnesCount32(mask))
				for l := range m.codes {
					if mask&(1<<l) != 0 {
						score[l] += hintWeight * share
					}
				}
			}
		}
		if len(w)+utf8.UTFMax <= cap(w) {
			w = utf8.AppendRune(w, r)
		}
	}
	flush()
}

// trigramScores computes, for each language, 300*300 minus whatlanggo's
// distance: each trigram of the text found at rank i of a profile earns
// 300 - |rank in text - i|. Text trigrams are ranked by count, then in
// lexical order, as whatlanggo ranks them.
func (m *langModel) trigramScores(text string, set uint32) [32]float64 {
	var out [32]float64
	var stack [256]uint64
	keys := stack[:0]
	r1, r2 := ' ', rune(-1)
	for _, r := range text {
		r = trigramRune(r)
		if r2 >= 0 && !(r2 == ' ' && (r1 == ' ' || r == ' ')) {
			keys = append(keys, uint64(r1)<<42|uint64(r2)<<21|uint64(r))
		}
		if r2 >= 0 {
			r1 = r2
		}
		r2 = r
	}
	if r2 >= 0 && r2 != ' ' {
		keys = append(keys, uint64(r1)<<42|uint64(r2)<<21|' ')
	}
	slices.Sort(keys)
	type counted struct {
		key   uint64
		count int
	}
	var cstack [256]counted
	uniq := cstack[:0]
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		uniq = append(uniq, counted{keys[i], j - i})
		i = j
	}
	slices.SortStableFunc(uniq, func(a, b counted) int { return b.count - a.count })
	for n, c := range uniq {
		for _, lr := range m.trigrams[c.key] {
			if set&(1<<lr.lang) == 0 {
				continue
			}
			d := n - int(lr.rank)
			if d < 0 {
				d = -d
			}
			out[lr.lang] += float64(max(300-d, 0))
		}
	}
	return out
}

// trigramRune lower-cases letters and turns everything else into the word
// boundary, as whatlanggo does.
func trigramRune(r rune) rune {
	if r < utf8.RuneSelf {
		switch {
		case r >= 'a' && r <= 'z':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r == '\'':
			return r
		}
		return ' '
	}
	if unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsDigit(r) {
		return ' '
	}
	return unicode.ToLower(r)
}

// Scripts Language tells apart.
const (
	scriptNone = iota
	scriptLatin
	scriptCyrillic
	scriptGreek
	scriptArabic
	scriptHebrew
	scriptDevanagari
	scriptThai
	scriptHangul
	scriptKana
	scriptHan
	scriptGeorgian
	scriptArmenian
	numScripts
)

type scriptCounts [numScripts]int

func countScripts(text string) scriptCounts {
	var c scriptCounts
	for _, r := range text {
		c[scriptOf(r)]++
	}
	return c
}

func scriptOf(r rune) int {
	switch {
	case r < 0x80:
		if r|0x20 >= 'a' && r|0x20 <= 'z' {
			return scriptLatin
		}
		return scriptNone
	case !unicode.IsLetter(r):
		return scriptNone
	case r <= 0x024F || r >= 0x1E00 && r <= 0x1EFF:
		return scriptLatin
	case r >= 0x0370 && r <= 0x03FF:
		return scriptGreek
	case r >= 0x0400 && r <= 0x052F:
		return scriptCyrillic
	case r >= 0x0530 && r <= 0x058F:
		return scriptArmenian
	case r >= 0x0590 && r <= 0x05FF:
		return scriptHebrew
	case r >= 0x0600 && r <= 0x06FF || r >= 0x0750 && r <= 0x077F:
		return scriptArabic
	case r >= 0x0900 && r <= 0x097F:
		return scriptDevanagari
	case r >= 0x0E00 && r <= 0x0E7F:
		return scriptThai
	case r >= 0x10A0 && r <= 0x10FF:
		return scriptGeorgian
	case r >= 0x1100 && r <= 0x11FF || r >= 0xAC00 && r <= 0xD7AF || r >= 0x3130 && r <= 0x318F:
		return scriptHangul
	case r >= 0x3040 && r <= 0x30FF:
		return scriptKana
	case unicode.Is(unicode.Han, r):
		return scriptHan
	}
	return scriptNone
}

// dominant is the script with the most letters; kana wins over Han when
// both appear, since Japanese mixes them.
func (c scriptCounts) dominant() int {
	best := scriptNone
	for s := scriptLatin; s < numScripts; s++ {
		if c[s] > c[best] || best == scriptNone && c[s] > 0 {
			best = s
		}
	}
	if best == scriptHan && c[scriptKana] > 0 {
		return scriptKana
	}
	if c[best] < 2 {
		return scriptNone
	}
	return best
}
