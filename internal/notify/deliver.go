package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/platform/hooksig"
	"herald/internal/platform/httpclient"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// payload is the JSON body of a notification event. The field set is the
// documented contract receivers rely on (docs in the settings page).
type payload struct {
	ID          string `json:"id"`
	Type        string `json:"type"` // publish.failed, publish.unconfirmed, publish.missed, channel.needs_reconnect, ping
	WorkspaceID string `json:"workspace_id"`
	PostID      string `json:"post_id,omitempty"`
	ChannelID   string `json:"channel_id,omitempty"`
	TargetID    string `json:"target_id,omitempty"`
	Status      string `json:"status"`
	Message     string `json:"message"`
	At          string `json:"at"`
}

// eventTypes map notification kinds to webhook event types.
var eventTypes = map[string]string{
	"publish_failed":          "publish.failed",
	"publish_unconfirmed":     "publish.unconfirmed",
	"publish_missed":          "publish.missed",
	"channel_needs_reconnect": "channel.needs_reconnect",
}

// HookArgs is the job that delivers one event to a workspace's webhook.
// The body is fixed when the event happens, so every retry sends the same
// event id and the receiver can drop repeats; the URL and secret are read
// when sending, so a fixed URL or a rotated secret apply to pending retries.
type HookArgs struct {
	WorkspaceID string          `json:"workspace_id"`
	EventID     string          `json:"event_id"`
	Body        json.RawMessage `json:"body"`
}

// Kind implements river.JobArgs.
func (HookArgs) Kind() string { return "notify.webhook" }

// InsertOpts retries a failing receiver for about a day with River's
// growing backoff.
func (HookArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }

// HookWorker delivers HookArgs jobs.
type HookWorker struct {
	river.WorkerDefaults[HookArgs]
	Service *Service
}

// Work sends the event. Errors worth retrying (network trouble, 5xx, 408,
// 429) are returned for River to retry; a removed hook, a private address
// or another 4xx cancels the job, since repeating cannot help.
func (w *HookWorker) Work(ctx context.Context, job *river.Job[HookArgs]) error {
	return w.Service.Deliver(ctx, job.Args)
}

// Timeout bounds one delivery attempt.
func (w *HookWorker) Timeout(*river.Job[HookArgs]) time.Duration { return time.Minute }

// enqueueHook enqueues the event for the workspace's webhook, if one is set.
func (s *Service) enqueueHook(ctx context.Context, tx *store.Tx, ev Event) error {
	if _, err := tx.NotificationHook(ctx, ev.WorkspaceID); errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	p := payload{ID: "evt_" + ids.New(), Type: eventTypes[string(ev.Kind)], WorkspaceID: ev.WorkspaceID, PostID: ev.PostID,
		ChannelID: ev.ChannelID, TargetID: ev.TargetID, Status: ev.Status, Message: ev.Message, At: ev.At.UTC().Format(time.RFC3339)}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return s.Queue.InsertTx(ctx, tx, HookArgs{WorkspaceID: ev.WorkspaceID, EventID: p.ID, Body: body}, nil)
}

// Deliver sends one queued event now (see HookWorker.Work for what its
// error means).
func (s *Service) Deliver(ctx context.Context, args HookArgs) error {
	h, err := s.Store.Read().NotificationHook(ctx, args.WorkspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(errors.New("notify: the workspace's notification webhook was removed"))
	} else if err != nil {
		return err
	}
	err = s.send(ctx, h, args.EventID, args.Body)
	var rf refused
	if errors.As(err, &rf) || errors.Is(err, httpclient.ErrPrivateAddress) {
		s.log().Warn("notification webhook refused the event", "workspace", args.WorkspaceID, "event", args.EventID, "err", err)
		return river.JobCancel(err)
	}
	return err
}

// refused is a 4xx answer other than 408 and 429: the receiver will not
// take this event, however often it is sent.
type refused struct {
	status int
	msg    string
}

func (r refused) Error() string {
	return fmt.Sprintf("notify: the endpoint answered %d: %s", r.status, r.msg)
}

// send signs and POSTs one event body with the hook's secret.
func (s *Service) send(ctx context.Context, h store.StoredHook, eventID string, body []byte) error {
	secret, err := s.Box.Open(h.SealedSecret)
	if err != nil {
		return fmt.Errorf("notify: open webhook secret: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return refused{msg: "bad endpoint URL"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Herald-Event-Id", eventID)
	req.Header.Set("Idempotency-Key", eventID)
	req.Header.Set(hooksig.Header, hooksig.Sign(secret, s.now(), body))
	resp, err := s.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("notify: send to webhook: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	switch c := resp.StatusCode; {
	case c/100 == 2:
		return nil
	case c >= 500 || c == 408 || c == 429:
		return fmt.Errorf("notify: the endpoint answered %s", resp.Status)
	default:
		msg := clip(strings.TrimSpace(string(raw)), 200)
		if msg == "" {
			msg = resp.Status
		}
		return refused{status: c, msg: msg}
	}
}

// deliveryMessage words a send error for the person testing the hook.
func deliveryMessage(err error) string {
	var rf refused
	switch {
	case errors.As(err, &rf):
		return rf.Error()
	case errors.Is(err, httpclient.ErrPrivateAddress):
		return "it is a private or local address, which this Herald does not call"
	}
	return strings.TrimPrefix(err.Error(), "notify: ")
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
