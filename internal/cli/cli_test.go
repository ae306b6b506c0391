package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type run struct {
	code           int
	stdout, stderr string
}

func invoke(t *testing.T, env map[string]string, stdin string, args ...string) run {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	return run{code, out.String(), errb.String()}
}

func TestUserCreateAndListAndTokens(t *testing.T) {
	env := map[string]string{"HERALD_DATA_DIR": t.TempDir()}
	r := invoke(t, env, "a long enough password\n", "user", "create", "--email", "Owner@Example.com", "--name", "Owner", "--owner")
	if r.code != 0 || !strings.Contains(r.stdout, "created administrator owner@example.com") {
		t.Fatalf("create: %+v", r)
	}
	r = invoke(t, env, "short\n", "user", "create", "--email", "b@example.com", "--name", "B")
	if r.code != 1 || !strings.Contains(r.stderr, "password: password must be at least 10 characters") {
		t.Fatalf("weak password: %+v", r)
	}
	r = invoke(t, env, "a long enough password\n", "user", "create", "--email", "owner@example.com", "--name", "Again")
	if r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("duplicate: %+v", r)
	}
	r = invoke(t, env, "", "user", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "owner@example.com") || !strings.Contains(r.stdout, "admin") {
		t.Fatalf("list: %+v", r)
	}
	r = invoke(t, env, "", "token", "create", "--email", "owner@example.com", "--name", "ci", "--scopes", "workspaces:read,audit:read")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "hrld_") {
		t.Fatalf("token create: %+v", r)
	}
	r = invoke(t, env, "", "token", "create", "--email", "owner@example.com", "--name", "ci", "--scopes", "root")
	if r.code != 1 || !strings.Contains(r.stderr, `scope "root" is not one of`) {
		t.Fatalf("bad scope: %+v", r)
	}
	r = invoke(t, env, "", "token", "list", "--email", "owner@example.com")
	if r.code != 0 || !strings.Contains(r.stdout, "workspaces:read") {
		t.Fatalf("token list: %+v", r)
	}
	r = invoke(t, env, "", "user", "reset-link", "--email", "owner@example.com")
	if r.code != 0 || !strings.Contains(r.stdout, "/password/reset/") {
		t.Fatalf("reset link: %+v", r)
	}
}

func TestBadInputExitCodes(t *testing.T) {
	env := map[string]string{"HERALD_DATA_DIR": t.TempDir()}
	cases := []struct {
		args []string
		env  map[string]string
		code int
		want string
	}{
		{[]string{"frobnicate"}, env, 2, `unknown command "frobnicate"`},
		{[]string{"serve", "--addr", "nonsense"}, env, 1, `invalid -addr "nonsense" (from flag): want host:port`},
		{[]string{"config"}, map[string]string{"HERALD_LOG_LEVEL": "loud"}, 1, `invalid HERALD_LOG_LEVEL "loud" (from environment): want one of: debug, info, warn, error`},
		{[]string{"serve", "--no-such-flag"}, env, 2, "flag provided but not defined"},
		{[]string{"user", "create", "--email", "x@example.com"}, env, 2, "--email and --name are required"},
		{[]string{"user", "create", "--email", "x@example.com", "--name", "X"}, env, 2, "no password on standard input"},
		{[]string{"backup"}, env, 2, "--out is required"},
		{[]string{"token", "list"}, env, 2, "--email is required"},
	}
	for _, c := range cases {
		r := invoke(t, c.env, "", c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: code %d stderr %q; want code %d containing %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
}

func TestMigrateBackupConfigVersion(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HERALD_DATA_DIR": dir, "HERALD_SECRET_KEY": strings.Repeat("s", 40)}
	if r := invoke(t, env, "", "migrate", "--status"); r.code != 0 || !strings.Contains(r.stdout, "migrations pending") {
		t.Fatalf("status before: %+v", r)
	}
	if r := invoke(t, env, "", "migrate"); r.code != 0 || !strings.Contains(r.stdout, "applied 0001_foundation") {
		t.Fatalf("migrate: %+v", r)
	}
	if r := invoke(t, env, "", "migrate"); r.code != 0 || !strings.Contains(r.stdout, "schema is current") {
		t.Fatalf("migrate again: %+v", r)
	}
	out := filepath.Join(dir, "copy.db")
	if r := invoke(t, env, "", "backup", "--out", out); r.code != 0 {
		t.Fatalf("backup: %+v", r)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}
	if r := invoke(t, env, "", "backup", "--out", out); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("backup over existing: %+v", r)
	}
	r := invoke(t, env, "", "config")
	if r.code != 0 || strings.Contains(r.stdout, "ssss") || !strings.Contains(r.stdout, "HERALD_SECRET_KEY=(redacted)") {
		t.Fatalf("config: %+v", r)
	}
	if r := invoke(t, env, "", "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "herald ") {
		t.Fatalf("version: %+v", r)
	}
	if r := invoke(t, env, "", "help"); r.code != 0 || !strings.Contains(r.stdout, "serve") {
		t.Fatalf("help: %+v", r)
	}
}

func TestDemo(t *testing.T) {
	env := map[string]string{"HERALD_DATA_DIR": t.TempDir()}
	if r := invoke(t, env, "", "demo"); r.code != 2 || !strings.Contains(r.stderr, "there is no user yet") {
		t.Fatalf("demo without users: %+v", r)
	}
	invoke(t, env, "a long enough password\n", "user", "create", "--email", "o@example.com", "--name", "O")
	r := invoke(t, env, "", "demo")
	if r.code != 0 || !strings.Contains(r.stdout, `created "Demo workspace (sample data)" for o@example.com with 3 demo channels`) {
		t.Fatalf("demo: %+v", r)
	}
}

// TestUserCreateOnATerminal: on a terminal the password is asked twice
// without echo, and two different answers are refused.
func TestUserCreateOnATerminal(t *testing.T) {
	env := map[string]string{"HERALD_DATA_DIR": t.TempDir()}
	run := func(answers ...string) run {
		var out, errb bytes.Buffer
		var prompts []string
		code := Main([]string{"user", "create", "--email", "t@example.com", "--name", "T"}, Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] },
			ReadSecret: func(prompt string) (string, error) {
				prompts = append(prompts, prompt)
				a := answers[0]
				answers = answers[1:]
				return a, nil
			},
		})
		if len(prompts) != 2 {
			t.Fatalf("asked %d times: %v", len(prompts), prompts)
		}
		return run{code, out.String(), errb.String()}
	}
	if r := run("a long enough password", "another long password"); r.code != 2 || !strings.Contains(r.stderr, "the two passwords differ") {
		t.Fatalf("mismatch: %+v", r)
	}
	if r := run("a long enough password", "a long enough password"); r.code != 0 || !strings.Contains(r.stdout, "created administrator t@example.com") {
		t.Fatalf("create: %+v", r)
	}
}
