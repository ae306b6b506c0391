// Package mail sends Herald's e-mail (invitations, password resets) over SMTP
// with settings edited by administrators in the UI. Messages go out through a
// job, so a slow or failing mail server never blocks a request and a failed
// send is retried.
package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

const settingsKey = "mail"

// Service reads and writes mail settings and sends messages.
type Service struct {
	Store *store.Store
	Box   *secret.Box
}

type storedSettings struct {
	Host           string `json:"host"`
	Port           int    `json:"port"`
	Username       string `json:"username"`
	SealedPassword string `json:"password_sealed"`
	From           string `json:"from"`
	TLS            string `json:"tls"`
}

// Settings returns the current mail settings (zero value when unset).
func (s *Service) Settings(ctx context.Context) (model.MailSettings, error) {
	raw, err := s.Store.Read().Setting(ctx, settingsKey)
	if err != nil || raw == "" {
		return model.MailSettings{}, err
	}
	var st storedSettings
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return model.MailSettings{}, fmt.Errorf("mail: stored settings: %w", err)
	}
	pw, err := s.Box.Open(st.SealedPassword)
	if err != nil {
		return model.MailSettings{}, fmt.Errorf("mail: stored password: %w", err)
	}
	return model.MailSettings{Host: st.Host, Port: st.Port, Username: st.Username, Password: pw, From: st.From, TLS: st.TLS}, nil
}

// Validate checks settings and names the first bad field.
func Validate(m model.MailSettings) error {
	if strings.TrimSpace(m.Host) == "" {
		return model.Invalid("host", "enter the SMTP server's host name")
	}
	if m.Port < 1 || m.Port > 65535 {
		return model.Invalid("port", "port must be a number from 1 to 65535")
	}
	if _, err := mail.ParseAddress(m.From); err != nil {
		return model.Invalid("from", "enter a sender address such as Herald <herald@example.com>")
	}
	switch m.TLS {
	case "none", "starttls", "tls":
	default:
		return model.Invalid("tls", "choose none, starttls or tls")
	}
	return nil
}

// SaveSettings stores settings; an empty password keeps the stored one.
func (s *Service) SaveSettings(ctx context.Context, a model.Actor, m model.MailSettings) error {
	if !a.IsAdmin {
		return model.Forbidden("only administrators can change mail settings")
	}
	if err := Validate(m); err != nil {
		return err
	}
	if m.Password == "" {
		old, err := s.Settings(ctx)
		if err != nil {
			return err
		}
		m.Password = old.Password
	}
	sealed, err := s.Box.Seal(m.Password)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(storedSettings{Host: strings.TrimSpace(m.Host), Port: m.Port, Username: m.Username, SealedPassword: sealed, From: m.From, TLS: m.TLS})
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.PutSetting(ctx, settingsKey, string(raw), time.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "settings.mail.update", "settings", settingsKey, "", map[string]any{"host": m.Host, "port": m.Port})
	})
}

// Message is one plain-text e-mail, with files attached.
type Message struct {
	To          string
	Subject     string
	Text        string
	Attachments []Attachment
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string // the file name the recipient sees
	ContentType string // e.g. application/pdf
	Data        []byte
}

// MaxAttachments bounds the files of one message: mail servers commonly
// refuse messages over 10 to 25 MB, and base64 adds a third.
const MaxAttachments = 7 << 20

// ErrNotConfigured is returned when no mail server is set up.
var ErrNotConfigured = errors.New("mail: no mail server is configured")

// Send delivers msg now with the stored settings.
func (s *Service) Send(ctx context.Context, msg Message) error {
	cfg, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if !cfg.Configured() {
		return ErrNotConfigured
	}
	return SendWith(ctx, cfg, msg)
}

// SendWith delivers msg with explicit settings (used by "send test e-mail").
func SendWith(ctx context.Context, cfg model.MailSettings, msg Message) error {
	m := gomail.NewMsg()
	if err := m.From(cfg.From); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := m.To(msg.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	m.Subject(msg.Subject)
	m.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if err := attach(m, msg.Attachments); err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(20 * time.Second)}
	switch cfg.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("mail: send to %s via %s:%d: %w", msg.To, cfg.Host, cfg.Port, err)
	}
	return nil
}

// SendTest delivers a test message to the administrator who asks, right now
// and with the stored settings, so the error of a wrong setting (if any) is
// returned to the caller instead of being retried by a job.
func (s *Service) SendTest(ctx context.Context, a model.Actor) error {
	if !a.IsAdmin {
		return model.Forbidden("only administrators can send test e-mails")
	}
	if a.Email == "" {
		return model.Invalid("", "your account has no e-mail address to send the test to")
	}
	cfg, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if !cfg.Configured() {
		return model.Conflict("", "save the mail settings before sending a test e-mail")
	}
	return SendWith(ctx, cfg, Message{To: a.Email, Subject: "Herald test e-mail",
		Text: "Hello,\n\nthis is a test e-mail from Herald. If you can read it, Herald can send e-mail with the current settings.\n"})
}

// attach adds the files to m, refusing more than MaxAttachments in all.
func attach(m *gomail.Msg, files []Attachment) error {
	total := 0
	for _, f := range files {
		total += len(f.Data)
	}
	if total > MaxAttachments {
		return fmt.Errorf("mail: attachments of %d bytes exceed the limit of %d", total, MaxAttachments)
	}
	for _, f := range files {
		if err := m.AttachReader(f.Name, bytes.NewReader(f.Data), gomail.WithFileContentType(gomail.ContentType(f.ContentType))); err != nil {
			return fmt.Errorf("mail: attach %s: %w", f.Name, err)
		}
	}
	return nil
}
