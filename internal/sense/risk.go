package sense

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"herald/internal/provider/count"
)

// Message is one incoming message with what the inbox knows around it. Only
// Text is required; every other field left at its zero value means
// "unknown" and adds no evidence either way.
type Message struct {
	Text string
	// AuthorIsKnown says the author has a history with the workspace (a
	// contact the team has talked with, a VIP). Spam evidence counts less.
	AuthorIsKnown bool
	// AuthorFollowers is the author's follower count where the network
	// reports it; 0 means unknown.
	AuthorFollowers int
	// SameAuthorRepeats is how many other messages with identical text the
	// same author sent recently (in this thread or across the inbox).
	SameAuthorRepeats int
	// OtherAuthorRepeats is how many messages with identical text other
	// authors sent recently.
	OtherAuthorRepeats int
	// ThreadDomains are the link domains already used in the thread by the
	// workspace or by known people, such as the links of the original post.
	// A link elsewhere is a link to a stranger. Nil means unknown.
	ThreadDomains []string
}

// Risk is a score from 0 (nothing found) to 1 (certain) with the reasons,
// in plain words, for showing next to the message. Independent signals
// combine as 1 - (1-a)(1-b)..., so two weak signals make a medium one.
type Risk struct {
	Score   float64
	Reasons []string
}

func (r *Risk) add(weight float64, reason string) {
	r.Score = 1 - (1-r.Score)*(1-weight)
	r.Reasons = append(r.Reasons, reason)
}

// Spam scores how likely a message is spam: links (above all to link
// shorteners and to domains nobody in the thread used), text the author or
// others repeat, known spam phrases, piles of hashtags or mentions, money
// and crypto talk, and shouting. A known author's score is scaled down.
func Spam(m Message) Risk {
	var r Risk
	text := m.Text
	spamLinks(&r, text, m.ThreadDomains)
	spamRepeats(&r, m)
	for _, hit := range theRiskLists().spam.match(text) {
		r.add(hit.weight, "known spam phrase: “"+hit.phrase+"”")
	}
	if n := countMarked(text, '#'); n >= 5 {
		r.add(0.3, fmt.Sprintf("many hashtags (%d)", n))
	}
	if n := countMarked(text, '@'); n >= 4 {
		r.add(0.35, fmt.Sprintf("mentions many accounts (%d)", n))
	}
	if money := moneyTalk(text); money != "" {
		r.add(0.15, "money talk: “"+money+"”")
	}
	if cryptoTalk(text) {
		r.add(0.2, "talks about crypto")
	}
	if shouted(text) {
		r.add(0.2, "written in capitals")
	}
	if !m.AuthorIsKnown && (HasPhone(text) || containsFold(text, "whatsapp") || containsFold(text, "telegram")) {
		r.add(0.15, "asks to talk off the platform")
	}
	switch {
	case m.AuthorFollowers > 0 && m.AuthorFollowers < 10 && r.Score > 0:
		r.add(0.1, fmt.Sprintf("author has few followers (%d)", m.AuthorFollowers))
	case m.AuthorFollowers >= 1000:
		r.Score *= 0.85
	}
	if m.AuthorIsKnown {
		r.Score *= 0.4
	}
	return r
}

// linkShorteners hide where a link goes; t.co is X's own wrapper, so X
// providers should expand links before asking.
var linkShorteners = map[string]bool{
	"bit.ly": true, "tinyurl.com": true, "t.co": true, "goo.gl": true, "ow.ly": true,
	"is.gd": true, "buff.ly": true, "rb.gy": true, "cutt.ly": true, "shorturl.at": true,
	"tiny.cc": true, "rebrand.ly": true, "bl.ink": true, "t.ly": true, "s.id": true,
	"v.gd": true, "shorte.st": true, "adf.ly": true, "tinyurl.at": true, "shrtco.de": true,
}

// spammyTLDs are top-level domains that are cheap and common in spam.
var spammyTLDs = map[string]bool{
	"xyz": true, "biz": true, "click": true, "top": true, "icu": true, "buzz": true,
	"loan": true, "win": true, "bid": true, "cam": true, "rest": true, "cfd": true, "sbs": true,
}

func spamLinks(r *Risk, text string, thread []string) {
	links := count.URLs(text)
	if len(links) == 0 {
		return
	}
	r.add(0.15, "contains a link")
	if len(links) > 1 {
		r.add(0.1, fmt.Sprintf("%d links", len(links)))
	}
	for _, l := range links {
		host := linkHost(text[l.Start:l.End])
		switch {
		case linkShorteners[host]:
			r.add(0.35, "link shortener hides the destination ("+host+")")
		case thread != nil && !domainIn(host, thread):
			r.add(0.25, "link to a domain nobody in the thread used ("+host+")")
		}
		if tld := host[strings.LastIndexByte(host, '.')+1:]; spammyTLDs[tld] {
			r.add(0.2, "link to a ."+tld+" domain, common in spam")
		}
	}
}

// linkHost is the lower-case host of a link without "www.".
func linkHost(link string) string {
	if i := strings.Index(link, "://"); i >= 0 {
		link = link[i+3:]
	}
	if i := strings.IndexAny(link, "/?#:"); i >= 0 {
		link = link[:i]
	}
	link = strings.ToLower(link)
	return strings.TrimPrefix(link, "www.")
}

// domainIn reports whether host is one of domains or a subdomain of one.
func domainIn(host string, domains []string) bool {
	for _, d := range domains {
		d = strings.TrimPrefix(strings.ToLower(d), "www.")
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// spamRepeats weighs repeated text. Short texts ("❤️", "thanks!") are
// repeated by honest people all the time, so only texts of twenty letters
// or more, or with a link, count.
func spamRepeats(r *Risk, m Message) {
	if m.SameAuthorRepeats <= 0 && m.OtherAuthorRepeats <= 0 {
		return
	}
	if letters(m.Text) < 20 && !HasLink(m.Text) {
		return
	}
	if n := m.SameAuthorRepeats; n > 0 {
		r.add(min(0.3+0.15*float64(n-1), 0.8), fmt.Sprintf("repeated text (%d times by this author)", n+1))
	}
	if n := m.OtherAuthorRepeats; n > 0 {
		r.add(min(0.35+0.15*float64(n-1), 0.85), fmt.Sprintf("same text from %d other %s", n, plural(n, "author", "authors")))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// countMarked counts hashtags or mentions: the mark at a word start,
// followed by a letter, digit or underscore.
func countMarked(text string, mark byte) int {
	n := 0
	for i := 0; i+1 < len(text); i++ {
		if text[i] != mark || (i > 0 && !isSpaceByte(text[i-1])) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(text[i+1:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			n++
		}
	}
	return n
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// moneyTalk returns the first money amount or money emoji in text.
func moneyTalk(text string) string {
	for i, r := range text {
		switch r {
		case '$', '€', '£':
			n := utf8.RuneLen(r)
			j := i + n
			for j < len(text) && (text[j] >= '0' && text[j] <= '9' || text[j] == ',' || text[j] == '.' || text[j] == '$') {
				j++
			}
			if j > i+n && (text[i+n] >= '0' && text[i+n] <= '9' || text[i+n] == '$') {
				return strings.TrimRight(text[i:j], ",.")
			}
		case '💰', '🤑', '💸', '💵':
			return string(r)
		}
	}
	if i := strings.Index(text, "% off"); i > 0 {
		start := i
		for start > 0 && text[start-1] >= '0' && text[start-1] <= '9' {
			start--
		}
		return text[start : i+5]
	}
	return ""
}

var cryptoWords = []string{"crypto", "bitcoin", "btc", "eth", "usdt", "wallet", "airdrop", "nft", "forex"}

func cryptoTalk(text string) bool {
	for _, w := range cryptoWords {
		if containsWordFold(text, w) {
			return true
		}
	}
	return false
}

// shouted reports a message of at least fifteen letters, four in five of
// them capitals.
func shouted(text string) bool {
	upper, all := 0, 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			all++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return all >= 15 && upper*5 >= all*4
}

func containsFold(s, sub string) bool {
	return len(s) >= len(sub) && strings.Contains(strings.ToLower(s), sub)
}

// containsWordFold reports whether word (lower case ASCII) occurs in s as a
// whole word, ignoring case.
func containsWordFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		if !strings.EqualFold(s[i:i+len(word)], word) {
			continue
		}
		before := i == 0 || !isASCIIAlnum(s[i-1])
		after := i+len(word) == len(s) || !isASCIIAlnum(s[i+len(word)])
		if before && after {
			return true
		}
	}
	return false
}
