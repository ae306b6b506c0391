package inbox

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"herald/internal/model"
	"herald/internal/sense"
	"herald/internal/store"
)

// Evaluating rules: each rule is compiled once per batch (regular
// expressions, lower-cased keywords, conditions ordered cheapest first),
// and what conditions need beyond the message (contacts, business hours)
// is read once per batch, so a message costs no query and few
// allocations.

type condOp uint8

const (
	opKind condOp = iota
	opChannel
	opNetwork
	opSentiment
	opSpam
	opAbuse
	opLanguage
	opVIP
	opFollowers
	opQuestion
	opHours
	opKeywords // from here on, conditions read the text
	opLink
	opEmail
	opPhone
	opOnlyEmoji
	opRegexp
)

var condOps = map[string]condOp{
	model.CondKind: opKind, model.CondChannel: opChannel, model.CondNetwork: opNetwork, model.CondSentiment: opSentiment,
	model.CondSpam: opSpam, model.CondAbuse: opAbuse, model.CondLanguage: opLanguage, model.CondVIP: opVIP,
	model.CondFollowers: opFollowers, model.CondQuestion: opQuestion, model.CondHours: opHours, model.CondKeywords: opKeywords,
	model.CondLink: opLink, model.CondEmail: opEmail, model.CondPhone: opPhone, model.CondOnlyEmoji: opOnlyEmoji,
	model.CondRegexp: opRegexp,
}

type cond struct {
	op       condOp
	negate   bool
	values   []string // kinds, channels, networks, sentiments, languages; lower-cased keywords
	re       *regexp.Regexp
	score    float64
	below    *float64
	above    *float64
	count    int
	detector func(string) bool
}

type compiledRule struct {
	rule  *model.Rule
	conds []cond
}

// compileRule prepares a stored (so valid) rule; the error is for a rule
// that is no longer valid, such as one saved by an older Herald.
func compileRule(r *model.Rule) (compiledRule, error) {
	cr := compiledRule{rule: r, conds: make([]cond, 0, len(r.Conditions))}
	for _, c := range r.Conditions {
		op, ok := condOps[c.Type]
		if !ok {
			return cr, model.Invalid("conditions", "unknown condition type %q", c.Type)
		}
		k := cond{op: op, negate: c.Negate, values: c.Values, score: c.Score, below: c.Below, above: c.Above, count: c.Count}
		switch op {
		case opKeywords:
			k.values = make([]string, len(c.Words))
			for i, w := range c.Words {
				k.values[i] = strings.ToLower(w)
			}
		case opRegexp:
			re, err := regexp.Compile(c.Pattern)
			if err != nil {
				return cr, err
			}
			k.re = re
		case opLink:
			k.detector = sense.HasLink
		case opEmail:
			k.detector = sense.HasEmail
		case opPhone:
			k.detector = sense.HasPhone
		case opOnlyEmoji:
			k.detector = sense.OnlyEmoji
		}
		cr.conds = append(cr.conds, k)
	}
	// All must match: the cheap tests first, so most messages never
	// reach the text scans and regular expressions.
	slices.SortStableFunc(cr.conds, func(a, b cond) int { return cmp.Compare(a.op, b.op) })
	return cr, nil
}

// match says whether every condition of the rule holds for the message.
func (cr *compiledRule) match(v *msgView) bool {
	for i := range cr.conds {
		if cr.conds[i].test(v) == cr.conds[i].negate {
			return false
		}
	}
	return true
}

func (c *cond) test(v *msgView) bool {
	m := v.m
	switch c.op {
	case opKind:
		return slices.Contains(c.values, m.Kind)
	case opChannel:
		return slices.Contains(c.values, m.ChannelID)
	case opNetwork:
		return slices.Contains(c.values, v.env.networkOf(m.ChannelID))
	case opSentiment:
		return (len(c.values) == 0 || slices.Contains(c.values, m.Sentiment)) &&
			(c.below == nil || m.SentimentScore < *c.below) && (c.above == nil || m.SentimentScore > *c.above)
	case opSpam:
		return m.Spam >= c.score
	case opAbuse:
		return m.Abuse >= c.score
	case opLanguage:
		return m.Language != "" && slices.Contains(c.values, m.Language)
	case opVIP:
		return v.env.contacts[m.ContactID].VIP
	case opFollowers:
		f, ok := v.env.contacts[m.ContactID]
		return ok && f.Followers >= 0 && f.Followers >= c.count
	case opQuestion:
		return m.Question
	case opHours:
		return v.env.hours.inside(m.CreatedAt)
	case opKeywords:
		text := v.lowerText()
		for _, w := range c.values {
			if hasWord(text, w) {
				return true
			}
		}
		return false
	case opRegexp:
		return c.re.MatchString(m.Text)
	default: // the text detectors
		return v.detect(c.op, c.detector)
	}
}

// ruleEnv is what one batch's messages are evaluated against.
type ruleEnv struct {
	rules        []compiledRule
	network      string            // the batch's channel's network
	networks     map[string]string // channel → network, when messages come from several channels
	contacts     map[string]store.RuleContact
	needContacts bool
	hours        businessHours
	view1        msgView
}

// loadEnv compiles the rules and reads what their conditions need once;
// a stored rule that no longer compiles is skipped and logged.
func loadEnv(ctx context.Context, q *store.Queries, workspaceID string, rules []model.Rule, log *slog.Logger) (*ruleEnv, error) {
	env := &ruleEnv{rules: make([]compiledRule, 0, len(rules))}
	needHours := false
	for i := range rules {
		cr, err := compileRule(&rules[i])
		if err != nil {
			log.Warn("inbox rule skipped", "rule", rules[i].ID, "err", err)
			continue
		}
		env.rules = append(env.rules, cr)
		for _, c := range cr.conds {
			needHours = needHours || c.op == opHours
			env.needContacts = env.needContacts || c.op == opVIP || c.op == opFollowers
		}
		for _, a := range rules[i].Actions {
			env.needContacts = env.needContacts || a.Type == model.RuleAutoReply // {{name}}
		}
	}
	env.view1.env = env
	if !needHours {
		return env, nil
	}
	st, err := q.InboxSettings(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	env.hours = openingHours(st, log)
	return env, nil
}

// loadContacts reads the authors of msgs in one query, when a rule needs
// them.
func (e *ruleEnv) loadContacts(ctx context.Context, q *store.Queries, msgs []model.InboxMessage) error {
	if !e.needContacts {
		return nil
	}
	seen := make(map[string]bool, len(msgs))
	var idList []string
	for i := range msgs {
		if id := msgs[i].ContactID; id != "" && !seen[id] {
			seen[id] = true
			idList = append(idList, id)
		}
	}
	var err error
	e.contacts, err = q.RuleContacts(ctx, idList)
	return err
}

func (e *ruleEnv) networkOf(channelID string) string {
	if e.networks != nil {
		return e.networks[channelID]
	}
	return e.network
}

// view readies the env's one message view for m (reused, not allocated,
// for every message).
func (e *ruleEnv) view(m *model.InboxMessage) *msgView {
	e.view1 = msgView{m: m, env: e}
	return &e.view1
}

// msgView is one message under evaluation, with what its text scans
// found, so several rules scan it once.
type msgView struct {
	m       *model.InboxMessage
	env     *ruleEnv
	lower   string
	lowered bool
	known   uint32 // bit per op: detected already
	found   uint32 // bit per op: what was detected
}

func (v *msgView) lowerText() string {
	if !v.lowered {
		v.lower, v.lowered = strings.ToLower(v.m.Text), true
	}
	return v.lower
}

func (v *msgView) detect(op condOp, f func(string) bool) bool {
	bit := uint32(1) << op
	if v.known&bit == 0 {
		v.known |= bit
		if f(v.m.Text) {
			v.found |= bit
		}
	}
	return v.found&bit != 0
}

// hasWord finds w in text (both lower-case) as a whole word or phrase:
// not inside a longer word.
func hasWord(text, w string) bool {
	if w == "" {
		return false
	}
	for from := 0; from < len(text); {
		i := strings.Index(text[from:], w)
		if i < 0 {
			return false
		}
		i += from
		if edge(text, i, w, true) && edge(text, i+len(w), w, false) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		from = i + size
	}
	return false
}

// edge says whether position at of text is a word boundary for w: it is
// when w starts (or ends) there with something other than a letter or
// digit, or when the neighbouring character is not one.
func edge(text string, at int, w string, start bool) bool {
	var mine, near rune
	if start {
		mine, _ = utf8.DecodeRuneInString(w)
		if at == 0 {
			return true
		}
		near, _ = utf8.DecodeLastRuneInString(text[:at])
	} else {
		mine, _ = utf8.DecodeLastRuneInString(w)
		if at >= len(text) {
			return true
		}
		near, _ = utf8.DecodeRuneInString(text[at:])
	}
	return !wordRune(mine) || !wordRune(near)
}

func wordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// patternError words a regular expression that does not compile, with
// the position (in characters, counting from 0) where it goes wrong.
func patternError(field, pattern string, err error) error {
	var se *syntax.Error
	if !errors.As(err, &se) {
		return model.Invalid(field, "the pattern does not compile: %v", err)
	}
	at, what := errorOffset(pattern, se), se.Code.String()
	if se.Expr != "" && se.Expr != pattern {
		what += " " + se.Expr
	}
	return model.Invalid(field, "the pattern does not compile at position %d: %s", utf8.RuneCountInString(pattern[:at]), what)
}

// errorOffset finds where in pattern the parser stopped. For most errors
// the parser names the offending piece (Expr); the same text may also
// occur earlier, validly, so the place is the first occurrence whose
// prefix of the pattern already fails the same way. Parentheses are
// matched here, since for them the parser reports the whole pattern.
func errorOffset(pattern string, se *syntax.Error) int {
	switch se.Code {
	case syntax.ErrMissingParen:
		open, _ := parens(pattern)
		return max(open, 0)
	case syntax.ErrUnexpectedParen:
		_, closing := parens(pattern)
		return max(closing, 0)
	case syntax.ErrTrailingBackslash:
		return max(len(pattern)-1, 0)
	}
	if se.Expr == "" || se.Expr == pattern {
		return 0
	}
	first := -1
	for from := 0; from < len(pattern); {
		i := strings.Index(pattern[from:], se.Expr)
		if i < 0 {
			break
		}
		at := from + i
		if first < 0 {
			first = at
		}
		var pe *syntax.Error
		if _, err := syntax.Parse(pattern[:at+len(se.Expr)], syntax.Perl); errors.As(err, &pe) && pe.Code == se.Code {
			return at
		}
		from = at + 1
	}
	return max(first, 0)
}

// parens finds the last "(" left open and the first ")" closing nothing
// (-1 when none), skipping escapes and character classes.
func parens(p string) (open, closing int) {
	var stack []int
	closing = -1
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '[':
			i = classEnd(p, i)
		case '(':
			stack = append(stack, i)
		case ')':
			if len(stack) == 0 {
				if closing < 0 {
					closing = i
				}
				continue
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) == 0 {
		return -1, closing
	}
	return stack[len(stack)-1], closing
}

// classEnd is the index of the "]" closing the class opened at i.
func classEnd(p string, i int) int {
	j := i + 1
	if j < len(p) && p[j] == '^' {
		j++
	}
	if j < len(p) && p[j] == ']' {
		j++
	}
	for ; j < len(p); j++ {
		switch {
		case p[j] == '\\':
			j++
		case p[j] == '[' && strings.HasPrefix(p[j:], "[:"):
			if k := strings.Index(p[j:], ":]"); k > 0 {
				j += k + 1
			}
		case p[j] == ']':
			return j
		}
	}
	return len(p)
}
