package mail

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
)

// SendArgs is the job that delivers one message. The body is sealed because
// it carries one-time links and job rows are kept for days.
type SendArgs struct {
	To         string `json:"to"`
	Subject    string `json:"subject"`
	SealedText string `json:"sealed_text"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "mail.send" }

// InsertOpts retries sends for about a day.
func (SendArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }

// NewSendArgs seals msg into job arguments.
func (s *Service) NewSendArgs(msg Message) (SendArgs, error) {
	sealed, err := s.Box.Seal(msg.Text)
	if err != nil {
		return SendArgs{}, err
	}
	return SendArgs{To: msg.To, Subject: msg.Subject, SealedText: sealed}, nil
}

// Worker delivers SendArgs jobs.
type Worker struct {
	river.WorkerDefaults[SendArgs]
	Service *Service
}

// Work sends the message; without a mail server it gives up for good, since
// the UI already showed the link to hand over.
func (w *Worker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	text, err := w.Service.Box.Open(job.Args.SealedText)
	if err != nil {
		return river.JobCancel(err)
	}
	err = w.Service.Send(ctx, Message{To: job.Args.To, Subject: job.Args.Subject, Text: text})
	if errors.Is(err, ErrNotConfigured) {
		return river.JobCancel(err)
	}
	return err
}

// Timeout bounds one delivery attempt.
func (w *Worker) Timeout(*river.Job[SendArgs]) time.Duration { return time.Minute }

// Configured reports whether a mail server is set up (false on read errors,
// so callers fall back to showing links).
func (s *Service) Configured(ctx context.Context) bool {
	cfg, err := s.Settings(ctx)
	return err == nil && cfg.Configured()
}

// Job turns a message into a send job for the queue.
func (s *Service) Job(to, subject, text string) (river.JobArgs, error) {
	return s.NewSendArgs(Message{To: to, Subject: subject, Text: text})
}
