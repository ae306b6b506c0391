package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// Teller tells members about messages a rule points them to.
type Teller interface {
	Tell(ctx context.Context, tx *store.Tx, m notify.Message) error
}

// Mailer sends escalation e-mails (to customer service, not members).
type Mailer interface {
	Configured(ctx context.Context) bool
	Job(to, subject, text string) (river.JobArgs, error)
}

// Moderation hides, shows again and deletes a message on its network, as
// the channel's account. A network that cannot answers ErrNotSupported.
type Moderation interface {
	Hide(ctx context.Context, workspaceID, channelID string, it provider.Interaction) error
	Unhide(ctx context.Context, workspaceID, channelID string, it provider.Interaction) error
	Delete(ctx context.Context, workspaceID, channelID string, it provider.Interaction) error
}

// ErrNotSupported is what Moderation answers when the network cannot do
// what was asked (hide, show again after a Matrix redaction, delete).
var ErrNotSupported = errors.New("inbox: the network cannot do this")

// autoReplyLimit is how many automatic replies a workspace sends an hour
// at most; past it, replies are skipped (and logged), so a flood or a
// loop with another bot stays small.
const autoReplyLimit = 30

// autoMarkers start (within their first 100 bytes) texts that are
// themselves automatic replies; rules never answer those, so two
// auto-responders cannot talk to each other forever.
var autoMarkers = []string{"auto-reply", "autoreply", "auto reply", "automatic reply", "automated message", "automated reply",
	"this is an automated", "out of office", "out-of-office", "[auto]", "[bot]", "automatische antwort", "abwesenheitsnotiz",
	"réponse automatique", "respuesta automática"}

// applyRules runs the workspace's enabled rules, in priority order, on
// the new inbound messages of a batch inside the ingesting transaction,
// with the batch's conversations and contacts as ingest read them.
// Rules are read once per batch; actions that reach the network (hide,
// delete, replies, webhooks) are jobs that exist only if the batch
// commits.
func (s *Service) applyRules(ctx context.Context, tx *store.Tx, ch model.Channel, msgs []model.InboxMessage, st batchState) error {
	rules, err := tx.InboxRules(ctx, ch.WorkspaceID, true)
	if err != nil || len(rules) == 0 {
		return err
	}
	env, err := loadEnv(ctx, &tx.Queries, ch.WorkspaceID, rules, s.log())
	if err != nil {
		return err
	}
	env.network, env.contacts = ch.Network, st.contacts
	run := &ruleRun{s: s, tx: tx, ch: ch, env: env, msgs: msgs, convs: st.convs.byID, now: s.now(), repliesLeft: -1,
		isChanged: map[string]bool{}}
	for i := range msgs {
		m := &msgs[i]
		if !rulesApply(m) {
			continue
		}
		v := env.view(m)
		for j := range env.rules {
			cr := &env.rules[j]
			if !cr.match(v) {
				continue
			}
			if err := run.act(ctx, cr.rule, m); err != nil {
				return err
			}
			if cr.rule.Stop {
				break
			}
		}
	}
	return run.finish(ctx)
}

// ruleRun carries one batch's actions: conversation changes are made in
// memory and written once, log entries inserted together at the end.
type ruleRun struct {
	s           *Service
	tx          *store.Tx
	ch          model.Channel
	env         *ruleEnv
	msgs        []model.InboxMessage
	now         time.Time
	convs       map[string]*model.Conversation
	changed     []string // conversation IDs, in order of first change
	isChanged   map[string]bool
	hide        []string       // message IDs to hide in Herald
	moderation  []ModerateItem // for the network, one job for the batch
	log         []model.RuleActionRecord
	audits      []ruleAudit
	members     map[string]bool
	repliesLeft int // -1: not counted yet
	wsName      string
	tells       []tell
	escalations []escalation
	mailOK      int // 0 not asked yet, 1 configured, -1 not
	transcripts map[string][]transcriptLine
}

type tell struct {
	rule   *model.Rule
	action int
	users  []string
	first  *model.InboxMessage
	count  int
}

// ruleAudit is one rule's work in the batch: one audit entry per rule
// and batch (each action is in the action log), so a busy batch does not
// write thousands of audit rows.
type ruleAudit struct {
	rule     *model.Rule
	messages []string
	actions  map[string]int
}

type escalation struct {
	rule   *model.Rule
	ai     int
	action model.RuleAction
	msg    *model.InboxMessage
	rec    int // index in log
}

// act runs a matching rule's actions on one message and logs each.
func (r *ruleRun) act(ctx context.Context, rule *model.Rule, m *model.InboxMessage) error {
	au := r.audit(rule)
	au.messages = append(au.messages, m.ID)
	for ai, a := range rule.Actions {
		rec := model.RuleActionRecord{ID: ids.New(), WorkspaceID: rule.WorkspaceID, RuleID: rule.ID, MessageID: m.ID, CreatedAt: r.now}
		a.Rule = rule.Name
		var err error
		done := false // the conversation was so already
		switch a.Type {
		case model.RuleTag, model.RuleAssign, model.RulePriority, model.RuleDone:
			rec.Undo, done, err = r.conversation(ctx, m, &a)
		case model.RuleHide, model.RuleDelete:
			rec.Undo = r.moderate(m, &a, rec.ID)
		case model.RuleAutoReply:
			err = r.autoReply(ctx, rule, m, &a)
		case model.RuleNotify:
			r.notify(rule, ai, m, &a)
		case model.RuleEscalate:
			r.escalations = append(r.escalations, escalation{rule: rule, ai: ai, action: a, msg: m, rec: len(r.log)})
		}
		if err != nil {
			return err
		}
		au.actions[a.Type]++
		if done {
			// The action log keeps what rules changed, so a busy thread's
			// log is not buried under repeats; the batch's audit entry
			// lists the match.
			continue
		}
		rec.Action = a
		r.log = append(r.log, rec)
	}
	return nil
}

func (r *ruleRun) audit(rule *model.Rule) *ruleAudit {
	for i := range r.audits {
		if r.audits[i].rule == rule {
			return &r.audits[i]
		}
	}
	r.audits = append(r.audits, ruleAudit{rule: rule, actions: map[string]int{}})
	return &r.audits[len(r.audits)-1]
}

// conv returns the message's conversation as the batch left it.
func (r *ruleRun) conv(m *model.InboxMessage) (*model.Conversation, error) {
	c := r.convs[m.ConversationID]
	if c == nil {
		return nil, fmt.Errorf("inbox: rules: conversation %s of message %s not found", m.ConversationID, m.ID)
	}
	return c, nil
}

// conversation applies tag, assign, priority and done, returning what
// undoing restores (nil when nothing changed) and whether the
// conversation was so already.
func (r *ruleRun) conversation(ctx context.Context, m *model.InboxMessage, a *model.RuleAction) (*model.RuleUndo, bool, error) {
	c, err := r.conv(m)
	if err != nil {
		return nil, false, err
	}
	u, already := &model.RuleUndo{ConversationID: c.ID}, false
	switch a.Type {
	case model.RuleTag:
		for _, t := range a.Tags {
			if !slices.Contains(c.Tags, t) {
				c.Tags, u.RemoveTags = append(c.Tags, t), append(u.RemoveTags, t)
			}
		}
		if len(u.RemoveTags) == 0 {
			a.Note, u, already = "already tagged", nil, true
		}
	case model.RuleAssign:
		if err := r.loadMembers(ctx); err != nil {
			return nil, false, err
		}
		switch {
		case !r.members[a.UserID]:
			a.Note, u = "not assigned: no longer a member of the workspace", nil
		case c.AssigneeID == a.UserID:
			a.Note, u, already = "already assigned", nil, true
		default:
			prev := c.AssigneeID
			u.AssigneeID, c.AssigneeID = &prev, a.UserID
		}
	case model.RulePriority:
		if c.Priority == a.Priority {
			a.Note, u, already = "already at that priority", nil, true
		} else {
			prev := c.Priority
			u.Priority, c.Priority = &prev, a.Priority
		}
	case model.RuleDone:
		if c.Status == model.ConvDone {
			a.Note, u, already = "already done", nil, true
		} else {
			status, snoozed, resolved := c.Status, c.SnoozedUntil, c.ResolvedAt
			u.Status, u.SnoozedUntil, u.ResolvedAt = &status, &snoozed, &resolved
			c.Status, c.SnoozedUntil, c.ResolvedAt = model.ConvDone, time.Time{}, r.now
		}
	}
	if u != nil && !r.isChanged[c.ID] {
		r.isChanged[c.ID] = true
		r.changed = append(r.changed, c.ID)
	}
	return u, already, nil
}

func (r *ruleRun) loadMembers(ctx context.Context) error {
	if r.members != nil {
		return nil
	}
	var err error
	r.members, err = memberSet(ctx, &r.tx.Queries, r.ch.WorkspaceID)
	return err
}

// moderate hides the message in Herald now and leaves the network side
// to the batch's job, which rewrites the log entry with how it went.
func (r *ruleRun) moderate(m *model.InboxMessage, a *model.RuleAction, actionID string) *model.RuleUndo {
	var u *model.RuleUndo
	if m.HiddenAt.IsZero() {
		m.HiddenAt = r.now
		r.hide = append(r.hide, m.ID)
		u = &model.RuleUndo{Unhide: true}
	}
	if a.Type == model.RuleDelete {
		u = nil // a deletion on the network cannot be undone
	}
	if r.s.Queue == nil {
		a.Note = "hidden in Herald only: background jobs are not set up"
		return u
	}
	a.Note = pendingNote(a.Type)
	r.moderation = append(r.moderation, ModerateItem{MessageID: m.ID, ActionID: actionID, Op: a.Type})
	return u
}

// autoReply answers with a saved reply: never to ourselves or to an
// automatic message, once per author per conversation, and within the
// workspace's hourly limit. Sending is a job; the reply cannot be undone.
func (r *ruleRun) autoReply(ctx context.Context, rule *model.Rule, m *model.InboxMessage, a *model.RuleAction) error {
	if why := r.noAutoReply(m); why != "" {
		a.Note = "not sent: " + why
		return nil
	}
	if r.repliesLeft < 0 {
		n, err := r.tx.AutoRepliesSince(ctx, r.ch.WorkspaceID, r.now.Add(-time.Hour))
		if err != nil {
			return err
		}
		r.repliesLeft = max(autoReplyLimit-n, 0)
	}
	if r.repliesLeft == 0 {
		a.Note = fmt.Sprintf("not sent: the workspace sent its %d automatic replies of the last hour", autoReplyLimit)
		return nil
	}
	saved, err := r.tx.RuleSavedReply(ctx, r.ch.WorkspaceID, a.ReplyID)
	if errors.Is(err, store.ErrNotFound) {
		a.Note = "not sent: the saved reply was deleted"
		return nil
	} else if err != nil {
		return err
	}
	if r.s.Queue == nil {
		a.Note = "not sent: background jobs are not set up"
		return nil
	}
	if ok, err := r.tx.ClaimAutoReply(ctx, m.ConversationID, m.AuthorRemoteID, rule.ID, r.now); err != nil || !ok {
		a.Note = "not sent: this author was answered automatically in this conversation already"
		return err
	}
	text, err := r.render(ctx, saved.Body, m)
	if err != nil {
		return err
	}
	out := model.InboxMessage{ID: ids.New(), ConversationID: m.ConversationID, WorkspaceID: m.WorkspaceID, ChannelID: m.ChannelID,
		RemoteID: "herald-out:" + ids.New(), ParentRemoteID: m.RemoteID, Kind: model.MsgReply, Direction: "out",
		AuthorRemoteID: r.ch.RemoteID, Author: cmpOr(r.ch.Handle, r.ch.Name), Text: text, Automatic: true, State: "sending",
		CreatedAt: r.now, ReceivedAt: r.now}
	if m.Kind == model.MsgMessage {
		out.Kind = model.MsgMessage
	}
	if _, err := r.tx.InsertMessages(ctx, []model.InboxMessage{out}); err != nil {
		return err
	}
	r.repliesLeft--
	a.Note = "sending reply " + out.ID
	return r.s.Queue.InsertTx(ctx, r.tx, SendReplyArgs{WorkspaceID: out.WorkspaceID, MessageID: out.ID}, nil)
}

// noAutoReply says why a message must not get an automatic reply.
func (r *ruleRun) noAutoReply(m *model.InboxMessage) string {
	switch {
	case m.Direction != "in", m.AuthorRemoteID != "" && (m.AuthorRemoteID == r.ch.RemoteID || m.AuthorRemoteID == r.ch.Handle):
		return "it is our own message"
	case m.Automatic || looksAutomatic(m.Text):
		return "it is an automatic message"
	case m.AuthorRemoteID == "":
		return "its author is unknown"
	}
	return ""
}

// looksAutomatic says whether a text reads like an automatic reply
// (autoMarkers near its start).
func looksAutomatic(text string) bool {
	head := strings.ToLower(clip(strings.TrimSpace(text), 100))
	for _, mk := range autoMarkers {
		if strings.Contains(head, mk) {
			return true
		}
	}
	return false
}

// render fills a saved reply's variables: {{name}} the contact's name,
// {{channel}}, {{workspace}}, and {{agent}} (the workspace, since no one
// wrote it).
func (r *ruleRun) render(ctx context.Context, body string, m *model.InboxMessage) (string, error) {
	if r.wsName == "" && strings.Contains(body, "{{") {
		w, err := r.tx.WorkspaceByID(ctx, r.ch.WorkspaceID)
		if err != nil {
			return "", err
		}
		r.wsName = w.Name
	}
	return Expand(body, map[string]string{"name": cmpOr(r.env.contacts[m.ContactID].Name, m.Author),
		"channel": cmpOr(r.ch.Name, r.ch.Handle), "workspace": r.wsName, "agent": r.wsName}), nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// notify gathers a batch's matches per rule action: members get one
// notification for the batch, not one per message.
func (r *ruleRun) notify(rule *model.Rule, ai int, m *model.InboxMessage, a *model.RuleAction) {
	if r.s.Notify == nil {
		a.Note = "not notified: notifications are not set up"
		return
	}
	for i := range r.tells {
		if t := &r.tells[i]; t.rule == rule && t.action == ai {
			t.count++
			return
		}
	}
	r.tells = append(r.tells, tell{rule: rule, action: ai, users: a.UserIDs, first: m, count: 1})
}

// finish sends the gathered notifications and escalations, then writes
// the log, the conversations and the hidden messages.
func (r *ruleRun) finish(ctx context.Context) error {
	for _, t := range r.tells {
		text := fmt.Sprintf("Inbox rule “%s” matched a message from %s: “%s”", t.rule.Name, t.first.Author, notify.Excerpt(t.first.Text, 80))
		if t.count > 1 {
			text = fmt.Sprintf("Inbox rule “%s” matched %d new messages, the first from %s: “%s”", t.rule.Name, t.count, t.first.Author,
				notify.Excerpt(t.first.Text, 80))
		}
		err := r.s.Notify.Tell(ctx, r.tx, notify.Message{Kind: model.NotifyInboxRule, WorkspaceID: r.ch.WorkspaceID, UserIDs: t.users,
			Subject: "Inbox rule: " + t.rule.Name, Text: text, Link: conversationLink(r.ch.WorkspaceID, t.first.ConversationID)})
		if err != nil {
			return err
		}
	}
	for _, e := range r.escalations {
		if err := r.escalate(ctx, e); err != nil {
			return err
		}
	}
	if err := r.tx.InsertRuleActions(ctx, r.log); err != nil {
		return err
	}
	for _, au := range r.audits {
		err := audit.Record(ctx, r.tx, model.Actor{Via: "rule"}, "inbox.rule_match", "inbox_rule", au.rule.ID, r.ch.WorkspaceID,
			map[string]any{"rule": au.rule.Name, "channel": r.ch.ID, "messages": au.messages, "actions": au.actions})
		if err != nil {
			return err
		}
	}
	if len(r.moderation) > 0 {
		err := r.s.Queue.InsertTx(ctx, r.tx, ModerateArgs{WorkspaceID: r.ch.WorkspaceID, ChannelID: r.ch.ID, Items: r.moderation}, nil)
		if err != nil {
			return err
		}
	}
	if len(r.changed) > 0 {
		cs := make([]model.Conversation, len(r.changed))
		for i, id := range r.changed {
			cs[i] = *r.convs[id]
		}
		if err := r.tx.UpdateRuleConversations(ctx, cs, r.now); err != nil {
			return err
		}
	}
	return r.tx.SetMessagesHidden(ctx, r.hide, r.now)
}

func conversationLink(workspaceID, conversationID string) string {
	return "/w/" + workspaceID + "/inbox/" + conversationID
}
