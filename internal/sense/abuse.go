package sense

// Abuse scores how likely a message insults, threatens or uses slurs
// against someone. Words are matched whole after leetspeak folding
// ("1d10t"), collapsing of stretched letters ("idiooot") and masking stars
// ("f*ck"); an insult aimed at "you" weighs more. Profanity alone ("this
// is fucking amazing") stays far below the threshold.
func Abuse(text string) Risk {
	var r Risk
	lists := theRiskLists()
	words := normWords(text, true)
	hits := lists.abuse.matchWords(words)
	for _, h := range hits {
		w := h.weight
		aimed := h.kind == "insult" && aimedAtYou(words, h.at)
		if aimed {
			w = min(w+0.2, 0.95)
		}
		reason := h.kind + ": “" + h.phrase + "”"
		if aimed {
			reason += " (aimed at someone)"
		}
		r.add(w, reason)
	}
	return r
}

var youWords = map[string]bool{"you": true, "you're": true, "youre": true, "ur": true, "u": true, "ya": true, "y'all": true, "yall": true}

// aimedAtYou reports a "you" within three words before word i.
func aimedAtYou(words []string, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if youWords[words[j]] {
			return true
		}
	}
	return false
}
