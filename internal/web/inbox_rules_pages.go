package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// Settings.

// settingsSpan is one opening span of a weekday in the settings form.
type settingsSpan struct {
	Key      string // hours.<weekday>.<n>
	From, To string
	Err      string
}

// settingsDay is one weekday's spans.
type settingsDay struct {
	Weekday int
	Name    string
	Spans   []settingsSpan
}

// inboxSettingsData is the inbox settings page.
type inboxSettingsData struct {
	Days    []settingsDay
	Roles   []option
	CanEdit bool
}

// inboxWeekdays in the order the page lists them, Monday first (Sunday is 0).
var inboxWeekdays = []struct {
	N    int
	Name string
}{{1, "Monday"}, {2, "Tuesday"}, {3, "Wednesday"}, {4, "Thursday"}, {5, "Friday"}, {6, "Saturday"}, {0, "Sunday"}}

// inboxMaxSpans bounds the opening spans read for one weekday.
const inboxMaxSpans = 24

// inboxSettingsShow shows business hours, service levels, reply approval
// and escalation; read-only for those who may not change them.
func (h *handler) inboxSettingsShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	st, err := h.d.Inbox.Settings(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	vals := url.Values{"zone": {st.Zone}, "first_response_mins": {strconv.Itoa(st.FirstResponseMins)},
		"resolution_mins": {strconv.Itoa(st.ResolutionMins)}, "warn_before_mins": {strconv.Itoa(st.WarnBeforeMins)},
		"escalate_email": {st.EscalateEmail}, "escalate_webhook": {st.EscalateWebhook}}
	if st.Zone == "" {
		vals.Set("zone", "UTC")
	}
	n := map[int]int{}
	for _, hr := range st.Hours {
		k := "hours." + strconv.Itoa(hr.Weekday) + "." + strconv.Itoa(n[hr.Weekday])
		vals.Set(k+".from", clockText(hr.From))
		vals.Set(k+".to", clockText(hr.To))
		n[hr.Weekday]++
	}
	for _, role := range st.ReplyApprovalRoles {
		vals.Add("reply_approval_roles", string(role))
	}
	h.renderInboxSettings(w, r, v, m, http.StatusOK, &form{Values: vals, Errors: map[string]string{}})
}

func (h *handler) renderInboxSettings(w http.ResponseWriter, r *http.Request, v *visit, m model.Membership, status int, f *form) {
	d := &inboxSettingsData{CanEdit: model.Can(m.Role, model.ActInboxSettings)}
	for _, wd := range inboxWeekdays {
		day := settingsDay{Weekday: wd.N, Name: wd.Name}
		last := -1
		for k := range inboxMaxSpans {
			p := "hours." + strconv.Itoa(wd.N) + "." + strconv.Itoa(k)
			if f.Val(p+".from") != "" || f.Val(p+".to") != "" {
				last = k
			}
		}
		for k := 0; k <= last+1 && k < inboxMaxSpans; k++ {
			p := "hours." + strconv.Itoa(wd.N) + "." + strconv.Itoa(k)
			day.Spans = append(day.Spans, settingsSpan{Key: p, From: f.Val(p + ".from"), To: f.Val(p + ".to"), Err: f.Err(p)})
		}
		d.Days = append(d.Days, day)
	}
	for _, role := range model.Roles {
		d.Roles = append(d.Roles, option{Value: string(role), Label: role.Label()})
	}
	h.render(w, r, v, status, "inbox_settings", &page{Title: "Inbox settings · " + m.Workspace.Name, Heading: "Inbox settings",
		Section: "inbox", WS: &m, Form: f, Data: d})
}

// inboxSettingsSave checks and saves the settings; each mistake is shown
// next to its field, and nothing is saved while there is one.
func (h *handler) inboxSettingsSave(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActInboxSettings)
	if !ok {
		return
	}
	pf, f := r.PostForm, newForm(r)
	st := model.InboxSettings{Zone: strings.TrimSpace(pf.Get("zone")), EscalateEmail: strings.TrimSpace(pf.Get("escalate_email")),
		EscalateWebhook: strings.TrimSpace(pf.Get("escalate_webhook"))}
	for _, x := range []struct {
		name string
		to   *int
	}{{"first_response_mins", &st.FirstResponseMins}, {"resolution_mins", &st.ResolutionMins}, {"warn_before_mins", &st.WarnBeforeMins}} {
		s := strings.TrimSpace(pf.Get(x.name))
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			f.add(x.name, "“"+s+"” is not a whole number of minutes; give minutes such as 60, or 0 for none")
			continue
		}
		*x.to = n
	}
	for _, wd := range inboxWeekdays {
		for k := range inboxMaxSpans {
			p := "hours." + strconv.Itoa(wd.N) + "." + strconv.Itoa(k)
			from, to := strings.TrimSpace(pf.Get(p+".from")), strings.TrimSpace(pf.Get(p+".to"))
			if from == "" && to == "" {
				continue
			}
			a, okA := clockMinutes(from)
			b, okB := clockMinutes(to)
			if b == 0 && okB {
				b = 24 * 60 // until midnight
			}
			switch {
			case from == "" || to == "":
				f.add(p, wd.Name+": give both the opening and the closing time, or neither")
			case !okA || !okB:
				f.add(p, wd.Name+": give times as HH:MM, such as 09:00 and 17:30")
			case a >= b:
				f.add(p, wd.Name+": the closing time comes after the opening time")
			default:
				st.Hours = append(st.Hours, model.BusinessHours{Weekday: wd.N, From: a, To: b})
			}
		}
	}
	for _, s := range pf["reply_approval_roles"] {
		st.ReplyApprovalRoles = append(st.ReplyApprovalRoles, model.Role(s))
	}
	if !f.Failed() {
		_, err := h.d.Inbox.SaveSettings(r.Context(), v.actor, m.Workspace.ID, st)
		if err == nil {
			h.setFlash(w, r, "success", "The inbox settings are saved.")
			redirect(w, r, "/w/"+m.Workspace.ID+"/inbox/admin/settings")
			return
		}
		if model.KindOf(err) != model.KindInvalid {
			h.fail(w, r, v, err)
			return
		}
		e := model.AsError(err)
		f.add(e.Field, e.Msg)
	}
	h.renderInboxSettings(w, r, v, m, http.StatusBadRequest, f)
}

// clockMinutes reads "HH:MM" as minutes of the day.
func clockMinutes(s string) (int, bool) {
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(hs) == 0 || len(hs) > 2 || len(ms) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(hs)
	mm, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

// clockText writes minutes of the day as "HH:MM" (midnight at the end of the
// day as 00:00, which the form reads back as the end of the day).
func clockText(mins int) string {
	mins %= 24 * 60
	return strconv.Itoa(mins/60/10) + strconv.Itoa(mins/60%10) + ":" + strconv.Itoa(mins%60/10) + strconv.Itoa(mins%10)
}

// Rules.

var (
	condTypes = []option{{model.CondKeywords, "Contains words or phrases"}, {model.CondRegexp, "Matches a regular expression"},
		{model.CondKind, "Message type is"}, {model.CondChannel, "Channel is"}, {model.CondNetwork, "Network is"},
		{model.CondSentiment, "Sentiment is"}, {model.CondSpam, "Spam score is at least"}, {model.CondAbuse, "Abuse score is at least"},
		{model.CondLanguage, "Language is"}, {model.CondVIP, "Author is a VIP"}, {model.CondFollowers, "Author has at least this many followers"},
		{model.CondLink, "Contains a link"}, {model.CondEmail, "Contains an e-mail address"}, {model.CondPhone, "Contains a phone number"},
		{model.CondOnlyEmoji, "Is nothing but emoji"}, {model.CondQuestion, "Asks a question"}, {model.CondHours, "Written during business hours"}}
	actTypes = []option{{model.RuleTag, "Add tags"}, {model.RuleAssign, "Assign to"}, {model.RulePriority, "Set the priority"},
		{model.RuleHide, "Hide the message"}, {model.RuleDelete, "Delete the message"}, {model.RuleDone, "Mark the conversation done"},
		{model.RuleAutoReply, "Answer with a saved reply"}, {model.RuleNotify, "Notify members"}, {model.RuleEscalate, "Escalate by e-mail or webhook"}}
)

func ruleOptionLabel(opts []option, value string) string {
	for _, o := range opts {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

func ruleOptionValues(opts []option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Value
	}
	return out
}

// ruleRefs are what rule forms and summaries name: channels, members and
// saved replies of the workspace.
type ruleRefs struct {
	chans             []model.Channel
	members           []model.Member
	replies           []model.SavedReply
	chanName, who, sr map[string]string
}

// rulesAndRefs reads the workspace's rules with what their texts name.
func (h *handler) rulesAndRefs(ctx context.Context, v *visit, ws string) ([]model.Rule, ruleRefs, error) {
	rules, err := h.d.Inbox.Rules(ctx, v.actor, ws)
	if err != nil {
		return nil, ruleRefs{}, err
	}
	x, err := h.ruleRefs(ctx, v, ws)
	return rules, x, err
}

func (h *handler) ruleRefs(ctx context.Context, v *visit, ws string) (ruleRefs, error) {
	var x ruleRefs
	var err error
	if x.chans, err = h.d.Channels.List(ctx, v.actor, ws); err != nil {
		return x, err
	}
	if x.members, err = h.d.Workspaces.Members(ctx, v.actor, ws); err != nil {
		return x, err
	}
	if x.replies, err = h.d.Inbox.SavedReplies(ctx, v.actor, ws); err != nil {
		return x, err
	}
	x.chanName, x.who, x.sr = map[string]string{}, map[string]string{}, map[string]string{}
	for _, c := range x.chans {
		x.chanName[c.ID] = c.Name
	}
	for _, m := range x.members {
		x.who[m.UserID] = m.Name
	}
	for _, r := range x.replies {
		x.sr[r.ID] = r.Name
	}
	return x, nil
}

func ruleNames(keys []string, m map[string]string) string {
	out := make([]string, len(keys))
	for i, id := range keys {
		if out[i] = m[id]; out[i] == "" {
			out[i] = id
		}
	}
	return strings.Join(out, ", ")
}

// condText says in words what a condition tests.
func condText(c model.RuleCondition, x ruleRefs) string {
	s, detail := ruleOptionLabel(condTypes, c.Type), ""
	switch c.Type {
	case model.CondKeywords:
		detail = strings.Join(c.Words, ", ")
	case model.CondRegexp:
		detail = c.Pattern
	case model.CondKind, model.CondNetwork, model.CondLanguage:
		detail = strings.Join(c.Values, ", ")
	case model.CondChannel:
		detail = ruleNames(c.Values, x.chanName)
	case model.CondSentiment:
		parts := []string{}
		if len(c.Values) > 0 {
			parts = append(parts, strings.Join(c.Values, ", "))
		}
		if c.Below != nil {
			parts = append(parts, "score below "+strconv.FormatFloat(*c.Below, 'g', -1, 64))
		}
		if c.Above != nil {
			parts = append(parts, "score above "+strconv.FormatFloat(*c.Above, 'g', -1, 64))
		}
		detail = strings.Join(parts, "; ")
	case model.CondSpam, model.CondAbuse:
		detail = strconv.FormatFloat(c.Score, 'g', -1, 64)
	case model.CondFollowers:
		detail = strconv.Itoa(c.Count)
	}
	if detail != "" {
		s += ": " + detail
	}
	if c.Negate {
		s = "Not: " + s
	}
	return s
}

// actText says in words what an action does.
func actText(a model.RuleAction, x ruleRefs) string {
	s, detail := ruleOptionLabel(actTypes, a.Type), ""
	switch a.Type {
	case model.RuleTag:
		detail = strings.Join(a.Tags, ", ")
	case model.RuleAssign:
		detail = ruleNames([]string{a.UserID}, x.who)
	case model.RulePriority:
		detail = ruleOptionLabel(inboxPriorities, strconv.Itoa(a.Priority))
	case model.RuleAutoReply:
		detail = ruleNames([]string{a.ReplyID}, x.sr)
	case model.RuleNotify:
		detail = ruleNames(a.UserIDs, x.who)
	case model.RuleEscalate:
		detail = strings.Trim(a.Email+", "+a.Webhook, ", ")
	}
	if detail != "" {
		s += ": " + detail
	}
	return s
}

// ruleRow is one rule of the list.
type ruleRow struct {
	model.Rule
	Pos         int
	First, Last bool
	When, Then  []string
}

func rulesURL(ws string) string { return "/w/" + ws + "/inbox/admin/rules" }

// ruleList lists the rules in the order they run.
func (h *handler) ruleList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActInboxRules)
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	rules, x, err := h.rulesAndRefs(ctx, v, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	var rows []ruleRow
	for i, rule := range rules {
		row := ruleRow{Rule: rule, Pos: i + 1, First: i == 0, Last: i == len(rules)-1}
		for _, c := range rule.Conditions {
			row.When = append(row.When, condText(c, x))
		}
		for _, a := range rule.Actions {
			row.Then = append(row.Then, actText(a, x))
		}
		rows = append(rows, row)
	}
	h.render(w, r, v, http.StatusOK, "inbox_rules", &page{Title: "Inbox rules · " + m.Workspace.Name, Heading: "Inbox rules", Section: "inbox",
		WS: &m, Data: rows})
}

// ruleMove moves a rule one place up or down in the order rules run.
func (h *handler) ruleMove(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActInboxRules)
	if !ok {
		return
	}
	rid, ok := h.pathID(w, r, v, "rid")
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	rules, err := h.d.Inbox.Rules(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	i := slices.IndexFunc(rules, func(x model.Rule) bool { return x.ID == rid })
	if i < 0 {
		h.fail(w, r, v, model.NotFound("no inbox rule with that ID in this workspace"))
		return
	}
	j, dir := i+1, "down"
	if r.PostForm.Get("dir") == "up" {
		j, dir = i-1, "up"
	}
	if j < 0 || j >= len(rules) {
		redirect(w, r, rulesURL(ws))
		return
	}
	order := make([]string, len(rules))
	for k, x := range rules {
		order[k] = x.ID
	}
	order[i], order[j] = order[j], order[i]
	err = h.d.Inbox.ReorderRules(ctx, v.actor, ws, order)
	h.inboxBack(w, r, v, rulesURL(ws), err, "Moved “"+rules[i].Name+"” "+dir+".")
}

// ruleToggle switches a rule on or off.
func (h *handler) ruleToggle(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActInboxRules)
	if !ok {
		return
	}
	rid, ok := h.pathID(w, r, v, "rid")
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	rule, err := h.d.Inbox.Rule(ctx, v.actor, ws, rid)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	rule.Enabled = !rule.Enabled
	_, err = h.d.Inbox.SaveRule(ctx, v.actor, ws, rule)
	done := "“" + rule.Name + "” is on: it runs on new messages."
	if !rule.Enabled {
		done = "“" + rule.Name + "” is off: it no longer runs."
	}
	h.inboxBack(w, r, v, rulesURL(ws), err, done)
}

// ruleDelete removes a rule; what it did stays in the log.
func (h *handler) ruleDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActInboxRules)
	if !ok {
		return
	}
	rid, ok := h.pathID(w, r, v, "rid")
	if !ok {
		return
	}
	err := h.d.Inbox.DeleteRule(r.Context(), v.actor, m.Workspace.ID, rid)
	h.inboxBack(w, r, v, rulesURL(m.Workspace.ID), err, "The rule is deleted.")
}

// ruleActionUndo undoes one automatic action of a rule, back to where
// it was pressed (see undoBack).
func (h *handler) ruleActionUndo(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActInboxRules)
	if !ok {
		return
	}
	aid, ok := h.pathID(w, r, v, "aid")
	if !ok {
		return
	}
	ws := m.Workspace.ID
	rec, err := h.d.Inbox.UndoAction(r.Context(), v.actor, ws, aid)
	back := undoBack(r, ws)
	if c := r.PostForm.Get("conversation"); ids.Valid(c) {
		back = "/w/" + ws + "/inbox/" + c
	}
	done := "The automatic action is undone."
	if rec.Action.Note != "" {
		done = "The automatic action is undone: " + rec.Action.Note + "."
	}
	h.inboxBack(w, r, v, back, err, done)
}
