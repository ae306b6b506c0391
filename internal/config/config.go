// Package config builds Herald's one validated configuration from flags,
// HERALD_* environment variables, an optional file and defaults, in that order
// of precedence. Every subcommand uses it; nothing reads the environment
// anywhere else.
package config

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the effective configuration.
type Config struct {
	Addr            string
	DataDir         string
	DatabaseURL     string
	MediaBucket     string
	BaseURL         string
	ShortURL        string // short-link domain; "" serves short links on BaseURL/l/
	SecretKey       string
	Roles           []string
	AutoMigrate     bool
	LogFormat       string
	LogLevel        string
	MaxBodyBytes    int64
	SessionTTL      time.Duration
	TrustProxy      bool
	AllowPrivate    bool
	Workers         int
	ShutdownTimeout time.Duration
	// CatchUp is how late a due post may still go out after downtime;
	// older ones become "missed" and wait for a person.
	CatchUp time.Duration
	// PublishLease is how long a publishing worker holds a post before
	// another may take over after a crash.
	PublishLease time.Duration
	ConfigFile   string
}

// HasRole reports whether this process runs role ("web" or "worker").
func (c Config) HasRole(role string) bool {
	for _, r := range c.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// Setting describes one configuration value for parsing and documentation.
type Setting struct {
	Flag    string
	Env     string
	Default string
	Help    string
	Secret  bool
	apply   func(c *Config, v string) error
}

// Settings lists every setting; the README's configuration table mirrors it.
var Settings = []Setting{
	{"addr", "HERALD_ADDR", "127.0.0.1:8080", "Address the web server listens on (host:port).", false, func(c *Config, v string) error {
		if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
			return fmt.Errorf("want host:port, e.g. 127.0.0.1:8080")
		}
		c.Addr = v
		return nil
	}},
	{"data-dir", "HERALD_DATA_DIR", "./herald-data", "Directory for the SQLite database, the secret key file and media.", false, func(c *Config, v string) error {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("must not be empty")
		}
		c.DataDir = v
		return nil
	}},
	{"database-url", "HERALD_DATABASE_URL", "", "Empty for SQLite in the data directory, or postgres://user@host:5432/db?sslmode=disable.", true, func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
			return fmt.Errorf("must be empty (SQLite) or a postgres:// URL")
		}
		if v != "" {
			if _, err := url.Parse(v); err != nil {
				return fmt.Errorf("not a valid URL")
			}
		}
		c.DatabaseURL = v
		return nil
	}},
	{"media-bucket", "HERALD_MEDIA_BUCKET", "", "Where media files are kept: empty for <data-dir>/media, or a gocloud.dev bucket URL such as s3://bucket?endpoint=https://s3.example.com&region=auto&use_path_style=true (credentials from the usual AWS_* variables).", true, func(c *Config, v string) error {
		if v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "s3" && u.Scheme != "file") || (u.Scheme == "s3" && u.Host == "") {
				return fmt.Errorf("want empty (local directory), an s3://bucket?... URL or a file:///path URL")
			}
		}
		c.MediaBucket = v
		return nil
	}},
	{"base-url", "HERALD_BASE_URL", "", "Public URL of this Herald, used in e-mailed links (default: http://<addr>).", false, func(c *Config, v string) error {
		if v == "" {
			c.BaseURL = ""
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("want an absolute http:// or https:// URL")
		}
		c.BaseURL = strings.TrimRight(v, "/")
		return nil
	}},
	{"short-url", "HERALD_SHORT_URL", "", "Short-link domain, e.g. https://hrld.example; requests for that host are served /{code}. Empty: short links are <base-url>/l/{code}.", false, func(c *Config, v string) error {
		if v == "" {
			c.ShortURL = ""
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
			return fmt.Errorf("want an http:// or https:// URL with a host and no path, e.g. https://hrld.example")
		}
		c.ShortURL = strings.TrimRight(v, "/")
		return nil
	}},
	{"secret-key", "HERALD_SECRET_KEY", "", "Key that seals stored credentials (32+ characters). Empty: a key file <data-dir>/secret.key is made on first start.", true, func(c *Config, v string) error {
		if v != "" && len(v) < 32 {
			return fmt.Errorf("must be at least 32 characters (or empty to use the key file)")
		}
		c.SecretKey = v
		return nil
	}},
	{"roles", "HERALD_ROLES", "web,worker", "What this process runs: web, worker, or both (comma-separated).", false, func(c *Config, v string) error {
		c.Roles = nil
		for _, r := range strings.Split(v, ",") {
			r = strings.TrimSpace(r)
			if r != "web" && r != "worker" {
				return fmt.Errorf("each role must be web or worker")
			}
			c.Roles = append(c.Roles, r)
		}
		return nil
	}},
	{"auto-migrate", "HERALD_AUTO_MIGRATE", "true", "Apply pending database migrations on serve; when false, serve refuses a stale schema.", false, boolSetter(func(c *Config, b bool) { c.AutoMigrate = b })},
	{"log-format", "HERALD_LOG_FORMAT", "text", "Log format: text or json.", false, oneOf([]string{"text", "json"}, func(c *Config, v string) { c.LogFormat = v })},
	{"log-level", "HERALD_LOG_LEVEL", "info", "Log level: debug, info, warn or error.", false, oneOf([]string{"debug", "info", "warn", "error"}, func(c *Config, v string) { c.LogLevel = v })},
	{"max-body-bytes", "HERALD_MAX_BODY_BYTES", "1048576", "Largest accepted request body for forms and JSON, in bytes.", false, func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 || n > 1<<30 {
			return fmt.Errorf("want a whole number of bytes from 1024 to 1073741824")
		}
		c.MaxBodyBytes = n
		return nil
	}},
	{"session-ttl", "HERALD_SESSION_TTL", "720h", "How long a browser session lasts (Go duration, 10m to 8760h).", false, durationSetter(10*time.Minute, 8760*time.Hour, func(c *Config, d time.Duration) { c.SessionTTL = d })},
	{"trust-proxy", "HERALD_TRUST_PROXY", "false", "Take the client IP from X-Forwarded-For (only behind your own reverse proxy).", false, boolSetter(func(c *Config, b bool) { c.TrustProxy = b })},
	{"allow-private-networks", "HERALD_ALLOW_PRIVATE_NETWORKS", "false", "Let connectors and webhooks reach loopback and private addresses (a Mastodon or Matrix server on your own network). Off, Herald refuses them to prevent server-side request forgery.", false, boolSetter(func(c *Config, b bool) { c.AllowPrivate = b })},
	{"workers", "HERALD_WORKERS", "10", "How many background jobs, and how many posts being published, run at once in this process (1 to 2000).", false, func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 2000 {
			return fmt.Errorf("want a whole number from 1 to 2000")
		}
		c.Workers = n
		return nil
	}},
	{"catch-up-window", "HERALD_CATCH_UP_WINDOW", "1h", "After downtime, posts due at most this long ago still go out; older ones become \"missed\" and wait for a person (1m to 168h).", false, durationSetter(time.Minute, 168*time.Hour, func(c *Config, d time.Duration) { c.CatchUp = d })},
	{"publish-lease", "HERALD_PUBLISH_LEASE", "3m", "How long a worker holds a post it is publishing; after a crash another worker takes over once it ends (10s to 1h). Network calls get two thirds of it.", false, durationSetter(10*time.Second, time.Hour, func(c *Config, d time.Duration) { c.PublishLease = d })},
	{"shutdown-timeout", "HERALD_SHUTDOWN_TIMEOUT", "30s", "How long SIGTERM waits for requests and jobs in flight (1s to 10m).", false, durationSetter(time.Second, 10*time.Minute, func(c *Config, d time.Duration) { c.ShutdownTimeout = d })},
}

func boolSetter(set func(*Config, bool)) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		set(c, b)
		return nil
	}
}

func oneOf(allowed []string, set func(*Config, string)) func(*Config, string) error {
	return func(c *Config, v string) error {
		for _, a := range allowed {
			if v == a {
				set(c, v)
				return nil
			}
		}
		return fmt.Errorf("want one of: %s", strings.Join(allowed, ", "))
	}
}

func durationSetter(min, max time.Duration, set func(*Config, time.Duration)) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < min || d > max {
			return fmt.Errorf("want a duration from %s to %s, e.g. 30s or 12h", min, max)
		}
		set(c, d)
		return nil
	}
}

// Error names the setting, the rejected value and what is allowed.
type Error struct {
	Setting string
	Source  string
	Value   string
	Reason  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid %s %q (from %s): %s", e.Setting, e.Value, e.Source, e.Reason)
}

// RegisterFlags adds one string flag per setting, plus -config, to fs.
func RegisterFlags(fs *flag.FlagSet) {
	for _, s := range Settings {
		fs.String(s.Flag, "", fmt.Sprintf("%s (env %s, default %q)", s.Help, s.Env, s.Default))
	}
	fs.String("config", "", "Optional configuration file of HERALD_NAME=value lines (env HERALD_CONFIG).")
}

// Load builds the configuration. fs must have been parsed after RegisterFlags;
// getenv is os.Getenv in production.
func Load(fs *flag.FlagSet, getenv func(string) string) (Config, error) {
	set := map[string]string{}
	if fs != nil {
		fs.Visit(func(f *flag.Flag) { set[f.Name] = f.Value.String() })
	}
	var c Config
	for _, s := range Settings {
		if err := s.apply(&c, s.Default); err != nil {
			return c, fmt.Errorf("config: default of %s: %w", s.Flag, err)
		}
	}
	file := set["config"]
	if file == "" {
		file = getenv("HERALD_CONFIG")
	}
	if file != "" {
		c.ConfigFile = file
		values, err := readFile(file)
		if err != nil {
			return c, err
		}
		if err := applyAll(&c, values, "file "+file, func(s Setting) string { return s.Env }); err != nil {
			return c, err
		}
	}
	env := map[string]string{}
	for _, s := range Settings {
		if v := getenv(s.Env); v != "" {
			env[s.Env] = v
		}
	}
	if err := applyAll(&c, env, "environment", func(s Setting) string { return s.Env }); err != nil {
		return c, err
	}
	if err := applyAll(&c, set, "flag", func(s Setting) string { return s.Flag }); err != nil {
		return c, err
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	return c, nil
}

func applyAll(c *Config, values map[string]string, source string, key func(Setting) string) error {
	for _, s := range Settings {
		v, ok := values[key(s)]
		if !ok {
			continue
		}
		if err := s.apply(c, v); err != nil {
			name := s.Env
			if source == "flag" {
				name = "-" + s.Flag
			}
			shown := v
			if s.Secret {
				shown = "(redacted)"
			}
			return &Error{Setting: name, Source: source, Value: shown, Reason: err.Error()}
		}
	}
	return nil
}

func readFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: cannot read config file: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads HERALD_NAME=value lines; blank lines and # comments are
// ignored, values may be wrapped in double quotes. Unknown names are errors so
// typos do not pass silently.
func Parse(r io.Reader, name string) (map[string]string, error) {
	known := map[string]bool{}
	for _, s := range Settings {
		known[s.Env] = true
	}
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		k, v, ok := strings.Cut(text, "=")
		k = strings.TrimSpace(k)
		if !ok {
			return nil, fmt.Errorf("config: %s line %d: want NAME=value", name, line)
		}
		if !known[k] {
			return nil, fmt.Errorf("config: %s line %d: unknown setting %q (see `herald config` for the list)", name, line, k)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `"`) {
			uq, err := strconv.Unquote(v)
			if err != nil {
				return nil, fmt.Errorf("config: %s line %d: bad quoted value for %s", name, line, k)
			}
			v = uq
		}
		out[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("config: %s: %w", name, err)
	}
	return out, nil
}

// Dump writes the effective configuration as NAME=value lines, secrets redacted.
func Dump(w io.Writer, c Config) {
	values := map[string]string{
		"HERALD_ADDR": c.Addr, "HERALD_DATA_DIR": c.DataDir, "HERALD_DATABASE_URL": redactURL(c.DatabaseURL),
		"HERALD_BASE_URL": c.BaseURL, "HERALD_SECRET_KEY": redact(c.SecretKey), "HERALD_ROLES": strings.Join(c.Roles, ","),
		"HERALD_AUTO_MIGRATE": strconv.FormatBool(c.AutoMigrate), "HERALD_LOG_FORMAT": c.LogFormat, "HERALD_LOG_LEVEL": c.LogLevel,
		"HERALD_MAX_BODY_BYTES": strconv.FormatInt(c.MaxBodyBytes, 10), "HERALD_SESSION_TTL": c.SessionTTL.String(),
		"HERALD_TRUST_PROXY": strconv.FormatBool(c.TrustProxy), "HERALD_ALLOW_PRIVATE_NETWORKS": strconv.FormatBool(c.AllowPrivate), "HERALD_WORKERS": strconv.Itoa(c.Workers),
		"HERALD_SHUTDOWN_TIMEOUT": c.ShutdownTimeout.String(), "HERALD_CATCH_UP_WINDOW": c.CatchUp.String(), "HERALD_PUBLISH_LEASE": c.PublishLease.String(),
		"HERALD_MEDIA_BUCKET": redactURL(c.MediaBucket), "HERALD_SHORT_URL": c.ShortURL,
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s=%s\n", k, values[k])
	}
}

func redact(s string) string {
	if s == "" {
		return ""
	}
	return "(redacted)"
}

// redactURL hides the password of a database URL and keeps the rest readable.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || s == "" {
		return redact(s)
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "redacted")
	}
	return u.String()
}
