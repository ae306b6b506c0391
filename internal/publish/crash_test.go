package publish_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/testenv"
)

// TestCrashWhilePublishing runs the real `herald serve` on SQLite against
// the local Bluesky PDS (../shared/peers/bsky) and SIGKILLs it at random
// moments, at least ten times, while it publishes 200 posts due within 60 s,
// restarting it after each kill. Then it lets the last process finish and
// requires, on the PDS itself, every post exactly once: a claim whose
// process died must be taken over (lease 10 s, then the sweep) without a
// second record, which Bluesky's record keys derived from the target make
// possible.
func TestCrashWhilePublishing(t *testing.T) {
	peer := testenv.Peer(t, "bsky", "BSKY_PDS_URL", "BSKY_ALICE_HANDLE", "BSKY_ALICE_DID", "BSKY_ALICE_APP_PASSWORD")
	if testing.Short() {
		t.Skip("runs Herald as a child process for minutes")
	}
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	bin := heraldBinary(t)

	cfg := testenv.SQLite(t)
	cfg.AllowPrivate = true // the PDS listens on loopback
	// The channel keeps the PDS URL in its settings ("service"), so the
	// server process publishes to the same PDS without any configuration
	// of its own; the PLC directory is only used by OAuth sign-ins.
	s := seed(t, cfg, "bluesky", map[string]string{"identifier": peer["BSKY_ALICE_HANDLE"],
		"app_password": peer["BSKY_ALICE_APP_PASSWORD"], "service": peer["BSKY_PDS_URL"]})

	const n = 200
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	texts := make([]string, n)
	for i := range texts {
		texts[i] = fmt.Sprintf("Herald crash test %s, post %03d", run, i)
	}
	// Drafts are created in parallel, so many targets share their ID's
	// millisecond; Bluesky record keys follow each target's network-visible
	// time, which the claim makes distinct, so they still differ.
	// Due over 60 s, so the kills below land on many claims in flight.
	first, took := s.draftAndSchedule(t, texts, 4, 0, 5*time.Second, 300*time.Millisecond)
	t.Logf("%d posts scheduled in %s, due from %s over 60s", n, took.Round(time.Millisecond), first.Format("15:04:05"))

	srv := newServer(t, bin, "herald", map[string]string{
		"HERALD_DATA_DIR":               cfg.DataDir,
		"HERALD_SECRET_KEY":             cfg.SecretKey,
		"HERALD_WORKERS":                "20",
		"HERALD_PUBLISH_LEASE":          "10s",
		"HERALD_ALLOW_PRIVATE_NETWORKS": "true",
		"HERALD_LOG_LEVEL":              "info",
	})
	srv.start()

	// Kill at random moments; a kill counts when it orphans claims the
	// killed process had taken (targets it left "publishing"): it landed on
	// a claim, a createRecord or the bookkeeping after it. Keep killing
	// until ten kills counted and the due window is over.
	kills, orphaning, orphaned := 0, 0, 0
	// A fresh process needs a moment to take the lead and claim work, so
	// after a kill that caught nothing the next one waits longer.
	wait := func(missed bool) time.Duration {
		if missed {
			return time.Duration(1500+rand.IntN(1500)) * time.Millisecond
		}
		return time.Duration(300+rand.IntN(1200)) * time.Millisecond
	}
	missed := false
	for (orphaning < 10 || time.Now().Before(first.Add(60*time.Second))) && kills < 80 && time.Now().Before(first.Add(90*time.Second)) {
		started := time.Now()
		time.Sleep(wait(missed))
		srv.kill()
		kills++
		by, err := targetsByStatus(ctx, s.a, s.ws)
		if err != nil {
			t.Fatal(err)
		}
		mine := 0
		for _, tg := range by[model.TargetPublishing] {
			if !tg.UpdatedAt.Before(started) {
				mine++
			}
		}
		if mine > 0 {
			orphaning++
			orphaned += mine
		}
		missed = mine == 0
		t.Logf("kill %d at +%s orphaned %d claims: %s", kills, time.Since(began).Round(time.Millisecond), mine, summary(by))
		forgetLeader(t, ctx, s)
		srv.start()
	}
	if orphaning < 10 {
		t.Errorf("only %d of %d kills landed while the process held claims; want 10", orphaning, kills)
	}

	// Let the last process finish: claims of killed processes end their
	// lease, the sweep requeues them, and due targets whose job died with
	// a process are requeued once they are a minute overdue.
	var by map[model.TargetStatus][]model.Target
	lastLog := time.Now()
	for {
		var err error
		if by, err = targetsByStatus(ctx, s.a, s.ws); err != nil {
			t.Fatal(err)
		}
		if len(by[model.TargetScheduled])+len(by[model.TargetPublishing]) == 0 {
			break
		}
		if srv.exited() {
			t.Fatal("the server exited on its own")
		}
		if ctx.Err() != nil {
			t.Fatalf("still not done after %s: %s", time.Since(began).Round(time.Second), summary(by))
		}
		if time.Since(lastLog) > 10*time.Second {
			t.Logf("+%s: %s", time.Since(began).Round(time.Second), summary(by))
			lastLog = time.Now()
		}
		time.Sleep(500 * time.Millisecond)
	}
	retried := 0
	for _, tg := range by[model.TargetPublished] {
		if tg.Attempts > 1 {
			retried++
		}
	}
	t.Logf("settled at +%s after %d kills (%d of them orphaned %d claims): %s; %d targets needed more than one claim; the sweep requeued work %d times",
		time.Since(began).Round(time.Second), kills, orphaning, orphaned, summary(by), retried, srv.countLog("requeued stranded publishing work"))

	acct, _, err := s.a.Channels.Account(ctx, s.ws, s.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.a.Providers.Get(provider.Network("bluesky"))
	if err != nil {
		t.Fatal(err)
	}
	// What Herald says went out, per target: published ones carry their
	// record's URI; unconfirmed ones (there should be none on Bluesky,
	// where repeats are harmless) are reconciled here by looking the record
	// up under the target's key, as a person would.
	remote := map[string]string{} // target ID -> at:// URI
	for _, tg := range by[model.TargetPublished] {
		remote[tg.ID] = tg.RemoteID
	}
	for _, tg := range by[model.TargetUnconfirmed] {
		rp, found, err := p.(provider.Finder).FindByKey(ctx, acct, provider.Post{Key: tg.ID}, 0)
		if err != nil || !found {
			t.Errorf("unconfirmed target %s is not on the PDS (found %v, %v)", tg.ID, found, err)
			continue
		}
		t.Logf("unconfirmed target %s reconciled: %s", tg.ID, rp.ID)
		remote[tg.ID] = rp.ID
	}
	for st, list := range by {
		if st != model.TargetPublished && st != model.TargetUnconfirmed {
			for _, tg := range list {
				t.Errorf("target %s ended %s: %s", tg.ID, st, tg.Error)
			}
		}
	}

	// The PDS is the judge: every text exactly once, under the URI the
	// target recorded.
	records := listPosts(t, ctx, peer["BSKY_PDS_URL"], peer["BSKY_ALICE_DID"], "Herald crash test "+run+",")
	textOf := map[string]string{} // post ID -> text
	for i, pst := range s.posts {
		textOf[pst.ID] = texts[i]
	}
	byText := map[string][]string{}
	for _, r := range records {
		byText[r.text] = append(byText[r.text], r.uri)
	}
	for _, text := range texts {
		if got := len(byText[text]); got != 1 {
			t.Errorf("%q is on the PDS %d times %v", text, got, byText[text])
		}
	}
	if len(records) != n {
		t.Errorf("the PDS has %d records of this run, want %d", len(records), n)
	}
	for _, pst := range s.posts {
		tid := pst.Targets[0].ID
		uris := byText[textOf[pst.ID]]
		if uri, ok := remote[tid]; ok && len(uris) == 1 && uris[0] != uri {
			t.Errorf("target %s recorded %s but its text is at %s", tid, uri, uris[0])
		}
	}
	t.Logf("%d records on the PDS, each text once; whole test %s", len(records), time.Since(began).Round(time.Second))

	// Leave the PDS as it was: later runs list alice's records too.
	if !t.Failed() {
		del := p.(provider.Deleter)
		for _, r := range records {
			if err := del.Delete(ctx, acct, provider.RemotePost{ID: r.uri}); err != nil {
				t.Logf("delete %s: %v", r.uri, err)
				break
			}
		}
	}
}

// forgetLeader deletes the dead process's River leadership. Only the
// leader moves scheduled jobs to available and runs the sweep, and a
// SIGKILLed leader cannot resign: River lets its term run out (about 15 s)
// before a restarted process may lead. Killing every second or two, no
// process would ever lead and nothing would be published between kills, so
// the test ends the dead term itself, which is what River does once the
// term expires. The process is gone (kill waited for it), so no live leader
// is deposed.
func forgetLeader(t *testing.T, ctx context.Context, s *seeded) {
	t.Helper()
	if _, err := s.a.Store.DB().ExecContext(ctx, `DELETE FROM river_leader`); err != nil {
		t.Fatalf("forget the dead leader: %v", err)
	}
}

type pdsRecord struct{ uri, text string }

// listPosts reads every app.bsky.feed.post record of repo straight from the
// PDS (com.atproto.repo.listRecords: no AppView, no Herald code in
// between) and keeps those whose text starts with prefix.
func listPosts(t *testing.T, ctx context.Context, pds, repo, prefix string) []pdsRecord {
	t.Helper()
	var out []pdsRecord
	cursor := ""
	for {
		q := url.Values{"repo": {repo}, "collection": {"app.bsky.feed.post"}, "limit": {"100"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", pds+"/xrpc/com.atproto.repo.listRecords?"+q.Encode(), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Cursor  string `json:"cursor"`
			Records []struct {
				URI   string `json:"uri"`
				Value struct {
					Text string `json:"text"`
				} `json:"value"`
			} `json:"records"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("listRecords: status %d, %v", resp.StatusCode, err)
		}
		for _, r := range page.Records {
			if strings.HasPrefix(r.Value.Text, prefix) {
				out = append(out, pdsRecord{uri: r.URI, text: r.Value.Text})
			}
		}
		if page.Cursor == "" || len(page.Records) == 0 {
			return out
		}
		cursor = page.Cursor
	}
}
