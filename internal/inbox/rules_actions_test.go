package inbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/platform/hooksig"
	"herald/internal/provider"
	"herald/internal/provider/fake"
	"herald/internal/testenv"
)

// fakeMail is the job a fakeMailer makes: the e-mail as queued.
type fakeMail struct{ To, Subject, Text string }

func (fakeMail) Kind() string { return "test.mail" }

type fakeMailer struct{ sent []fakeMail }

func (f *fakeMailer) Configured(context.Context) bool { return true }

func (f *fakeMailer) Job(to, subject, text string) (river.JobArgs, error) {
	m := fakeMail{to, subject, text}
	f.sent = append(f.sent, m)
	return m, nil
}

// An auto-reply goes once per author per thread, never to our own or an
// automatic message, and at most 30 an hour per workspace.
func TestAutoReplySafety(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e, _ := startRules(t, cfg)
		ctx := context.Background()
		saved, err := e.a.Inbox.SaveReply(ctx, e.owner, e.ws, model.SavedReply{Name: "Thanks", Body: "Thanks {{name}}! – {{workspace}} on {{channel}}"})
		if err != nil {
			t.Fatal(err)
		}
		e.saveRule(model.Rule{Name: "Thank", Conditions: []model.RuleCondition{{Type: model.CondKind, Values: []string{"comment", "reply"}}},
			Actions: []model.RuleAction{{Type: model.RuleAutoReply, ReplyID: saved.ID}}})
		outbound := func(remoteID string) []model.InboxMessage {
			ms, err := e.a.Store.Read().ConversationMessages(ctx, e.messages(remoteID)[remoteID].ConversationID)
			if err != nil {
				t.Fatal(err)
			}
			return slices.DeleteFunc(ms, func(m model.InboxMessage) bool { return m.Direction != "out" })
		}
		e.ingest(comment("c1", "ada", "Love it"))
		out := outbound("c1")
		chName := e.ch.Name
		if chName == "" {
			chName = e.ch.Handle
		}
		if len(out) != 1 || !out[0].Automatic || out[0].State != "sending" || out[0].ParentRemoteID != "c1" ||
			out[0].Text != "Thanks @ada! – Acme on "+chName {
			t.Fatalf("first reply: %+v", out)
		}
		if n := len(e.riverJobs("inbox.send_reply")); n != 1 {
			t.Fatalf("%d send jobs", n)
		}
		own := comment("own", e.ch.RemoteID, "Thanks for all the comments!")
		e.ingest(comment("c2", "ada", "Me again"), own, comment("auto", "cy", "Auto-reply: I am away until Monday"))
		if out := outbound("c1"); len(out) != 1 {
			t.Fatalf("replied again: %d replies", len(out))
		}
		for id, note := range map[string]string{"c2": "answered automatically", "own": "our own", "auto": "automatic message"} {
			acts := e.actionsOn(e.messages(id)[id].ID)
			if len(acts) != 1 || acts[0].Undo != nil || !strings.Contains(acts[0].Action.Note, note) {
				t.Fatalf("%s: actions %+v", id, acts)
			}
		}
		// Our reply read back from the network is ours too.
		e.ingest(provider.Interaction{Kind: "reply", ID: "back", ParentID: "c1", RootID: "post-1", AuthorID: e.ch.RemoteID, Text: out[0].Text})
		e.ingest(comment("c3", "bob", "Nice"))
		if out := outbound("c1"); len(out) != 2 {
			t.Fatalf("after bob: %d replies", len(out))
		}
		// The hourly limit: 2 sent, 28 left for 32 new authors.
		var flood []provider.Interaction
		for i := range 32 {
			it := comment(fmt.Sprintf("f%d", i), fmt.Sprintf("u%d", i), "Hi")
			it.ParentID, it.RootID = "post-2", "post-2"
			flood = append(flood, it)
		}
		e.ingest(flood...)
		if out := outbound("f0"); len(out) != 28 {
			t.Fatalf("flood: %d replies, want 28", len(out))
		}
		if acts := e.actionsOn(e.messages("f31")["f31"].ID); len(acts) != 1 || !strings.Contains(acts[0].Action.Note, "30 automatic replies") {
			t.Fatalf("over the limit: %+v", acts)
		}
	})
}

func (e *env) moderateJobs() []inbox.ModerateArgs {
	e.t.Helper()
	var out []inbox.ModerateArgs
	for _, j := range e.riverJobs("inbox.moderate") {
		var a inbox.ModerateArgs
		if err := json.Unmarshal([]byte(j), &a); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func actionOf(rs []model.RuleActionRecord, typ string) model.RuleActionRecord {
	for _, r := range rs {
		if r.Action.Type == typ {
			return r
		}
	}
	return model.RuleActionRecord{}
}

// A spam rule tags and hides (in Herald at once, on the network by a
// job); every action is logged and audited, and undoing restores what
// it changed, on the network too where the network can.
func TestRuleActionsAndUndo(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e, mod := startRules(t, cfg)
		ctx := context.Background()
		e.saveRule(model.Rule{Name: "Spam", Conditions: []model.RuleCondition{{Type: model.CondSpam, Score: 0.8}},
			Actions: []model.RuleAction{{Type: model.RuleTag, Tags: []string{"spam"}}, {Type: model.RuleHide}}})
		e.saveRule(model.Rule{Name: "Urgent", Conditions: []model.RuleCondition{{Type: model.CondKeywords, Words: []string{"urgent"}}},
			Actions: []model.RuleAction{{Type: model.RuleAssign, UserID: e.owner.UserID}, {Type: model.RulePriority, Priority: 2},
				{Type: model.RuleDone}, {Type: model.RuleDelete}}})
		e.ingest(comment("s1", "fay", "[spam] cheap followers"),
			provider.Interaction{Kind: "mention", ID: "u1", AuthorID: "bob", Author: "@bob", Text: "this is urgent"})
		msgs := e.messages("s1", "u1")
		s1, u1 := msgs["s1"], msgs["u1"]
		if got := e.tagsOf("s1"); !slices.Equal(got, []string{"spam"}) || s1.HiddenAt.IsZero() {
			t.Fatalf("spam: tags %v hidden %v", got, s1.HiddenAt)
		}
		conv := e.conversation(u1.ConversationID)
		if conv.AssigneeID != e.owner.UserID || conv.Priority != 2 || conv.Status != model.ConvDone || conv.ResolvedAt.IsZero() {
			t.Fatalf("urgent: %+v", conv)
		}
		jobs := e.moderateJobs()
		if len(jobs) != 1 || len(jobs[0].Items) != 2 || jobs[0].Items[0].Op != "hide" || jobs[0].Items[0].MessageID != s1.ID ||
			jobs[0].Items[1].Op != "delete" || jobs[0].Items[1].MessageID != u1.ID {
			t.Fatalf("moderation jobs: %+v", jobs)
		}
		// A network failure is retried; the retry skips what was done.
		mod.errs["delete"] = errors.New("network down")
		if err := e.a.Inbox.Moderate(ctx, jobs[0], false); err == nil {
			t.Fatal("a network failure was not returned for a retry")
		}
		delete(mod.errs, "delete")
		if err := e.a.Inbox.Moderate(ctx, jobs[0], false); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(mod.calls, []string{"hide s1", "delete u1", "delete u1"}) {
			t.Fatalf("network calls: %v", mod.calls)
		}
		sActs, uActs := e.actionsOn(s1.ID), e.actionsOn(u1.ID)
		hide, tag := actionOf(sActs, model.RuleHide), actionOf(sActs, model.RuleTag)
		if len(sActs) != 2 || hide.Action.Note != "hidden in Herald and on the network" || hide.Undo == nil || !hide.Undo.Network ||
			tag.Undo == nil || !slices.Equal(tag.Undo.RemoveTags, []string{"spam"}) || tag.Action.Rule != "Spam" {
			t.Fatalf("spam log: %+v", sActs)
		}
		del := actionOf(uActs, model.RuleDelete)
		if len(uActs) != 4 || del.Undo != nil || del.Action.Note != "deleted on the network" || e.messages("u1")["u1"].DeletedAt.IsZero() {
			t.Fatalf("urgent log: %+v", uActs)
		}
		entries, err := e.a.Store.Read().ListAudit(ctx, model.AuditFilter{WorkspaceID: e.ws, Action: "inbox.rule_match", Limit: 10})
		if err != nil || len(entries) != 2 || !strings.Contains(entries[0].Details, `"rule"`) {
			t.Fatalf("audit: %+v %v", entries, err)
		}

		// Undo: the hide (the network cannot show it again, Matrix-like),
		// the tag, and the conversation changes; twice is refused, a
		// deletion cannot be undone.
		mod.errs["unhide"] = inbox.ErrNotSupported
		if _, err := e.a.Inbox.UndoAction(ctx, e.owner, e.ws, hide.ID); err != nil {
			t.Fatal(err)
		}
		if !e.messages("s1")["s1"].HiddenAt.IsZero() {
			t.Fatal("still hidden after undo")
		}
		if jobs = e.moderateJobs(); len(jobs) != 2 || jobs[1].Items[0].Op != "unhide" {
			t.Fatalf("unhide job: %+v", jobs)
		}
		if err := e.a.Inbox.Moderate(ctx, jobs[1], false); err != nil {
			t.Fatal(err)
		}
		if got := actionOf(e.actionsOn(s1.ID), model.RuleHide); got.UndoneAt.IsZero() || !strings.Contains(got.Action.Note, "cannot show it again") {
			t.Fatalf("after unhide: %+v", got)
		}
		if _, err := e.a.Inbox.UndoAction(ctx, e.owner, e.ws, tag.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.tagsOf("s1"); len(got) != 0 {
			t.Fatalf("tags after undo: %v", got)
		}
		var me *model.Error
		if _, err := e.a.Inbox.UndoAction(ctx, e.owner, e.ws, tag.ID); !errors.As(err, &me) || me.Kind != model.KindConflict {
			t.Fatalf("second undo: %v", err)
		}
		if _, err := e.a.Inbox.UndoAction(ctx, e.owner, e.ws, del.ID); !errors.As(err, &me) || !strings.Contains(me.Msg, "cannot be undone") {
			t.Fatalf("undo a deletion: %v", err)
		}
		for _, typ := range []string{model.RuleAssign, model.RulePriority, model.RuleDone} {
			if _, err := e.a.Inbox.UndoAction(ctx, e.owner, e.ws, actionOf(uActs, typ).ID); err != nil {
				t.Fatal(typ, err)
			}
		}
		conv = e.conversation(u1.ConversationID)
		if conv.AssigneeID != "" || conv.Priority != 0 || conv.Status != model.ConvOpen || !conv.ResolvedAt.IsZero() {
			t.Fatalf("after undo: %+v", conv)
		}

		// A network that cannot hide: hidden in Herald only, said so.
		mod.errs["hide"] = inbox.ErrNotSupported
		e.ingest(comment("s2", "gus", "[spam] more"))
		if jobs = e.moderateJobs(); len(jobs) != 3 {
			t.Fatalf("jobs: %+v", jobs)
		}
		if err := e.a.Inbox.Moderate(ctx, jobs[2], false); err != nil {
			t.Fatal(err)
		}
		s2 := e.messages("s2")["s2"]
		if got := actionOf(e.actionsOn(s2.ID), model.RuleHide); got.Action.Note != "hidden in Herald only: the network cannot hide it" ||
			s2.HiddenAt.IsZero() || got.Undo == nil || got.Undo.Network {
			t.Fatalf("cannot hide: %+v", got)
		}

		// The thread is tagged spam already: the log keeps the hide of the
		// next spam comment, not a tag that changed nothing; the audit
		// entry of the batch still counts the rule's tag.
		e.ingest(comment("s3", "hal", "[spam] again"))
		if acts := e.actionsOn(e.messages("s3")["s3"].ID); len(acts) != 1 || acts[0].Action.Type != model.RuleHide {
			t.Fatalf("log of a repeated tag: %+v", acts)
		}
		entries, err = e.a.Store.Read().ListAudit(ctx, model.AuditFilter{WorkspaceID: e.ws, Action: "inbox.rule_match", Limit: 1})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Details, `"tag":1`) {
			t.Fatalf("audit of the repeated tag: %+v %v", entries, err)
		}
	})
}

// Notify tells members once per batch; escalate e-mails and posts the
// conversation's transcript (signed), once per conversation per batch.
func TestRuleNotifyAndEscalate(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e, _ := startRules(t, cfg)
		ctx := context.Background()
		var got struct {
			sync.Mutex
			body []byte
			sig  string
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			got.Lock()
			got.body, got.sig = b, r.Header.Get(hooksig.Header)
			got.Unlock()
		}))
		t.Cleanup(srv.Close)
		mailer := &fakeMailer{}
		e.a.Inbox.Mail = mailer
		e.saveRule(model.Rule{Name: "Legal", Conditions: []model.RuleCondition{{Type: model.CondKeywords, Words: []string{"lawyer"}}},
			Actions: []model.RuleAction{{Type: model.RuleNotify, UserIDs: []string{e.owner.UserID}},
				{Type: model.RuleEscalate, Email: "care@example.com", Webhook: srv.URL + "/hook"}}})
		at := time.Now().Add(-time.Hour)
		first, second, third := comment("c1", "ada", "hello"), comment("c2", "ada", "my lawyer will call"), comment("c3", "ada", "lawyer again")
		first.CreatedAt, second.CreatedAt, third.CreatedAt = at, at.Add(time.Minute), at.Add(2*time.Minute)
		e.ingest(first)
		e.ingest(second, third)

		ns, err := e.a.Store.Read().Notifications(ctx, e.owner.UserID, false, "", 10)
		if err != nil || len(ns) != 1 || ns[0].Kind != model.NotifyInboxRule || !strings.Contains(ns[0].Text, "matched 2 new messages") {
			t.Fatalf("notifications: %+v %v", ns, err)
		}
		if len(mailer.sent) != 1 || mailer.sent[0].To != "care@example.com" ||
			!strings.Contains(mailer.sent[0].Text, "@ada: hello\n@ada: my lawyer will call\n@ada: lawyer again\n") {
			t.Fatalf("e-mail: %+v", mailer.sent)
		}
		if n := len(e.riverJobs("test.mail")); n != 1 {
			t.Fatalf("%d mail jobs", n)
		}
		hooks := e.riverJobs("inbox.escalate")
		if len(hooks) != 1 {
			t.Fatalf("%d webhook jobs", len(hooks))
		}
		var args inbox.EscalateArgs
		if err := json.Unmarshal([]byte(hooks[0]), &args); err != nil {
			t.Fatal(err)
		}
		if err := e.a.Inbox.DeliverEscalation(ctx, args); err != nil {
			t.Fatal(err)
		}
		secret, err := e.a.Inbox.EscalationSecret(ctx, e.owner, e.ws)
		if err != nil {
			t.Fatal(err)
		}
		got.Lock()
		defer got.Unlock()
		if err := hooksig.Verify(secret, got.sig, got.body, 0); err != nil {
			t.Fatalf("signature: %v", err)
		}
		var p struct {
			Type       string `json:"type"`
			Rule       string `json:"rule"`
			Transcript []struct{ Author, Text string }
		}
		if err := json.Unmarshal(got.body, &p); err != nil || p.Type != "inbox.escalation" || p.Rule != "Legal" || len(p.Transcript) != 3 ||
			p.Transcript[0].Text != "hello" {
			t.Fatalf("payload: %s %v", got.body, err)
		}
		acts := e.actionsOn(e.messages("c3")["c3"].ID)
		if esc := actionOf(acts, model.RuleEscalate); !strings.Contains(esc.Action.Note, "earlier message") {
			t.Fatalf("second escalation in the batch: %+v", esc)
		}
	})
}

// BenchmarkIngestWithRules ingests batches of 1,000 new messages on
// SQLite with 20 active rules (and, for comparison, none), reporting
// messages per second: with signals read from markers, to see the rules'
// own cost, and with the app's analyzer (package sense). About half of
// the messages match a rule, a busier mix than most inboxes see.
func BenchmarkIngestWithRules(b *testing.B) {
	for _, c := range []struct {
		rules int
		sense bool
	}{{0, false}, {20, false}, {0, true}, {20, true}} {
		b.Run(fmt.Sprintf("rules=%d/sense=%v", c.rules, c.sense), func(b *testing.B) { benchIngest(b, c.rules, c.sense) })
	}
}

func benchIngest(b *testing.B, nRules int, sense bool) {
	e := benchStart(b)
	ctx := context.Background()
	in := e.a.Inbox
	in.Moderation = &fakeModeration{}
	if !sense {
		in.Analyzer = markAnalyzer{}
	}
	for _, r := range benchRules(e)[:nRules] {
		if _, err := in.SaveRule(ctx, e.owner, e.ws, r); err != nil {
			b.Fatal(err)
		}
	}
	texts := []string{"Love the new menu, see you soon", "What time do you open tomorrow?", "Great service yesterday, thanks team",
		"Is the terrace open when it rains?", "My order #123456 never arrived", "The app is broken again", "❤️🔥",
		"[spam] buy cheap followers at spam.example", "Can I bring my dog?", "Vegan options would be great",
		"Best pizza in town", "Call me at +44 20 7946 0958 please", "I'm a journalist, can we talk?", "Booked for Friday!",
		"So slow today, waited 40 minutes", "schreib mir bitte", "Happy birthday to the chef", "Parking was easy",
		"I want a REFUND", "mail me: a@b.example.com"}
	const batch = 1000
	var total time.Duration
	seq := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		items := make([]provider.Interaction, batch)
		for j := range items {
			seq++
			post := fmt.Sprintf("post-%d", 1+seq%2)
			items[j] = provider.Interaction{Kind: "reply", ID: fmt.Sprintf("b%d", seq), ParentID: post, RootID: post,
				AuthorID: fmt.Sprintf("a%d", seq%500), Author: fmt.Sprintf("@a%d", seq%500), Text: texts[seq%len(texts)],
				CreatedAt: time.Now().Add(-time.Duration(seq) * time.Second)}
		}
		b.StartTimer()
		begin := time.Now()
		if _, err := in.Ingest(ctx, inbox.Batch{Channel: e.ch, Items: items, Own: ownPosts}); err != nil {
			b.Fatal(err)
		}
		total += time.Since(begin)
	}
	b.ReportMetric(float64(b.N*batch)/total.Seconds(), "msgs/s")
}

// benchStart is start for a benchmark.
func benchStart(b *testing.B) *env {
	cfg := testenv.SQLite(b)
	cfg.Roles = []string{"web"}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	a.Providers.Register(fake.New())
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		b.Fatal(err)
	}
	e := &env{a: a, owner: model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}}
	w, err := a.Workspaces.Create(ctx, e.owner, "Acme")
	if err != nil {
		b.Fatal(err)
	}
	e.ws = w.ID
	if e.ch, err = a.Channels.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme"}); err != nil {
		b.Fatal(err)
	}
	return e
}

func benchRules(e *env) []model.Rule {
	kw := func(words ...string) model.RuleCondition {
		return model.RuleCondition{Type: model.CondKeywords, Words: words}
	}
	c := func(typ string) model.RuleCondition { return model.RuleCondition{Type: typ} }
	tag := func(t string) model.RuleAction { return model.RuleAction{Type: model.RuleTag, Tags: []string{t}} }
	r := func(name string, acts []model.RuleAction, conds ...model.RuleCondition) model.Rule {
		return model.Rule{Name: name, Enabled: true, Conditions: conds, Actions: acts}
	}
	one := func(a model.RuleAction) []model.RuleAction { return []model.RuleAction{a} }
	return []model.Rule{
		r("billing", one(tag("billing")), kw("refund", "money back", "chargeback")),
		r("bugs", []model.RuleAction{tag("bug"), {Type: model.RulePriority, Priority: 1}}, kw("broken", "bug", "crash")),
		r("orders", one(tag("order")), model.RuleCondition{Type: model.CondRegexp, Pattern: `(?i)order\s*#?\d{5,}`}),
		r("spam", []model.RuleAction{tag("spam"), {Type: model.RuleHide}}, model.RuleCondition{Type: model.CondSpam, Score: 0.9}),
		r("abuse", []model.RuleAction{tag("abuse"), {Type: model.RuleHide}}, model.RuleCondition{Type: model.CondAbuse, Score: 0.8}),
		r("angry", one(model.RuleAction{Type: model.RulePriority, Priority: 2}), model.RuleCondition{Type: model.CondSentiment, Values: []string{"negative"}}),
		r("dm questions", one(tag("dm-question")), model.RuleCondition{Type: model.CondKind, Values: []string{"message"}}, c(model.CondQuestion)),
		r("german", one(tag("german")), model.RuleCondition{Type: model.CondLanguage, Values: []string{"de"}}),
		r("vip", one(model.RuleAction{Type: model.RulePriority, Priority: 1}), c(model.CondVIP)),
		r("influencers", one(tag("influencer")), model.RuleCondition{Type: model.CondFollowers, Count: 10000}),
		r("links", one(tag("link")), c(model.CondLink), model.RuleCondition{Type: model.CondVIP, Negate: true}),
		r("emails", one(tag("contact-info")), c(model.CondEmail)),
		r("phones", one(tag("contact-info")), c(model.CondPhone)),
		r("emoji", one(model.RuleAction{Type: model.RuleDone}), c(model.CondOnlyEmoji)),
		r("after hours", one(tag("after-hours")), model.RuleCondition{Type: model.CondHours, Negate: true}),
		r("press", one(model.RuleAction{Type: model.RuleNotify, UserIDs: []string{e.owner.UserID}}), kw("press", "journalist", "interview")),
		r("mastodon", one(tag("masto")), model.RuleCondition{Type: model.CondNetwork, Values: []string{"mastodon"}}),
		r("partners", one(model.RuleAction{Type: model.RuleAssign, UserID: e.owner.UserID}),
			model.RuleCondition{Type: model.CondChannel, Values: []string{e.ch.ID}}, kw("partnership", "collab")),
		r("opt out", one(tag("optout")), model.RuleCondition{Type: model.CondRegexp, Pattern: `(?i)\b(unsubscribe|stop)\b`}),
		r("legal", one(model.RuleAction{Type: model.RuleEscalate, Email: "care@example.com"}), kw("lawsuit", "lawyer")),
	}
}
