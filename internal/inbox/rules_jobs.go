package inbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/platform/hooksig"
	"herald/internal/platform/httpclient"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// The jobs of the rules engine: what reaches a network or another server
// runs outside the ingesting transaction, enqueued inside it.

const opUnhide = "unhide" // ModerateItem.Op when an undo shows a message again

// The log entry's note while its job has not reached the network yet; a
// retried job skips the items whose note moved on.
const (
	pendingHide   = "hidden in Herald; hiding on the network"
	pendingDelete = "hidden in Herald; deleting on the network"
	pendingUnhide = "shown again in Herald; showing it again on the network"
)

func pendingNote(op string) string {
	switch op {
	case model.RuleHide:
		return pendingHide
	case model.RuleDelete:
		return pendingDelete
	}
	return pendingUnhide
}

// ModerateItem is one message to hide ("hide"), delete ("delete") or
// show again ("unhide") on its network, for the action log entry
// ActionID.
type ModerateItem struct {
	MessageID string `json:"message_id"`
	ActionID  string `json:"action_id"`
	Op        string `json:"op"`
}

// ModerateArgs carries out on a channel's network what the rules decided
// in one ingested batch (one job per batch, not per message), or what an
// undo asks.
type ModerateArgs struct {
	WorkspaceID string         `json:"workspace_id"`
	ChannelID   string         `json:"channel_id"`
	Items       []ModerateItem `json:"items"`
}

// Kind implements river.JobArgs.
func (ModerateArgs) Kind() string { return "inbox.moderate" }

// InsertOpts retries a network that fails for about an hour.
func (ModerateArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 8} }

// ModerateWorker runs ModerateArgs jobs.
type ModerateWorker struct {
	river.WorkerDefaults[ModerateArgs]
	Service *Service
}

// Work carries the items out; the last failed attempt is noted in the
// action log.
func (w *ModerateWorker) Work(ctx context.Context, job *river.Job[ModerateArgs]) error {
	return w.Service.Moderate(ctx, job.Args, job.Attempt >= job.MaxAttempts)
}

// Timeout bounds one attempt.
func (w *ModerateWorker) Timeout(*river.Job[ModerateArgs]) time.Duration { return 5 * time.Minute }

// Moderate carries out hides, deletions and unhides on the network and
// rewrites each action log entry with how it went: when the network
// cannot, the message stays hidden (or shown) in Herald only, and the
// entry says so. A failure worth retrying is returned after the other
// items were tried (a retry skips those done); last says this is the
// final attempt, whose failures are noted instead.
func (s *Service) Moderate(ctx context.Context, args ModerateArgs, last bool) error {
	var retry error
	for _, it := range args.Items {
		if err := s.moderateItem(ctx, args, it, last); err != nil && retry == nil {
			retry = err
		}
	}
	return retry
}

func (s *Service) moderateItem(ctx context.Context, args ModerateArgs, it ModerateItem, last bool) error {
	q := s.Store.Read()
	rec, err := q.RuleActionByID(ctx, args.WorkspaceID, it.ActionID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && rec.Action.Note != pendingNote(it.Op)) {
		return nil // gone, done, or undone before the network was asked
	} else if err != nil {
		return err
	}
	m, err := q.InboxMessage(ctx, args.WorkspaceID, it.MessageID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	undo := rec.Undo
	var note string
	var netErr error
	if !m.DeletedAt.IsZero() {
		note = "the message was already deleted on the network"
	} else {
		netErr = s.moderateOnNetwork(ctx, args, it.Op, m)
		if netErr != nil && !errors.Is(netErr, ErrNotSupported) && !last {
			return netErr
		}
		note, undo = moderationOutcome(it.Op, netErr, undo)
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.RuleActionByID(ctx, args.WorkspaceID, rec.ID)
		if err != nil {
			return err
		}
		if cur.Action.Note != pendingNote(it.Op) {
			// Undone while the network was asked: the network follows.
			if netErr == nil && it.Op == model.RuleHide && m.DeletedAt.IsZero() && s.Queue != nil {
				cur.Action.Note = pendingUnhide
				if err := tx.UpdateRuleAction(ctx, cur.ID, cur.Action, cur.Undo); err != nil {
					return err
				}
				return s.Queue.InsertTx(ctx, tx, ModerateArgs{WorkspaceID: args.WorkspaceID, ChannelID: args.ChannelID,
					Items: []ModerateItem{{MessageID: m.ID, ActionID: cur.ID, Op: opUnhide}}}, nil)
			}
			return nil
		}
		cur.Action.Note = note
		if netErr == nil && it.Op == model.RuleDelete && m.DeletedAt.IsZero() {
			if err := tx.MarkMessageDeleted(ctx, m.ID, s.now()); err != nil {
				return err
			}
		}
		return tx.UpdateRuleAction(ctx, cur.ID, cur.Action, undo)
	})
}

func (s *Service) moderateOnNetwork(ctx context.Context, args ModerateArgs, op string, m model.InboxMessage) error {
	if s.Moderation == nil {
		return ErrNotSupported
	}
	c, err := s.Store.Read().ConversationByID(ctx, args.WorkspaceID, m.ConversationID)
	if err != nil {
		return err
	}
	it := interactionOf(m)
	it.RootID = c.RootRemoteID
	switch op {
	case model.RuleHide:
		return s.Moderation.Hide(ctx, args.WorkspaceID, args.ChannelID, it)
	case model.RuleDelete:
		return s.Moderation.Delete(ctx, args.WorkspaceID, args.ChannelID, it)
	case opUnhide:
		return s.Moderation.Unhide(ctx, args.WorkspaceID, args.ChannelID, it)
	}
	return fmt.Errorf("inbox: moderate: unknown operation %q", op)
}

// moderationOutcome words how a network action went for the log, and
// what undoing the entry restores from then on.
func moderationOutcome(op string, err error, undo *model.RuleUndo) (string, *model.RuleUndo) {
	inHerald := &model.RuleUndo{Unhide: true}
	switch {
	case err == nil && op == model.RuleHide:
		return "hidden in Herald and on the network", &model.RuleUndo{Unhide: true, Network: true}
	case err == nil && op == model.RuleDelete:
		return "deleted on the network", nil
	case err == nil:
		return "shown again in Herald and on the network", undo
	case errors.Is(err, ErrNotSupported) && op == model.RuleHide:
		return "hidden in Herald only: the network cannot hide it", undo
	case errors.Is(err, ErrNotSupported) && op == model.RuleDelete:
		return "hidden in Herald only: the network cannot delete it", inHerald
	case errors.Is(err, ErrNotSupported):
		return "shown again in Herald only: the network cannot show it again (a Matrix redaction, for one, is final)", undo
	case op == model.RuleHide:
		return "hidden in Herald only: hiding on the network failed: " + err.Error(), undo
	case op == model.RuleDelete:
		return "hidden in Herald only: deleting on the network failed: " + err.Error(), inHerald
	}
	return "shown again in Herald only: the network failed: " + err.Error(), undo
}

// transcriptLine is one message of an escalated conversation.
type transcriptLine struct {
	Author    string `json:"author"`
	Direction string `json:"direction"`
	Text      string `json:"text"`
	At        string `json:"at"`
}

// maxTranscript bounds an escalation's transcript to the latest messages.
const maxTranscript = 200

// escalate sends one conversation to customer service by e-mail and/or
// webhook, once per rule action and conversation per batch.
func (r *ruleRun) escalate(ctx context.Context, e escalation) error {
	a := &r.log[e.rec].Action
	for _, prev := range r.escalations {
		if prev.rec < e.rec && prev.rule == e.rule && prev.ai == e.ai && prev.msg.ConversationID == e.msg.ConversationID {
			a.Note = "escalated with an earlier message of the conversation"
			return nil
		}
	}
	if e.action.Email == "" && e.action.Webhook == "" {
		st, err := r.tx.InboxSettings(ctx, r.ch.WorkspaceID)
		if err != nil {
			return err
		}
		e.action.Email, e.action.Webhook = st.EscalateEmail, st.EscalateWebhook
		if e.action.Email == "" && e.action.Webhook == "" {
			a.Note = "not escalated: the rule names no address and the inbox settings have none"
			return nil
		}
	}
	lines, err := r.transcript(ctx, e.msg.ConversationID)
	if err != nil {
		return err
	}
	var notes []string
	if e.action.Email != "" {
		note, err := r.escalateMail(ctx, e, lines)
		if err != nil {
			return err
		}
		notes = append(notes, note)
	}
	if e.action.Webhook != "" {
		note, err := r.escalateHook(ctx, e, lines)
		if err != nil {
			return err
		}
		notes = append(notes, note)
	}
	a.Note = strings.Join(notes, "; ")
	return nil
}

func (r *ruleRun) transcript(ctx context.Context, conversationID string) ([]transcriptLine, error) {
	if lines, ok := r.transcripts[conversationID]; ok {
		return lines, nil
	}
	ms, err := r.tx.ConversationMessages(ctx, conversationID)
	if err != nil {
		return nil, err
	}
	ms = ms[max(len(ms)-maxTranscript, 0):]
	lines := make([]transcriptLine, 0, len(ms))
	for _, m := range ms {
		if m.Text == "" {
			continue
		}
		lines = append(lines, transcriptLine{Author: m.Author, Direction: m.Direction, Text: clipRunes(m.Text, 2000),
			At: m.CreatedAt.UTC().Format(time.RFC3339)})
	}
	if r.transcripts == nil {
		r.transcripts = map[string][]transcriptLine{}
	}
	r.transcripts[conversationID] = lines
	return lines, nil
}

func (r *ruleRun) escalateMail(ctx context.Context, e escalation, lines []transcriptLine) (string, error) {
	if r.mailOK == 0 {
		r.mailOK = -1
		if r.s.Mail != nil && r.s.Queue != nil && r.s.Mail.Configured(ctx) {
			r.mailOK = 1
		}
	}
	if r.mailOK < 0 {
		return "e-mail not sent: mail is not set up", nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Herald's inbox rule “%s” escalates a conversation on %s (%s).\n\nThe message: %s: %s\n\n",
		e.rule.Name, cmpOr(r.ch.Name, r.ch.Handle), r.ch.Network, e.msg.Author, e.msg.Text)
	if r.s.BaseURL != "" {
		fmt.Fprintf(&b, "Open it in Herald: %s%s\n\n", strings.TrimRight(r.s.BaseURL, "/"), conversationLink(r.ch.WorkspaceID, e.msg.ConversationID))
	}
	b.WriteString("The conversation, oldest first:\n\n")
	for _, l := range lines {
		fmt.Fprintf(&b, "%s: %s\n", l.Author, l.Text)
	}
	job, err := r.s.Mail.Job(e.action.Email, "Escalated: "+notify.Excerpt(e.msg.Text, 60), b.String())
	if err != nil {
		return "e-mail not sent: " + err.Error(), nil
	}
	return "e-mailed to " + e.action.Email, r.s.Queue.InsertTx(ctx, r.tx, job, nil)
}

// escalationPayload is the signed JSON body of an escalation webhook.
type escalationPayload struct {
	ID             string           `json:"id"`
	Type           string           `json:"type"` // inbox.escalation
	WorkspaceID    string           `json:"workspace_id"`
	Rule           string           `json:"rule"`
	ChannelID      string           `json:"channel_id"`
	Network        string           `json:"network"`
	ConversationID string           `json:"conversation_id"`
	MessageID      string           `json:"message_id"`
	Link           string           `json:"link"`
	At             string           `json:"at"`
	Transcript     []transcriptLine `json:"transcript"` // oldest first
}

func (r *ruleRun) escalateHook(ctx context.Context, e escalation, lines []transcriptLine) (string, error) {
	if r.s.Queue == nil {
		return "webhook not called: background jobs are not set up", nil
	}
	p := escalationPayload{ID: "evt_" + ids.New(), Type: "inbox.escalation", WorkspaceID: r.ch.WorkspaceID, Rule: e.rule.Name,
		ChannelID: r.ch.ID, Network: r.ch.Network, ConversationID: e.msg.ConversationID, MessageID: e.msg.ID,
		Link: strings.TrimRight(r.s.BaseURL, "/") + conversationLink(r.ch.WorkspaceID, e.msg.ConversationID),
		At:   r.now.Format(time.RFC3339), Transcript: lines}
	body, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	return "sent to the webhook", r.s.Queue.InsertTx(ctx, r.tx, EscalateArgs{WorkspaceID: r.ch.WorkspaceID, URL: e.action.Webhook,
		EventID: p.ID, Body: body}, nil)
}

// EscalateArgs posts one escalation to a webhook, signed with the
// workspace's escalation secret (see EscalationSecret). The body is fixed
// when the rule runs, so retries send the same event ID.
type EscalateArgs struct {
	WorkspaceID string          `json:"workspace_id"`
	URL         string          `json:"url"`
	EventID     string          `json:"event_id"`
	Body        json.RawMessage `json:"body"`
}

// Kind implements river.JobArgs.
func (EscalateArgs) Kind() string { return "inbox.escalate" }

// InsertOpts retries a failing receiver for about a day.
func (EscalateArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }

// EscalateWorker runs EscalateArgs jobs.
type EscalateWorker struct {
	river.WorkerDefaults[EscalateArgs]
	Service *Service
}

// Work posts the escalation.
func (w *EscalateWorker) Work(ctx context.Context, job *river.Job[EscalateArgs]) error {
	return w.Service.DeliverEscalation(ctx, job.Args)
}

// Timeout bounds one attempt.
func (w *EscalateWorker) Timeout(*river.Job[EscalateArgs]) time.Duration { return time.Minute }

// EscalationSecret is the key a workspace's escalation webhooks are
// signed with (Herald-Signature, as internal/platform/hooksig describes),
// for whoever sets up the receiver.
func (s *Service) EscalationSecret(ctx context.Context, a model.Actor, workspaceID string) (string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxRules); err != nil {
		return "", err
	}
	return s.escalationSecret(workspaceID), nil
}

func (s *Service) escalationSecret(workspaceID string) string {
	return s.Box.MAC("inbox-escalation", workspaceID)
}

// DeliverEscalation posts one escalation. Trouble worth retrying (the
// network, 5xx, 408, 429) is returned; a private address or another 4xx
// cancels the job, since repeating cannot help.
func (s *Service) DeliverEscalation(ctx context.Context, args EscalateArgs) error {
	if s.HTTP == nil || s.Box == nil {
		return river.JobCancel(errors.New("inbox: escalation webhooks are not set up"))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, args.URL, bytes.NewReader(args.Body))
	if err != nil {
		return river.JobCancel(fmt.Errorf("inbox: escalation webhook: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Herald-Event-Id", args.EventID)
	req.Header.Set("Idempotency-Key", args.EventID)
	req.Header.Set(hooksig.Header, hooksig.Sign(s.escalationSecret(args.WorkspaceID), s.now(), args.Body))
	resp, err := s.HTTP.Do(req)
	if errors.Is(err, httpclient.ErrPrivateAddress) {
		return river.JobCancel(err)
	} else if err != nil {
		return fmt.Errorf("inbox: escalation webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	switch c := resp.StatusCode; {
	case c/100 == 2:
		return nil
	case c >= 500 || c == 408 || c == 429:
		return fmt.Errorf("inbox: escalation webhook answered %s", resp.Status)
	default:
		s.log().Warn("escalation webhook refused the event", "workspace", args.WorkspaceID, "event", args.EventID, "status", c)
		return river.JobCancel(fmt.Errorf("inbox: escalation webhook answered %s", resp.Status))
	}
}

// UndoAction undoes one automatic action: the conversation's tags (those
// the rule added), assignee, priority or status as they were, and a
// hidden message shown again in Herald and, when it was hidden there, on
// the network through a job (which notes when the network cannot, such
// as a Matrix redaction).
func (s *Service) UndoAction(ctx context.Context, a model.Actor, workspaceID, actionID string) (model.RuleActionRecord, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxRules); err != nil {
		return model.RuleActionRecord{}, err
	}
	var rec model.RuleActionRecord
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if rec, err = tx.RuleActionByID(ctx, workspaceID, actionID); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no automatic action with that ID in this workspace")
		} else if err != nil {
			return err
		}
		if !rec.UndoneAt.IsZero() {
			return model.Conflict("action", "this action was undone already")
		}
		if rec.Undo == nil {
			return model.Conflict("action", "this action cannot be undone (%s)", cannotUndo(rec.Action))
		}
		if err := s.undo(ctx, tx, &rec); err != nil {
			return err
		}
		rec.UndoneAt = s.now()
		if err := tx.MarkRuleActionUndone(ctx, rec.ID, rec.UndoneAt); errors.Is(err, store.ErrNotFound) {
			return model.Conflict("action", "this action was undone already")
		} else if err != nil {
			return err
		}
		if err := tx.UpdateRuleAction(ctx, rec.ID, rec.Action, rec.Undo); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "inbox.rule_undo", "rule_action", rec.ID, workspaceID, map[string]any{"rule": rec.Action.Rule,
			"rule_id": rec.RuleID, "action": rec.Action.Type, "message": rec.MessageID, "note": rec.Action.Note})
	})
	return rec, err
}

func cannotUndo(a model.RuleAction) string {
	switch a.Type {
	case model.RuleAutoReply:
		return "a reply, once sent, stays"
	case model.RuleDelete:
		return "a deletion on the network is final"
	case model.RuleNotify, model.RuleEscalate:
		return "what was sent stays sent"
	}
	return "it changed nothing"
}

func (s *Service) undo(ctx context.Context, tx *store.Tx, rec *model.RuleActionRecord) error {
	u := rec.Undo
	if u.ConversationID != "" {
		c, err := tx.ConversationByID(ctx, rec.WorkspaceID, u.ConversationID)
		if err != nil {
			return err
		}
		c.Tags = slices.DeleteFunc(c.Tags, func(t string) bool { return slices.Contains(u.RemoveTags, t) })
		if u.AssigneeID != nil {
			c.AssigneeID = *u.AssigneeID
		}
		if u.Priority != nil {
			c.Priority = *u.Priority
		}
		if u.Status != nil {
			c.Status, c.SnoozedUntil, c.ResolvedAt = *u.Status, deref(u.SnoozedUntil), deref(u.ResolvedAt)
		}
		if err := tx.UpdateRuleConversations(ctx, []model.Conversation{c}, s.now()); err != nil {
			return err
		}
	}
	if !u.Unhide {
		return nil
	}
	if err := tx.SetMessagesHidden(ctx, []string{rec.MessageID}, time.Time{}); err != nil {
		return err
	}
	if !u.Network {
		rec.Action.Note = "shown again in Herald"
		return nil
	}
	if s.Queue == nil {
		rec.Action.Note = "shown again in Herald only: background jobs are not set up"
		return nil
	}
	m, err := tx.InboxMessage(ctx, rec.WorkspaceID, rec.MessageID)
	if err != nil {
		return err
	}
	rec.Action.Note = pendingUnhide
	return s.Queue.InsertTx(ctx, tx, ModerateArgs{WorkspaceID: rec.WorkspaceID, ChannelID: m.ChannelID,
		Items: []ModerateItem{{MessageID: m.ID, ActionID: rec.ID, Op: opUnhide}}}, nil)
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
