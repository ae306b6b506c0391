package sense

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// The word lists are embedded text files so that they can be reviewed and
// extended without touching code; each file documents its own format.
var (
	//go:embed lexicon/vader.txt
	vaderText string
	//go:embed lexicon/herald.txt
	heraldText string
)

// VADER's empirically derived constants (Hutto & Gilbert 2014), plus the few
// Herald adds for social-media habits VADER does not model.
const (
	bIncr         = 0.293 // booster word ("very")
	bDecr         = -0.293
	cIncr         = 0.733 // word in ALL CAPS among lower-case words
	shoutIncr     = 0.45  // Herald: sentiment word in an all-caps message
	elongIncr     = 0.3   // Herald: elongated word ("sooo", "loooove")
	nScalar       = -0.74 // negation flips and dampens
	neverSoScalar = 1.25  // "never so good" intensifies
	butBefore     = 0.5   // weight of the clause before "but"
	butAfter      = 1.5   // weight of the clause after "but"
	// Herald: a question asks about a quality instead of stating it ("Is it
	// any good?"), while a complaint often comes as a question ("Why is it
	// so slow?"), so praise inside a question counts far less than blame.
	questionPos = 0.25
	questionNeg = 0.75
	epIncr      = 0.292 // per "!" (up to 4)
	maxEP       = 4
	qmIncr      = 0.18 // per "?" when there are two or three
	maxQM       = 0.96
	alpha       = 15 // normalisation: compound = s / sqrt(s*s + alpha)
)

// Word roles beyond a plain valence.
const (
	fValence     uint8 = 1 << iota // carries a sentiment valence
	fNegation                      // negates what follows ("not", "never")
	fContrast                      // "but": shifts weight to what follows
	fPhraseStart                   // first word of a multi-word entry
	fNo                            // "no", which VADER treats apart
	fVader                         // valence from vader.txt, not overridden
)

type wordInfo struct {
	valence float64
	booster float64 // non-zero for boosters and dampeners
	stop    uint32  // languages whose function word this is (langModel bits)
	flags   uint8
}

type phraseInfo struct {
	valence float64
	booster float64
	words   int
}

type lexicon struct {
	words   map[string]wordInfo
	phrases map[string]phraseInfo
	// maxWords is the longest phrase, in words.
	maxWords int
	english  uint32 // the langModel bit of English
}

// boosters are VADER's booster dictionary plus a few comment-section
// spellings; single words only (two-word ones are phrases below).
var boosters = map[string]float64{
	"absolutely": bIncr, "amazingly": bIncr, "awfully": bIncr, "completely": bIncr,
	"considerable": bIncr, "considerably": bIncr, "decidedly": bIncr, "deeply": bIncr,
	"effing": bIncr, "enormous": bIncr, "enormously": bIncr, "entirely": bIncr,
	"especially": bIncr, "exceptional": bIncr, "exceptionally": bIncr, "extreme": bIncr,
	"extremely": bIncr, "fabulously": bIncr, "flipping": bIncr, "flippin": bIncr,
	"frackin": bIncr, "fracking": bIncr, "fricking": bIncr, "frickin": bIncr,
	"frigging": bIncr, "friggin": bIncr, "fully": bIncr, "fuckin": bIncr, "fucking": bIncr,
	"fuggin": bIncr, "fugging": bIncr, "greatly": bIncr, "hella": bIncr, "highly": bIncr,
	"hugely": bIncr, "incredible": bIncr, "incredibly": bIncr, "intensely": bIncr,
	"major": bIncr, "majorly": bIncr, "more": bIncr, "most": bIncr, "particularly": bIncr,
	"purely": bIncr, "quite": bIncr, "really": bIncr, "remarkably": bIncr, "so": bIncr,
	"substantially": bIncr, "thoroughly": bIncr, "total": bIncr, "totally": bIncr,
	"tremendous": bIncr, "tremendously": bIncr, "uber": bIncr, "unbelievably": bIncr,
	"unusually": bIncr, "utter": bIncr, "utterly": bIncr, "very": bIncr,
	"almost": bDecr, "barely": bDecr, "hardly": bDecr, "kinda": bDecr, "kindof": bDecr,
	"kind-of": bDecr, "less": bDecr, "little": bDecr, "marginal": bDecr, "marginally": bDecr,
	"occasional": bDecr, "occasionally": bDecr, "partly": bDecr, "scarce": bDecr,
	"scarcely": bDecr, "slight": bDecr, "slightly": bDecr, "somewhat": bDecr,
	"sorta": bDecr, "sortof": bDecr, "sort-of": bDecr,
	// Herald: spellings and words common in comments.
	"realy": bIncr, "rly": bIncr, "soo": bIncr, "super": bIncr, "mega": bIncr,
	"way": bIncr, "literally": bIncr, "seriously": bIncr, "lowkey": bDecr, "bit": bDecr,
	"sehr": bIncr, "très": bIncr, "muy": bIncr, "molto": bIncr, "muito": bIncr,
}

// boosterPhrases are the multi-word boosters and dampeners.
var boosterPhrases = map[string]float64{
	"kind of": bDecr, "sort of": bDecr, "just enough": bDecr, "a bit": bDecr,
	"a little": bDecr, "a little bit": bDecr,
}

// negations is VADER's negation list plus contractions without apostrophes
// and the commonest negations of the other languages Herald routes.
var negations = []string{
	"aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
	"ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
	"dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
	"don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
	"neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
	"oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
	"oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
	"without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
	// Herald
	"nobody", "noone", "wasn", "isn", "doesn", "didn", "ur'nt",
	"nicht", "kein", "keine", "keinen", "nie", "pas", "jamais", "nunca", "non",
	"niet", "geen", "nooit", "não", "nao", "mai", "inte", "aldrig",
}

// contrasts shift the weight of a message to what follows them.
var contrasts = []string{"but", "however", "aber", "pero", "maar", "però"}

var theLexicon = sync.OnceValue(func() *lexicon {
	lx := &lexicon{words: make(map[string]wordInfo, 8000), phrases: map[string]phraseInfo{}}
	lx.load("vader.txt", vaderText, fVader)
	lx.load("herald.txt", heraldText, 0)
	for w, b := range boosters {
		wi := lx.words[w]
		wi.booster = b
		lx.words[w] = wi
	}
	for p, b := range boosterPhrases {
		lx.addPhrase(p, phraseInfo{booster: b})
	}
	for _, w := range negations {
		lx.setFlag(w, fNegation)
	}
	for _, w := range contrasts {
		lx.setFlag(w, fContrast)
	}
	lx.setFlag("no", fNo)
	lm := theLangModel()
	for w, mask := range lm.stop {
		wi := lx.words[w]
		wi.stop = mask
		lx.words[w] = wi
	}
	lx.english = 1 << lm.en
	return lx
})

func (lx *lexicon) setFlag(w string, f uint8) {
	wi := lx.words[w]
	wi.flags |= f
	lx.words[w] = wi
}

// load reads "entry<TAB>valence" lines; later lines win, as in VADER, whose
// file lists a few tokens twice. Malformed lines panic: the files are
// embedded, so a bad line is a build defect that the tests catch.
func (lx *lexicon) load(name, text string, source uint8) {
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		entry, val, ok := strings.Cut(line, "\t")
		v, err := strconv.ParseFloat(val, 64)
		if !ok || err != nil || entry == "" {
			panic(fmt.Sprintf("sense: lexicon/%s line %d: want entry<TAB>valence, got %q", name, n+1, line))
		}
		if strings.Contains(entry, " ") {
			lx.addPhrase(entry, phraseInfo{valence: v})
			continue
		}
		wi := lx.words[entry]
		wi.valence = v
		wi.flags = wi.flags&^(fValence|fVader) | fValence | source
		if v == 0 {
			wi.flags &^= fValence
		}
		lx.words[entry] = wi
	}
}

func (lx *lexicon) addPhrase(p string, pi phraseInfo) {
	words := strings.Fields(p)
	pi.words = len(words)
	lx.phrases[strings.Join(words, " ")] = pi
	lx.maxWords = max(lx.maxWords, pi.words)
	lx.setFlag(words[0], fPhraseStart)
}
