package count

import (
	"strings"
	"unicode/utf8"
)

// Character classes of twitter-text's URL regexps (js/src/regexp/*.js at the
// commit named in SOURCE.md), kept as predicates so the extractor can be a
// hand-written scanner: Go's RE2 has no lookahead, and the regexps' behaviour
// depends on backtracking order, which a scanner states explicitly.

// isTwitterPunct is regexp/punct.js. It deliberately lacks '"' and '`':
// twitter-text accepts them inside domains, and so must we to agree on counts.
func isTwitterPunct(r rune) bool {
	return r < utf8.RuneSelf && strings.IndexByte(`!'#%&()*+,\-./:;<=>?@[]^_{|}~$`, byte(r)) >= 0
}

// isTwitterSpace is regexp/spacesGroup.js.
func isTwitterSpace(r rune) bool {
	switch {
	case r >= 0x09 && r <= 0x0D, r == 0x20, r == 0x85, r == 0xA0, r == 0x1680, r == 0x180E:
		return true
	case r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// isInvalidChar is regexp/invalidCharsGroup.js: characters X refuses in a
// post at all.
func isInvalidChar(r rune) bool { return r == 0xFFFE || r == 0xFEFF || r == 0xFFFF }

// isDirectional is regexp/directionalMarkersGroup.js.
func isDirectional(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || r == 0x061C || r == 0x200E || r == 0x200F ||
		(r >= 0x2066 && r <= 0x2069)
}

// isDomainChar is regexp/validDomainChars.js: anything that is not
// punctuation, space, invalid or a directional mark, so CJK and other
// scripts may form domain labels.
func isDomainChar(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiDomainChar[r]
	}
	return !isTwitterSpace(r) && !isInvalidChar(r) && !isDirectional(r)
}

// asciiDomainChar caches isDomainChar for ASCII, the hot path of scanning.
var asciiDomainChar = func() (t [utf8.RuneSelf]bool) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = !isTwitterPunct(r) && !isTwitterSpace(r)
	}
	return t
}()

// isLabelChar is a character allowed inside a subdomain label.
func isLabelChar(r rune) bool { return r == '_' || r == '-' || isDomainChar(r) }

// isURLPrecedingChar is regexp/validUrlPrecedingChars.js: a URL may not
// follow a letter, digit, '@', '$' or '#' (so e-mail addresses, cashtags and
// hashtags are not URLs).
func isURLPrecedingChar(r rune) bool {
	switch {
	case isASCIIAlnum(r), r == '@', r == '＠', r == '$', r == '#', r == '＃', isInvalidChar(r):
		return false
	}
	return true
}

func isASCIIAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// isLatinAccent is regexp/latinAccentChars.js.
func isLatinAccent(r rune) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x24F:
		return true
	case r == 0x253, r == 0x254, r == 0x256, r == 0x257, r == 0x259, r == 0x25B, r == 0x263,
		r == 0x268, r == 0x26F, r == 0x272, r == 0x289, r == 0x28B, r == 0x2BB:
		return true
	case r >= 0x300 && r <= 0x36F, r >= 0x1E00 && r <= 0x1EFF:
		return true
	}
	return false
}

func isCyrillic(r rune) bool { return r >= 0x400 && r <= 0x4FF }

// isPathChar is regexp/validGeneralUrlPathChars.js (case-insensitive).
func isPathChar(r rune) bool {
	if isASCIIAlnum(r) || isCyrillic(r) || isLatinAccent(r) || r == 0x2013 {
		return true
	}
	return r < utf8.RuneSelf && strings.IndexByte(`!*';:=+,.$/%#[]-_~@|&`, byte(r)) >= 0
}

// isPathEndChar is regexp/validUrlPathEndingChars.js without its balanced
// parentheses alternative, which the path scanner handles itself.
func isPathEndChar(r rune) bool {
	if isASCIIAlnum(r) || isCyrillic(r) || isLatinAccent(r) {
		return true
	}
	return r == '+' || r == '-' || r == '=' || r == '_' || r == '#' || r == '/'
}

// isQueryChar is regexp/validUrlQueryChars.js.
func isQueryChar(b byte) bool {
	return isASCIIAlnum(rune(b)) || strings.IndexByte(`!?*'@();:&=+$/%#[]-_.,~|`, b) >= 0
}

// isQueryEndChar is regexp/validUrlQueryEndingChars.js.
func isQueryEndChar(b byte) bool {
	return isASCIIAlnum(rune(b)) || strings.IndexByte(`-_&=#/`, b) >= 0
}

// isASCIIDomainChar is the label class of regexp/validAsciiDomain.js.
func isASCIIDomainChar(r rune) bool { return r == '-' || isASCIIAlnum(r) || isLatinAccent(r) }

// tldSet holds one of twitter-text's TLD lists.
type tldSet struct {
	names    map[string]bool
	maxRunes int
}

func newTLDSet(list string) tldSet {
	s := tldSet{names: map[string]bool{}}
	for _, name := range strings.Fields(list) {
		s.names[name] = true
		s.maxRunes = max(s.maxRunes, utf8.RuneCountInString(name))
	}
	return s
}

var (
	gTLDs  = newTLDSet(genericTLDs)
	ccTLDs = newTLDSet(countryTLDs)
)

// match returns the end of the longest TLD of the set at s[i:] that is not
// followed by [0-9a-zA-Z@+-], or -1. twitter-text lists TLDs in reverse
// alphabetical order so its alternation tries "भारतम्" before "भारत"; longest
// first is the same choice.
func (t tldSet) match(s string, i int) int {
	var ends [32]int
	n, j := 0, i
	for n < t.maxRunes && n < len(ends) && j < len(s) {
		_, size := utf8.DecodeRuneInString(s[j:])
		j += size
		ends[n] = j
		n++
	}
	for k := n - 1; k >= 0; k-- {
		end := ends[k]
		if !t.names[strings.ToLower(s[i:end])] {
			continue
		}
		if end == len(s) {
			return end
		}
		if r, _ := utf8.DecodeRuneInString(s[end:]); !isASCIIAlnum(r) && r != '@' && r != '+' && r != '-' {
			return end
		}
	}
	return -1
}

// matchTLD is the (validGTLD|validCCTLD|validPunycode) alternation, tried in
// that order, returning the end of the match at s[i:] or -1.
func matchTLD(s string, i int) int {
	if e := gTLDs.match(s, i); e >= 0 {
		return e
	}
	if e := ccTLDs.match(s, i); e >= 0 {
		return e
	}
	// validPunycode: xn--[-0-9a-z]+ with no lookahead.
	if len(s)-i > 4 && strings.EqualFold(s[i:i+4], "xn--") {
		j := i + 4
		for j < len(s) && (s[j] == '-' || isASCIIAlnum(rune(s[j]))) {
			j++
		}
		if j > i+4 {
			return j
		}
	}
	return -1
}

// punycode encodes one label with RFC 3492, as punycode.js's encode does.
func punycode(label []rune) string {
	const (
		base, tMin, tMax = 36, 1, 26
		skew, damp       = 38, 700
	)
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	adapt := func(delta, points int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / points
		k := 0
		for delta > ((base-tMin)*tMax)/2 {
			delta /= base - tMin
			k += base
		}
		return k + (base-tMin+1)*delta/(delta+skew)
	}
	var out []byte
	for _, r := range label {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	basic := len(out)
	if basic > 0 {
		out = append(out, '-')
	}
	n, delta, bias := rune(0x80), 0, 72
	for h := basic; h < len(label); {
		m := rune(utf8.MaxRune + 1)
		for _, r := range label {
			if r >= n && r < m {
				m = r
			}
		}
		delta += int(m-n) * (h + 1)
		n = m
		for _, r := range label {
			if r < n {
				delta++
			}
			if r != n {
				continue
			}
			q := delta
			for k := base; ; k += base {
				t := min(max(k-bias, tMin), tMax)
				if q < t {
					break
				}
				out = append(out, digit(t+(q-t)%(base-t)))
				q = (q - t) / (base - t)
			}
			out = append(out, digit(q))
			bias = adapt(delta, h+1, h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return string(out)
}

// labelFitsDNS reports whether punycode.js's toASCII of one domain label is
// 1 to 63 characters long, the check twitter-text's idna.toAscii makes. Like
// toASCII it treats the ideographic full stops as label separators.
func labelFitsDNS(label string) bool {
	// The encoding is never shorter than the label, so long labels fail
	// before the quadratic encoder runs.
	if utf8.RuneCountInString(label) > 63 {
		return false
	}
	parts := strings.Split(fullStops.Replace(label), ".")
	total := len(parts) - 1
	for _, p := range parts {
		if isASCII(p) {
			total += len(p)
		} else {
			total += len("xn--") + len(punycode([]rune(p)))
		}
	}
	return total >= 1 && total <= 63
}

// fullStops maps the ideographic full stops punycode.js treats as dots.
var fullStops = strings.NewReplacer("\u3002", ".", "\uFF0E", ".", "\uFF61", ".")

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
