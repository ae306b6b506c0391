package inbox_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"herald/internal/config"
	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/store"
	"herald/internal/testenv"
)

// markAnalyzer reads signals from plain markers, so tests choose them.
type markAnalyzer struct{}

func (markAnalyzer) Analyze(text string, _ int) inbox.Signals {
	s := inbox.Signals{Sentiment: "neutral", Language: "en"}
	switch {
	case strings.Contains(text, "REFUND"):
		s.Sentiment, s.Score = "negative", -0.7
	case strings.Contains(text, "lovely"):
		s.Sentiment, s.Score = "positive", 0.6
	}
	if strings.Contains(text, "[spam]") {
		s.Spam = 0.95
	}
	if strings.Contains(text, "[abuse]") {
		s.Abuse = 0.9
	}
	if strings.Contains(text, "schreib") {
		s.Language = "de"
	}
	s.Question = strings.HasSuffix(strings.TrimSpace(text), "?")
	return s
}

// fakeModeration records what it was asked; errs answers per operation.
type fakeModeration struct {
	mu    sync.Mutex
	calls []string
	errs  map[string]error
}

func (f *fakeModeration) do(op string, it provider.Interaction) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, op+" "+it.ID)
	return f.errs[op]
}

func (f *fakeModeration) Hide(_ context.Context, _, _ string, it provider.Interaction) error {
	return f.do("hide", it)
}

func (f *fakeModeration) Unhide(_ context.Context, _, _ string, it provider.Interaction) error {
	return f.do("unhide", it)
}

func (f *fakeModeration) Delete(_ context.Context, _, _ string, it provider.Interaction) error {
	return f.do("delete", it)
}

var ownPosts = map[string]inbox.OwnPost{
	"post-1": {PostID: "01j00000000000000000000001", Text: "Our spring menu"},
	"post-2": {PostID: "01j00000000000000000000002", Text: "Our summer menu"},
}

func startRules(t *testing.T, cfg config.Config) (*env, *fakeModeration) {
	e := start(t, cfg)
	mod := &fakeModeration{errs: map[string]error{}}
	in := e.a.Inbox
	in.Analyzer, in.Notify, in.Box, in.Moderation, in.HTTP = markAnalyzer{}, e.a.Notify, e.a.Box, mod, http.DefaultClient
	return e, mod
}

func (e *env) ingest(items ...provider.Interaction) inbox.Result {
	e.t.Helper()
	return e.ingestOn(e.ch, items...)
}

func (e *env) ingestOn(ch model.Channel, items ...provider.Interaction) inbox.Result {
	e.t.Helper()
	res, err := e.a.Inbox.Ingest(context.Background(), inbox.Batch{Channel: ch, Items: items, Own: ownPosts})
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

func (e *env) saveRule(r model.Rule) model.Rule {
	e.t.Helper()
	r.Enabled = true
	saved, err := e.a.Inbox.SaveRule(context.Background(), e.owner, e.ws, r)
	if err != nil {
		e.t.Fatalf("save rule %q: %v", r.Name, err)
	}
	return saved
}

func comment(id, author, text string) provider.Interaction {
	return provider.Interaction{Kind: "reply", ID: id, ParentID: "post-1", RootID: "post-1", AuthorID: author, Author: "@" + author,
		Text: text, CreatedAt: time.Now().Add(-time.Minute)}
}

func (e *env) actionsOn(messageID string) []model.RuleActionRecord {
	e.t.Helper()
	rs, err := e.a.Store.Read().MessageRuleActions(context.Background(), messageID)
	if err != nil {
		e.t.Fatal(err)
	}
	return rs
}

func (e *env) riverJobs(kind string) []string {
	e.t.Helper()
	col := "CAST(args AS TEXT)"
	if e.a.Store.Dialect() == store.SQLite {
		col = "json(args)"
	}
	rows, err := e.a.Store.DB().Query(`SELECT `+col+` FROM river_job WHERE kind = $1 ORDER BY id`, kind)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func (e *env) sql(query string, args ...any) {
	e.t.Helper()
	if _, err := e.a.Store.DB().Exec(query, args...); err != nil {
		e.t.Fatal(err)
	}
}

// Each condition type matches what it should and nothing else (through
// the dry run, which evaluates without acting).
func TestRuleConditions(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e, _ := startRules(t, cfg)
		ctx := context.Background()
		ch2, err := e.a.Channels.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme2"})
		if err != nil {
			t.Fatal(err)
		}
		monday := time.Now().UTC().Truncate(24 * time.Hour).Add(-24 * time.Hour)
		for monday.Weekday() != time.Monday {
			monday = monday.Add(-24 * time.Hour)
		}
		monday = monday.Add(10 * time.Hour)
		sunday := monday.Add(-31 * time.Hour) // Sunday 03:00
		at := func(it provider.Interaction, t time.Time) provider.Interaction { it.CreatedAt = t; return it }
		e.ingest(
			at(comment("plain", "ada", "Hello there, lovely menu"), monday),
			at(provider.Interaction{Kind: "reply", ID: "refund", ParentID: "plain", RootID: "post-1", AuthorID: "bob", Author: "@bob",
				Text: "I want a REFUND! Call +1 (555) 123-4567"}, monday),
			at(provider.Interaction{Kind: "mention", ID: "refunds", AuthorID: "cy", Author: "@cy", Text: "refunds are great, see https://example.com/x"}, monday),
			at(provider.Interaction{Kind: "message", ID: "mail", RootID: "dm-dee", AuthorID: "dee", Author: "@dee", Text: "schreib mir: dee@example.org?"}, sunday),
			at(comment("emoji", "eve", "😀🎉 👍🏽"), monday),
			at(comment("spam", "fay", "[spam] buy followers cheap"), monday),
			at(comment("abuse", "gus", "[abuse] you idiot"), monday),
			at(provider.Interaction{Kind: "review", ID: "review", AuthorID: "hal", Author: "@hal", Text: "Great place"}, monday),
			at(provider.Interaction{Kind: "like", ID: "like", ParentID: "post-1", AuthorID: "ada", Reaction: "+"}, monday),
		)
		e.ingestOn(ch2, at(provider.Interaction{Kind: "mention", ID: "other", AuthorID: "ivy", Author: "@ivy", Text: "nothing special here"}, monday))
		msgs := e.messages("mail", "review")
		e.sql(`UPDATE contacts SET vip = 1, followers = 5000 WHERE id = $1`, msgs["mail"].ContactID)
		e.sql(`UPDATE contacts SET followers = 10 WHERE id = $1`, msgs["review"].ContactID)
		if _, err := e.a.Inbox.SaveSettings(ctx, e.owner, e.ws, model.InboxSettings{Zone: "UTC",
			Hours: []model.BusinessHours{{Weekday: 1, From: 9 * 60, To: 17 * 60}}}); err != nil {
			t.Fatal(err)
		}

		all := []string{"plain", "refund", "refunds", "mail", "emoji", "spam", "abuse", "review", "other"}
		but := func(x string) []string {
			return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == x })
		}
		f := func(v float64) *float64 { return &v }
		cases := []struct {
			name string
			c    model.RuleCondition
			want []string
		}{
			{"keyword", model.RuleCondition{Type: model.CondKeywords, Words: []string{"refund"}}, []string{"refund"}},
			{"phrase", model.RuleCondition{Type: model.CondKeywords, Words: []string{"nope", "Lovely Menu"}}, []string{"plain"}},
			{"not keyword", model.RuleCondition{Type: model.CondKeywords, Words: []string{"refund"}, Negate: true}, but("refund")},
			{"regexp", model.RuleCondition{Type: model.CondRegexp, Pattern: `\(\d{3}\)`}, []string{"refund"}},
			{"regexp flags", model.RuleCondition{Type: model.CondRegexp, Pattern: `(?i)^hello`}, []string{"plain"}},
			{"kind", model.RuleCondition{Type: model.CondKind, Values: []string{"mention", "message"}}, []string{"refunds", "mail", "other"}},
			{"kind review", model.RuleCondition{Type: model.CondKind, Values: []string{"review"}}, []string{"review"}},
			{"channel", model.RuleCondition{Type: model.CondChannel, Values: []string{ch2.ID}}, []string{"other"}},
			{"network", model.RuleCondition{Type: model.CondNetwork, Values: []string{"fake"}}, all},
			{"other network", model.RuleCondition{Type: model.CondNetwork, Values: []string{"mastodon"}}, nil},
			{"sentiment", model.RuleCondition{Type: model.CondSentiment, Values: []string{"negative"}}, []string{"refund"}},
			{"sentiment above", model.RuleCondition{Type: model.CondSentiment, Above: f(0.5)}, []string{"plain"}},
			{"sentiment below", model.RuleCondition{Type: model.CondSentiment, Below: f(-0.5)}, []string{"refund"}},
			{"spam", model.RuleCondition{Type: model.CondSpam, Score: 0.9}, []string{"spam"}},
			{"abuse", model.RuleCondition{Type: model.CondAbuse, Score: 0.5}, []string{"abuse"}},
			{"language", model.RuleCondition{Type: model.CondLanguage, Values: []string{"de"}}, []string{"mail"}},
			{"vip", model.RuleCondition{Type: model.CondVIP}, []string{"mail"}},
			{"followers", model.RuleCondition{Type: model.CondFollowers, Count: 1000}, []string{"mail"}},
			{"followers known", model.RuleCondition{Type: model.CondFollowers, Count: 0}, []string{"mail", "review"}},
			{"not followers", model.RuleCondition{Type: model.CondFollowers, Count: 1000, Negate: true}, but("mail")},
			{"link", model.RuleCondition{Type: model.CondLink}, []string{"refunds"}},
			{"email", model.RuleCondition{Type: model.CondEmail}, []string{"mail"}},
			{"phone", model.RuleCondition{Type: model.CondPhone}, []string{"refund"}},
			{"only emoji", model.RuleCondition{Type: model.CondOnlyEmoji}, []string{"emoji"}},
			{"question", model.RuleCondition{Type: model.CondQuestion}, []string{"mail"}},
			{"business hours", model.RuleCondition{Type: model.CondHours}, but("mail")},
			{"outside business hours", model.RuleCondition{Type: model.CondHours, Negate: true}, []string{"mail"}},
		}
		for _, c := range cases {
			res, err := e.a.Inbox.DryRun(ctx, e.owner, e.ws, model.Rule{Name: c.name, Conditions: []model.RuleCondition{c.c},
				Actions: []model.RuleAction{{Type: model.RuleTag, Tags: []string{"x"}}}})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []string
			for _, m := range res.Messages {
				got = append(got, m.RemoteID)
				if m.ConversationID == "" {
					t.Fatalf("%s: match without its conversation", c.name)
				}
			}
			sort.Strings(got)
			want := slices.Clone(c.want)
			sort.Strings(want)
			if !slices.Equal(got, want) || res.Matched != len(want) || res.Examined != 10 {
				t.Errorf("%s: matched %v (%d of %d), want %v", c.name, got, res.Matched, res.Examined, want)
			}
		}
	})
}

func (e *env) tagsOf(remoteID string) []string {
	e.t.Helper()
	return e.conversation(e.messages(remoteID)[remoteID].ConversationID).Tags
}

// Rules run in priority order; a matching rule with Stop ends the run
// for that message; reordering changes the order.
func TestRulePriorityAndStop(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e, _ := startRules(t, cfg)
		ctx := context.Background()
		refund := []model.RuleCondition{{Type: model.CondKeywords, Words: []string{"refund"}}}
		a := e.saveRule(model.Rule{Name: "Billing", Stop: true, Conditions: refund, Actions: []model.RuleAction{{Type: model.RuleTag, Tags: []string{"billing"}}}})
		b := e.saveRule(model.Rule{Name: "Later", Conditions: refund, Actions: []model.RuleAction{{Type: model.RuleTag, Tags: []string{"later"}}}})
		c := e.saveRule(model.Rule{Name: "Mentions", Conditions: []model.RuleCondition{{Type: model.CondKind, Values: []string{"mention"}}},
			Actions: []model.RuleAction{{Type: model.RuleTag, Tags: []string{"mentions"}}}})
		if a.Priority != 1 || b.Priority != 2 || c.Priority != 3 {
			t.Fatalf("priorities %d %d %d", a.Priority, b.Priority, c.Priority)
		}
		e.ingest(provider.Interaction{Kind: "mention", ID: "m1", AuthorID: "ada", Author: "@ada", Text: "refund please"},
			provider.Interaction{Kind: "mention", ID: "m2", AuthorID: "bob", Author: "@bob", Text: "hello"})
		if got := e.tagsOf("m1"); !slices.Equal(got, []string{"billing"}) {
			t.Fatalf("stop: tags %v", got)
		}
		if got := e.tagsOf("m2"); !slices.Equal(got, []string{"mentions"}) {
			t.Fatalf("tags %v", got)
		}
		if err := e.a.Inbox.ReorderRules(ctx, e.owner, e.ws, []string{b.ID, a.ID}); err == nil {
			t.Fatal("a partial order was accepted")
		}
		if err := e.a.Inbox.ReorderRules(ctx, e.owner, e.ws, []string{b.ID, a.ID, c.ID}); err != nil {
			t.Fatal(err)
		}
		e.ingest(provider.Interaction{Kind: "mention", ID: "m3", AuthorID: "cy", Author: "@cy", Text: "REFUND?"})
		if got := e.tagsOf("m3"); !slices.Equal(got, []string{"later", "billing"}) {
			t.Fatalf("after reordering: tags %v", got)
		}
		rules, err := e.a.Inbox.Rules(ctx, e.owner, e.ws)
		if err != nil || len(rules) != 3 || rules[0].ID != b.ID || rules[1].ID != a.ID {
			t.Fatalf("rules %+v %v", rules, err)
		}
		if err := e.a.Inbox.DeleteRule(ctx, e.owner, e.ws, a.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// Rules see a conversation as the new message leaves it: a done or
// snoozed thread that someone writes to again is open when a rule tags
// it, and stays open, with what a member set on it kept.
func TestRulesSeeReopenedConversations(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e, _ := startRules(t, cfg)
		ctx := context.Background()
		e.saveRule(model.Rule{Name: "Again", Conditions: []model.RuleCondition{{Type: model.CondKeywords, Words: []string{"again"}}},
			Actions: []model.RuleAction{{Type: model.RuleTag, Tags: []string{"again"}}}})
		e.ingest(comment("c1", "ada", "hello"), provider.Interaction{Kind: "mention", ID: "m1", AuthorID: "bob", Author: "@bob", Text: "hi"})
		c1, m1 := e.messages("c1")["c1"].ConversationID, e.messages("m1")["m1"].ConversationID
		done, snoozed, prio := model.ConvDone, model.ConvSnoozed, 2
		until := time.Now().Add(24 * time.Hour)
		if err := e.a.Inbox.Update(ctx, e.owner, e.ws, []string{c1}, inbox.Change{Status: &done, Priority: &prio, AddTags: []string{"vip"}}); err != nil {
			t.Fatal(err)
		}
		if err := e.a.Inbox.Update(ctx, e.owner, e.ws, []string{m1}, inbox.Change{Status: &snoozed, Until: &until}); err != nil {
			t.Fatal(err)
		}
		e.ingest(comment("c2", "ada", "me again"),
			provider.Interaction{Kind: "reply", ID: "m2", ParentID: "m1", RootID: "m1", AuthorID: "bob", Author: "@bob", Text: "again?"})
		for _, id := range []string{c1, m1} {
			c := e.conversation(id)
			if c.Status != model.ConvOpen || !c.SnoozedUntil.IsZero() || !c.ResolvedAt.IsZero() || !slices.Contains(c.Tags, "again") {
				t.Fatalf("after a new message and the rule: %+v", c)
			}
		}
		if c := e.conversation(c1); c.Priority != 2 || !slices.Equal(c.Tags, []string{"vip", "again"}) {
			t.Fatalf("the member's changes: priority %d, tags %v", c.Priority, c.Tags)
		}
	})
}

// A rule with a bad pattern (or any other bad part) is refused with the
// field and, for patterns, the position; nothing is saved.
func TestRuleRefusals(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e, _ := startRules(t, cfg)
		ctx := context.Background()
		tag := []model.RuleAction{{Type: model.RuleTag, Tags: []string{"x"}}}
		re := func(p string) []model.RuleCondition {
			return []model.RuleCondition{{Type: model.CondKind, Values: []string{"comment"}}, {Type: model.CondRegexp, Pattern: p}}
		}
		kw := []model.RuleCondition{{Type: model.CondKeywords, Words: []string{"x"}}}
		many := func(n int) []model.RuleCondition { return slices.Repeat(kw, n) }
		cases := []struct {
			conds []model.RuleCondition
			acts  []model.RuleAction
			field string
			msg   string
		}{
			{re(`ab\q`), tag, "conditions.1.pattern", "position 2: invalid escape sequence"},
			{re(`é(b`), tag, "conditions.1.pattern", "position 1: missing closing )"},
			{re(`a)b`), tag, "conditions.1.pattern", "position 1: unexpected )"},
			{re(`a*|*b`), tag, "conditions.1.pattern", "position 3: missing argument to repetition operator"},
			{re(`[z-a]`), tag, "conditions.1.pattern", "position 1: invalid character class range"},
			{re(`x{2,1}`), tag, "conditions.1.pattern", "position 1: invalid repeat count"},
			{re(`[abc`), tag, "conditions.1.pattern", "position 0: missing closing ]"},
			{[]model.RuleCondition{{Type: "colour"}}, tag, "conditions.0.type", "unknown condition"},
			{[]model.RuleCondition{{Type: model.CondKeywords, Words: []string{" ", ""}}}, tag, "conditions.0.words", "keyword"},
			{[]model.RuleCondition{{Type: model.CondSpam, Score: 1.5}}, tag, "conditions.0.score", "between 0 and 1"},
			{[]model.RuleCondition{{Type: model.CondKind, Values: []string{"like"}}}, tag, "conditions.0.values", "not one of"},
			{many(21), tag, "conditions", "at most 20"},
			{kw, slices.Repeat(tag, 11), "actions", "at most 10"},
			{kw, []model.RuleAction{{Type: "explode"}}, "actions.0.type", "unknown action"},
			{kw, []model.RuleAction{{Type: model.RuleAutoReply, ReplyID: "nope"}}, "actions.0.reply_id", "no saved reply"},
			{kw, []model.RuleAction{{Type: model.RuleAssign, UserID: "someone-else"}}, "actions.0.user_id", "not a member"},
			{kw, []model.RuleAction{{Type: model.RuleNotify, UserIDs: []string{"someone-else"}}}, "actions.0.user_ids", "not a member"},
			{kw, []model.RuleAction{{Type: model.RulePriority, Priority: 3}}, "actions.0.priority", "urgent"},
			{kw, []model.RuleAction{{Type: model.RuleEscalate, Email: "not an address"}}, "actions.0.email", "not an e-mail"},
			{kw, []model.RuleAction{{Type: model.RuleEscalate, Webhook: "http://example.com/hook"}}, "actions.0.webhook", "https://"},
			{kw, []model.RuleAction{{Type: model.RuleEscalate, Email: "not-an-address"}}, "actions.0.email", "is not an e-mail address"},
		}
		for _, c := range cases {
			_, err := e.a.Inbox.SaveRule(ctx, e.owner, e.ws, model.Rule{Name: "Bad", Enabled: true, Conditions: c.conds, Actions: c.acts})
			var me *model.Error
			if !errors.As(err, &me) || me.Kind != model.KindInvalid || me.Field != c.field || !strings.Contains(me.Msg, c.msg) {
				t.Errorf("want %s: …%s…, got %v", c.field, c.msg, err)
			}
		}
		if _, err := e.a.Inbox.DryRun(ctx, e.owner, e.ws, model.Rule{Name: "Bad", Conditions: re(`(`), Actions: tag}); err == nil {
			t.Error("a dry run took a bad pattern")
		}
		rules, err := e.a.Inbox.Rules(ctx, e.owner, e.ws)
		if err != nil || len(rules) != 0 {
			t.Fatalf("saved after refusals: %v %v", rules, err)
		}
	})
}

// The dry run looks at the last 30 days only and acts on nothing.
func TestRuleDryRunWindow(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e, _ := startRules(t, cfg)
		ctx := context.Background()
		e.a.Inbox.Now = func() time.Time { return time.Now().AddDate(0, 0, -40) }
		old := comment("old", "ada", "refund please")
		old.CreatedAt = time.Time{}
		e.ingest(old)
		e.a.Inbox.Now = nil
		e.ingest(comment("new", "bob", "refund please"), comment("other", "cy", "hello"))
		res, err := e.a.Inbox.DryRun(ctx, e.owner, e.ws, model.Rule{Name: "Refunds",
			Conditions: []model.RuleCondition{{Type: model.CondKeywords, Words: []string{"refund"}}},
			Actions:    []model.RuleAction{{Type: model.RuleHide}}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Examined != 2 || res.Matched != 1 || len(res.Messages) != 1 || res.Messages[0].RemoteID != "new" ||
			res.Messages[0].ConversationID == "" {
			t.Fatalf("dry run: %+v", res)
		}
		if m := e.messages("new")["new"]; !m.HiddenAt.IsZero() || len(e.actionsOn(m.ID)) != 0 || len(e.moderateJobs()) != 0 {
			t.Fatal("the dry run acted")
		}
	})
}
