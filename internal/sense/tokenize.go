package sense

import (
	"bytes"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Token kinds and properties.
const (
	tWord      uint16 = 1 << iota
	tEmoji            // an emoji sequence
	tEmoticon         // ":)", "<3", "10/10"
	tCaps             // a word of two or more letters, all upper case
	tLower            // a word with at least one lower-case letter
	tElongated        // a letter repeated three times or more ("sooo")
	tAbsorbed         // an inner word of a phrase; the phrase's last token carries it
	tNegation
	tContrast
	tNo
	tQuestion // the token's sentence ends with "?"
	tValence  // carries a valence
	tEnglish  // the valence comes from the English (VADER) lexicon
)

// token is one word, emoji or emoticon. Its lower-case form lives in the
// scanner's buffer at [lo, hi), followed by one space, so a phrase of
// consecutive tokens is the buffer slice from the first lo to the last hi.
type token struct {
	lo, hi   int32
	start    int32 // first token of the phrase this token ends, else itself
	clause   int32 // tokens in different clauses never modify each other
	valence  float64
	booster  float64
	stop     uint32 // languages whose function word this is
	flags    uint16
	lexFlags uint8
}

// scanner splits a message into tokens without allocating in the common
// case: lower-case forms go to a reused buffer and map lookups use
// string(bytes) conversions that the compiler performs without copying.
type scanner struct {
	lx       *lexicon
	buf      []byte
	toks     []token
	excl     int // "!" outside links
	quest    int // "?" outside links
	clause   int32
	sentence int // index of the first token of the current sentence
}

var scanners = sync.Pool{New: func() any {
	return &scanner{buf: make([]byte, 0, 512), toks: make([]token, 0, 64)}
}}

func getScanner() *scanner {
	s := scanners.Get().(*scanner)
	s.lx = theLexicon()
	s.buf, s.toks = s.buf[:0], s.toks[:0]
	s.excl, s.quest, s.clause, s.sentence = 0, 0, 0, 0
	return s
}

func putScanner(s *scanner) {
	if cap(s.buf) > 64<<10 || cap(s.toks) > 4096 {
		return // do not keep the memory of one huge message
	}
	scanners.Put(s)
}

func (s *scanner) form(t *token) []byte { return s.buf[t.lo:t.hi] }

// scan tokenizes text: whitespace-separated chunks, each either skipped
// (links, mentions, e-mail addresses), read whole (emoticons such as ":-)"
// or "10/10"), or split into words, emoji and punctuation.
func (s *scanner) scan(text string) {
	for i := 0; i < len(text); {
		c := text[i]
		if c == '\n' || c == '\r' {
			s.endSentence(false)
			i++
			continue
		}
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			if r, n := utf8.DecodeRuneInString(text[i:]); unicode.IsSpace(r) {
				i += n
				continue
			}
		}
		j := i
		for j < len(text) {
			c := text[j]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				break
			}
			if c >= utf8.RuneSelf {
				r, n := utf8.DecodeRuneInString(text[j:])
				if unicode.IsSpace(r) {
					break
				}
				j += n
				continue
			}
			j++
		}
		s.chunk(text[i:j])
		i = j
	}
	s.endSentence(false)
}

func (s *scanner) chunk(c string) {
	if isLinkLike(c) || (len(c) > 1 && c[0] == '@') {
		return
	}
	if s.wholeChunk(c) {
		return
	}
	s.split(c)
}

// isLinkLike reports whether a chunk is a URL or an e-mail address, whose
// words ("free-gifts.example") must not count as sentiment.
func isLinkLike(c string) bool {
	if strings.Contains(c, "://") || hasPrefixFold(c, "www.") {
		return true
	}
	at := strings.IndexByte(c, '@')
	return at > 0 && strings.IndexByte(c[at:], '.') > 0
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// wholeChunk reads a chunk that contains punctuation as one token when the
// lexicon knows it (":-)", "<3", "10/10", "rip-off"), after trailing
// sentence punctuation.
func (s *scanner) wholeChunk(c string) bool {
	core := strings.TrimRight(c, ".,!?;\"")
	if core == "" || len(core) > 16 || !hasPunct(core) {
		return false
	}
	lo := len(s.buf)
	s.buf = appendLower(s.buf, core)
	wi, ok := s.lx.words[string(s.buf[lo:])]
	if !ok || wi.flags&(fValence|fNegation|fNo|fContrast) == 0 && wi.booster == 0 {
		s.buf = s.buf[:lo]
		return false
	}
	kind := tEmoticon
	if hasLetterRun(core) {
		kind = tWord
	}
	s.push(lo, kind, wi)
	s.punct(c[len(core):])
	return true
}

func hasPunct(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf && !isASCIIAlnum(c) {
			return true
		}
		if c >= 0xE2 { // ★ and other symbols used as ratings
			r, _ := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSymbol(r) {
				return true
			}
		}
	}
	return false
}

// hasLetterRun reports whether s has two letters in a row, which makes
// "rip-off" a word while ":-d" and "xd" stay emoticons.
func hasLetterRun(s string) bool {
	prev := false
	for _, r := range s {
		l := unicode.IsLetter(r)
		if l && prev {
			return true
		}
		prev = l
	}
	return false
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// split walks a chunk: word characters form words (apostrophes and hyphens
// inside a word stay in it), emoji sequences are tokens of their own, runs
// of punctuation are emoticons when the lexicon knows them and clause or
// sentence boundaries otherwise.
func (s *scanner) split(c string) {
	wordStart := -1
	for i := 0; i < len(c); {
		r, n := firstRune(c[i:])
		if isWordRune(r) || (wordStart >= 0 && isJoiner(r) && i+n < len(c) && nextIsLetter(c[i+n:])) {
			if wordStart < 0 {
				if (r >= '0' && r <= '9') && i+n < len(c) && (c[i+n] == 0xEF || c[i+n] == 0xE2) {
					if l := emojiLen(c[i:]); l > 0 { // keycap 1️⃣
						s.emoji(c[i : i+l])
						i += l
						continue
					}
				}
				wordStart = i
			}
			i += n
			continue
		}
		if wordStart >= 0 {
			s.word(c[wordStart:i])
			wordStart = -1
		}
		if r >= 0xA9 {
			if l := emojiLen(c[i:]); l > 0 {
				s.emoji(c[i : i+l])
				i += l
				continue
			}
		}
		j := i + n
		for j < len(c) {
			r2, m := firstRune(c[j:])
			if isWordRune(r2) || (r2 >= 0xA9 && emojiLen(c[j:]) > 0) {
				break
			}
			j += m
		}
		s.symbols(c[i:j])
		i = j
	}
	if wordStart >= 0 {
		s.word(c[wordStart:])
	}
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r))
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isJoiner(r rune) bool { return r == '\'' || r == '’' || r == '-' }

func nextIsLetter(s string) bool {
	r, _ := firstRune(s)
	return r >= 0 && isWordRune(r)
}

// symbols handles a run of punctuation: an emoticon glued to a word
// ("thanks:)"), a hashtag sign, or boundaries.
func (s *scanner) symbols(run string) {
	if len(run) >= 2 {
		core := strings.TrimRight(run, ".,!?;\"")
		if len(core) >= 2 {
			lo := len(s.buf)
			s.buf = appendLower(s.buf, core)
			if wi, ok := s.lx.words[string(s.buf[lo:])]; ok && wi.flags&fValence != 0 {
				s.push(lo, tEmoticon, wi)
				s.punct(run[len(core):])
				return
			}
			s.buf = s.buf[:lo]
		}
	}
	s.punct(run)
}

// punct records boundaries and counts "!" and "?".
func (s *scanner) punct(run string) {
	for i := 0; i < len(run); i++ {
		switch run[i] {
		case '!':
			s.excl++
			s.endSentence(false)
		case '?':
			s.quest++
			s.endSentence(true)
		case '.':
			s.endSentence(false)
		case ',', ';', ':', '(', ')', '"', '/', '-', '|':
			s.clause++
		}
	}
}

// endSentence closes the current sentence; a question marks its tokens so
// that their sentiment is dampened.
func (s *scanner) endSentence(question bool) {
	if question {
		for i := s.sentence; i < len(s.toks); i++ {
			s.toks[i].flags |= tQuestion
		}
	}
	s.sentence = len(s.toks)
	s.clause++
}

func (s *scanner) emoji(seq string) {
	lo := len(s.buf)
	var first int
	s.buf, first = appendEmojiKey(s.buf, seq)
	wi, ok := s.lx.words[string(s.buf[lo:])]
	if !ok && first < len(s.buf)-lo {
		wi = s.lx.words[string(s.buf[lo:lo+first])]
	}
	s.push(lo, tEmoji, wi)
}

// word lower-cases a word into the buffer and looks it up; an elongated
// word ("sooo", "loooove") that is not in the lexicon is retried with its
// runs shortened to two letters, then to one.
func (s *scanner) word(w string) {
	lo := len(s.buf)
	upper, lower, elongated := 0, 0, false
	var prev rune
	run := 0
	for _, r := range w {
		if r == '’' {
			r = '\''
		}
		if unicode.IsUpper(r) {
			upper++
			r = unicode.ToLower(r)
		} else if unicode.IsLower(r) {
			lower++
		}
		if r == prev {
			run++
			if run >= 3 && unicode.IsLetter(r) {
				elongated = true
			}
		} else {
			run, prev = 1, r
		}
		s.buf = utf8.AppendRune(s.buf, r)
	}
	kind := tWord
	if upper+lower >= 2 && lower == 0 {
		kind |= tCaps
	} else if lower > 0 {
		kind |= tLower
	}
	wi, ok := s.lx.words[string(s.buf[lo:])]
	if !ok && elongated {
		if wi, ok = s.shorten(lo, 2); !ok {
			wi, ok = s.shorten(lo, 1)
		}
		kind |= tElongated
	}
	if !ok && bytes.Contains(s.buf[lo:], []byte("n't")) {
		wi.flags |= fNegation
	}
	s.push(lo, kind, wi)
}

// shorten rewrites the word at buf[lo:] with every run of three or more
// equal letters cut to keep letters, and looks it up; on a miss the buffer
// is restored.
func (s *scanner) shorten(lo, keep int) (wordInfo, bool) {
	orig := len(s.buf)
	s.buf = append(s.buf, s.buf[lo:orig]...) // scratch copy after the word
	src := s.buf[orig:]
	out := s.buf[lo:lo]
	for i := 0; i < len(src); {
		j := i + 1
		for j < len(src) && src[j] == src[i] {
			j++
		}
		n := j - i
		if n >= 3 && isASCIIAlnum(src[i]) {
			n = keep
		}
		out = append(out, src[i:i+n]...)
		i = j
	}
	wi, ok := s.lx.words[string(out)]
	if ok {
		s.buf = s.buf[:lo+len(out)]
		return wi, true
	}
	// restore the original spelling from the scratch copy
	copy(s.buf[lo:orig], src)
	s.buf = s.buf[:orig]
	return wordInfo{}, false
}

func (s *scanner) push(lo int, kind uint16, wi wordInfo) {
	t := token{lo: int32(lo), hi: int32(len(s.buf)), start: int32(len(s.toks)), clause: s.clause,
		valence: wi.valence, booster: wi.booster, stop: wi.stop, flags: kind, lexFlags: wi.flags}
	if wi.flags&fVader != 0 {
		t.flags |= tEnglish
	}
	if wi.flags&fValence != 0 {
		t.flags |= tValence
	}
	if wi.flags&fNegation != 0 {
		t.flags |= tNegation
	}
	if wi.flags&fContrast != 0 {
		t.flags |= tContrast
	}
	if wi.flags&fNo != 0 {
		t.flags |= tNo
	}
	s.toks = append(s.toks, t)
	s.buf = append(s.buf, ' ')
}

// appendLower appends s in lower case with typographic apostrophes folded.
func appendLower(dst []byte, s string) []byte {
	for _, r := range s {
		if r == '’' {
			r = '\''
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}

// phrases folds multi-word entries ("waste of money", "kind of") into their
// last token, longest match first, never across a clause boundary.
func (s *scanner) phrases() {
	lx := s.lx
	for i := 0; i < len(s.toks); i++ {
		if s.toks[i].lexFlags&fPhraseStart == 0 {
			continue
		}
		for n := min(lx.maxWords, len(s.toks)-i); n >= 2; n-- {
			last := &s.toks[i+n-1]
			if last.clause != s.toks[i].clause {
				continue
			}
			pi, ok := lx.phrases[string(s.buf[s.toks[i].lo:last.hi])]
			if !ok {
				continue
			}
			for k := i; k < i+n-1; k++ {
				t := &s.toks[k]
				t.flags = t.flags&^(tValence|tNegation|tContrast|tNo) | tAbsorbed
				t.valence, t.booster = 0, 0
			}
			last.valence, last.booster, last.start = pi.valence, pi.booster, int32(i)
			last.flags &^= tValence | tNegation | tContrast | tNo
			if pi.valence != 0 {
				last.flags |= tValence
			}
			i += n - 1
			break
		}
	}
}
