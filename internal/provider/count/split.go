package count

import (
	"fmt"
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// SplitOptions controls Split.
type SplitOptions struct {
	// Number appends a counter such as " 1/3" to each segment when the text
	// needs more than one. The counter counts against the limit.
	Number bool
	// NumberFormat is the counter's fmt format, given the segment's number
	// and the total; empty means " %d/%d".
	NumberFormat string
}

// Break levels, best first: Split prefers the highest level that does not
// leave a segment less than half full.
const (
	breakGrapheme  = iota // anywhere between grapheme clusters (last resort)
	breakWord             // a line-break opportunity (UAX #14): spaces, CJK
	breakSentence         // a sentence boundary (UAX #29)
	breakLine             // a line break
	breakParagraph        // a blank line
)

type breakPoint struct {
	pos      int
	content  int // where a segment broken here ends: pos less trailing white space
	level    int
	inEntity bool // inside a URL, mention or hashtag
}

// Split cuts text into thread segments that each pass Count under r. It
// breaks at paragraphs, then lines, sentences and words, cutting a word only
// when a single word does not fit, and never inside a grapheme cluster or a
// URL, mention or hashtag (unless that entity alone is longer than a
// segment). Each segment is a substring of text with the white space at the
// break dropped, so the segments joined by that white space give back the
// text. Text that fits is returned whole, and a single segment never gets a
// counter; white-space-only text gives nil. A segment exceeds the rule only when a single grapheme
// cluster (with the counter) does.
func Split(text string, r Rule, opts SplitOptions) []string {
	start, end := trimBounds(text)
	if start == end {
		return nil
	}
	if body := text[start:end]; !Count(body, r).Over {
		return []string{body}
	}
	bps := breakPoints(text, start, end)
	if !opts.Number {
		return substrings(text, pack(text, bps, start, r, ""))
	}
	format := opts.NumberFormat
	if format == "" {
		format = " %d/%d"
	}
	// The counter's width depends on the total, which depends on the
	// counter: pack with the widest counter of each width until it holds.
	for width, widest := 1, 9; ; width, widest = width+1, widest*10+9 {
		spans := pack(text, bps, start, r, fmt.Sprintf(format, widest, widest))
		if len(spans) <= widest || width >= 9 {
			segs := substrings(text, spans)
			if len(segs) > 1 { // a lone segment (one oversized cluster) needs no "1/1"
				for i := range segs {
					segs[i] += fmt.Sprintf(format, i+1, len(segs))
				}
			}
			return segs
		}
	}
}

func substrings(text string, spans []Span) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = text[s.Start:s.End]
	}
	return out
}

// pack fills segments greedily from start, each followed by suffix.
func pack(text string, bps []breakPoint, start int, r Rule, suffix string) []Span {
	var eligible []int // indices of break points outside entities
	for i, b := range bps {
		if !b.inEntity {
			eligible = append(eligible, i)
		}
	}
	fits := func(s, i int) bool { return !Count(text[s:bps[i].content]+suffix, r).Over }
	var out []Span
	for s := start; ; {
		first := sort.Search(len(bps), func(i int) bool { return bps[i].pos > s })
		if first == len(bps) {
			return out
		}
		firstEligible := sort.SearchInts(eligible, first)
		pick := -1
		if k := lastTrue(firstEligible, len(eligible), func(k int) bool { return fits(s, eligible[k]) }); k >= firstEligible {
			pick = preferred(bps, eligible, firstEligible, k, s)
			if !fits(s, pick) {
				pick = eligible[k]
			}
		} else if k := lastTrue(first, len(bps), func(i int) bool { return fits(s, i) }); k >= first {
			pick = k // an entity longer than a segment: cut it
		} else {
			pick = first // one grapheme cluster that fits nowhere
		}
		out = append(out, Span{s, bps[pick].content})
		s = skipSpace(text, bps[pick].pos)
	}
}

// preferred chooses among the eligible break points first..far (indices
// into eligible, all fitting): the end of the text if reachable, else the
// best level that keeps the segment at least half as long as the longest
// fit; any word break beats cutting a word.
func preferred(bps []breakPoint, eligible []int, first, far, s int) int {
	farIdx := eligible[far]
	if far == len(eligible)-1 {
		return farIdx
	}
	longest := bps[farIdx].content - s
	for level := breakParagraph; level >= breakWord; level-- {
		for k := far; k >= first; k-- {
			b := bps[eligible[k]]
			if b.level < level {
				continue
			}
			if level == breakWord || 2*(b.content-s) >= longest {
				return eligible[k]
			}
			break
		}
	}
	return farIdx
}

// lastTrue returns the largest k in [lo, hi) with f(k), assuming f is true
// then false, or lo-1 when f(lo) is false. It gallops from lo so the cost
// follows the segment's length, not the text's.
func lastTrue(lo, hi int, f func(int) bool) int {
	if lo >= hi || !f(lo) {
		return lo - 1
	}
	good, bad := lo, hi
	for step := 1; good+step < hi; step *= 2 {
		if !f(good + step) {
			bad = good + step
			break
		}
		good += step
	}
	for bad-good > 1 {
		mid := int(uint(good+bad) >> 1)
		if f(mid) {
			good = mid
		} else {
			bad = mid
		}
	}
	return good
}

// breakPoints lists the grapheme cluster boundaries in (start, end] with the
// best break level at each. start begins a cluster that is not white space.
func breakPoints(text string, start, end int) []breakPoint {
	body := text[start:end]
	var bps []breakPoint
	state, content := -1, start
	for pos, rest := start, body; rest != ""; {
		var cluster string
		cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		pos += len(cluster)
		if !spaceCluster(cluster) {
			content = pos
		}
		bps = append(bps, breakPoint{pos: pos, content: content})
	}
	raise := func(pos, level int) {
		i := sort.Search(len(bps), func(i int) bool { return bps[i].pos >= pos })
		if i < len(bps) && bps[i].pos == pos && bps[i].level < level {
			bps[i].level = level
		}
	}
	state = -1
	for pos, rest := start, body; rest != ""; {
		var seg string
		seg, rest, _, state = uniseg.FirstLineSegmentInString(rest, state)
		pos += len(seg)
		raise(pos, breakWord)
	}
	state = -1
	for pos, rest := start, body; rest != ""; {
		var sentence string
		sentence, rest, state = uniseg.FirstSentenceInString(rest, state)
		pos += len(sentence)
		raise(pos, breakSentence)
	}
	for i := start; i < end; {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsSpace(r) {
			i += n
			continue
		}
		j, newlines := i, 0
		for j < end {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsSpace(r) {
				break
			}
			if r == '\n' || r == 0x2028 || r == 0x2029 {
				newlines++
			}
			j += n
		}
		switch {
		case newlines >= 2:
			raise(j, breakParagraph)
		case newlines == 1:
			raise(j, breakLine)
		}
		i = j
	}
	raise(end, breakParagraph)
	markEntities(text[:end], bps)
	return bps
}

// markEntities flags break points strictly inside URLs, mentions and
// hashtags, which must not be cut.
func markEntities(text string, bps []breakPoint) {
	for _, group := range [][]Span{URLs(text), Mentions(text), Hashtags(text)} {
		for _, e := range group {
			i := sort.Search(len(bps), func(i int) bool { return bps[i].pos > e.Start })
			for ; i < len(bps) && bps[i].pos < e.End; i++ {
				bps[i].inEntity = true
			}
		}
	}
}

// Trimming works on whole grapheme clusters: a space can carry a combining
// mark (" \u0301") or follow a prepended mark, and is then not white space
// to drop but part of a character.

// spaceCluster reports whether a grapheme cluster is only white space.
func spaceCluster(c string) bool {
	for _, r := range c {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return c != ""
}

// trimBounds returns text's bounds without leading and trailing white space.
func trimBounds(text string) (int, int) {
	start := skipSpace(text, 0)
	end, state := start, -1
	for pos, rest := start, text[start:]; rest != ""; {
		var c string
		c, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		pos += len(c)
		if !spaceCluster(c) {
			end = pos
		}
	}
	return start, end
}

// skipSpace returns the end of the white-space clusters from i, which must
// be a cluster boundary.
func skipSpace(text string, i int) int {
	for i < len(text) {
		c, _, _, _ := uniseg.FirstGraphemeClusterInString(text[i:], -1)
		if !spaceCluster(c) {
			break
		}
		i += len(c)
	}
	return i
}
