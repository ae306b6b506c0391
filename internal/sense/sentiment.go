package sense

import (
	"math"
	"math/bits"
)

// Label is the sentiment class of a message.
type Label string

// The three sentiment labels, as stored and shown in the inbox.
const (
	Positive Label = "positive"
	Neutral  Label = "neutral"
	Negative Label = "negative"
)

// Thresholds on the compound score. VADER recommends ±0.05; in an inbox one
// weak word ("sure", "fyi", "ok") is not an opinion, so Herald asks for a
// little more before it calls a message positive or negative.
const (
	positiveAbove = 0.15
	negativeBelow = -0.15
)

// Polarity is the sentiment of one message: a label and the compound score
// it was derived from, from -1 (most negative) to 1 (most positive).
type Polarity struct {
	Label Label
	Score float64
}

// Sentiment reads the sentiment of a short message. It never fails: text it
// cannot read (another language, only links, invalid UTF-8) is neutral with
// score 0. It is safe for concurrent use.
func Sentiment(text string) Polarity {
	s := getScanner()
	defer putScanner(s)
	s.scan(text)
	s.phrases()
	score := s.compound()
	switch {
	case score >= positiveAbove:
		return Polarity{Positive, score}
	case score <= negativeBelow:
		return Polarity{Negative, score}
	}
	return Polarity{Neutral, score}
}

// compound applies VADER's rules to the tokens and normalises the sum.
func (s *scanner) compound() float64 {
	caps, lower := 0, 0
	lastContrast := -1
	for i := range s.toks {
		t := &s.toks[i]
		if t.flags&tCaps != 0 {
			caps++
		} else if t.flags&tLower != 0 {
			lower++
		}
		if t.flags&tContrast != 0 {
			lastContrast = i
		}
	}
	capsIncr := 0.0
	switch {
	case caps > 0 && lower > 0:
		capsIncr = cIncr // some words shouted among normal ones
	case caps >= 2:
		capsIncr = shoutIncr // the whole message shouted
	}
	foreign := s.foreignLanguage()
	sum := 0.0
	for i := range s.toks {
		if s.toks[i].stop&foreign != 0 && s.toks[i].flags&tEnglish != 0 {
			continue // German "die" is not English "die"
		}
		v := s.valence(i, capsIncr)
		if lastContrast >= 0 {
			if i < lastContrast {
				v *= butBefore
			} else if i > lastContrast {
				v *= butAfter
			}
		}
		if s.toks[i].flags&tQuestion != 0 {
			if v > 0 {
				v *= questionPos
			} else {
				v *= questionNeg
			}
		}
		sum += v
	}
	if sum == 0 {
		return 0
	}
	amp := float64(min(s.excl, maxEP)) * epIncr
	if s.quest > 1 {
		amp += min(float64(s.quest)*qmIncr, maxQM)
	}
	if sum < 0 {
		amp = -amp
	}
	sum += amp
	return sum / math.Sqrt(sum*sum+alpha)
}

// foreignLanguage returns the langModel bit of the language the message is
// clearly written in when that is not English, judged by function words
// (each shared word split among its languages), else 0. The English lexicon
// then leaves that language's function words alone.
func (s *scanner) foreignLanguage() uint32 {
	var share [32]float64
	for i := range s.toks {
		mask := s.toks[i].stop
		if mask == 0 {
			continue
		}
		w := 1 / float64(bits.OnesCount32(mask))
		for ; mask != 0; mask &= mask - 1 {
			share[bits.TrailingZeros32(mask)] += w
		}
	}
	en := bits.TrailingZeros32(s.lx.english)
	best := -1
	for l, v := range share {
		if l != en && v >= 1 && (best < 0 || v > share[best]) {
			best = l
		}
	}
	if best < 0 || share[en] >= share[best]/2 {
		return 0
	}
	return 1 << best
}

// valence is the valence of token i after capitals, elongation, the boosters
// and negations in the three tokens before it, and "least".
func (s *scanner) valence(i int, capsIncr float64) float64 {
	t := &s.toks[i]
	if t.flags&tValence == 0 || t.flags&tAbsorbed != 0 {
		return 0
	}
	// A booster that is also a sentiment word ("super") boosts the next
	// word when that word has a valence and stands for itself otherwise.
	if t.booster != 0 && i+1 < len(s.toks) && s.toks[i+1].flags&tValence != 0 && s.toks[i+1].clause == t.clause {
		return 0
	}
	v := t.valence
	if t.flags&tNo != 0 && i+1 < len(s.toks) && s.toks[i+1].flags&tValence != 0 {
		return 0 // "no" negating the next word, not a sentiment of its own
	}
	if s.isNo(int(t.start)-1, t) || s.isNo(int(t.start)-2, t) ||
		(s.isNo(int(t.start)-3, t) && s.is(int(t.start)-1, "or", "nor")) {
		v *= nScalar
	}
	sign := 1.0
	if v < 0 {
		sign = -1
	}
	if t.flags&tCaps != 0 {
		v += sign * capsIncr
	}
	if t.flags&tElongated != 0 {
		v += sign * elongIncr
	}
	word := t.flags&tWord != 0
	start := int(t.start)
	for k := 0; k < 3; k++ {
		j := start - 1 - k
		if j < 0 || s.toks[j].clause != t.clause {
			break
		}
		p := &s.toks[j]
		if p.flags&tValence != 0 {
			continue // VADER: a sentiment word is not a modifier
		}
		if p.booster != 0 {
			b := p.booster
			if p.flags&tCaps != 0 && capsIncr == cIncr {
				b += math.Copysign(cIncr, b) // "SO good"
			}
			if p.flags&tElongated != 0 {
				b *= 1.5
			}
			b *= [3]float64{1, 0.95, 0.9}[k]
			if v < 0 {
				b = -b
			}
			v += b
		}
		if word {
			v = s.negate(v, j, k)
		}
	}
	if start >= 1 && s.is(start-1, "least") && !(start >= 2 && s.is(start-2, "at", "very")) {
		v *= nScalar
	}
	return v
}

// negate applies VADER's negation check for the modifier at token j, k+1
// tokens before the sentiment word.
func (s *scanner) negate(v float64, j, k int) float64 {
	if k >= 1 && s.is(j, "never") && (s.is(j+1, "so", "this") || k == 2 && s.is(j+2, "so", "this")) {
		return v * neverSoScalar
	}
	if k >= 1 && s.is(j, "without") && (s.is(j+1, "doubt") || k == 2 && s.is(j+2, "doubt")) {
		return v
	}
	if s.toks[j].flags&tNegation != 0 {
		return v * nScalar
	}
	return v
}

// isNo reports whether token j is "no" in the same clause as t.
func (s *scanner) isNo(j int, t *token) bool {
	return j >= 0 && s.toks[j].flags&tNo != 0 && s.toks[j].clause == t.clause
}

// is reports whether token j's form is one of words.
func (s *scanner) is(j int, words ...string) bool {
	if j < 0 || j >= len(s.toks) {
		return false
	}
	f := s.form(&s.toks[j])
	for _, w := range words {
		if string(f) == w {
			return true
		}
	}
	return false
}
