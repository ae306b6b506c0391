package publish_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"herald/internal/model"
	"herald/internal/provider/webhook"
	"herald/internal/testenv"
)

// receiver is the webhook endpoint: it checks each delivery's signature and
// counts deliveries per post key (the target ID) and per event ID, without
// dropping repeats, so a double publish shows up.
type receiver struct {
	mu        sync.Mutex
	secret    string
	byKey     map[string]int
	byEvent   map[string]int
	total     int
	badSigned int
	other     int // events that are not post.published (pings, deletes)
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var ev struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Key  string `json:"key"`
	}
	_ = json.Unmarshal(body, &ev)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := webhook.Verify(rc.secret, r.Header.Get("Herald-Signature"), body, 0); err != nil {
		rc.badSigned++
		// Answer 2xx anyway: a refusal would only turn into retries, and
		// the test fails on any bad signature.
	}
	if ev.Type != "post.published" {
		rc.other++
		w.WriteHeader(http.StatusNoContent)
		return
	}
	rc.total++
	rc.byKey[ev.Key]++
	rc.byEvent[ev.ID]++
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":%q}`, ev.ID)
}

// TestMultiInstancePublishOnce runs three `herald serve` processes on one
// PostgreSQL database, each with 20 workers, and schedules 1,000 webhook
// posts due within 3 s. The processes race for the same targets (the job
// queue hands each job to one of them, and the sweep adds duplicates); the
// compare-and-swap claim must let exactly one call the network per target.
func TestMultiInstancePublishOnce(t *testing.T) {
	cfg := testenv.Postgres(t) // skips without PostgreSQL
	if testing.Short() {
		t.Skip("runs three Herald processes")
	}
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	bin := heraldBinary(t)

	rc := &receiver{byKey: map[string]int{}, byEvent: map[string]int{}}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	cfg.AllowPrivate = true // the receiver listens on loopback
	s := seed(t, cfg, "webhook", map[string]string{"url": hook.URL + "/herald"})
	acct, _, err := s.a.Channels.Account(ctx, s.ws, s.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	rc.secret = acct.Credentials["secret"]
	rc.mu.Unlock()

	// The test app migrated the schema; the processes find it current.
	var servers []*server
	for i := range 3 {
		servers = append(servers, newServer(t, bin, fmt.Sprintf("herald-%d", i+1), map[string]string{
			"HERALD_DATA_DIR":               t.TempDir(),
			"HERALD_DATABASE_URL":           cfg.DatabaseURL,
			"HERALD_SECRET_KEY":             cfg.SecretKey,
			"HERALD_WORKERS":                "20",
			"HERALD_ALLOW_PRIVATE_NETWORKS": "true",
			"HERALD_LOG_LEVEL":              "warn",
		}))
	}
	// Started together, as a deployment's replicas would be.
	var wg sync.WaitGroup
	errs := make([]error, len(servers))
	for i, srv := range servers {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = srv.tryStart() }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("3 processes ready at +%s", time.Since(began).Round(time.Millisecond))

	const n = 1000
	texts := make([]string, n)
	for i := range texts {
		texts[i] = fmt.Sprintf("Multi-instance post %04d", i)
	}
	// Due 8 s ahead, spread over 3 s: scheduling 1,000 posts finishes
	// before the first is due, so the processes meet a burst.
	first, took := s.draftAndSchedule(t, texts, 8, 0, 8*time.Second, 3*time.Millisecond)
	t.Logf("%d posts scheduled in %s, due from %s over 3s", n, took.Round(time.Millisecond), first.Format("15:04:05.000"))

	var by map[model.TargetStatus][]model.Target
	lastLog := time.Now()
	for {
		if by, err = targetsByStatus(ctx, s.a, s.ws); err != nil {
			t.Fatal(err)
		}
		if len(by[model.TargetScheduled])+len(by[model.TargetPublishing]) == 0 {
			break
		}
		for _, srv := range servers {
			if srv.exited() {
				t.Fatalf("%s exited on its own", srv.name)
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("still not done after %s: %s", time.Since(began).Round(time.Second), summary(by))
		}
		if time.Since(lastLog) > 5*time.Second {
			t.Logf("+%s: %s", time.Since(began).Round(time.Second), summary(by))
			lastLog = time.Now()
		}
		time.Sleep(200 * time.Millisecond)
	}
	settled := time.Since(first)
	// A late duplicate would come from a job still running: stop the
	// processes before counting.
	for _, srv := range servers {
		srv.kill()
	}

	rc.mu.Lock()
	defer rc.mu.Unlock()
	if got := len(by[model.TargetPublished]); got != n {
		t.Errorf("%d of %d targets published: %s", got, n, summary(by))
	}
	for st, list := range by {
		if st != model.TargetPublished {
			for _, tg := range list[:min(len(list), 5)] {
				t.Errorf("target %s ended %s: %s", tg.ID, st, tg.Error)
			}
		}
	}
	for _, pst := range s.posts {
		if got := rc.byKey[pst.Targets[0].ID]; got != 1 {
			t.Errorf("target %s was delivered %d times", pst.Targets[0].ID, got)
		}
	}
	for id, c := range rc.byEvent {
		if c != 1 {
			t.Errorf("event %s arrived %d times", id, c)
		}
	}
	if rc.total != n || len(rc.byKey) != n {
		t.Errorf("%d deliveries for %d keys, want %d each", rc.total, len(rc.byKey), n)
	}
	if rc.badSigned > 0 {
		t.Errorf("%d deliveries had a bad signature", rc.badSigned)
	}
	t.Logf("%d deliveries, each target once; all published %s after the first was due; published per process: %s; whole test %s",
		rc.total, settled.Round(time.Millisecond), workedBy(t, ctx, s), time.Since(began).Round(time.Second))
}

// workedBy reports how many targets each process published (the attempt
// log names the process), showing the three really shared the work.
func workedBy(t *testing.T, ctx context.Context, s *seeded) string {
	rows, err := s.a.Store.DB().QueryContext(ctx, `SELECT worker, count(*) FROM publish_attempts
		WHERE outcome = 'published' GROUP BY 1 ORDER BY 1`)
	if err != nil {
		t.Logf("count publications per process: %v", err)
		return "?"
	}
	defer rows.Close()
	out := ""
	for rows.Next() {
		var who string
		var c int
		if rows.Scan(&who, &c) == nil {
			out += fmt.Sprintf("%s=%d ", who, c)
		}
	}
	return out
}
