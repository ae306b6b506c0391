package publish_test

// Helpers for the tests that run the real `herald serve` binary as child
// processes (crash_test.go, multi_test.go): building it once, starting it
// on its own port, waiting for it to be ready, killing it, and reading the
// targets' states from the test process.

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/publish"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

// TestMain removes the binary built by heraldBinary, which outlives any one
// test's temporary directory because both process tests share it.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// heraldBinary builds cmd/herald once per test binary, from the module root
// found with `go env GOMOD`, and returns its path.
func heraldBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			binErr = fmt.Errorf("go env GOMOD: %w", err)
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(out)))
		if binDir, binErr = os.MkdirTemp("", "herald-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "herald")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/herald")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build ./cmd/herald: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// freeAddr returns a loopback address nobody listens on right now. The port
// is released before the server takes it; on a loopback test machine the
// race with another process grabbing it is negligible.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// server is one `herald serve` child process, restartable with the same
// environment. Its stderr goes to a log file that is appended to across
// restarts and shown when the test fails.
type server struct {
	t    *testing.T
	name string
	bin  string
	env  []string
	addr string
	log  string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	runs int
}

// newServer prepares (does not start) a server with the HERALD_* settings
// in env on its own free port. Variables of the test's own environment
// that start with HERALD_ are dropped, so nothing leaks in from the shell.
func newServer(t *testing.T, bin, name string, env map[string]string) *server {
	t.Helper()
	s := &server{t: t, name: name, bin: bin, addr: freeAddr(t), log: filepath.Join(t.TempDir(), name+".log")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HERALD_") {
			s.env = append(s.env, kv)
		}
	}
	s.env = append(s.env, "HERALD_ADDR="+s.addr, "HERALD_BASE_URL=http://"+s.addr)
	for k, v := range env {
		s.env = append(s.env, k+"="+v)
	}
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			s.dumpLog()
		}
	})
	return s
}

// start runs the process and waits until /readyz answers 200 (the schema
// is current and the workers run); it fails the test otherwise.
func (s *server) start() {
	s.t.Helper()
	if err := s.tryStart(); err != nil {
		s.t.Fatal(err)
	}
}

// tryStart is start for other goroutines than the test's, which must not
// call t.Fatal.
func (s *server) tryStart() error {
	f, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.runs++
	fmt.Fprintf(f, "\n===== start %d at %s =====\n", s.runs, time.Now().Format("15:04:05.000"))
	cmd := exec.Command(s.bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = s.env, f, f
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		f.Close()
		return fmt.Errorf("%s: start: %w", s.name, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		f.Close()
		close(done)
	}()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + s.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-done:
			return fmt.Errorf("%s exited during start-up (log %s)", s.name, s.log)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after 30s: %v", s.name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill sends SIGKILL, the crash no code can react to, and waits for the
// process to be gone. It does nothing when the process is not running.
func (s *server) kill() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-done
}

// exited reports whether the process ended on its own (it should not).
func (s *server) exited() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil || s.cmd == nil {
		return false
	}
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// dumpLog shows the end of the log, where a failure's cause usually is.
func (s *server) dumpLog() {
	b, err := os.ReadFile(s.log)
	if err != nil {
		return
	}
	const tail = 8000
	if len(b) > tail {
		b = b[len(b)-tail:]
	}
	s.t.Logf("last lines of %s's log:\n%s", s.name, b)
}

// countLog counts log lines containing substr, across restarts.
func (s *server) countLog(substr string) int {
	b, _ := os.ReadFile(s.log)
	return strings.Count(string(b), substr)
}

// targetsByStatus reads every target of the workspace, grouped by status,
// through the store's read path (not the service, which needs an actor and
// loads whole posts).
func targetsByStatus(ctx context.Context, a *app.App, workspaceID string) (map[model.TargetStatus][]model.Target, error) {
	out := map[model.TargetStatus][]model.Target{}
	for _, st := range []model.TargetStatus{model.TargetScheduled, model.TargetPublishing, model.TargetPublished, model.TargetFailed,
		model.TargetUnconfirmed, model.TargetMissed, model.TargetPaused, model.TargetDraft, model.TargetCancelled} {
		list, err := a.Store.Read().TargetsWithStatus(ctx, workspaceID, "", st)
		if err != nil {
			return nil, err
		}
		if len(list) > 0 {
			out[st] = list
		}
	}
	return out, nil
}

// summary renders status counts for progress logs.
func summary(by map[model.TargetStatus][]model.Target) string {
	var parts []string
	for _, st := range []model.TargetStatus{model.TargetScheduled, model.TargetPublishing, model.TargetPublished, model.TargetFailed,
		model.TargetUnconfirmed, model.TargetMissed, model.TargetPaused, model.TargetDraft, model.TargetCancelled} {
		if n := len(by[st]); n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, n))
		}
	}
	return strings.Join(parts, ", ")
}

// seeded is a Herald opened in the test process (web role only: it
// schedules and reads, the child processes publish) with an owner, a
// workspace, one channel and posts on it.
type seeded struct {
	a     *app.App
	owner model.Actor
	ws    string
	ch    model.Channel
	posts []model.Post
}

// seed opens Herald on cfg (migrating the database, so the child processes
// find the schema current), and connects one channel of network.
func seed(t *testing.T, cfg config.Config, network string, input map[string]string) *seeded {
	t.Helper()
	cfg.Roles = []string{"web"}
	ctx := context.Background()
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	s := &seeded{a: a}
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	s.owner = model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}
	w, err := a.Workspaces.Create(ctx, s.owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	s.ws = w.ID
	if s.ch, err = a.Channels.Connect(ctx, s.owner, s.ws, network, input); err != nil {
		t.Fatalf("connect %s: %v", network, err)
	}
	return s
}

// draftAndSchedule creates one post per text, then schedules post i due at
// first+i*step, where first is lead after the drafts exist; requests run in
// parallel (the way many users of one Herald would). Each creating worker
// pauses gap after each draft. It returns first and how long scheduling
// took.
func (s *seeded) draftAndSchedule(t *testing.T, texts []string, parallel int, gap, lead, step time.Duration) (time.Time, time.Duration) {
	t.Helper()
	ctx := context.Background()
	s.posts = make([]model.Post, len(texts))
	errs := make(chan error, len(texts))
	each := func(fn func(i int) error) {
		var wg sync.WaitGroup
		next := make(chan int)
		for range parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					if err := fn(i); err != nil {
						errs <- fmt.Errorf("post %d: %w", i, err)
					}
				}
			}()
		}
		for i := range texts {
			next <- i
		}
		close(next)
		wg.Wait()
	}
	each(func(i int) (err error) {
		s.posts[i], err = s.a.Compose.Create(ctx, s.owner, s.ws, compose.Draft{Base: model.Content{Text: texts[i]}, Channels: []string{s.ch.ID}})
		time.Sleep(gap)
		return err
	})
	start := time.Now()
	first := start.Add(lead)
	each(func(i int) error {
		_, err := s.a.Publish.Schedule(ctx, s.owner, s.ws, s.posts[i].ID, publish.Request{Mode: publish.ModeAt, At: first.Add(time.Duration(i) * step)})
		return err
	})
	took := time.Since(start)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return first, took
}
