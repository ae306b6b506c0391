package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return Load(fs, func(k string) string { return env[k] })
}

func TestPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "herald.conf")
	os.WriteFile(file, []byte("# comment\nHERALD_ADDR=127.0.0.1:7000\nHERALD_LOG_LEVEL=debug\nHERALD_WORKERS=3\n"), 0o600)
	c, err := load(t, []string{"-config", file, "-workers", "5"}, map[string]string{"HERALD_LOG_LEVEL": "warn"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7000" || c.LogLevel != "warn" || c.Workers != 5 || c.DataDir != "./herald-data" {
		t.Fatalf("got %+v", c)
	}
	if c.BaseURL != "http://127.0.0.1:7000" {
		t.Fatalf("base url %q", c.BaseURL)
	}
}

func TestBadValuesNameTheSetting(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-addr", "nope"}, nil, `invalid -addr "nope" (from flag): want host:port`},
		{nil, map[string]string{"HERALD_WORKERS": "0"}, `invalid HERALD_WORKERS "0" (from environment): want a whole number from 1 to 2000`},
		{nil, map[string]string{"HERALD_DATABASE_URL": "mysql://x"}, `invalid HERALD_DATABASE_URL "(redacted)"`},
		{[]string{"-roles", "web,cron"}, nil, "each role must be web or worker"},
		{[]string{"-session-ttl", "1s"}, nil, "want a duration from 10m0s to 8760h0m0s"},
		{[]string{"-secret-key", "short"}, nil, "at least 32 characters"},
		{[]string{"-base-url", "ftp://x"}, nil, "absolute http:// or https:// URL"},
		{[]string{"-auto-migrate", "maybe"}, nil, "want true or false"},
	}
	for _, tc := range cases {
		_, err := load(t, tc.args, tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: got %v, want containing %q", tc.args, tc.env, err, tc.want)
		}
	}
}

func TestParseFile(t *testing.T) {
	if _, err := Parse(strings.NewReader("HERALD_ADRR=x\n"), "f"); err == nil || !strings.Contains(err.Error(), "unknown setting") {
		t.Fatalf("typo accepted: %v", err)
	}
	if _, err := Parse(strings.NewReader("just words\n"), "f"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("bad line: %v", err)
	}
	m, err := Parse(strings.NewReader(`HERALD_BASE_URL="https://x.example/"`+"\n"), "f")
	if err != nil || m["HERALD_BASE_URL"] != "https://x.example/" {
		t.Fatalf("quoted: %v %v", m, err)
	}
}

func TestDumpRedacts(t *testing.T) {
	c, err := load(t, []string{"-secret-key", strings.Repeat("k", 40), "-database-url", "postgres://u:pw@h/db"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	Dump(&b, c)
	out := b.String()
	if strings.Contains(out, "kkkk") || strings.Contains(out, ":pw@") {
		t.Fatalf("secret leaked:\n%s", out)
	}
	if !strings.Contains(out, "HERALD_SECRET_KEY=(redacted)") || !strings.Contains(out, "postgres://u:redacted@h/db") {
		t.Fatalf("dump:\n%s", out)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("HERALD_ADDR=127.0.0.1:1\n# c\n\nHERALD_WORKERS=\"4\"")
	f.Add("=\n==\n\"")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(strings.NewReader(s), "fuzz")
		if err != nil {
			return
		}
		var c Config
		for _, st := range Settings {
			if v, ok := m[st.Env]; ok {
				_ = st.apply(&c, v) // must not panic on any value
			}
		}
	})
}
