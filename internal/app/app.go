// Package app is Herald's composition root: it builds the store, the job
// queue, the domain services and the HTTP surfaces from one Config, starts
// them in order and stops them in reverse. It is the only package that knows
// the concrete implementations.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/account"
	"herald/internal/approval"
	"herald/internal/board"
	"herald/internal/calendar"
	"herald/internal/channel"
	"herald/internal/competitor"
	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/conversion"
	"herald/internal/discussion"
	"herald/internal/idempotency"
	"herald/internal/inbox"
	"herald/internal/jobs"
	"herald/internal/links"
	"herald/internal/mail"
	"herald/internal/media"
	"herald/internal/metrics"
	"herald/internal/notify"
	"herald/internal/platform/httpclient"
	"herald/internal/platform/secret"
	"herald/internal/provider"
	"herald/internal/publish"
	"herald/internal/report"
	"herald/internal/store"
	"herald/internal/system"
	"herald/internal/workspace"
)

// App holds the running parts.
type App struct {
	Config      config.Config
	Logger      *slog.Logger
	Store       *store.Store
	Box         *secret.Box
	Queue       *jobs.Queue
	Mail        *mail.Service
	Accounts    *account.Service
	Workspaces  *workspace.Service
	System      *system.Service
	Idempotency *idempotency.Service
	Providers   *provider.Registry
	Channels    *channel.Service
	Compose     *compose.Service
	Publish     *publish.Service
	Calendar    *calendar.Service
	Approvals   *approval.Service
	Discussion  *discussion.Service
	Inbox       *inbox.Service
	Metrics     *metrics.Service
	Reports     *report.Service
	Competitors *competitor.Service
	Board       *board.Service
	Links       *links.Service
	Conversions *conversion.Service
	Media       *media.Service
	Notify      *notify.Service
	HTTP        *http.Client
}

// NewLogger builds the process logger from the configuration.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// quieter raises the job queue's log level to warnings unless debug logging
// is on: River reports routine producer statistics at info level every few
// seconds, which would drown Herald's own messages.
func quieter(log *slog.Logger, cfg config.Config) *slog.Logger {
	if cfg.LogLevel == "debug" {
		return log
	}
	return slog.New(minLevel{log.Handler(), slog.LevelWarn})
}

type minLevel struct {
	slog.Handler
	min slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.Handler.Enabled(ctx, l)
}

func (m minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{m.Handler.WithAttrs(attrs), m.min}
}

func (m minLevel) WithGroup(name string) slog.Handler {
	return minLevel{m.Handler.WithGroup(name), m.min}
}

// OpenStore connects to the configured database.
func OpenStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	return store.Open(ctx, store.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
}

// Migrate applies Herald's and River's pending migrations.
func Migrate(ctx context.Context, st *store.Store) ([]string, error) {
	applied, err := st.Migrate(ctx)
	if err != nil {
		return applied, err
	}
	n, err := jobs.Migrate(ctx, st)
	if n > 0 {
		applied = append(applied, fmt.Sprintf("river (%d versions)", n))
	}
	return applied, err
}

// Backup writes a consistent copy of the SQLite database to dest, which must
// not exist yet.
func Backup(ctx context.Context, cfg config.Config, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name", dest)
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	return st.Backup(ctx, dest)
}

// checkSchema migrates when allowed, and otherwise refuses a stale schema.
func checkSchema(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) error {
	if cfg.AutoMigrate {
		applied, err := Migrate(ctx, st)
		if len(applied) > 0 {
			log.Info("migrations applied", "names", applied)
		}
		return err
	}
	status, err := st.Status(ctx)
	if err != nil {
		return err
	}
	pending, err := jobs.Pending(ctx, st)
	if err != nil {
		return err
	}
	if !status.Current() || pending > 0 {
		return fmt.Errorf("%w: schema version %d of %d, %d job-queue migrations pending; run `herald migrate` or set HERALD_AUTO_MIGRATE=true",
			store.ErrStale, status.Applied, status.Latest, pending)
	}
	return nil
}

// SecretBox loads the sealing key from the configuration or the key file.
func SecretBox(cfg config.Config) (*secret.Box, error) {
	if cfg.SecretKey != "" {
		return secret.NewBox([]byte(cfg.SecretKey))
	}
	key, err := secret.LoadOrCreateKeyFile(filepath.Join(cfg.DataDir, "secret.key"))
	if err != nil {
		return nil, err
	}
	return secret.NewBox(key)
}

// New builds every part. Jobs are worked only when cfg has the worker role.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("app: create data dir %s: %w", cfg.DataDir, err)
	}
	box, err := SecretBox(cfg)
	if err != nil {
		return nil, err
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Logger: log, Store: st, Box: box}
	if err := checkSchema(ctx, cfg, st, log); err != nil {
		st.Close()
		return nil, err
	}
	a.Mail = &mail.Service{Store: st, Box: box}
	opts := jobs.Options{Concurrency: cfg.Workers, Logger: quieter(log, cfg).With("component", "jobs")}
	// The media service is built further down; it joins maintenance there.
	maintenance := &jobs.MaintenanceWorker{Store: st, Logger: log.With("component", "maintenance")}
	// The publisher is built further down too; its workers get it there.
	a.Publish = &publish.Service{}
	a.Notify = &notify.Service{}
	a.Board = &board.Service{}
	a.Inbox = &inbox.Service{}
	a.Metrics = &metrics.Service{}
	a.Reports = &report.Service{}
	a.Competitors = &competitor.Service{}
	if cfg.HasRole("worker") {
		opts.Workers = river.NewWorkers()
		river.AddWorker(opts.Workers, &mail.Worker{Service: a.Mail})
		river.AddWorker(opts.Workers, maintenance)
		river.AddWorker(opts.Workers, &publish.Worker{Service: a.Publish})
		river.AddWorker(opts.Workers, &publish.SweepWorker{Service: a.Publish})
		river.AddWorker(opts.Workers, &publish.ContinueWorker{Service: a.Publish})
		river.AddWorker(opts.Workers, &notify.HookWorker{Service: a.Notify})
		river.AddWorker(opts.Workers, &notify.ChatWorker{Service: a.Notify})
		river.AddWorker(opts.Workers, &notify.DigestWorker{Service: a.Notify})
		river.AddWorker(opts.Workers, &board.ReminderWorker{Service: a.Board})
		river.AddWorker(opts.Workers, &inbox.PollWorker{Service: a.Inbox})
		river.AddWorker(opts.Workers, &inbox.SendReplyWorker{Service: a.Inbox})
		river.AddWorker(opts.Workers, &inbox.ModerateWorker{Service: a.Inbox})
		river.AddWorker(opts.Workers, &inbox.EscalateWorker{Service: a.Inbox})
		river.AddWorker(opts.Workers, &inbox.SLAWorker{Service: a.Inbox})
		river.AddWorker(opts.Workers, &metrics.CollectWorker{Service: a.Metrics})
		river.AddWorker(opts.Workers, &report.DueWorker{Service: a.Reports})
		river.AddWorker(opts.Workers, &report.SendWorker{Service: a.Reports})
		opts.Periodic = append(opts.Periodic, report.DuePeriodic())
		river.AddWorker(opts.Workers, &competitor.RefreshWorker{Service: a.Competitors})
		opts.Periodic = append(opts.Periodic, competitor.RefreshPeriodic())
		river.AddWorker(opts.Workers, &metrics.RebuildWorker{Service: a.Metrics})
		opts.Periodic = append(opts.Periodic, jobs.MaintenancePeriodic(), publish.SweepPeriodic(15*time.Second), notify.DigestPeriodic(), board.ReminderPeriodic(),
			inbox.PollPeriodic(10*time.Second), inbox.SLAPeriodic(),
			metrics.CollectPeriodic(), metrics.RebuildPeriodic())
		opts.PollInterval = time.Second
	}
	if a.Queue, err = jobs.New(st, opts); err != nil {
		st.Close()
		return nil, err
	}
	a.Accounts = &account.Service{Store: st, Box: box, Queue: a.Queue, Mail: a.Mail, BaseURL: cfg.BaseURL, SessionTTL: cfg.SessionTTL}
	a.Workspaces = &workspace.Service{Store: st, Queue: a.Queue, Mail: a.Mail, BaseURL: cfg.BaseURL}
	a.System = &system.Service{Store: st, Queue: a.Queue, Started: time.Now(), Roles: cfg.Roles}
	a.Idempotency = &idempotency.Service{Store: st, Box: box}
	a.HTTP = httpclient.New(httpclient.Options{AllowPrivate: cfg.AllowPrivate, UserAgent: "Herald/" + system.Version})
	a.Providers = Providers(a.HTTP, cfg.AllowPrivate)
	// Notification webhooks are user-supplied URLs: a.HTTP's SSRF guard applies.
	*a.Notify = notify.Service{Store: st, Box: box, Queue: a.Queue, Mail: a.Mail, Workspaces: a.Workspaces, HTTP: a.HTTP, BaseURL: cfg.BaseURL,
		Logger: log.With("component", "notify")}
	a.Channels = &channel.Service{Store: st, Box: box, Registry: a.Providers, Workspaces: a.Workspaces, Notifier: a.Notify,
		HTTP: a.HTTP, BaseURL: cfg.BaseURL}
	a.Notify.Chat = chatPoster{a.Channels}
	bucket, err := media.OpenBucket(ctx, cfg.MediaBucket, filepath.Join(cfg.DataDir, "media"))
	if err != nil {
		st.Close()
		return nil, err
	}
	a.Media = &media.Service{Store: st, Bucket: bucket, Box: box, Workspaces: a.Workspaces, Registry: a.Providers, BaseURL: cfg.BaseURL,
		Logger: log.With("component", "media")}
	// Media by URL (CSV import) fetches user-supplied addresses: the SSRF
	// guard of a.HTTP applies, but its 10 MB body cap would refuse videos,
	// so the cap is the library's own limit (one byte over, so the library
	// words the refusal).
	a.Media.HTTP = httpclient.New(httpclient.Options{AllowPrivate: cfg.AllowPrivate, Timeout: media.FetchTimeout,
		MaxBody: a.Media.MaxBytes() + 1, UserAgent: "Herald/" + system.Version + " (media import)"})
	maintenance.Uploads = a.Media
	a.Compose = &compose.Service{Store: st, Workspaces: a.Workspaces, Channels: a.Channels, Media: composeMedia{a.Media},
		MediaImporter: composeMedia{a.Media}, BaseURL: cfg.BaseURL}
	// Link previews fetch user-supplied URLs: the SSRF guard applies, and a
	// page's head is all a card needs, so bodies are capped near 1 MB.
	previewHTTP := httpclient.New(httpclient.Options{AllowPrivate: cfg.AllowPrivate, Timeout: 10 * time.Second, MaxBody: 1 << 20,
		UserAgent: "Herald/" + system.Version + " (link preview)"})
	a.Links = &links.Service{Store: st, Workspaces: a.Workspaces, HTTP: previewHTTP, BaseURL: cfg.BaseURL, ShortBase: cfg.ShortURL,
		DataDir: cfg.DataDir, Logger: log.With("component", "links")}
	a.Compose.Links, a.Compose.ShortURL = composeLinks{a.Links}, cfg.ShortURL
	// Conversions: redirects add click IDs for workspaces that track them,
	// and a settings change clears this process's redirect cache.
	a.Conversions = &conversion.Service{Store: st, Workspaces: a.Workspaces, Box: box, Clicks: a.Links, Changed: a.Links.ForgetAll,
		Logger: log.With("component", "conversion")}
	a.Links.ClickIDs = a.Conversions
	*a.Publish = publish.Service{Store: st, Queue: a.Queue, Workspaces: a.Workspaces, Channels: a.Channels, Compose: a.Compose,
		Media: publishMedia{a.Media}, Logger: log.With("component", "publish"), CatchUp: cfg.CatchUp,
		Lease: cfg.PublishLease, CallTimeout: cfg.PublishLease * 2 / 3, Notifier: publishNotifier{a.Notify}, Workers: cfg.Workers,
		Instance: instanceName()}
	a.Calendar = &calendar.Service{Store: st, Workspaces: a.Workspaces, Channels: a.Channels, Publish: a.Publish, BaseURL: cfg.BaseURL}
	a.Discussion = &discussion.Service{Store: st, Workspaces: a.Workspaces, Notify: a.Notify}
	a.Approvals = &approval.Service{Store: st, Workspaces: a.Workspaces, Notify: a.Notify, Mail: a.Mail, Queue: a.Queue, Box: box,
		Previews: a.Compose, BaseURL: cfg.BaseURL, Logger: log.With("component", "approval")}
	a.Compose.Approvals, a.Publish.Approvals = a.Approvals, a.Approvals
	*a.Inbox = inbox.Service{Store: st, Workspaces: a.Workspaces, Channels: a.Channels, Registry: a.Providers, Queue: a.Queue,
		Sender: inboxSender{a.Channels}, Analyzer: senseAnalyzer{}, Notify: a.Notify, Mail: a.Mail, Moderation: inboxModeration{inboxSender{a.Channels}},
		HTTP: a.HTTP, Box: box, BaseURL: cfg.BaseURL, Logger: log.With("component", "inbox")}
	*a.Metrics = metrics.Service{Store: st, Channels: a.Channels, Workspaces: a.Workspaces, Logger: log.With("component", "metrics")}
	*a.Reports = report.Service{Store: st, Workspaces: a.Workspaces, Metrics: a.Metrics, Logos: reportLogos{a.Media}, Mail: a.Mail, Queue: a.Queue,
		BaseURL: cfg.BaseURL, Logger: log.With("component", "report")}
	*a.Competitors = competitor.Service{Store: st, Channels: a.Channels, Workspaces: a.Workspaces, Logger: log.With("component", "competitor")}
	*a.Board = board.Service{Store: st, Workspaces: a.Workspaces, Notify: a.Notify}
	return a, nil
}

// StartWork starts the background work of the process: the job queue and,
// for the worker role, the publisher's dispatcher.
func (a *App) StartWork(ctx context.Context) error {
	if err := a.Queue.Start(ctx); err != nil {
		return err
	}
	if a.Config.HasRole("worker") {
		a.Publish.Start(ctx)
		a.Inbox.StartStreams(ctx)
	}
	return nil
}

// StopWork stops what StartWork started, letting running work finish
// until ctx ends.
func (a *App) StopWork(ctx context.Context) error {
	a.Inbox.StopStreams()
	perr := a.Publish.Stop(ctx)
	if err := a.Queue.Stop(ctx); err != nil {
		return err
	}
	return perr
}

// Close releases the database.
func (a *App) Close() error {
	if a.Store == nil {
		return nil
	}
	if a.Media != nil && a.Media.Bucket != nil {
		_ = a.Media.Bucket.Close()
	}
	return a.Store.Close()
}

// instanceName names this process for logs other processes read: host:pid.
func instanceName() string {
	host, err := os.Hostname()
	if err != nil {
		host = "herald"
	}
	return host + ":" + strconv.Itoa(os.Getpid())
}
