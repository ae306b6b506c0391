// Package notify tells people about publishing problems: a target that
// failed, whose outcome is unknown (unconfirmed) or that missed its time,
// and a channel that needs reconnecting. Each problem becomes, in the
// transaction that records it,
//
//   - an in-app notification for each recipient (the post's author and the
//     workspace's Owners, Admins and Managers, once each),
//   - an e-mail to the same people when a mail server is configured, and
//   - a signed JSON event to the workspace's notification webhook, if set,
//     delivered by a job with retries through the hardened HTTP client,
//   - a message in the workspace's team-chat channel (Slack, Discord,
//     Matrix or Telegram), if chosen, through that network's API (chat.go).
//
// Nothing is sent from inside the transaction: e-mail and webhook are jobs
// that exist only if it commits.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// Enqueuer inserts jobs in the caller's transaction.
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Mailer is what notify needs of the mail service.
type Mailer interface {
	Configured(ctx context.Context) bool
	Job(to, subject, text string) (river.JobArgs, error)
}

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Service records and delivers notifications.
type Service struct {
	Store      *store.Store
	Box        *secret.Box // seals webhook signing secrets
	Queue      Enqueuer
	Mail       Mailer // nil: no e-mail
	Workspaces Authorizer
	HTTP       *http.Client // the hardened client (platform/httpclient)
	BaseURL    string
	Chat       ChatPoster // posts to a workspace's team-chat channel (chat.go); nil: none
	Logger     *slog.Logger
	Now        func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Event is one problem to tell people about.
type Event struct {
	Kind        model.NotificationKind
	WorkspaceID string
	PostID      string // "" for channel events
	ChannelID   string
	TargetID    string // "" for channel events
	Status      string // the target's or channel's status
	Message     string // the error people see on the target or channel
	At          time.Time
}

// Notify records ev for its recipients inside tx, and enqueues the e-mails
// and the webhook delivery in it. Missing rows (a post deleted meanwhile)
// send less rather than fail: the caller's state change matters more than
// its notice. Database errors are returned, since tx is then unusable.
func (s *Service) Notify(ctx context.Context, tx *store.Tx, ev Event) error {
	if ev.At.IsZero() {
		ev.At = s.now()
	}
	subj, err := s.subjectOf(ctx, tx, ev)
	if err != nil {
		return err
	}
	people, err := recipients(ctx, tx, ev.WorkspaceID, subj.authorID)
	if err != nil {
		return err
	}
	text, link := describe(ev, subj), s.linkOf(ev)
	mail := s.Mail != nil && s.Mail.Configured(ctx)
	var prefs map[string]map[string]string
	if mail {
		userIDs := make([]string, len(people))
		for i, m := range people {
			userIDs[i] = m.UserID
		}
		if prefs, err = tx.NotificationPrefs(ctx, userIDs); err != nil {
			return err
		}
	}
	for _, m := range people {
		n := model.Notification{ID: ids.New(), UserID: m.UserID, WorkspaceID: ev.WorkspaceID, Kind: ev.Kind, Text: text, Link: link,
			PostID: ev.PostID, ChannelID: ev.ChannelID, TargetID: ev.TargetID, CreatedAt: ev.At}
		if err := tx.AddNotification(ctx, n); err != nil {
			return err
		}
		if mail && modeOf(prefs[m.UserID], ev.Kind) == MailInstant {
			if err := s.email(ctx, tx, m, ev, subj, text, link); err != nil {
				return err
			}
		}
	}
	if err := s.enqueueChat(ctx, tx, ev, text, link); err != nil {
		return err
	}
	return s.enqueueHook(ctx, tx, ev)
}

// subject is what an event is about, as people name it.
type subject struct {
	channel, network, excerpt, authorID string
}

func (s *Service) subjectOf(ctx context.Context, tx *store.Tx, ev Event) (subject, error) {
	sub := subject{channel: "a channel"}
	if ev.ChannelID != "" {
		c, err := tx.ChannelByID(ctx, ev.WorkspaceID, ev.ChannelID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return sub, err
		}
		if err == nil {
			sub.channel, sub.network = c.Name, c.Network
		}
	}
	if ev.PostID != "" {
		p, err := tx.PostByID(ctx, ev.WorkspaceID, ev.PostID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return sub, err
		}
		sub.excerpt, sub.authorID = excerpt(p.Base.Text, 60), p.AuthorID
	}
	return sub, nil
}

// recipients are the workspace's Owners, Admins and Managers, plus the
// post's author when still a member, each once. Only members are told:
// someone who left the workspace must not read about its posts.
func recipients(ctx context.Context, tx *store.Tx, workspaceID, authorID string) ([]model.Member, error) {
	members, err := tx.ListMembers(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []model.Member
	for _, m := range members {
		if (m.Role.AtLeast(model.RoleManager) || m.UserID == authorID) && !seen[m.UserID] {
			seen[m.UserID] = true
			out = append(out, m)
		}
	}
	return out, nil
}

// describe is the notification's one-line text.
func describe(ev Event, sub subject) string {
	post := "A post"
	if sub.excerpt != "" {
		post = "“" + sub.excerpt + "”"
	}
	switch ev.Kind {
	case model.NotifyPublishFailed:
		return fmt.Sprintf("%s failed on %s: %s", post, sub.channel, ev.Message)
	case model.NotifyPublishUnconfirmed:
		return fmt.Sprintf("Herald cannot tell whether %s reached %s; check the channel, then mark it published or publish it again", lower(post), sub.channel)
	case model.NotifyPublishMissed:
		return fmt.Sprintf("%s missed its time on %s: %s", post, sub.channel, ev.Message)
	case model.NotifyApprovalExpired:
		return fmt.Sprintf("%s was not published on %s: %s", post, sub.channel, ev.Message)
	case model.NotifyChannelReconnect:
		return fmt.Sprintf("%s needs reconnecting; posts to it fail until then: %s", sub.channel, ev.Message)
	}
	return ev.Message
}

func lower(s string) string {
	if strings.HasPrefix(s, "A ") {
		return "a " + s[2:]
	}
	return s
}

// linkOf is the path people open: the post's composer, or the channel.
func (s *Service) linkOf(ev Event) string {
	if ev.PostID != "" {
		return "/w/" + ev.WorkspaceID + "/posts/" + ev.PostID + "/edit"
	}
	if ev.ChannelID != "" {
		return "/w/" + ev.WorkspaceID + "/channels/" + ev.ChannelID
	}
	return "/w/" + ev.WorkspaceID
}

var subjects = map[model.NotificationKind]string{
	model.NotifyPublishFailed:      "A post failed on %s",
	model.NotifyPublishUnconfirmed: "Check whether a post reached %s",
	model.NotifyPublishMissed:      "A post missed its time on %s",
	model.NotifyApprovalExpired:    "A post was not approved in time for %s",
	model.NotifyChannelReconnect:   "Reconnect %s on Herald",
}

// email enqueues one message in tx, the way channel and workspace mail do.
func (s *Service) email(ctx context.Context, tx *store.Tx, m model.Member, ev Event, sub subject, text, link string) error {
	subjectLine := fmt.Sprintf(subjects[ev.Kind], sub.channel)
	body := fmt.Sprintf("Hello %s,\n\n%s\n\nOpen it in Herald:\n\n%s%s\n", m.Name, text, strings.TrimRight(s.BaseURL, "/"), link)
	job, err := s.Mail.Job(m.Email, subjectLine, body)
	if err != nil {
		// Sealing failed: the in-app notice still tells them.
		s.log().Warn("notification e-mail", "user", m.UserID, "err", err)
		return nil
	}
	return s.Queue.InsertTx(ctx, tx, job, nil)
}

// excerpt shortens a post's text to n runes on one line.
func excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// ChannelNeedsReconnect tells people that channel c was marked "needs
// reconnect" because of msg; it is the channel service's Notifier.
func (s *Service) ChannelNeedsReconnect(ctx context.Context, tx *store.Tx, c model.Channel, msg string) error {
	return s.Notify(ctx, tx, Event{Kind: model.NotifyChannelReconnect, WorkspaceID: c.WorkspaceID, ChannelID: c.ID,
		Status: string(model.ChannelNeedsReconnect), Message: msg})
}
