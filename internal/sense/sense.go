// Package sense reads the signals of one short social-media message
// (comment, reply, mention, direct message, review) for the community inbox:
// its sentiment, how likely it is spam or abuse, its language, and simple
// features that rules test (a question, a link, an e-mail address, a phone
// number, emoji only). Everything runs in memory on the text, needs no
// network or model download, and is safe for concurrent use; the word lists
// are embedded text files in lexicon/, loaded on first use.
//
// Example:
//
//	p := sense.Sentiment("Not bad at all, but the delivery was SO slow 😡")
//	fmt.Println(p.Label, p.Score) // negative -0.85
//
//	r := sense.Spam(sense.Message{Text: "Check my bio for crypto signals bit.ly/x", ThreadDomains: []string{"herald-app.com"}})
//	fmt.Println(r.Score >= 0.5, r.Reasons)
//
//	code, conf := sense.Language("Wo bleibt meine Bestellung?") // "de", 1
//
// # Sentiment
//
// Sentiment implements VADER (Hutto & Gilbert 2014, a lexicon and rules
// built for social-media text) with VADER's own lexicon, plus Herald's
// additions: emoji read as whole sequences (skin tones, U+FE0F and ZWJ
// sequences included), slang, customer-service phrases, a few words of other
// languages, elongated words, whole-message capitals, dampened praise inside
// questions, and "but" taken at its last occurrence. github.com/jonreiter/govader
// (the Go port of VADER) was evaluated and not used: it splits words on
// single spaces only (so "great\nterrible" scores 0), reads emoji one code
// point at a time (❤️, 👍🏽 and ZWJ sequences score 0; 😡, 🙄 and 💩 become
// descriptions that score 0, 🔥 becomes the negative word "fire"), checks the
// lexicon with the wrong letter case in two rules, and pulls in gonum to sum
// a slice; none of that can be fixed in a layer on top. It also scored 0.65
// on testdata/sentiment.tsv against this package's 0.92.
//
// # Language
//
// Language uses whatlanggo's method (github.com/abadojack/whatlanggo: rank
// distance between the message's trigrams and per-language profiles) with
// whatlanggo's profiles, restricted to the languages Herald routes, indexed
// so that a message costs one map lookup per trigram, and combined with
// function words and telltale letters, which is what decides short messages.
// whatlanggo itself was measured at 81 µs and 132 allocations per message
// (about 12,000 messages a second, too slow for inbox ingest) and 0.81 on
// testdata/lang.tsv restricted to the same languages; this package does about
// 3 µs without allocating and 0.91. github.com/pemistahl/lingua-go is more
// accurate on short texts (0.96 in low-accuracy mode with 12 languages) but
// embeds every language model: it grows the binary by 132 MB, uses 30 MB of
// memory in low-accuracy mode (390 MB and 1.8 s of start-up in high) and
// takes 110 µs per message.
//
// # Spam and abuse
//
// Spam and Abuse add up independent evidence (links to shorteners or to
// domains nobody in the thread used, repeated text, phrases from
// lexicon/spam.txt, insults, slurs and threats from lexicon/abuse.txt) into a
// score from 0 to 1 and say why in Reasons, for showing beside the message.
// They flag messages for a person or a rule to act on; 0.5 is the suggested
// threshold.
//
// docs/SENSE.md has the measured accuracy of every signal and its limits.
package sense

// Signals is everything sense reads from one message, for storing with it.
type Signals struct {
	Sentiment          Polarity
	Spam               Risk
	Abuse              Risk
	Language           string // ISO 639-1, "" when unsure
	LanguageConfidence float64
	Question           bool
	Link               bool
	Email              bool
	Phone              bool
	OnlyEmoji          bool
}

// Read computes all signals of a message.
func Read(m Message) Signals {
	lang, conf := Language(m.Text)
	return Signals{
		Sentiment:          Sentiment(m.Text),
		Spam:               Spam(m),
		Abuse:              Abuse(m.Text),
		Language:           lang,
		LanguageConfidence: conf,
		Question:           HasQuestion(m.Text),
		Link:               HasLink(m.Text),
		Email:              HasEmail(m.Text),
		Phone:              HasPhone(m.Text),
		OnlyEmoji:          OnlyEmoji(m.Text),
	}
}
