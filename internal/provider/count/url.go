package count

import (
	"strings"
	"unicode/utf8"
)

// This file ports twitter-text's extractUrlsWithIndices (js/src, Apache
// License 2.0, Copyright Twitter, Inc.). X counts every URL it finds as 23
// characters, so finding exactly the URLs X finds is what makes the weighted
// count right; the port is checked against twitter-text's extract.yml and
// validate.yml. The regexp
//
//	(validUrlPrecedingChars)((https?://)?(validDomain)(:port)?(/path)?(\?query)?)
//
// is evaluated by hand: validDomain = subdomain* domainName TLD relies on
// backtracking to pick the longest chain of labels that ends in a known TLD,
// which urlScanner computes once per label with memoisation, keeping
// extraction linear even on adversarial text such as "a.a.a.a…".

const (
	maxURLLength    = 4096 // twitter-text MAX_URL_LENGTH, in UTF-16 units
	maxTcoSlug      = 40   // MAX_TCO_SLUG_LENGTH
	defaultProtocol = "https://"
)

// urlScanner holds per-text tables for domain matching.
type urlScanner struct {
	s string
	// runEnd[i] is the end of the run of label characters starting at byte i
	// (meaningful at rune starts only); nextUnderscore[i] is the first '_'
	// at or after i.
	runEnd, nextUnderscore []int32
	chain                  map[int]int // label start -> end of the longest domain, or -1
	tld                    map[int]int // position -> end of the TLD there, or -1
}

func newURLScanner(s string) *urlScanner {
	x := &urlScanner{
		s:              s,
		runEnd:         make([]int32, len(s)+1),
		nextUnderscore: make([]int32, len(s)+1),
		chain:          map[int]int{},
		tld:            map[int]int{},
	}
	starts := make([]int32, 0, len(s))
	for i := 0; i < len(s); {
		starts = append(starts, int32(i))
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	x.runEnd[len(s)] = int32(len(s))
	x.nextUnderscore[len(s)] = int32(len(s))
	next := int32(len(s))
	for k := len(starts) - 1; k >= 0; k-- {
		i := starts[k]
		r, _ := utf8.DecodeRuneInString(s[i:])
		if isLabelChar(r) {
			x.runEnd[i] = x.runEnd[next]
		} else {
			x.runEnd[i] = i
		}
		if r == '_' {
			x.nextUnderscore[i] = i
		} else {
			x.nextUnderscore[i] = x.nextUnderscore[next]
		}
		next = i
	}
	return x
}

// label returns the end of the dot-terminated label starting at i (the
// position of its '.'), or -1 when none starts there. A label starts and ends
// with a domain character; '_' and '-' may only appear inside.
func (x *urlScanner) label(i int) int {
	e := int(x.runEnd[i])
	if e == i || e >= len(x.s) || x.s[e] != '.' {
		return -1
	}
	first, _ := utf8.DecodeRuneInString(x.s[i:])
	last, _ := utf8.DecodeLastRuneInString(x.s[i:e])
	if !isDomainChar(first) || !isDomainChar(last) {
		return -1
	}
	return e
}

// nameLabel reports whether the label [i, e) may be the registered name just
// before the TLD (validDomainName forbids '_', which subdomains allow).
func (x *urlScanner) nameLabel(i, e int) bool { return int(x.nextUnderscore[i]) >= e }

func (x *urlScanner) tldAt(i int) int {
	if v, ok := x.tld[i]; ok {
		return v
	}
	v := matchTLD(x.s, i)
	x.tld[i] = v
	return v
}

// chainFrom returns the end of the longest domain whose labels start at the
// label beginning at i and which is reached by at least one more label, or -1.
// Results are memoised per label start and resolved iteratively because a
// chain can hold thousands of labels.
func (x *urlScanner) chainFrom(i int) int {
	var pending []int
	for {
		if _, ok := x.chain[i]; ok {
			break
		}
		e := x.label(i)
		if e < 0 {
			x.chain[i] = -1
			break
		}
		pending = append(pending, i)
		i = e + 1
	}
	best := x.chain[i]
	for k := len(pending) - 1; k >= 0; k-- {
		start := pending[k]
		if best < 0 {
			if e := x.label(start); x.nameLabel(start, e) {
				best = x.tldAt(e + 1)
			}
		}
		x.chain[start] = best
	}
	return best
}

// domainAt matches validDomain at i and returns its end. The first label may
// begin anywhere (the pattern can start mid-word after a non-ASCII letter),
// so it is checked directly; later labels come from chainFrom.
func (x *urlScanner) domainAt(i int) int {
	e := x.label(i)
	if e < 0 {
		return -1
	}
	if best := x.chainFrom(e + 1); best >= 0 {
		return best
	}
	if x.nameLabel(i, e) {
		return x.tldAt(e + 1)
	}
	return -1
}

// urlMatch is one match of the extractUrl pattern.
type urlMatch struct {
	preceding          rune // the character consumed before the URL, -1 at text start
	start, end         int  // the URL: protocol through query
	protocolEnd        int  // == start when there is no protocol
	domainEnd, pathEnd int  // pathEnd == domainEnd (or the port's end) when there is no path
	pathStart          int
}

// matchAt tries the URL part of the pattern at i, with and without protocol.
func (x *urlScanner) matchAt(i int, preceding rune) (urlMatch, bool) {
	m := urlMatch{preceding: preceding, start: i, protocolEnd: i}
	for _, p := range [...]string{"https://", "http://"} {
		if len(x.s)-i >= len(p) && strings.EqualFold(x.s[i:i+len(p)], p) {
			m.protocolEnd = i + len(p)
			break
		}
	}
	m.domainEnd = x.domainAt(m.protocolEnd)
	if m.domainEnd < 0 && m.protocolEnd > i {
		m.protocolEnd = i
		m.domainEnd = x.domainAt(i)
	}
	if m.domainEnd < 0 {
		return m, false
	}
	j := m.domainEnd
	if j+1 < len(x.s) && x.s[j] == ':' && isDigit(x.s[j+1]) {
		for j++; j < len(x.s) && isDigit(x.s[j]); j++ {
		}
	}
	m.pathStart, m.pathEnd = j, j
	if j < len(x.s) && x.s[j] == '/' {
		m.pathEnd = x.pathEnd(j)
		j = m.pathEnd
	}
	m.end = queryEnd(x.s, j)
	return m, true
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// pathEnd returns the end of the path starting with the '/' at i: the longest
// run of path characters and balanced parentheses that ends with a path
// ending character or a parenthesised group, so trailing punctuation such as
// "." or "!" stays outside the URL.
func (x *urlScanner) pathEnd(i int) int {
	end := i + 1
	for j := i + 1; j < len(x.s); {
		r, n := utf8.DecodeRuneInString(x.s[j:])
		if isPathChar(r) {
			j += n
			if isPathEndChar(r) {
				end = j
			}
			continue
		}
		if r == '(' {
			if k := balancedParens(x.s, j); k > 0 {
				j, end = k, k
				continue
			}
		}
		break
	}
	return end
}

// balancedParens matches validUrlBalancedParens at the '(' at i: one level of
// nesting, as in Wikipedia's "Primer_(film)". It returns the end or -1.
func balancedParens(s string, i int) int {
	run := func(j int) (int, int) {
		n := 0
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !isPathChar(r) {
				break
			}
			j += size
			n++
		}
		return j, n
	}
	j, n := run(i + 1)
	if j < len(s) && s[j] == ')' && n > 0 {
		return j + 1
	}
	if j < len(s) && s[j] == '(' {
		k, inner := run(j + 1)
		if inner > 0 && k < len(s) && s[k] == ')' {
			if k, _ = run(k + 1); k < len(s) && s[k] == ')' {
				return k + 1
			}
		}
	}
	return -1
}

// queryEnd extends a URL ending at i by a "?query" that ends with a query
// ending character; without one the '?' is not part of the URL.
func queryEnd(s string, i int) int {
	if i >= len(s) || s[i] != '?' {
		return i
	}
	end := i
	for j := i + 1; j < len(s) && isQueryChar(s[j]); j++ {
		if isQueryEndChar(s[j]) {
			end = j + 1
		}
	}
	return end
}

// next finds the leftmost match at or after pos, trying start positions in
// the regexp's order: after each valid preceding character, and at the very
// start of the text ("^") only once the first character was tried.
func (x *urlScanner) next(pos int) (urlMatch, bool) {
	for i := pos; i < len(x.s); {
		r, n := utf8.DecodeRuneInString(x.s[i:])
		if isURLPrecedingChar(r) {
			if m, ok := x.matchAt(i+n, r); ok {
				return m, true
			}
		}
		if i == 0 {
			if m, ok := x.matchAt(0, -1); ok {
				return m, true
			}
		}
		i += n
	}
	return urlMatch{}, false
}

// extractURLs returns the URLs twitter-text finds in s as byte spans. With
// withoutProtocol false only URLs with http(s):// count, Mastodon's rule.
func extractURLs(s string, withoutProtocol bool) []Span {
	// twitter-text's cheap exit; it also spares allocating the tables.
	must := "."
	if !withoutProtocol {
		must = ":"
	}
	if !strings.Contains(s, must) {
		return nil
	}
	x := newURLScanner(s)
	var out []Span
	for pos := 0; pos < len(s); {
		m, ok := x.next(pos)
		if !ok {
			break
		}
		// Whether accepted or not, scanning resumes after the whole match,
		// as the global regexp's lastIndex does.
		pos = m.end
		if !validURL(s, m) {
			continue
		}
		if m.protocolEnd > m.start {
			end := m.end
			switch e := tcoEnd(s[m.start:m.end]); {
			case e < 0:
				continue
			case e > 0:
				end = m.start + e
			}
			out = append(out, Span{m.start, end})
			continue
		}
		if !withoutProtocol || (m.preceding >= 0 && strings.ContainsRune("-_./", m.preceding)) {
			continue
		}
		// Without a protocol only ASCII domains count: "例え.jp" is not a
		// link but "twitter.jp日本語" contains one.
		found := asciiDomains(s[m.protocolEnd:m.domainEnd])
		if len(found) == 0 {
			continue
		}
		for k := range found {
			found[k].Start += m.protocolEnd
			found[k].End += m.protocolEnd
		}
		if m.pathEnd > m.pathStart {
			found[len(found)-1].End = m.end
		}
		out = append(out, found...)
	}
	return out
}

// validURL is twitter-text's isValidUrl: every label fits DNS once punycoded
// and the URL is at most 4096 UTF-16 units with its protocol.
func validURL(s string, m urlMatch) bool {
	domain := s[m.protocolEnd:m.domainEnd]
	if strings.HasPrefix(domain, "xn--") && len(asciiDomains(domain)) == 0 {
		return false
	}
	for _, label := range strings.Split(domain, ".") {
		if !labelFitsDNS(label) {
			return false
		}
	}
	protocol := m.protocolEnd - m.start
	if protocol == 0 {
		protocol = len(defaultProtocol)
	}
	// twitter-text adds the protocol to a URL that already contains it; the
	// double count is part of the reference behaviour.
	return protocol+utf16Len(s[m.start:m.end]) <= maxURLLength
}

// tcoEnd applies validTcoUrl to a URL with protocol. For a t.co link it
// returns where the link ends, after its slug and optional query (so
// "http://t.co/abc's" stops at "abc"), or -1 when the slug is over 40
// characters and the link is refused; it returns 0 for other URLs.
func tcoEnd(url string) int {
	i := strings.Index(url, "://") + 3
	if len(url)-i < 5 || !strings.EqualFold(url[i:i+5], "t.co/") {
		return 0
	}
	j := i + 5
	for j < len(url) && isASCIIAlnum(rune(url[j])) {
		j++
	}
	switch slug := j - (i + 5); {
	case slug == 0:
		return 0
	case slug > maxTcoSlug:
		return -1
	}
	return queryEnd(url, j)
}

// asciiDomains applies validAsciiDomain globally to a matched domain: runs
// of ASCII (and Latin accented) labels ending in a TLD, where the end of the
// domain counts as the end of the text for the TLD lookahead.
func asciiDomains(d string) []Span {
	var out []Span
	memo := map[int]int{} // dot position -> end of the best TLD after it
	var after func(dot int) int
	after = func(dot int) int {
		if v, ok := memo[dot]; ok {
			return v
		}
		v := -1
		if e := asciiRunEnd(d, dot+1); e > dot+1 && e < len(d) && d[e] == '.' {
			v = after(e)
		}
		if v < 0 {
			v = matchTLD(d, dot+1)
		}
		memo[dot] = v
		return v
	}
	for i := 0; i < len(d); {
		e := asciiRunEnd(d, i)
		if e > i && e < len(d) && d[e] == '.' {
			if end := after(e); end >= 0 {
				out = append(out, Span{i, end})
				i = end
				continue
			}
		}
		if e > i {
			// Every start inside this run reaches the same dot and fails
			// the same way.
			i = e
			continue
		}
		_, n := utf8.DecodeRuneInString(d[i:])
		i += n
	}
	return out
}

func asciiRunEnd(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isASCIIDomainChar(r) {
			break
		}
		i += n
	}
	return i
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}
