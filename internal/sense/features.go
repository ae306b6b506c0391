package sense

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"herald/internal/provider/count"
)

// questionWords open a question even without a question mark ("how do I
// reset my password").
var questionWords = map[string]bool{
	"how": true, "what": true, "when": true, "where": true, "why": true, "who": true,
	"which": true, "can": true, "could": true, "do": true, "does": true, "did": true,
	"is": true, "are": true, "will": true, "would": true, "should": true, "any": true,
	"wie": true, "was": true, "wann": true, "wo": true, "warum": true, "wer": true,
	"kann": true, "können": true, "gibt": true, "comment": true, "pourquoi": true,
	"quand": true, "où": true, "est-ce": true, "cómo": true, "qué": true, "cuándo": true,
	"dónde": true, "perché": true, "quando": true, "dove": true, "hoe": true, "wat": true,
	"waar": true, "wanneer": true, "waarom": true,
}

// HasQuestion reports whether a message asks something: a question mark
// outside links (also ¿, ？ and ؟), or a first word that opens a question
// ("how", "wie", "comment") unless it opens an exclamation ("what a day").
func HasQuestion(text string) bool {
	for _, chunk := range strings.Fields(text) {
		if !isLinkLike(chunk) && strings.ContainsAny(chunk, "?¿？؟") {
			return true
		}
	}
	f := strings.Fields(strings.ToLower(text))
	if len(f) < 2 {
		return false
	}
	first := strings.TrimFunc(f[0], func(r rune) bool { return !unicode.IsLetter(r) && r != '-' })
	if !questionWords[first] {
		return false
	}
	second := strings.TrimFunc(f[1], func(r rune) bool { return !unicode.IsLetter(r) })
	return !((first == "what" || first == "how") && (second == "a" || second == "an" || second == "lovely" || second == "nice" || second == "great" || second == "cool"))
}

// HasLink reports whether text contains a link, with or without a scheme
// ("example.com/offer" counts), found the way X finds links.
func HasLink(text string) bool { return len(count.URLs(text)) > 0 }

// HasEmail reports whether text contains an e-mail address.
func HasEmail(text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] != '@' || i == 0 || !isEmailLocal(text[i-1]) {
			continue
		}
		// the domain: labels of letters, digits and hyphens, a dot, a TLD of
		// two letters or more
		j, dots, tld := i+1, 0, 0
		for j < len(text) {
			c := text[j]
			switch {
			case c == '.' && j+1 < len(text) && isASCIIAlnum(text[j+1]) && j > i+1:
				dots++
				tld = 0
			case isASCIIAlnum(c) || c == '-':
				if c >= '0' && c <= '9' || c == '-' {
					tld = -100
				} else {
					tld++
				}
			default:
				j = len(text) + 1
				continue
			}
			j++
		}
		if dots > 0 && tld >= 2 {
			return true
		}
	}
	return false
}

func isEmailLocal(c byte) bool {
	return isASCIIAlnum(c) || strings.IndexByte("._%+-", c) >= 0
}

// HasPhone reports whether text contains a phone number: an international
// number ("+49 30 1234567", "+1 (415) 555-0199") or a national one written
// with the separators people use ("030 1234567", "(555) 123-4567",
// "07700 900123"). Dates, prices, times and plain order numbers have too
// few digits or the wrong shape and do not count.
func HasPhone(text string) bool {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if !(c == '+' || c == '(' || c >= '0' && c <= '9') {
			continue
		}
		if i > 0 && (isASCIIAlnum(text[i-1]) || strings.IndexByte("$€£.,/-", text[i-1]) >= 0 || text[i-1] >= utf8.RuneSelf && prevIsCurrency(text[:i])) {
			continue
		}
		end, groups, plus := scanPhone(text, i)
		if isPhoneShape(groups, plus, text[i] == '(') {
			return true
		}
		i = end
	}
	return false
}

func prevIsCurrency(before string) bool {
	r, _ := utf8.DecodeLastRuneInString(before)
	return unicode.Is(unicode.Sc, r)
}

// scanPhone reads digits and phone separators from i and returns where it
// stopped and the lengths of the digit groups.
func scanPhone(text string, i int) (end int, groups []int, plus bool) {
	j := i
	if text[j] == '+' {
		plus = true
		j++
	}
	run := 0
	for ; j < len(text); j++ {
		c := text[j]
		switch {
		case c >= '0' && c <= '9':
			run++
			continue
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/':
			if run > 0 {
				groups = append(groups, run)
				run = 0
			}
			if j+1 < len(text) && (text[j+1] >= '0' && text[j+1] <= '9' || text[j+1] == '(' || c == ')' && text[j+1] == ' ') {
				continue
			}
		}
		break
	}
	if run > 0 {
		groups = append(groups, run)
	}
	// a letter or currency right after the digits makes it a quantity
	if j < len(text) && (unicode.IsLetter(rune(text[j])) || text[j] == '%' || text[j] == ',') {
		return j, nil, plus
	}
	if r, _ := utf8.DecodeRuneInString(text[j:]); unicode.Is(unicode.Sc, r) {
		return j, nil, plus
	}
	return j, groups, plus
}

func isPhoneShape(groups []int, plus, paren bool) bool {
	digits := 0
	for _, g := range groups {
		digits += g
	}
	if plus {
		return digits >= 8 && digits <= 15 && (len(groups) == 1 || groups[0] <= 4)
	}
	if digits < 9 || digits > 13 || len(groups) < 2 {
		return false
	}
	// area code in parentheses ("(030) 1234567"), an area code and a
	// subscriber number ("030 1234567", "07700 900123"), or the North
	// American 3-3-4 shape ("555-123-4567")
	return paren ||
		len(groups) == 2 && groups[0] >= 3 && groups[0] <= 5 && groups[1] >= 6 ||
		len(groups) == 3 && groups[0] == 3 && groups[1] == 3 && groups[2] == 4
}

// OnlyEmoji reports whether text is made of emoji alone, ignoring
// whitespace: "😍😍", "👍🏽", "❤️ 🔥". An empty text is not.
func OnlyEmoji(text string) bool {
	seen := false
	for i := 0; i < len(text); {
		r, n := firstRune(text[i:])
		if unicode.IsSpace(r) || r == zwj || r == vs16 {
			i += n
			continue
		}
		if (r == 0xA9 || r == 0xAE || r == 0x2122) && !strings.HasPrefix(text[i+n:], "\uFE0F") {
			return false // ©, ®, ™ are text unless asked to be emoji
		}
		l := emojiLen(text[i:])
		if l == 0 {
			return false
		}
		seen = true
		i += l
	}
	return seen
}
