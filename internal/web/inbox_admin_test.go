package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/internal/channel"
	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/provider"
)

// contactNamed finds the contact the inbox made for an author.
func (ie *inboxEnv) contactNamed(name string) model.Contact {
	ie.t.Helper()
	cs, err := ie.a.Inbox.Contacts(context.Background(), ie.owner, ie.ws.ID, name)
	if err != nil || len(cs) != 1 {
		ie.t.Fatalf("contact %q: %d found, %v", name, len(cs), err)
	}
	return cs[0]
}

// A contact is changed, merged with another, exported and erased from its
// page; erasing wants the contact's name typed exactly.
func TestContactPages(t *testing.T) {
	ie := newInboxEnv(t)
	ctx := context.Background()
	ada, dee := ie.contactNamed("@ada"), ie.contactNamed("@dee")
	base := "/w/" + ie.ws.ID + "/contacts"

	p := ie.c.get(base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "@ada", "@dee", "@eve", "@gus")
	p = ie.c.get(base + "?q=ada")
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.body, `data-contact="`+ada.ID+`"`) || strings.Contains(p.body, `data-contact="`+dee.ID+`"`) {
		t.Error("searching for ada does not list ada alone")
	}

	p = ie.c.get(base + "/" + ada.ID)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Is the spring menu vegan?", "Download everything we hold (JSON)", "Erase this contact")
	if !strings.Contains(p.body, `href="/w/`+ie.ws.ID+`/inbox/`+ie.comments.ID+`"`) {
		t.Error("the history does not link to the conversation")
	}
	conv := ie.c.get("/w/" + ie.ws.ID + "/inbox/" + ie.comments.ID)
	if !strings.Contains(conv.body, `href="/w/`+ie.ws.ID+`/contacts/`+ada.ID+`"`) {
		t.Error("the conversation does not link to its contact")
	}

	// Change: a bad name is refused next to its field; a good change saves.
	p = ie.c.post(base+"/"+ada.ID, url.Values{"name": {"  "}, "notes": {"n"}, "tags": {"press"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "name"); !strings.Contains(msg, "1 to 200 characters") {
		t.Errorf("name error %q", msg)
	}
	p = ie.c.post(base+"/"+ada.ID, url.Values{"name": {"Ada Lovelace"}, "notes": {"Asks about vegan food"}, "tags": {"press, regular"}, "vip": {"1"}})
	if p.status != http.StatusSeeOther || p.location() != base+"/"+ada.ID {
		t.Fatalf("save contact: %d → %q: %s", p.status, p.location(), alertText(p.body))
	}
	mustContain(t, ie.c.get(base+"/"+ada.ID), "Ada Lovelace", "VIP", "The contact is saved.")
	h, err := ie.a.Inbox.Contact(ctx, ie.owner, ie.ws.ID, ada.ID)
	if err != nil || h.Contact.Name != "Ada Lovelace" || !h.Contact.VIP || strings.Join(h.Contact.Tags, ",") != "press,regular" || h.Contact.Notes != "Asks about vegan food" {
		t.Fatalf("after save: %+v, %v", h.Contact, err)
	}

	// Merge dee into ada.
	p = ie.c.post(base+"/"+ada.ID+"/merge", url.Values{"from": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "from")
	p = ie.c.submit(base+"/"+ada.ID+"/merge", url.Values{"from": {dee.ID}})
	mustContain(t, p, "Merged", "lovely shop", "Is the spring menu vegan?")
	if h, err = ie.a.Inbox.Contact(ctx, ie.owner, ie.ws.ID, ada.ID); err != nil || len(h.Messages) != 2 || len(h.Contact.Handles) != 2 {
		t.Fatalf("after merge: %d messages, %d handles, %v", len(h.Messages), len(h.Contact.Handles), err)
	}
	if _, err := ie.a.Inbox.Contact(ctx, ie.owner, ie.ws.ID, dee.ID); model.KindOf(err) != model.KindNotFound {
		t.Errorf("the merged contact is still there: %v", err)
	}

	// Export: a JSON attachment with their messages.
	p = ie.c.post(base+"/"+ada.ID+"/export", nil)
	wantStatus(t, p, http.StatusOK)
	if !strings.HasPrefix(p.header.Get("Content-Type"), "application/json") || !strings.Contains(p.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export headers: %q, %q", p.header.Get("Content-Type"), p.header.Get("Content-Disposition"))
	}
	var ex inbox.Export
	if err := json.Unmarshal([]byte(p.body), &ex); err != nil {
		t.Fatalf("export is not JSON: %v: %.200s", err, p.body)
	}
	if ex.Contact.ID != ada.ID || len(ex.Messages) != 2 || !strings.Contains(p.body, "Is the spring menu vegan?") {
		t.Errorf("export: contact %q, %d messages", ex.Contact.ID, len(ex.Messages))
	}

	// Erase: the wrong name is refused and nothing goes; the right one erases.
	p = ie.c.post(base+"/"+ada.ID+"/erase", url.Values{"confirm_name": {"Ada"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "confirm_name"); !strings.Contains(msg, "Ada Lovelace") || !strings.Contains(msg, "nothing was erased") {
		t.Errorf("confirmation error %q", msg)
	}
	if _, err := ie.a.Inbox.Contact(ctx, ie.owner, ie.ws.ID, ada.ID); err != nil {
		t.Fatalf("a wrong confirmation erased the contact: %v", err)
	}
	p = ie.c.post(base+"/"+ada.ID+"/erase", url.Values{"confirm_name": {"Ada Lovelace"}})
	if p.status != http.StatusSeeOther || p.location() != base {
		t.Fatalf("erase: %d → %q: %s", p.status, p.location(), alertText(p.body))
	}
	if _, err := ie.a.Inbox.Contact(ctx, ie.owner, ie.ws.ID, ada.ID); model.KindOf(err) != model.KindNotFound {
		t.Errorf("the erased contact is still there: %v", err)
	}
	mustContain(t, ie.c.get(base), "are erased")
}

// A rule with a bad pattern is refused next to the row it was typed in
// (empty rows before it do not shift the message) and nothing is saved; a
// good rule is tried on past messages, saved, listed and reordered.
func TestInboxRuleForm(t *testing.T) {
	ie := newInboxEnv(t)
	ctx := context.Background()
	rules := "/w/" + ie.ws.ID + "/inbox/admin/rules"

	p := ie.c.get(rules + "/new")
	wantStatus(t, p, http.StatusOK)
	for _, name := range []string{"conditions.0.type", "conditions.2.type", "actions.1.type"} {
		if !strings.Contains(p.body, `name="`+name+`"`) {
			t.Errorf("the new rule form lacks the empty row %s", name)
		}
	}
	if !strings.Contains(p.body, `name="conditions.__N__.type"`) || !strings.Contains(p.body, "data-add-row") {
		t.Error("the form has no row for “Add condition” to copy")
	}

	bad := url.Values{"name": {"Vegan questions"}, "enabled": {"1"},
		"conditions.0.type": {""}, "conditions.1.type": {"regexp"}, "conditions.1.pattern": {"vegan["},
		"actions.0.type": {"tag"}, "actions.0.tags": {"vegan"}, "actions.0.priority": {"0"}, "op": {"save"}}
	p = ie.c.post(rules, bad)
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "conditions.1.pattern"); !strings.Contains(msg, "position 5") {
		t.Errorf("pattern error %q", msg)
	}
	if !strings.Contains(p.body, `value="vegan["`) {
		t.Error("the typed pattern is not kept")
	}
	if rs, err := ie.a.Inbox.Rules(ctx, ie.owner, ie.ws.ID); err != nil || len(rs) != 0 {
		t.Fatalf("a refused rule was saved: %d, %v", len(rs), err)
	}

	good := url.Values{"name": {"Vegan questions"}, "enabled": {"1"},
		"conditions.0.type": {""}, "conditions.1.type": {"keywords"}, "conditions.1.words": {"vegan, gluten"},
		"conditions.2.type": {"kind"}, "conditions.2.values": {"reply", "comment"},
		"actions.0.type": {"tag"}, "actions.0.tags": {"menu"}, "actions.0.priority": {"0"}, "actions.1.type": {""}, "actions.1.priority": {"0"}}
	dry := url.Values{"op": {"dry_run"}}
	for k, vs := range good {
		dry[k] = vs
	}
	p = ie.c.post(rules, dry)
	wantStatus(t, p, http.StatusOK)
	if !regexp.MustCompile(`<strong data-dry-matched>1</strong> of 4 messages`).MatchString(p.body) {
		t.Errorf("dry run: %s", between(text(p.body), "Tried on", "Rule"))
	}
	if strings.Count(p.body, "data-dry-message") != 1 || !strings.Contains(p.body, `href="/w/`+ie.ws.ID+`/inbox/`+ie.comments.ID+`"`) {
		t.Error("the dry run does not list the matching message with its conversation")
	}
	if rs, _ := ie.a.Inbox.Rules(ctx, ie.owner, ie.ws.ID); len(rs) != 0 {
		t.Fatal("a dry run saved the rule")
	}

	good.Set("op", "save")
	p = ie.c.post(rules, good)
	if p.status != http.StatusSeeOther || p.location() != rules {
		t.Fatalf("save: %d → %q: %s", p.status, p.location(), alertText(p.body))
	}
	rs, err := ie.a.Inbox.Rules(ctx, ie.owner, ie.ws.ID)
	if err != nil || len(rs) != 1 || len(rs[0].Conditions) != 2 || len(rs[0].Actions) != 1 || !rs[0].Enabled {
		t.Fatalf("saved rules: %+v, %v", rs, err)
	}
	if c := rs[0].Conditions[1]; c.Type != model.CondKind || strings.Join(c.Values, ",") != "reply,comment" {
		t.Errorf("the type condition is %+v", c)
	}
	first := rs[0]

	p = ie.c.get(rules + "/" + first.ID)
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.body, `value="vegan, gluten"`) || !strings.Contains(p.body, `name="conditions.3.type"`) {
		t.Error("the edit form does not show the stored rule with empty rows after it")
	}

	second, err := ie.a.Inbox.SaveRule(ctx, ie.owner, ie.ws.ID, model.Rule{Name: "Spam", Enabled: true,
		Conditions: []model.RuleCondition{{Type: model.CondSpam, Score: 0.8}}, Actions: []model.RuleAction{{Type: model.RuleHide}}})
	if err != nil {
		t.Fatal(err)
	}
	p = ie.c.submit(rules+"/"+second.ID+"/move", url.Values{"dir": {"up"}})
	mustContain(t, p, "Moved “Spam” up.")
	if rs, _ = ie.a.Inbox.Rules(ctx, ie.owner, ie.ws.ID); len(rs) != 2 || rs[0].ID != second.ID {
		t.Fatalf("after moving up the order is %v", rs)
	}
	if strings.Index(p.body, `data-rule="`+second.ID+`"`) > strings.Index(p.body, `data-rule="`+first.ID+`"`) {
		t.Error("the list does not show the new order")
	}
	mustContain(t, ie.c.submit(rules+"/"+first.ID+"/toggle", nil), "“Vegan questions” is off")
	if r, _ := ie.a.Inbox.Rule(ctx, ie.owner, ie.ws.ID, first.ID); r.Enabled {
		t.Error("the rule is still on")
	}
	mustContain(t, ie.c.submit(rules+"/"+second.ID+"/delete", nil), "The rule is deleted.")
}

// Settings show each mistake next to its field and save nothing until
// all is well.
func TestInboxSettingsPage(t *testing.T) {
	ie := newInboxEnv(t)
	ctx := context.Background()
	path := "/w/" + ie.ws.ID + "/inbox/admin/settings"
	p := ie.c.get(path)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Business hours", "Monday", "Sunday", "Reply approval", "Escalation")

	vals := url.Values{"zone": {"Mars/Olympus_Mons"}, "hours.1.0.from": {"09:00"}, "hours.1.0.to": {"17:30"}, "first_response_mins": {"60"}}
	p = ie.c.post(path, vals)
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "zone"); !strings.Contains(msg, "is not a time zone") {
		t.Errorf("zone error %q", msg)
	}
	vals = url.Values{"zone": {"Europe/Paris"}, "hours.2.0.from": {"18:00"}, "hours.2.0.to": {"09:00"}, "first_response_mins": {"soon"}}
	p = ie.c.post(path, vals)
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "hours.2.0")
	fieldError(t, p.body, "first_response_mins")
	if st, _ := ie.a.Inbox.Settings(ctx, ie.owner, ie.ws.ID); st.Zone == "Europe/Paris" {
		t.Fatal("refused settings were saved")
	}

	vals = url.Values{"zone": {"Europe/Paris"}, "hours.1.0.from": {"09:00"}, "hours.1.0.to": {"12:00"}, "hours.1.1.from": {"13:00"},
		"hours.1.1.to": {"00:00"}, "first_response_mins": {"60"}, "resolution_mins": {"1440"}, "warn_before_mins": {"15"},
		"reply_approval_roles": {"editor", "contributor"}, "escalate_email": {"care@example.com"}}
	p = ie.c.post(path, vals)
	if p.status != http.StatusSeeOther {
		t.Fatalf("save settings: %d: %s", p.status, alertText(p.body))
	}
	st, err := ie.a.Inbox.Settings(ctx, ie.owner, ie.ws.ID)
	if err != nil || st.Zone != "Europe/Paris" || len(st.Hours) != 2 || st.Hours[1] != (model.BusinessHours{Weekday: 1, From: 13 * 60, To: 24 * 60}) ||
		st.FirstResponseMins != 60 || len(st.ReplyApprovalRoles) != 2 || st.EscalateEmail != "care@example.com" {
		t.Fatalf("saved settings: %+v, %v", st, err)
	}
	p = ie.c.get(path)
	for _, want := range []string{`name="hours.1.1.to" value="00:00"`, `name="hours.1.2.from"`, `value="editor" checked`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the settings page lacks %s", want)
		}
	}
}

// The team report shows totals, per person and per channel, with a chart
// and a CSV of the same numbers whose cells cannot run as formulas.
func TestInboxTeamReport(t *testing.T) {
	ie := newInboxEnv(t)
	ctx := context.Background()
	if _, err := ie.a.Channels.Update(ctx, ie.owner, ie.ws.ID, ie.ch2.ID, channel.Settings{Name: "=HYPERLINK(1)", TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	path := "/w/" + ie.ws.ID + "/inbox/admin/report"
	p := ie.c.get(path)
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.body, `data-total="conversations">4<`) || !strings.Contains(p.body, `data-total="first">—<`) {
		t.Errorf("totals: %s", between(text(p.body), "Conversations", "Per person"))
	}
	mustContain(t, p, "Per person", "Unassigned", "Per channel", "=HYPERLINK(1)", "Median first response")
	if chart := between(p.body, "data-report-chart", "</svg>"); strings.Count(chart, "<rect") != 2 || strings.Contains(p.body, "style=") {
		t.Error("the chart is not two SVG bars drawn with attributes")
	}

	csvPath := regexp.MustCompile(`href="(/w/[^"]+/report\.csv\?[^"]+)"`).FindStringSubmatch(p.body)
	if csvPath == nil {
		t.Fatal("no CSV link")
	}
	dl := ie.c.get(strings.ReplaceAll(csvPath[1], "&amp;", "&"))
	wantStatus(t, dl, http.StatusOK)
	if !strings.HasPrefix(dl.header.Get("Content-Type"), "text/csv") || !strings.Contains(dl.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("CSV headers: %v", dl.header)
	}
	rows, err := csv.NewReader(strings.NewReader(dl.body)).ReadAll()
	if err != nil || len(rows) < 4 {
		t.Fatalf("CSV: %v: %s", err, dl.body)
	}
	if strings.Join(rows[1][:8], ",") != "total,,All conversations,4,4,0,0,0" {
		t.Errorf("total row %q", rows[1])
	}
	found := false
	for _, r := range rows {
		if r[0] == "channel" && r[2] == "'=HYPERLINK(1)" && r[3] == "1" {
			found = true
		}
	}
	if !found {
		t.Errorf("no guarded channel row: %q", rows)
	}

	p = ie.c.get(path + "?from=yesterday")
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "from")
	p = ie.c.get(path + "?from=2024-05-10&to=2024-05-01")
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "to")
}

// A Viewer reads contacts and the report but may not change settings or
// rules, nor export or erase a contact; every form carries the CSRF token.
func TestInboxAdminPermissions(t *testing.T) {
	ie := newInboxEnv(t)
	ctx := context.Background()
	ada := ie.contactNamed("@ada")
	rule, err := ie.a.Inbox.SaveRule(ctx, ie.owner, ie.ws.ID, model.Rule{Name: "Tag", Enabled: true,
		Conditions: []model.RuleCondition{{Type: model.CondQuestion}}, Actions: []model.RuleAction{{Type: model.RuleTag, Tags: []string{"q"}}}})
	if err != nil {
		t.Fatal(err)
	}
	ws := "/w/" + ie.ws.ID
	formRe := regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*>.*?</form>`)
	for _, path := range []string{ws + "/contacts/" + ada.ID, ws + "/inbox/admin/rules", ws + "/inbox/admin/rules/" + rule.ID, ws + "/inbox/admin/settings"} {
		p := ie.c.get(path)
		wantStatus(t, p, http.StatusOK)
		for _, f := range formRe.FindAllString(p.body, -1) {
			if !strings.Contains(f, `name="csrf" value="`+ie.c.csrf()+`"`) {
				t.Errorf("%s: a form lacks the csrf field: %.200s", path, f)
			}
		}
	}

	list := ie.c.get(ws + "/inbox")
	for _, link := range []string{"/contacts", "/inbox/admin/rules", "/inbox/admin/settings", "/inbox/admin/report"} {
		if !strings.Contains(list.body, `href="`+ws+link+`"`) {
			t.Errorf("the inbox does not link to %s", link)
		}
	}

	ie.member("owner@example.test", ie.ws.ID, "viewer@example.test", model.RoleViewer)
	v := ie.client()
	v.signIn("viewer@example.test", testPassword)
	if list := v.get(ws + "/inbox"); strings.Contains(list.body, `href="`+ws+`/inbox/admin/rules"`) {
		t.Error("a viewer is offered the rules, which they may not open")
	}
	p := v.get(ws + "/contacts/" + ada.ID)
	wantStatus(t, p, http.StatusOK)
	if strings.Contains(p.body, "data-erase-form") || strings.Contains(p.body, "data-contact-form") {
		t.Error("a viewer is offered to change or erase a contact")
	}
	wantStatus(t, v.get(ws+"/inbox/admin/report"), http.StatusOK)
	wantStatus(t, v.get(ws+"/inbox/admin/settings"), http.StatusOK)
	wantStatus(t, v.get(ws+"/inbox/admin/rules"), http.StatusForbidden)
	for path, vals := range map[string]url.Values{
		ws + "/inbox/admin/settings":                     {"zone": {"UTC"}},
		ws + "/inbox/admin/rules":                        {"name": {"x"}, "conditions.0.type": {"question"}, "actions.0.type": {"done"}},
		ws + "/inbox/admin/rules/" + rule.ID:             {"name": {"x"}, "op": {"dry_run"}},
		ws + "/inbox/admin/rules/" + rule.ID + "/move":   {"dir": {"up"}},
		ws + "/inbox/admin/rules/" + rule.ID + "/delete": nil,
		ws + "/contacts/" + ada.ID + "/erase":            {"confirm_name": {"@ada"}},
		ws + "/contacts/" + ada.ID + "/export":           nil,
		ws + "/contacts/" + ada.ID:                       {"name": {"Changed"}},
	} {
		if r := v.post(path, vals); r.status != http.StatusForbidden {
			t.Errorf("viewer POST %s: status %d, want 403", path, r.status)
		}
	}
	if _, err := ie.a.Inbox.Contact(ctx, ie.owner, ie.ws.ID, ada.ID); err != nil {
		t.Errorf("the viewer erased the contact: %v", err)
	}
	if rs, _ := ie.a.Inbox.Rules(ctx, ie.owner, ie.ws.ID); len(rs) != 1 {
		t.Errorf("the viewer changed the rules: %d", len(rs))
	}
}

// TestBrowserInboxRuleForm: in Chromium, "Add condition" copies a row
// with the next index, a row shows the fields its type uses, a bad
// pattern typed in the added row is refused next to it, and the dry run
// finds the matching message.
func TestBrowserInboxRuleForm(t *testing.T) {
	ob := browseAsOwner(t)
	a, base, w, tctx := ob.a, ob.base, ob.ws, ob.ctx
	ctx := context.Background()
	ch, err := a.Channels.Connect(ctx, ob.actor, w.ID, "fake", map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Inbox.Ingest(ctx, inbox.Batch{Channel: ch, Own: map[string]inbox.OwnPost{"post-1": {Text: "Spring menu"}},
		Items: []provider.Interaction{{Kind: "reply", ID: "c1", ParentID: "post-1", RootID: "post-1", AuthorID: "ada", Author: "@ada",
			Text: "Is the menu vegan?", CreatedAt: time.Now().Add(-time.Hour)}}}); err != nil {
		t.Fatal(err)
	}
	count := func(sel string) int {
		n, err := chromedp.Run(tctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	hidden := func(sel string) bool {
		h, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.querySelector(`+strconv.Quote(sel)+`).closest("[hidden]") !== null`))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	choose := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('[name="` + name + `"]'); s.value = "` + value +
			`"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
	}
	step(t, tctx, "open the new rule form",
		chromedp.Navigate(base+"/w/"+w.ID+"/inbox/admin/rules/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-add-row="conditions"]`)),
	)
	if n := count(`[data-rows="conditions"] [data-row]`); n != 3 {
		t.Fatalf("%d condition rows, want 3", n)
	}
	if !hidden(`[name="conditions.0.pattern"]`) {
		t.Error("an empty row shows the pattern field")
	}
	step(t, tctx, "add a condition and make it a regular expression",
		chromedp.Click(chromedp.CSS(`[data-add-row="conditions"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[name="conditions.3.type"]`)),
		choose("conditions.3.type", "regexp"),
		chromedp.SendKeys(chromedp.CSS(`[name="conditions.3.pattern"]`), "vegan["),
		chromedp.SendKeys(chromedp.ID("name"), "Vegan"),
		choose("actions.0.type", "tag"),
		chromedp.SendKeys(chromedp.CSS(`[name="actions.0.tags"]`), "menu"),
	)
	if hidden(`[name="conditions.3.pattern"]`) || !hidden(`[name="conditions.3.words"]`) {
		t.Error("the regexp row does not show just its own fields")
	}
	ob.console.check(t)
	step(t, tctx, "save", chromedp.Click(chromedp.CSS(`[data-save]`)))
	wantText(t, tctx, `[id="conditions.3.pattern-error"]`, "position 5")
	step(t, tctx, "fix the pattern and try it",
		chromedp.SetValue(chromedp.CSS(`[name="conditions.3.pattern"]`), "vegan"),
		chromedp.Click(chromedp.CSS(`[data-dry]`)),
	)
	wantText(t, tctx, `[data-dry-run]`, "1 of 1 messages would have matched")
	shots := screenshotDir(t)
	shoot(t, tctx, shots, "inbox-rule-dry-run")
	// A rule tags the next message, for the log and the conversation.
	if _, err := a.Inbox.SaveRule(ctx, ob.actor, w.ID, model.Rule{Name: "Vegan", Enabled: true,
		Conditions: []model.RuleCondition{{Type: model.CondKeywords, Words: []string{"vegan"}}},
		Actions:    []model.RuleAction{{Type: model.RuleTag, Tags: []string{"menu"}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Inbox.Ingest(ctx, inbox.Batch{Channel: ch, Own: map[string]inbox.OwnPost{"post-1": {Text: "Spring menu"}},
		Items: []provider.Interaction{{Kind: "reply", ID: "c2", ParentID: "post-1", RootID: "post-1", AuthorID: "bo", Author: "@bo",
			Text: "Anything vegan for kids?", CreatedAt: time.Now().Add(-time.Minute)}}}); err != nil {
		t.Fatal(err)
	}
	// The other pages around the inbox load without a script or style
	// fault (checked on the console below).
	for _, pg := range []struct{ path, sel, name string }{
		{"/contacts", "[data-contacts]", "inbox-contacts"},
		{"/inbox/admin/settings", "[data-settings-form]", "inbox-settings"},
		{"/inbox/admin/report", "[data-report-chart]", "inbox-report"},
		{"/inbox/admin/actions", "[data-rule-log] [data-undo]", "inbox-rule-actions"},
	} {
		step(t, tctx, "open "+pg.path, chromedp.Navigate(base+"/w/"+w.ID+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.sel)))
		shoot(t, tctx, shots, pg.name)
	}
	// What the rule did shows under the message, and undoing it there
	// comes back to the conversation with the action marked undone.
	convs, err := a.Inbox.List(ctx, ob.actor, w.ID, inbox.Filter{Status: "all"})
	if err != nil || len(convs) != 1 {
		t.Fatalf("conversations: %v, %v", convs, err)
	}
	step(t, tctx, "open the conversation", chromedp.Navigate(base+"/w/"+w.ID+"/inbox/"+convs[0].ID),
		chromedp.WaitVisible(chromedp.CSS(`[data-rule-actions] [data-undo]`)))
	shoot(t, tctx, shots, "inbox-conversation-rule-action")
	step(t, tctx, "undo the rule's tag", chromedp.Click(chromedp.CSS(`[data-rule-actions] [data-undo]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-rule-actions] [data-undone]`)))
	cs, err := a.Inbox.Contacts(ctx, ob.actor, w.ID, "")
	if err != nil || len(cs) != 2 {
		t.Fatalf("contacts: %v, %v", cs, err)
	}
	step(t, tctx, "open a contact", chromedp.Navigate(base+"/w/"+w.ID+"/contacts/"+cs[0].ID), chromedp.WaitVisible(chromedp.CSS(`[data-erase-form]`)))
	shoot(t, tctx, shots, "inbox-contact")
	// The refused form answers 400, which the console reports as a failed
	// load; anything else is a fault.
	ob.console.mu.Lock()
	ob.console.msgs = slices.DeleteFunc(ob.console.msgs, func(m string) bool { return strings.Contains(m, "status of 400") })
	ob.console.mu.Unlock()
	ob.console.check(t)
}

// What a rule did shows under the message it acted on and in the log of
// automatic actions; undoing from the log comes back to it, and the
// conversation then shows the action undone. A viewer sees what rules
// did but is not offered to undo it.
func TestInboxRuleActionUndo(t *testing.T) {
	ie := newInboxEnv(t)
	ctx := context.Background()
	rule, err := ie.a.Inbox.SaveRule(ctx, ie.owner, ie.ws.ID, model.Rule{Name: "Delivery", Enabled: true,
		Conditions: []model.RuleCondition{{Type: model.CondKeywords, Words: []string{"deliver"}}},
		Actions:    []model.RuleAction{{Type: model.RuleTag, Tags: []string{"delivery"}}}})
	if err != nil {
		t.Fatal(err)
	}
	ie.ingest(ie.ch, []provider.Interaction{{Kind: "reply", ID: "c2", ParentID: "post-1", RootID: "post-1", AuthorID: "ada", Author: "@ada",
		Text: "Do you deliver to Oslo?", CreatedAt: inboxAt.Add(time.Hour)}})
	conv := "/w/" + ie.ws.ID + "/inbox/" + ie.comments.ID
	p := ie.c.get(conv)
	mustContain(t, p, "Rule “Delivery”: Add tags: delivery", "Undo")
	id := regexp.MustCompile(`data-rule-action="([0-9a-z]{26})"`).FindStringSubmatch(p.body)
	if id == nil {
		t.Fatal("no automatic action under the message")
	}
	logURL := "/w/" + ie.ws.ID + "/inbox/admin/actions?rule=" + rule.ID
	p = ie.c.get(logURL)
	mustContain(t, p, "Delivery", "Add tags: delivery", "@ada", "Do you deliver to Oslo?", "Undo")
	if !strings.Contains(p.body, `data-rule-action="`+id[1]+`"`) {
		t.Error("the log does not list the action")
	}
	if !strings.Contains(ie.c.get("/w/"+ie.ws.ID+"/inbox/admin/rules").body, "/inbox/admin/actions?rule="+rule.ID) {
		t.Error("the rules do not link to what each did")
	}

	p = ie.c.post("/w/"+ie.ws.ID+"/inbox/admin/actions/"+id[1]+"/undo", url.Values{"back": {logURL}})
	if p.status != http.StatusSeeOther || p.location() != logURL {
		t.Fatalf("undo: %d → %q", p.status, p.location())
	}
	if th, _ := ie.a.Inbox.Get(ctx, ie.owner, ie.ws.ID, ie.comments.ID); slices.Contains(th.Conversation.Tags, "delivery") {
		t.Error("the tag is still there after the undo")
	}
	p = ie.c.get(conv)
	if !strings.Contains(p.body, "data-undone") || strings.Contains(p.body, "data-undo>") {
		t.Error("an undone action is offered for undoing again")
	}
	p = ie.c.submit("/w/"+ie.ws.ID+"/inbox/admin/actions/"+id[1]+"/undo", url.Values{"conversation": {ie.comments.ID}})
	mustContain(t, p, "undone already")
	if p = ie.c.get("/w/" + ie.ws.ID + "/inbox/admin/actions?rule=nope"); p.status != http.StatusBadRequest {
		t.Errorf("a bad rule filter: %d", p.status)
	}

	ie.member("owner@example.test", ie.ws.ID, "viewer@example.test", model.RoleViewer)
	v := ie.client()
	v.signIn("viewer@example.test", testPassword)
	p = v.get(conv)
	mustContain(t, p, "Rule “Delivery”")
	if strings.Contains(p.body, "/undo") {
		t.Error("a viewer is offered to undo")
	}
	if p = v.get(logURL); p.status != http.StatusForbidden {
		t.Errorf("a viewer opened the log: %d", p.status)
	}
}

// The log of automatic actions pages 50 at a time, newest first, and
// keeps the rule it shows from page to page.
func TestInboxRuleLogPages(t *testing.T) {
	ie := newInboxEnv(t)
	rule, err := ie.a.Inbox.SaveRule(context.Background(), ie.owner, ie.ws.ID, model.Rule{Name: "Pages", Enabled: true,
		Conditions: []model.RuleCondition{{Type: model.CondKeywords, Words: []string{"page"}}},
		Actions:    []model.RuleAction{{Type: model.RuleTag, Tags: []string{"paged"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var items []provider.Interaction
	for i := 0; i < 51; i++ {
		n := strconv.Itoa(i)
		items = append(items, provider.Interaction{Kind: "mention", ID: "p" + n, AuthorID: "a" + n, Author: "@a" + n, Text: "page " + n,
			CreatedAt: inboxAt.Add(time.Duration(i) * time.Second)})
	}
	ie.ingest(ie.ch, items)
	first := ie.c.get("/w/" + ie.ws.ID + "/inbox/admin/actions?rule=" + rule.ID)
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(first.body)
	if n := strings.Count(first.body, "data-rule-action="); n != 50 || next == nil {
		t.Fatalf("first page: %d actions, next %v", n, next)
	}
	second := ie.c.get(html.UnescapeString(next[1]))
	if n := strings.Count(second.body, "data-rule-action="); n != 1 || !strings.Contains(second.body, "No older actions.") ||
		!strings.Contains(second.body, "rule="+rule.ID) {
		t.Fatalf("second page: %d actions\n%s", n, text(second.body))
	}
}
