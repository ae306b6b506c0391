package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/store"
)

// E-mail modes a person chooses per kind of notification. The in-app
// notification is always kept.
const (
	MailInstant = "instant" // one e-mail per notification (the default)
	MailDigest  = "digest"  // gathered in one e-mail a day
	MailOff     = "off"     // no e-mail
)

// KindInfo names a kind of notification for the preferences page.
type KindInfo struct {
	Kind  model.NotificationKind
	Label string
}

// Kinds are the notifications people can choose e-mail for.
var Kinds = []KindInfo{
	{model.NotifyPublishFailed, "A post failed to publish"},
	{model.NotifyPublishUnconfirmed, "Herald cannot tell whether a post reached a network"},
	{model.NotifyPublishMissed, "A post missed its time"},
	{model.NotifyChannelReconnect, "A channel needs reconnecting"},
	{model.NotifyApprovalExpired, "A post was not approved by its publish time"},
	{model.NotifyApprovalRequested, "A post waits for your approval"},
	{model.NotifyApprovalDecided, "Your post was approved, rejected or sent back for changes"},
	{model.NotifyMentioned, "Someone mentioned you in a comment"},
	{model.NotifyTaskAssigned, "A board card was assigned to you"},
	{model.NotifyTaskDue, "A board card of yours is due soon"},
	{model.NotifyInboxRule, "An inbox rule points you to a message"},
	{model.NotifyInboxSLA, "A conversation is close to missing its response target"},
}

// Prefs returns the caller's e-mail mode for every kind.
func (s *Service) Prefs(ctx context.Context, a model.Actor) (map[model.NotificationKind]string, error) {
	if a.UserID == "" {
		return nil, model.Unauthorized("sign in to change notification settings")
	}
	rows, err := s.Store.Read().NotificationPrefs(ctx, []string{a.UserID})
	if err != nil {
		return nil, err
	}
	out := map[model.NotificationKind]string{}
	for _, k := range Kinds {
		out[k.Kind] = modeOf(rows[a.UserID], k.Kind)
	}
	return out, nil
}

func modeOf(prefs map[string]string, kind model.NotificationKind) string {
	if m, ok := prefs[string(kind)]; ok {
		return m
	}
	return MailInstant
}

// SetPrefs changes the caller's e-mail modes for the kinds given.
func (s *Service) SetPrefs(ctx context.Context, a model.Actor, modes map[model.NotificationKind]string) error {
	if a.UserID == "" {
		return model.Unauthorized("sign in to change notification settings")
	}
	for k, m := range modes {
		if !knownKind(k) {
			return model.Invalid(string(k), "%q is not a kind of notification", k)
		}
		if m != MailInstant && m != MailDigest && m != MailOff {
			return model.Invalid(string(k), "%q is not an e-mail choice; one of instant, digest, off", m)
		}
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		for k, m := range modes {
			if err := tx.SetNotificationPref(ctx, a.UserID, string(k), m); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, a, "notify.prefs", "user", a.UserID, "", map[string]any{"changed": len(modes)})
	})
}

func knownKind(k model.NotificationKind) bool {
	for _, i := range Kinds {
		if i.Kind == k {
			return true
		}
	}
	return false
}

// DigestArgs is the periodic job that sends daily digests.
type DigestArgs struct{}

// Kind implements river.JobArgs.
func (DigestArgs) Kind() string { return "notify.digest" }

// InsertOpts keeps one digest run at a time.
func (DigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 30 * time.Minute}}
}

// DigestWorker runs DigestArgs jobs.
type DigestWorker struct {
	river.WorkerDefaults[DigestArgs]
	Service *Service
}

// Work sends the digests that are due.
func (w *DigestWorker) Work(ctx context.Context, _ *river.Job[DigestArgs]) error {
	_, err := w.Service.SendDigests(ctx)
	return err
}

// DigestPeriodic looks for due digests every hour.
func DigestPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return DigestArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
}

// digestMax is how many notifications one digest lists.
const digestMax = 100

// SendDigests e-mails each person who chose digests, at most once a day,
// the notifications of those kinds since their previous digest, and
// reports how many went out. Nobody gets an empty digest.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	if s.Mail == nil || !s.Mail.Configured(ctx) {
		return 0, nil
	}
	now := s.now()
	due, err := s.Store.Read().DigestDue(ctx, now.Add(-24*time.Hour))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, userID := range due {
		ok, err := s.digest(ctx, userID, now)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

func (s *Service) digest(ctx context.Context, userID string, now time.Time) (bool, error) {
	prefs, err := s.Store.Read().NotificationPrefs(ctx, []string{userID})
	if err != nil {
		return false, err
	}
	var kinds []string
	for _, k := range Kinds {
		if modeOf(prefs[userID], k.Kind) == MailDigest {
			kinds = append(kinds, string(k.Kind))
		}
	}
	since, err := s.Store.Read().LastDigest(ctx, userID)
	if err != nil {
		return false, err
	}
	if since.Before(now.Add(-24 * time.Hour)) {
		since = now.Add(-24 * time.Hour)
	}
	list, err := s.Store.Read().NotificationsSince(ctx, userID, kinds, since, digestMax)
	if err != nil || len(list) == 0 {
		return false, err
	}
	u, err := s.Store.Read().UserByID(ctx, userID)
	if err != nil {
		return false, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nWhat happened in Herald since your last digest:\n\n", u.Name)
	for _, n := range list {
		fmt.Fprintf(&b, "- %s %s\n  %s%s\n", n.CreatedAt.UTC().Format("2 Jan 15:04 MST"), n.Text, strings.TrimRight(s.BaseURL, "/"), n.Link)
	}
	b.WriteString("\nChange what Herald e-mails you under Your account.\n")
	subject := fmt.Sprintf("Herald daily digest: %d notification", len(list))
	if len(list) != 1 {
		subject += "s"
	}
	job, err := s.Mail.Job(u.Email, subject, b.String())
	if err != nil {
		return false, err
	}
	return true, s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := s.Queue.InsertTx(ctx, tx, job, nil); err != nil {
			return err
		}
		return tx.MarkDigest(ctx, userID, now)
	})
}
