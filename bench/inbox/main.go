// Command inbox measures how fast Herald's inbox ingests messages — with
// de-duplication, threading, contacts, signals (sentiment, spam, abuse,
// language) and the workspace's rules — against a raw batched insert of
// the same rows into the same table, measured in the same run. Results go
// in docs/BENCHMARKS.md.
//
// Usage:
//
//	go run ./bench/inbox -messages 100000 -rules 20
//	go run ./bench/inbox -messages 100000 -rules 20 -postgres 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	go run ./bench/inbox -messages 100000 -pollers 4
//
// With -pollers N, N channels of the workspace are ingested at the same
// time, each with its share of the messages, as Herald's pollers run;
// the raw insert then runs N writers at once too.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"strconv"
	"sync"
	"time"

	"herald/bench/benchenv"
	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/provider/fake"
	"herald/internal/store"
)

func main() {
	n := flag.Int("messages", 100_000, "messages to ingest")
	batch := flag.Int("batch", 1000, "messages per poll batch")
	rules := flag.Int("rules", 20, "active rules in the workspace")
	dup := flag.Float64("duplicates", 0.05, "share of messages read twice")
	pg := flag.String("postgres", "", "PostgreSQL URL (a fresh schema is made and dropped); empty: SQLite")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the ingest measurement to this file")
	memProfile := flag.String("memprofile", "", "write a profile of what the ingest measurement allocated to this file")
	pollers := flag.Int("pollers", 1, "channels ingested at the same time (and raw writers at once)")
	flag.Parse()
	profile, allocProfile = *cpuProfile, *memProfile
	if *pollers < 1 || *n < *pollers {
		fmt.Fprintln(os.Stderr, "bench/inbox: -pollers must be between 1 and -messages")
		os.Exit(2)
	}
	if err := run(*n, *batch, *rules, *pollers, *dup, *pg); err != nil {
		fmt.Fprintln(os.Stderr, "bench/inbox:", err)
		os.Exit(1)
	}
}

// profile and allocProfile are where to write a CPU profile and an
// allocation profile of the ingest, "" for none.
var profile, allocProfile string

type bench struct {
	a     *app.App
	owner model.Actor
	ws    string
}

func run(n, batch, rules, pollers int, dup float64, pg string) error {
	ctx := context.Background()
	cfg, cleanup, err := benchenv.FreshConfig(ctx, pg)
	if err != nil {
		return err
	}
	defer cleanup()
	cfg.Roles = []string{"web"}
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.Close()
	a.Providers.Register(fake.New())
	b, err := setup(ctx, a, rules)
	if err != nil {
		return err
	}
	db := "SQLite"
	if pg != "" {
		db = "PostgreSQL"
	}
	fmt.Printf("%d messages in batches of %d, %.0f%% read twice, %d active rules, %d poller(s) at once, %s\n", n, batch, dup*100, rules,
		pollers, db)
	items := generate(n/pollers, dup)
	own := ownPosts()
	raw, err := b.raw(ctx, n/pollers, batch, pollers)
	if err != nil {
		return fmt.Errorf("raw insert: %w", err)
	}
	chans := make([]model.Channel, pollers)
	for p := range chans {
		if chans[p], err = a.Channels.Connect(ctx, b.owner, b.ws, "fake", map[string]string{"handle": "ingest-" + strconv.Itoa(p)}); err != nil {
			return err
		}
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	var mu sync.Mutex
	stored := 0
	err = together(pollers, func(p int) error {
		for i := 0; i < len(items); i += batch {
			res, err := a.Inbox.Ingest(ctx, inbox.Batch{Channel: chans[p], Items: items[i:min(i+batch, len(items))], Own: own})
			if err != nil {
				return fmt.Errorf("ingest: %w", err)
			}
			mu.Lock()
			stored += res.New
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return err
	}
	took := time.Since(start)
	if allocProfile != "" {
		if err := writeAllocs(allocProfile); err != nil {
			return err
		}
	}
	read := len(items) * pollers
	rate := float64(read) / took.Seconds()
	fmt.Printf("raw batched insert (same rows, same table): %8.0f rows/s\n", raw)
	fmt.Printf("Herald ingest:                              %8.0f messages/s (%d read, %d stored, %s)\n", rate, read, stored, took.Round(time.Millisecond))
	fmt.Printf("ingest / raw insert: %.2f\n", rate/raw)
	return nil
}

// writeAllocs writes what the process allocated so far (the ingest
// measurement is most of it) as a pprof profile.
func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

func setup(ctx context.Context, a *app.App, rules int) (*bench, error) {
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "bench@example.com", Name: "Bench", Password: "correct horse battery"})
	if err != nil {
		return nil, err
	}
	b := &bench{a: a, owner: model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "cli"}}
	w, err := a.Workspaces.Create(ctx, b.owner, "Bench")
	if err != nil {
		return nil, err
	}
	b.ws = w.ID
	for i := 0; i < rules; i++ {
		if _, err := a.Inbox.SaveRule(ctx, b.owner, b.ws, benchRule(i)); err != nil {
			return nil, fmt.Errorf("rule %d: %w", i, err)
		}
	}
	return b, nil
}

// benchRule is one of a realistic mix: the first five are broad (support
// keywords, questions, spam that hides, order numbers, unhappy English
// speakers) and match often; the rest watch for narrower things (a
// campaign's words, a language to route, VIP authors) and match rarely.
func benchRule(i int) model.Rule {
	r := model.Rule{Name: "Rule " + strconv.Itoa(i), Enabled: true}
	tag := []model.RuleAction{{Type: model.RuleTag, Tags: []string{"rule-" + strconv.Itoa(i)}}}
	switch {
	case i == 0:
		r.Conditions = []model.RuleCondition{{Type: model.CondKeywords, Words: []string{"refund", "broken", "late delivery"}}}
		r.Actions = []model.RuleAction{{Type: model.RuleTag, Tags: []string{"support"}}, {Type: model.RulePriority, Priority: 1}}
	case i == 1:
		r.Conditions = []model.RuleCondition{{Type: model.CondQuestion}, {Type: model.CondKind, Values: []string{"comment", "reply"}}}
		r.Actions = []model.RuleAction{{Type: model.RuleTag, Tags: []string{"question"}}}
	case i == 2:
		r.Conditions = []model.RuleCondition{{Type: model.CondSpam, Score: 0.8}}
		r.Actions = []model.RuleAction{{Type: model.RuleTag, Tags: []string{"spam"}}, {Type: model.RuleHide}}
	case i == 3:
		r.Conditions = []model.RuleCondition{{Type: model.CondRegexp, Pattern: `(?i)order\s*#?\d{5,}`}}
		r.Actions = []model.RuleAction{{Type: model.RuleTag, Tags: []string{"order"}}}
	case i == 4:
		r.Conditions = []model.RuleCondition{{Type: model.CondSentiment, Values: []string{"negative"}}, {Type: model.CondLanguage, Values: []string{"en"}}}
		r.Actions = []model.RuleAction{{Type: model.RuleTag, Tags: []string{"unhappy"}}, {Type: model.RulePriority, Priority: 2}}
	case i%3 == 0:
		r.Conditions = []model.RuleCondition{{Type: model.CondKeywords, Words: []string{"campaign" + strconv.Itoa(i), "promo code " + strconv.Itoa(i)}}}
		r.Actions = tag
	case i%3 == 1:
		langs := []string{"fr", "it", "nl", "pt", "pl", "sv"}
		r.Conditions = []model.RuleCondition{{Type: model.CondLanguage, Values: []string{langs[i%len(langs)]}}}
		r.Actions = tag
	default:
		r.Conditions = []model.RuleCondition{{Type: model.CondVIP}, {Type: model.CondKind, Values: []string{"mention"}}}
		r.Actions = tag
	}
	return r
}

var texts = []string{
	"Love this!! 😍 when does it ship?", "My order #123456 arrived broken, I want a refund", "meh, not for me",
	"Is this available in Europe?", "Great job team 👏👏", "late delivery again... so disappointed 😡",
	"check my bio for free crypto 🚀🚀 click the link", "Wunderbar, danke!", "¿Tienen talla M?", "lol this is fire 🔥",
	"Not bad at all, but the price is too high", "ok", "thanks for the quick help!", "WORST SERVICE EVER",
}

// generate makes n interactions on 1,000 own posts from 5,000 authors,
// dup of them read twice (same IDs).
func generate(n int, dup float64) []provider.Interaction {
	at := time.Now().Add(-24 * time.Hour).UTC()
	out := make([]provider.Interaction, 0, n)
	unique := int(float64(n) * (1 - dup))
	for i := 0; i < unique; i++ {
		post := "post-" + strconv.Itoa(i%1000)
		it := provider.Interaction{Kind: "reply", ID: "m-" + strconv.Itoa(i), ParentID: post, RootID: post,
			AuthorID: "author-" + strconv.Itoa(i%5000), Author: "@author" + strconv.Itoa(i%5000), Text: texts[i%len(texts)] + " " + strconv.Itoa(i%97),
			CreatedAt: at.Add(time.Duration(i) * time.Millisecond)}
		switch i % 10 {
		case 7:
			it.Kind, it.ParentID, it.RootID = "mention", "", ""
		case 8:
			it.Kind, it.Text, it.Reaction = "like", "", "+"
		}
		out = append(out, it)
	}
	for len(out) < n {
		out = append(out, out[len(out)%unique])
	}
	return out
}

func ownPosts() map[string]inbox.OwnPost {
	own := make(map[string]inbox.OwnPost, 1000)
	for i := 0; i < 1000; i++ {
		own["post-"+strconv.Itoa(i)] = inbox.OwnPost{PostID: ids.New(), Text: "Our post " + strconv.Itoa(i)}
	}
	return own
}

// together runs f(0) … f(n-1) at the same time and returns the first
// error.
func together(n int, f func(p int) error) error {
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for p := 0; p < n; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- f(p)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// raw inserts n message rows per writer straight into the table in
// batches, into conversations made beforehand, each writer on a channel
// of its own, all writers at once: the ceiling.
func (b *bench) raw(ctx context.Context, n, batch, writers int) (float64, error) {
	work := make([][]model.InboxMessage, writers)
	for w := range work {
		rows, err := b.rawRows(ctx, n, w)
		if err != nil {
			return 0, err
		}
		work[w] = rows
	}
	start := time.Now()
	err := together(writers, func(w int) error {
		for i := 0; i < n; i += batch {
			part := work[w][i:min(i+batch, n)]
			if err := b.a.Store.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.InsertMessages(ctx, part)
				return err
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return float64(n*writers) / time.Since(start).Seconds(), nil
}

// rawRows makes a raw writer's channel with 1,000 conversations and the
// n message rows it will insert.
func (b *bench) rawRows(ctx context.Context, n, w int) ([]model.InboxMessage, error) {
	ch, err := b.a.Channels.Connect(ctx, b.owner, b.ws, "fake", map[string]string{"handle": "raw-" + strconv.Itoa(w)})
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	convs := make([]model.Conversation, 1000)
	for i := range convs {
		convs[i] = model.Conversation{ID: ids.New(), WorkspaceID: b.ws, ChannelID: ch.ID, Kind: model.ConvComments,
			RootRemoteID: "post-" + strconv.Itoa(i), Status: model.ConvOpen, LastMessageAt: now, CreatedAt: now, UpdatedAt: now}
	}
	if err := b.a.Store.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.InsertConversations(ctx, convs)
		return err
	}); err != nil {
		return nil, err
	}
	rows := make([]model.InboxMessage, n)
	for i := range rows {
		rows[i] = model.InboxMessage{ID: ids.New(), ConversationID: convs[i%1000].ID, WorkspaceID: b.ws, ChannelID: ch.ID,
			RemoteID: "raw-" + strconv.Itoa(i), Kind: model.MsgComment, Direction: "in", AuthorRemoteID: "author-" + strconv.Itoa(i%5000),
			Author: "@author", Text: texts[i%len(texts)], Sentiment: "neutral", CreatedAt: now, ReceivedAt: now}
	}
	return rows, nil
}
