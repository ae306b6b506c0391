package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/platform/csvsafe"
	"herald/internal/schedule"
)

// The workspace's inbox rules, its inbox settings (business hours,
// service levels, reply approval, escalation) and the team report.
// Routes are in inbox_routes.go.

// ruleView is an inbox rule.
type ruleView struct {
	ID         string                `json:"id"`
	Name       string                `json:"name"`
	Priority   int                   `json:"priority"`
	Enabled    bool                  `json:"enabled"`
	Stop       bool                  `json:"stop"`
	Conditions []model.RuleCondition `json:"conditions"`
	Actions    []model.RuleAction    `json:"actions"`
	CreatedBy  string                `json:"created_by"`
	CreatedAt  string                `json:"created_at"`
	UpdatedAt  string                `json:"updated_at"`
}

func viewRule(r model.Rule) ruleView {
	return ruleView{ID: r.ID, Name: r.Name, Priority: r.Priority, Enabled: r.Enabled, Stop: r.Stop, Conditions: orNone(r.Conditions),
		Actions: orNone(r.Actions), CreatedBy: r.CreatedBy, CreatedAt: stamp(r.CreatedAt), UpdatedAt: stamp(r.UpdatedAt)}
}

// ruleIn is the body that creates, replaces or tries a rule.
type ruleIn struct {
	Name       string                `json:"name"`
	Priority   int                   `json:"priority"`
	Enabled    *bool                 `json:"enabled"` // default true
	Stop       bool                  `json:"stop"`
	Conditions []model.RuleCondition `json:"conditions"`
	Actions    []model.RuleAction    `json:"actions"`
}

func (c *call) ruleInput(id string) (model.Rule, error) {
	var in ruleIn
	if err := c.decode(&in); err != nil {
		return model.Rule{}, err
	}
	if in.Priority < 0 {
		return model.Rule{}, invalidField("priority", "is 1 or more (the rule's place in the order), or 0 to keep it or put a new rule last")
	}
	return model.Rule{ID: id, Name: in.Name, Priority: in.Priority, Enabled: in.Enabled == nil || *in.Enabled, Stop: in.Stop,
		Conditions: in.Conditions, Actions: in.Actions}, nil
}

func (s *server) rulesReply(c *call, ws string) (reply, error) {
	list, err := s.d.Inbox.Rules(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	out := []ruleView{}
	for _, r := range list {
		out = append(out, viewRule(r))
	}
	return ok(map[string]any{"rules": out}), nil
}

// ruleList lists the workspace's rules in the order they run.
func (s *server) ruleList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	return s.rulesReply(c, ws)
}

func (s *server) ruleCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	r, err := c.ruleInput("")
	if err != nil {
		return reply{}, err
	}
	if r, err = s.d.Inbox.SaveRule(c.ctx(), c.actor, ws, r); err != nil {
		return reply{}, err
	}
	return created(c, r.ID, viewRule(r)), nil
}

func (s *server) ruleUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("inbox rule")
	if err != nil {
		return reply{}, err
	}
	r, err := c.ruleInput(id)
	if err != nil {
		return reply{}, err
	}
	if r, err = s.d.Inbox.SaveRule(c.ctx(), c.actor, ws, r); err != nil {
		return reply{}, err
	}
	return ok(viewRule(r)), nil
}

func (s *server) ruleDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("inbox rule")
	if err != nil {
		return reply{}, err
	}
	return noContent(), s.d.Inbox.DeleteRule(c.ctx(), c.actor, ws, id)
}

// ruleOrder sets the order the rules run in and answers the rules.
func (s *server) ruleOrder(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		IDs []string `json:"ids"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if err := s.d.Inbox.ReorderRules(c.ctx(), c.actor, ws, in.IDs); err != nil {
		return reply{}, err
	}
	return s.rulesReply(c, ws)
}

// ruleDryRun shows which of the last 30 days' messages a rule would have
// matched, without acting or saving anything.
func (s *server) ruleDryRun(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	r, err := c.ruleInput("")
	if err != nil {
		return reply{}, err
	}
	res, err := s.d.Inbox.DryRun(c.ctx(), c.actor, ws, r)
	if err != nil {
		return reply{}, err
	}
	return ok(map[string]any{"examined": res.Examined, "matched": res.Matched, "truncated": res.Truncated,
		"messages": viewMessages(res.Messages)}), nil
}

// ruleActionView is an entry of the automatic action log.
type ruleActionView struct {
	ID        string           `json:"id"`
	RuleID    string           `json:"rule_id"`
	MessageID string           `json:"message_id"`
	Action    model.RuleAction `json:"action"`
	Undoable  bool             `json:"undoable"`
	UndoneAt  *string          `json:"undone_at"`
	CreatedAt string           `json:"created_at"`
}

func viewRuleAction(rec model.RuleActionRecord) ruleActionView {
	return ruleActionView{ID: rec.ID, RuleID: rec.RuleID, MessageID: rec.MessageID, Action: rec.Action,
		Undoable: rec.Undo != nil && rec.UndoneAt.IsZero(), UndoneAt: stampOrNull(rec.UndoneAt), CreatedAt: stamp(rec.CreatedAt)}
}

// ruleLogView is a log entry with the message it acted on (null fields
// when the message was erased with its author).
type ruleLogView struct {
	ruleActionView
	ConversationID *string `json:"conversation_id"`
	Author         *string `json:"author"`
	Text           *string `json:"text"`
}

// ruleActionUndo undoes one automatic action of a rule.
func (s *server) ruleActionUndo(c *call) (reply, error) {
	ws, id, err := c.wsAnd("automatic action")
	if err != nil {
		return reply{}, err
	}
	rec, err := s.d.Inbox.UndoAction(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewRuleAction(rec)), nil
}

// messageRuleActions lists what rules did to one message, oldest first.
func (s *server) messageRuleActions(c *call) (reply, error) {
	ws, id, err := c.wsAnd("message")
	if err != nil {
		return reply{}, err
	}
	recs, err := s.d.Inbox.ActionLog(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	out := make([]ruleActionView, 0, len(recs))
	for _, r := range recs {
		out = append(out, viewRuleAction(r))
	}
	return ok(map[string]any{"data": out}), nil
}

// ruleLog pages through the workspace's automatic actions, newest first,
// optionally one rule's (?rule=).
func (s *server) ruleLog(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	p, err := c.pageParams()
	if err != nil {
		return reply{}, err
	}
	f := model.RuleLogFilter{RuleID: c.r.URL.Query().Get("rule"), Before: p.after, Limit: p.limit + 1}
	entries, err := s.d.Inbox.RuleLog(c.ctx(), c.actor, ws, f)
	if err != nil {
		return reply{}, err
	}
	out := page[ruleLogView]{Data: make([]ruleLogView, 0, len(entries))}
	if len(entries) > p.limit {
		entries = entries[:p.limit]
		out.NextCursor = encodeCursor(entries[p.limit-1].ID)
	}
	for _, e := range entries {
		v := ruleLogView{ruleActionView: viewRuleAction(e.RuleActionRecord)}
		if e.ConversationID != "" {
			v.ConversationID, v.Author, v.Text = &e.ConversationID, &e.Author, &e.Text
		}
		out.Data = append(out.Data, v)
	}
	return ok(out), nil
}

// hoursView is one opening span, "HH:MM" in the workspace's zone.
type hoursView struct {
	Weekday int    `json:"weekday"`
	From    string `json:"from"`
	To      string `json:"to"`
}

// settingsView is the workspace's inbox settings.
type settingsView struct {
	Zone               string       `json:"zone"`
	Hours              []hoursView  `json:"hours"`
	FirstResponseMins  int          `json:"first_response_mins"`
	ResolutionMins     int          `json:"resolution_mins"`
	WarnBeforeMins     int          `json:"warn_before_mins"`
	ReplyApprovalRoles []model.Role `json:"reply_approval_roles"`
	EscalateEmail      *string      `json:"escalate_email"`
	EscalateWebhook    *string      `json:"escalate_webhook"`
	UpdatedAt          *string      `json:"updated_at"`
}

func viewSettings(st model.InboxSettings) settingsView {
	v := settingsView{Zone: st.Zone, Hours: []hoursView{}, FirstResponseMins: st.FirstResponseMins, ResolutionMins: st.ResolutionMins,
		WarnBeforeMins: st.WarnBeforeMins, ReplyApprovalRoles: orNone(st.ReplyApprovalRoles), EscalateEmail: stringOrNull(st.EscalateEmail),
		EscalateWebhook: stringOrNull(st.EscalateWebhook), UpdatedAt: stampOrNull(st.UpdatedAt)}
	for _, h := range st.Hours {
		v.Hours = append(v.Hours, hoursView{Weekday: h.Weekday, From: clock(h.From), To: clock(h.To)})
	}
	return v
}

func clock(mins int) string { return fmt.Sprintf("%02d:%02d", mins/60, mins%60) }

// parseClock reads "HH:MM" (00:00 to 24:00) as minutes of the day.
func parseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || len(h) != 2 || len(m) != 2 || err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh*60+mm > 24*60 {
		return 0, false
	}
	return hh*60 + mm, true
}

func (s *server) inboxSettingsGet(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	st, err := s.d.Inbox.Settings(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	return ok(viewSettings(st)), nil
}

// inboxSettingsPut replaces the workspace's inbox settings; absent
// fields take their zero value (zone UTC, no hours, no targets).
func (s *server) inboxSettingsPut(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Zone               string       `json:"zone"`
		Hours              []hoursView  `json:"hours"`
		FirstResponseMins  int          `json:"first_response_mins"`
		ResolutionMins     int          `json:"resolution_mins"`
		WarnBeforeMins     int          `json:"warn_before_mins"`
		ReplyApprovalRoles []model.Role `json:"reply_approval_roles"`
		EscalateEmail      *string      `json:"escalate_email"`
		EscalateWebhook    *string      `json:"escalate_webhook"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	st := model.InboxSettings{Zone: in.Zone, FirstResponseMins: in.FirstResponseMins, ResolutionMins: in.ResolutionMins,
		WarnBeforeMins: in.WarnBeforeMins, ReplyApprovalRoles: in.ReplyApprovalRoles}
	if in.EscalateEmail != nil {
		st.EscalateEmail = strings.TrimSpace(*in.EscalateEmail)
	}
	if in.EscalateWebhook != nil {
		st.EscalateWebhook = strings.TrimSpace(*in.EscalateWebhook)
	}
	if len(in.Hours) > 50 {
		return reply{}, invalidField("hours", "at most 50 opening spans")
	}
	for i, h := range in.Hours {
		from, ok1 := parseClock(h.From)
		to, ok2 := parseClock(h.To)
		switch {
		case !ok1:
			return reply{}, invalidField("hours."+strconv.Itoa(i)+".from", "is a time of day HH:MM from 00:00 to 24:00")
		case !ok2:
			return reply{}, invalidField("hours."+strconv.Itoa(i)+".to", "is a time of day HH:MM from 00:00 to 24:00")
		case from >= to:
			return reply{}, invalidField("hours."+strconv.Itoa(i)+".to", "closing time %s is not after opening time %s", h.To, h.From)
		}
		st.Hours = append(st.Hours, model.BusinessHours{Weekday: h.Weekday, From: from, To: to})
	}
	if st, err = s.d.Inbox.SaveSettings(c.ctx(), c.actor, ws, st); err != nil {
		return reply{}, err
	}
	return ok(viewSettings(st)), nil
}

// reportLineView is one person's or channel's share of the report.
type reportLineView struct {
	ID                      *string `json:"id"` // user or channel ID; null: unassigned
	Name                    string  `json:"name"`
	Conversations           int     `json:"conversations"`
	Messages                int     `json:"messages"`
	Answered                int     `json:"answered"`
	Resolved                int     `json:"resolved"`
	MedianFirstResponseSecs *int64  `json:"median_first_response_secs"`
	MedianResolutionSecs    *int64  `json:"median_resolution_secs"`
}

// reportView is the team report.
type reportView struct {
	From                    string           `json:"from"`
	To                      string           `json:"to"`
	Zone                    string           `json:"zone"`
	Conversations           int              `json:"conversations"`
	Messages                int              `json:"messages"`
	Answered                int              `json:"answered"`
	Resolved                int              `json:"resolved"`
	Breached                int              `json:"breached"`
	MedianFirstResponseSecs *int64           `json:"median_first_response_secs"`
	MedianResolutionSecs    *int64           `json:"median_resolution_secs"`
	ByPerson                []reportLineView `json:"by_person"`
	ByChannel               []reportLineView `json:"by_channel"`
}

func secsOrNull(d time.Duration) *int64 {
	if d < 0 {
		return nil
	}
	n := int64(d.Round(time.Second) / time.Second)
	return &n
}

// reportFormat is csv for ?format=csv or an Accept that prefers text/csv
// (json otherwise).
func reportFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "csv", "json":
		return f, nil
	case "":
	default:
		return "", invalidField("format", "is json or csv")
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/csv" {
			return "csv", nil
		}
	}
	return "json", nil
}

// inboxReport answers the team report over whole days in the inbox's
// zone, ?from= to ?to= inclusive (default: the last 30 days), as JSON or
// CSV.
func (s *server) inboxReport(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	format, err := reportFormat(c.r)
	if err != nil {
		return reply{}, err
	}
	st, err := s.d.Inbox.Settings(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	loc, err := schedule.LoadZone(st.Zone)
	if err != nil {
		loc = time.UTC
	}
	now := time.Now().In(loc)
	to, from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc), time.Time{}
	q := c.r.URL.Query()
	if v := q.Get("to"); v != "" {
		if to, err = time.ParseInLocation(time.DateOnly, v, loc); err != nil {
			return reply{}, invalidField("to", "is a date YYYY-MM-DD")
		}
	}
	from = to.AddDate(0, 0, -29)
	if v := q.Get("from"); v != "" {
		if from, err = time.ParseInLocation(time.DateOnly, v, loc); err != nil {
			return reply{}, invalidField("from", "is a date YYYY-MM-DD")
		}
	}
	if to.Before(from) {
		return reply{}, invalidField("to", "is on or after from (%s)", from.Format(time.DateOnly))
	}
	rep, err := s.d.Inbox.TeamReport(c.ctx(), c.actor, ws, from, to.AddDate(0, 0, 1))
	if err != nil {
		return reply{}, err
	}
	out, err := s.reportView(c, ws, rep, st.Zone)
	if err != nil {
		return reply{}, err
	}
	out.From, out.To = from.Format(time.DateOnly), to.Format(time.DateOnly)
	if format == "json" {
		return ok(out), nil
	}
	return writeReportCSV(c, out)
}

// reportView names the report's people and channels.
func (s *server) reportView(c *call, ws string, r inbox.Report, zone string) (reportView, error) {
	names := map[string]string{"": "Unassigned"}
	members, err := s.d.Workspaces.Members(c.ctx(), c.actor, ws)
	if err != nil {
		return reportView{}, err
	}
	for _, m := range members {
		names[m.UserID] = cmpOrEmpty(m.Name, m.Email)
	}
	chans, err := s.d.Channels.List(c.ctx(), c.actor, ws)
	if err != nil {
		return reportView{}, err
	}
	for _, ch := range chans {
		names[ch.ID] = ch.Name
	}
	lines := func(ls []inbox.ReportLine) []reportLineView {
		out := []reportLineView{}
		for _, l := range ls {
			name, known := names[l.Key]
			if !known {
				name = l.Key // a former member or a disconnected channel
			}
			out = append(out, reportLineView{ID: stringOrNull(l.Key), Name: name, Conversations: l.Conversations, Messages: l.Messages,
				Answered: l.Answered, Resolved: l.Resolved, MedianFirstResponseSecs: secsOrNull(l.MedianFirstResponse),
				MedianResolutionSecs: secsOrNull(l.Median)})
		}
		return out
	}
	return reportView{Zone: zone, Conversations: r.Conversations, Messages: r.Messages, Answered: r.Answered, Resolved: r.Resolved,
		Breached: r.Breached, MedianFirstResponseSecs: secsOrNull(r.MedianFirstResponse), MedianResolutionSecs: secsOrNull(r.MedianRes),
		ByPerson: lines(r.ByPerson), ByChannel: lines(r.ByChannel)}, nil
}

func cmpOrEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// reportColumns are the CSV report's columns: one total row, then a row
// per person and per channel (breached is counted for the total only).
var reportColumns = []string{"group", "id", "name", "conversations", "messages", "answered", "resolved", "breached",
	"median_first_response_secs", "median_resolution_secs"}

func writeReportCSV(c *call, r reportView) (reply, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	num := func(n *int64) string {
		if n == nil {
			return ""
		}
		return strconv.FormatInt(*n, 10)
	}
	row := func(cells ...string) {
		for i := range cells {
			cells[i] = csvsafe.Cell(cells[i])
		}
		_ = w.Write(cells) // into a buffer: w.Error below
	}
	row(reportColumns...)
	row("total", "", "All conversations", strconv.Itoa(r.Conversations), strconv.Itoa(r.Messages), strconv.Itoa(r.Answered),
		strconv.Itoa(r.Resolved), strconv.Itoa(r.Breached), num(r.MedianFirstResponseSecs), num(r.MedianResolutionSecs))
	for _, g := range []struct {
		name  string
		lines []reportLineView
	}{{"person", r.ByPerson}, {"channel", r.ByChannel}} {
		for _, l := range g.lines {
			id := ""
			if l.ID != nil {
				id = *l.ID
			}
			row(g.name, id, l.Name, strconv.Itoa(l.Conversations), strconv.Itoa(l.Messages), strconv.Itoa(l.Answered),
				strconv.Itoa(l.Resolved), "", num(l.MedianFirstResponseSecs), num(l.MedianResolutionSecs))
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return reply{}, err
	}
	h := c.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="inbox-report-`+r.From+`-to-`+r.To+`.csv"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(buf.Bytes())
	return reply{streamed: true}, nil
}
