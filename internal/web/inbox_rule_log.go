package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"herald/internal/model"
)

// ruleActView is one automatic action as a conversation or the log shows
// it: which rule, what it did in words, how it went, and whether the
// visitor may still undo it.
type ruleActView struct {
	ID, Rule, Text, Note string
	Undone, CanUndo      bool
}

func viewRuleAction(rec model.RuleActionRecord, x ruleRefs, mayUndo bool) ruleActView {
	return ruleActView{ID: rec.ID, Rule: rec.Action.Rule, Text: actText(rec.Action, x), Note: rec.Action.Note,
		Undone: !rec.UndoneAt.IsZero(), CanUndo: mayUndo && rec.Undo != nil && rec.UndoneAt.IsZero()}
}

// ruleLogRow is an entry of the log with the message it acted on.
type ruleLogRow struct {
	ruleActView
	CreatedAt             time.Time
	Author, Link, Excerpt string
}

// ruleLogData is the automatic action log page.
type ruleLogData struct {
	Rows      []ruleLogRow
	Rules     []model.Rule
	Rule      string // the rule shown, "" for all
	Self      string // this page's URL, where undoing comes back to
	Action    string // the form's target: all rules, newest first
	Newest    string // the first page of this view
	NextURL   string // older entries, "" on the last page
	Filtered  bool
	FirstPage bool
}

const ruleLogPage = 50

func ruleLogURL(ws string) string { return "/w/" + ws + "/inbox/admin/actions" }

// ruleLogShow lists the workspace's automatic actions, newest first, for
// all rules or one, with undo where it is still possible.
func (h *handler) ruleLogShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.may(w, r, v, model.ActInboxRules)
	if !ok {
		return
	}
	ctx, ws, q := r.Context(), m.Workspace.ID, r.URL.Query()
	f := model.RuleLogFilter{RuleID: q.Get("rule"), Before: q.Get("before"), Limit: ruleLogPage + 1}
	entries, err := h.d.Inbox.RuleLog(ctx, v.actor, ws, f)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	rules, x, err := h.rulesAndRefs(ctx, v, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &ruleLogData{Rules: rules, Rule: f.RuleID, Action: ruleLogURL(ws), Filtered: f.RuleID != "", FirstPage: f.Before == ""}
	d.Self, d.Newest = d.Action+"?"+r.URL.RawQuery, d.Action
	if f.RuleID != "" {
		d.Newest += "?" + url.Values{"rule": {f.RuleID}}.Encode()
	}
	if len(entries) > ruleLogPage {
		entries = entries[:ruleLogPage]
		next := url.Values{"before": {entries[ruleLogPage-1].ID}}
		if f.RuleID != "" {
			next.Set("rule", f.RuleID)
		}
		d.NextURL = d.Action + "?" + next.Encode()
	}
	for _, e := range entries {
		row := ruleLogRow{ruleActView: viewRuleAction(e.RuleActionRecord, x, true), CreatedAt: e.CreatedAt, Author: e.Author,
			Excerpt: excerpt(e.Text, 120)}
		if e.ConversationID != "" {
			row.Link = "/w/" + ws + "/inbox/" + e.ConversationID
		}
		d.Rows = append(d.Rows, row)
	}
	h.render(w, r, v, http.StatusOK, "inbox_actions", &page{Title: "Automatic actions · " + m.Workspace.Name, Heading: "Automatic actions",
		Section: "inbox", WS: &m, Data: d})
}

// undoBack is where undoing an action returns: the log page it was
// pressed on (form field "back"), the conversation ("conversation"), or
// the rules.
func undoBack(r *http.Request, ws string) string {
	if b := r.PostForm.Get("back"); strings.HasPrefix(b, ruleLogURL(ws)) && !strings.ContainsAny(b, "\r\n\\") {
		return b
	}
	return rulesURL(ws)
}
