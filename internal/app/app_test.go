package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/store"
	"herald/internal/testenv"
)

func start(t *testing.T, cfg config.Config) (*app.App, string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "http://" + ln.Addr().String()
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
		a.Close()
	}
	return a, cfg.BaseURL, stop
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestProbesAndMetrics(t *testing.T) {
	_, base, stop := start(t, testConfig(t))
	defer stop()
	if code, body := get(t, base+"/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("healthz %d %q", code, body)
	}
	if code, body := get(t, base+"/readyz"); code != 200 || !strings.Contains(body, "ready") {
		t.Fatalf("readyz %d %q", code, body)
	}
	if code, body := get(t, base+"/metrics"); code != 200 || !strings.Contains(body, "herald_http_requests_total") || !strings.Contains(body, `route="GET /healthz"`) {
		t.Fatalf("metrics %d:\n%.500s", code, body)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Fatalf("CSP header missing: %q", csp)
	}
}

func TestStaleSchemaRefusedWithoutAutoMigrate(t *testing.T) {
	cfg := testConfig(t)
	cfg.AutoMigrate = false
	_, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if !errors.Is(err, store.ErrStale) || !strings.Contains(err.Error(), "herald migrate") {
		t.Fatalf("got %v, want a stale-schema error telling to run herald migrate", err)
	}
	st, err := app.OpenStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Migrate(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	st.Close()
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("after migrate: %v", err)
	}
	a.Close()
}

func TestWorkerRoleRunsMaintenance(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		a, _, stop := start(t, cfg)
		defer stop()
		admin := model.Actor{Via: "cli", IsAdmin: true}
		deadline := time.Now().Add(20 * time.Second)
		for {
			st, err := a.System.Status(context.Background(), admin)
			if err != nil {
				t.Fatal(err)
			}
			if st.JobsError != "" {
				t.Fatalf("job statistics: %s", st.JobsError)
			}
			if !st.Jobs.PeriodicLast["maintenance"].IsZero() {
				// The counts were read before the last completion: read again.
				if st, err = a.System.Status(context.Background(), admin); err != nil {
					t.Fatal(err)
				}
				if st.Jobs.Counts["completed"] < 1 {
					t.Fatalf("maintenance completed but counts say %v", st.Jobs.Counts)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("maintenance never ran: %+v", st.Jobs)
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
}

// TestInvitationMailDelivered sends an invitation through the job queue to
// the local mailpit peer and reads it back from mailpit's API.
func TestInvitationMailDelivered(t *testing.T) {
	api := os.Getenv("MAILPIT_API_URL")
	if api == "" {
		api = "http://127.0.0.1:8025"
	}
	if resp, err := http.Get(api + "/api/v1/info"); err != nil {
		if os.Getenv("HERALD_E2E") != "" {
			t.Fatalf("mailpit peer not reachable at %s: %v (start ../shared/peers/mailpit/up.sh)", api, err)
		}
		t.Skipf("mailpit peer not running at %s; start ../shared/peers/mailpit/up.sh to run this test", api)
	} else {
		resp.Body.Close()
	}
	a, _, stop := start(t, testConfig(t))
	defer stop()
	ctx := context.Background()
	cli := model.Actor{Via: "cli", IsAdmin: true}
	owner, err := a.Accounts.Setup(ctx, cli, accountNew("owner@example.test"))
	if err != nil {
		t.Fatal(err)
	}
	actor := model.Actor{UserID: owner.ID, Email: owner.Email, IsAdmin: true, Via: "web"}
	if err := a.Mail.SaveSettings(ctx, actor, model.MailSettings{Host: "127.0.0.1", Port: 1025, From: "Herald <herald@example.test>", TLS: "none"}); err != nil {
		t.Fatal(err)
	}
	w, err := a.Workspaces.Create(ctx, actor, "Mail Test")
	if err != nil {
		t.Fatal(err)
	}
	to := fmt.Sprintf("invitee-%d@example.test", time.Now().UnixNano())
	inv, err := a.Workspaces.Invite(ctx, actor, w.ID, to, "editor")
	if err != nil || !inv.Emailed {
		t.Fatalf("invite: %+v %v", inv, err)
	}
	text := waitForMail(t, api, to)
	if !strings.Contains(text, inv.Link) || !strings.Contains(text, "Mail Test") {
		t.Fatalf("mail text lacks the link %s:\n%s", inv.Link, text)
	}
}

func waitForMail(t *testing.T, api, to string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var res struct {
			Messages []struct{ ID string } `json:"messages"`
		}
		if code, body := get(t, api+"/api/v1/search?query=to:"+to); code == 200 && json.Unmarshal([]byte(body), &res) == nil && len(res.Messages) > 0 {
			var msg struct{ Text string }
			_, body := get(t, api+"/api/v1/message/"+res.Messages[0].ID)
			if err := json.Unmarshal([]byte(body), &msg); err != nil {
				t.Fatal(err)
			}
			return msg.Text
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("no e-mail to %s arrived in mailpit within 30s", to)
	return ""
}

// TestReadyzWaitsForWorkers: a worker node is not ready until its workers run.
func TestReadyzWaitsForWorkers(t *testing.T) {
	cfg := testConfig(t)
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	if code, body := get(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "workers: not running") {
		t.Fatalf("before start: %d %q", code, body)
	}
	if err := a.Queue.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a.Queue.Stop(context.Background())
	if code, _ := get(t, srv.URL+"/readyz"); code != http.StatusOK {
		t.Fatalf("after start: %d", code)
	}
}
