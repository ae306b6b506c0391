package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"herald/internal/inbox"
	"herald/internal/model"
)

// The rule form names its inputs as the domain names the fields it
// refuses (conditions.N.pattern, actions.N.user_id), so each message lands
// next to its input. Rows left empty are skipped; the form keeps the
// positions of the rows as sent, and a refusal about the domain's Nth
// condition is moved to the row it came from.

// Sub-fields of a condition row and an action row.
var (
	condFields = []string{"type", "words", "pattern", "values", "values_text", "score", "count", "below", "above", "negate"}
	actFields  = []string{"type", "tags", "user_id", "priority", "reply_id", "user_ids", "email", "webhook"}
)

// condRow is one condition row of the form.
type condRow struct {
	Key, Num                                                     string // "conditions.3", "4"
	Type, Words, Pattern, ValuesText, Score, Count, Below, Above string
	Values                                                       []string
	Negate                                                       bool
	Err                                                          map[string]string
}

// actRow is one action row of the form.
type actRow struct {
	Key, Num                                              string
	Type, Tags, UserID, Priority, ReplyID, Email, Webhook string
	UserIDs                                               []string
	Err                                                   map[string]string
}

// dryRow is a message a dry run matched.
type dryRow struct {
	At                             time.Time
	Author, Channel, Excerpt, Link string
}

// ruleFormData is the page to create or change a rule.
type ruleFormData struct {
	ID, Action                  string
	Conds                       []condRow
	Acts                        []actRow
	CondBlank                   condRow // the hidden row "Add condition" copies
	ActBlank                    actRow
	MaxConds, MaxActs           int
	CondTypes, ActTypes         []option
	Kinds, Sentiments, Channels []option
	Members, Replies            []option
	Priorities                  []option
	Networks                    string
	Dry                         *inbox.DryRunResult
	DryRows                     []dryRow
}

// ruleNew shows the form for a new rule.
func (h *handler) ruleNew(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActInboxRules)
	if !ok {
		return
	}
	h.renderRuleForm(w, r, v, m, "", http.StatusOK, &form{Values: url.Values{"enabled": {"1"}}, Errors: map[string]string{}}, nil)
}

// ruleEdit shows a rule's form.
func (h *handler) ruleEdit(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActInboxRules)
	if !ok {
		return
	}
	rid, ok := h.pathID(w, r, v, "rid")
	if !ok {
		return
	}
	rule, err := h.d.Inbox.Rule(r.Context(), v.actor, m.Workspace.ID, rid)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.renderRuleForm(w, r, v, m, rule.ID, http.StatusOK, &form{Values: ruleValues(rule), Errors: map[string]string{}}, nil)
}

func (h *handler) ruleCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	h.ruleSubmit(w, r, v, "")
}

func (h *handler) ruleUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	if rid, ok := h.pathID(w, r, v, "rid"); ok {
		h.ruleSubmit(w, r, v, rid)
	}
}

// ruleSubmit saves the rule of the form, or with op=dry_run tries it on
// the last 30 days' messages and shows what it would have matched.
func (h *handler) ruleSubmit(w http.ResponseWriter, r *http.Request, v *visit, id string) {
	m, ok := h.may(w, r, v, model.ActInboxRules)
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	x, err := h.ruleRefs(ctx, v, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	f := newForm(r)
	f.Values.Del("op")
	rule, ci, ai := parseRuleForm(r.PostForm, x, f)
	rule.ID = id
	if f.Failed() {
		h.renderRuleForm(w, r, v, m, id, http.StatusBadRequest, f, nil)
		return
	}
	refused := func(err error) {
		if model.KindOf(err) != model.KindInvalid && model.KindOf(err) != model.KindConflict {
			h.fail(w, r, v, err)
			return
		}
		e := model.AsError(err)
		f.add(ruleErrField(e.Field, ci, ai), e.Msg)
		h.renderRuleForm(w, r, v, m, id, http.StatusBadRequest, f, nil)
	}
	if r.PostForm.Get("op") == "dry_run" {
		res, err := h.d.Inbox.DryRun(ctx, v.actor, ws, rule)
		if err != nil {
			refused(err)
			return
		}
		h.renderRuleForm(w, r, v, m, id, http.StatusOK, f, &res)
		return
	}
	saved, err := h.d.Inbox.SaveRule(ctx, v.actor, ws, rule)
	if err != nil {
		refused(err)
		return
	}
	h.setFlash(w, r, "success", "Saved the rule “"+saved.Name+"”.")
	redirect(w, r, rulesURL(ws))
}

func (h *handler) renderRuleForm(w http.ResponseWriter, r *http.Request, v *visit, m model.Membership, id string, status int, f *form, dry *inbox.DryRunResult) {
	ctx, ws := r.Context(), m.Workspace.ID
	x, err := h.ruleRefs(ctx, v, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &ruleFormData{ID: id, Action: rulesURL(ws), MaxConds: model.MaxRuleConditions, MaxActs: model.MaxRuleActions,
		CondTypes: condTypes, ActTypes: actTypes, Kinds: inboxKinds, Sentiments: inboxSentiments, Priorities: inboxPriorities, Dry: dry}
	if id != "" {
		d.Action += "/" + id
	}
	nets := []string{}
	for _, c := range x.chans {
		d.Channels = append(d.Channels, option{Value: c.ID, Label: c.Name + " (" + c.Network + ")"})
		if !slices.Contains(nets, c.Network) {
			nets = append(nets, c.Network)
		}
	}
	d.Networks = strings.Join(nets, ", ")
	for _, mb := range x.members {
		d.Members = append(d.Members, option{Value: mb.UserID, Label: mb.Name})
	}
	for _, sr := range x.replies {
		d.Replies = append(d.Replies, option{Value: sr.ID, Label: sr.Name})
	}
	known := []string{"name", "enabled", "stop", "conditions", "actions"}
	for _, i := range rowIndexes(f.Values, "conditions", model.MaxRuleConditions, 2, 3) {
		row := condRowOf(f, i)
		d.Conds = append(d.Conds, row)
		for _, s := range condFields {
			known = append(known, row.Key+"."+s)
		}
	}
	for _, i := range rowIndexes(f.Values, "actions", model.MaxRuleActions, 1, 2) {
		row := actRowOf(f, i)
		d.Acts = append(d.Acts, row)
		for _, s := range actFields {
			known = append(known, row.Key+"."+s)
		}
	}
	f.onlyFields(known...)
	d.CondBlank = condRow{Key: "conditions.__N__", Num: "__NUM__", Err: map[string]string{}}
	d.ActBlank = actRow{Key: "actions.__N__", Num: "__NUM__", Priority: "0", Err: map[string]string{}}
	if dry != nil {
		for _, msg := range dry.Messages {
			d.DryRows = append(d.DryRows, dryRow{At: msg.CreatedAt, Author: msg.Author, Channel: x.chanName[msg.ChannelID],
				Excerpt: excerpt(msg.Text, 200), Link: "/w/" + ws + "/inbox/" + msg.ConversationID})
		}
	}
	title := "New rule"
	if id != "" {
		title = "Change the rule"
	}
	h.render(w, r, v, status, "inbox_rule", &page{Title: title + " · Inbox rules", Heading: title, Section: "inbox", WS: &m, Form: f, Data: d})
}

// rowIndexes are the positions of the rows to draw: every one up to the
// last sent (or stored), then empty ones until extra are empty at the
// end and there are at least `least` rows, within the limit.
func rowIndexes(vals url.Values, prefix string, limit, extra, least int) []int {
	last := -1
	for k := range vals {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.SplitN(rest, ".", 2)[0])
		if err == nil && n >= 0 && n < 4*limit {
			last = max(last, n)
		}
	}
	trailing := 0
	for i := last; i >= 0; i-- {
		if vals.Get(prefix+"."+strconv.Itoa(i)+".type") != "" {
			break
		}
		trailing++
	}
	total := max(last+1+max(extra-trailing, 0), least)
	if total > last+1 && total > limit {
		total = max(limit, last+1)
	}
	out := make([]int, total)
	for i := range out {
		out[i] = i
	}
	return out
}

func condRowOf(f *form, i int) condRow {
	p := "conditions." + strconv.Itoa(i)
	row := condRow{Key: p, Num: strconv.Itoa(i + 1), Type: f.Val(p + ".type"), Words: f.Val(p + ".words"), Pattern: f.Val(p + ".pattern"),
		ValuesText: f.Val(p + ".values_text"), Score: f.Val(p + ".score"), Count: f.Val(p + ".count"), Below: f.Val(p + ".below"),
		Above: f.Val(p + ".above"), Values: f.Values[p+".values"], Negate: f.Val(p+".negate") == "1", Err: map[string]string{}}
	for _, s := range condFields {
		if e := f.Err(p + "." + s); e != "" {
			row.Err[s] = e
		}
	}
	return row
}

func actRowOf(f *form, i int) actRow {
	p := "actions." + strconv.Itoa(i)
	row := actRow{Key: p, Num: strconv.Itoa(i + 1), Type: f.Val(p + ".type"), Tags: f.Val(p + ".tags"), UserID: f.Val(p + ".user_id"),
		Priority: f.Val(p + ".priority"), ReplyID: f.Val(p + ".reply_id"), Email: f.Val(p + ".email"), Webhook: f.Val(p + ".webhook"),
		UserIDs: f.Values[p+".user_ids"], Err: map[string]string{}}
	for _, s := range actFields {
		if e := f.Err(p + "." + s); e != "" {
			row.Err[s] = e
		}
	}
	return row
}

// ruleValues writes a stored rule as the form's values.
func ruleValues(rule model.Rule) url.Values {
	vals := url.Values{"name": {rule.Name}}
	if rule.Enabled {
		vals.Set("enabled", "1")
	}
	if rule.Stop {
		vals.Set("stop", "1")
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	for i, c := range rule.Conditions {
		p := "conditions." + strconv.Itoa(i) + "."
		vals.Set(p+"type", c.Type)
		if c.Negate {
			vals.Set(p+"negate", "1")
		}
		switch c.Type {
		case model.CondKeywords:
			vals.Set(p+"words", strings.Join(c.Words, ", "))
		case model.CondRegexp:
			vals.Set(p+"pattern", c.Pattern)
		case model.CondKind, model.CondSentiment, model.CondChannel:
			vals[p+"values"] = c.Values
		case model.CondNetwork, model.CondLanguage:
			vals.Set(p+"values_text", strings.Join(c.Values, ", "))
		case model.CondSpam, model.CondAbuse:
			vals.Set(p+"score", num(c.Score))
		case model.CondFollowers:
			vals.Set(p+"count", strconv.Itoa(c.Count))
		}
		if c.Below != nil {
			vals.Set(p+"below", num(*c.Below))
		}
		if c.Above != nil {
			vals.Set(p+"above", num(*c.Above))
		}
	}
	for i, a := range rule.Actions {
		p := "actions." + strconv.Itoa(i) + "."
		vals.Set(p+"type", a.Type)
		vals.Set(p+"tags", strings.Join(a.Tags, ", "))
		vals.Set(p+"user_id", a.UserID)
		vals.Set(p+"priority", strconv.Itoa(a.Priority))
		vals.Set(p+"reply_id", a.ReplyID)
		vals[p+"user_ids"] = a.UserIDs
		vals.Set(p+"email", a.Email)
		vals.Set(p+"webhook", a.Webhook)
	}
	return vals
}

// parseRuleForm reads the rule from the form, skipping empty rows; what
// cannot be read (a number that is not one) is added to f. It returns
// the form row of each condition and action kept.
func parseRuleForm(pf url.Values, x ruleRefs, f *form) (rule model.Rule, condRows, actRows []int) {
	rule = model.Rule{Name: pf.Get("name"), Enabled: pf.Get("enabled") == "1", Stop: pf.Get("stop") == "1"}
	number := func(field, s, msg string) (float64, bool) {
		n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			f.add(field, msg)
		}
		return n, err == nil
	}
	for _, i := range rowIndexes(pf, "conditions", model.MaxRuleConditions, 0, 0) {
		p := "conditions." + strconv.Itoa(i) + "."
		typ, text, chosen := pf.Get(p+"type"), splitTags(pf.Get(p+"values_text")), pf[p+"values"]
		if typ == "" {
			for _, s := range []string{"words", "pattern", "values_text", "score", "count", "below", "above"} {
				if strings.TrimSpace(pf.Get(p+s)) != "" {
					f.add(p+"type", "choose what this condition tests, or empty the row")
					break
				}
			}
			continue
		}
		c := model.RuleCondition{Type: typ, Negate: pf.Get(p+"negate") == "1"}
		switch typ {
		case model.CondKeywords:
			c.Words = splitTags(pf.Get(p + "words"))
		case model.CondRegexp:
			c.Pattern = pf.Get(p + "pattern")
		case model.CondKind:
			c.Values = append(rulePick(chosen, ruleOptionValues(inboxKinds)), text...)
		case model.CondSentiment:
			c.Values = append(rulePick(chosen, ruleOptionValues(inboxSentiments)), text...)
			for _, b := range []struct {
				name string
				to   **float64
			}{{"below", &c.Below}, {"above", &c.Above}} {
				if s := pf.Get(p + b.name); strings.TrimSpace(s) != "" {
					if n, ok := number(p+b.name, s, "give a score between -1 and 1, such as -0.5"); ok {
						*b.to = &n
					}
				}
			}
		case model.CondChannel:
			c.Values = rulePick(chosen, slices.Sorted(maps.Keys(x.chanName)))
			for _, t := range text {
				if i := slices.IndexFunc(x.chans, func(ch model.Channel) bool { return strings.EqualFold(ch.Name, t) }); i >= 0 {
					t = x.chans[i].ID
				}
				c.Values = append(c.Values, t)
			}
		case model.CondNetwork, model.CondLanguage:
			c.Values = text
		case model.CondSpam, model.CondAbuse:
			if n, ok := number(p+"score", pf.Get(p+"score"), "give the lowest score that matches, between 0 and 1, such as 0.7"); ok {
				c.Score = n
			}
		case model.CondFollowers:
			n, err := strconv.Atoi(strings.TrimSpace(pf.Get(p + "count")))
			if err != nil {
				f.add(p+"count", "give a whole number of followers, such as 10000")
			}
			c.Count = n
		}
		rule.Conditions = append(rule.Conditions, c)
		condRows = append(condRows, i)
	}
	for _, i := range rowIndexes(pf, "actions", model.MaxRuleActions, 0, 0) {
		p := "actions." + strconv.Itoa(i) + "."
		typ := pf.Get(p + "type")
		if typ == "" {
			for _, s := range []string{"tags", "email", "webhook"} {
				if strings.TrimSpace(pf.Get(p+s)) != "" {
					f.add(p+"type", "choose what this action does, or empty the row")
					break
				}
			}
			continue
		}
		a := model.RuleAction{Type: typ}
		switch typ {
		case model.RuleTag:
			a.Tags = splitTags(pf.Get(p + "tags"))
		case model.RuleAssign:
			a.UserID = pf.Get(p + "user_id")
		case model.RulePriority:
			n, err := strconv.Atoi(pf.Get(p + "priority"))
			if err != nil {
				f.add(p+"priority", "choose a priority: normal, high or urgent")
			}
			a.Priority = n
		case model.RuleAutoReply:
			a.ReplyID = pf.Get(p + "reply_id")
		case model.RuleNotify:
			a.UserIDs = pf[p+"user_ids"]
		case model.RuleEscalate:
			a.Email, a.Webhook = pf.Get(p+"email"), pf.Get(p+"webhook")
		}
		rule.Actions = append(rule.Actions, a)
		actRows = append(actRows, i)
	}
	return rule, condRows, actRows
}

// pick keeps the chosen values that are among allowed.
func rulePick(chosen, allowed []string) []string {
	var out []string
	for _, v := range chosen {
		if slices.Contains(allowed, v) {
			out = append(out, v)
		}
	}
	return out
}

// ruleErrField moves a refusal about the domain's Nth condition or action
// to the form row it was read from.
func ruleErrField(field string, condRows, actRows []int) string {
	parts := strings.SplitN(field, ".", 3)
	if len(parts) != 3 {
		return field
	}
	rows := condRows
	if parts[0] == "actions" {
		rows = actRows
	} else if parts[0] != "conditions" {
		return field
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 || n >= len(rows) {
		return field
	}
	return parts[0] + "." + strconv.Itoa(rows[n]) + "." + parts[2]
}
