package inbox

import (
	"context"
	"errors"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// Rules run on every new inbound message with words (likes, reposts and
// reactions are left alone, as are messages already deleted on the
// network), in ascending priority; every condition of a rule must match
// for its actions to run (rules_apply.go).

// Dry run bounds: how far back, how many messages at most, how many
// matches are shown, and the page size of the reads.
const (
	dryRunDays = 30
	dryRunMax  = 5000
	dryRunShow = 50
	dryRunPage = 500
)

// Rules lists the workspace's rules in the order they run.
func (s *Service) Rules(ctx context.Context, a model.Actor, workspaceID string) ([]model.Rule, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxRules); err != nil {
		return nil, err
	}
	return s.Store.Read().InboxRules(ctx, workspaceID, false)
}

// Rule reads one of the workspace's rules.
func (s *Service) Rule(ctx context.Context, a model.Actor, workspaceID, id string) (model.Rule, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxRules); err != nil {
		return model.Rule{}, err
	}
	r, err := s.Store.Read().InboxRule(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return r, model.NotFound("no inbox rule with that ID in this workspace")
	}
	return r, err
}

// ActionLog lists the automatic actions rules took on a message, with
// what each did and whether it can still be undone (Undo set, UndoneAt
// zero).
func (s *Service) ActionLog(ctx context.Context, a model.Actor, workspaceID, messageID string) ([]model.RuleActionRecord, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return nil, err
	}
	q := s.Store.Read()
	if _, err := q.InboxMessage(ctx, workspaceID, messageID); errors.Is(err, store.ErrNotFound) {
		return nil, model.NotFound("no message with that ID in this workspace")
	} else if err != nil {
		return nil, err
	}
	return q.MessageRuleActions(ctx, messageID)
}

// RuleLog lists a workspace's automatic actions, newest first, with the
// message each was on: all rules' or one's (f.RuleID), a page at a time
// (f.Before, f.Limit of 1 to 200; 50 when zero).
func (s *Service) RuleLog(ctx context.Context, a model.Actor, workspaceID string, f model.RuleLogFilter) ([]model.RuleLogEntry, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxRules); err != nil {
		return nil, err
	}
	switch {
	case f.Limit == 0:
		f.Limit = 50
	case f.Limit < 0 || f.Limit > 200:
		return nil, model.Invalid("limit", "must be from 1 to 200")
	}
	if f.RuleID != "" && !ids.Valid(f.RuleID) {
		return nil, model.Invalid("rule", "must be a rule ID (a 26-character lower-case ULID)")
	}
	if f.Before != "" && !ids.Valid(f.Before) {
		return nil, model.Invalid("before", "must be an action ID (a 26-character lower-case ULID)")
	}
	return s.Store.Read().RuleLog(ctx, workspaceID, f)
}

// SaveRule creates a rule (no ID; it runs last unless Priority is set)
// or changes one, after validating it all: nothing is saved when any
// part is refused.
func (s *Service) SaveRule(ctx context.Context, a model.Actor, workspaceID string, r model.Rule) (model.Rule, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxRules); err != nil {
		return model.Rule{}, err
	}
	now := s.now()
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := validateRule(ctx, &tx.Queries, workspaceID, &r); err != nil {
			return err
		}
		verb := "inbox.rule_update"
		if r.ID == "" {
			verb = "inbox.rule_create"
			r.ID, r.CreatedBy, r.CreatedAt = ids.New(), a.UserID, now
			if r.Priority <= 0 {
				p, err := tx.NextInboxRulePriority(ctx, workspaceID)
				if err != nil {
					return err
				}
				r.Priority = p
			}
		} else {
			old, err := tx.InboxRule(ctx, workspaceID, r.ID)
			if errors.Is(err, store.ErrNotFound) {
				return model.NotFound("no inbox rule with that ID in this workspace")
			} else if err != nil {
				return err
			}
			r.CreatedBy, r.CreatedAt = old.CreatedBy, old.CreatedAt
			if r.Priority <= 0 {
				r.Priority = old.Priority
			}
		}
		r.WorkspaceID, r.UpdatedAt = workspaceID, now
		if err := tx.SaveInboxRule(ctx, r); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, verb, "inbox_rule", r.ID, workspaceID, map[string]any{"name": r.Name, "enabled": r.Enabled,
			"conditions": len(r.Conditions), "actions": len(r.Actions)})
	})
	if err != nil {
		return model.Rule{}, err
	}
	return r, nil
}

// DeleteRule removes a rule; its past actions stay in the log.
func (s *Service) DeleteRule(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxRules); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteInboxRule(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no inbox rule with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "inbox.rule_delete", "inbox_rule", id, workspaceID, nil)
	})
}

// ReorderRules sets the order the rules run in: ids lists every rule of
// the workspace once, the first running first.
func (s *Service) ReorderRules(ctx context.Context, a model.Actor, workspaceID string, order []string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxRules); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		rules, err := tx.InboxRules(ctx, workspaceID, false)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, r := range rules {
			have[r.ID] = true
		}
		seen := map[string]bool{}
		for _, id := range order {
			if !have[id] || seen[id] {
				return model.Invalid("ids", "list each of the workspace's rules once (%q is unknown or repeated)", id)
			}
			seen[id] = true
		}
		if len(order) != len(rules) {
			return model.Invalid("ids", "list all %d rules of the workspace", len(rules))
		}
		now := s.now()
		for i, id := range order {
			if err := tx.SetInboxRulePriority(ctx, workspaceID, id, i+1, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, a, "inbox.rule_reorder", "workspace", workspaceID, workspaceID, map[string]any{"order": order})
	})
}

// DryRunResult is what a rule would have matched.
type DryRunResult struct {
	Examined  int                  // inbound messages looked at, newest first
	Matched   int                  // how many of them the rule matches
	Messages  []model.InboxMessage // the first matches (newest first; ConversationID says where)
	Truncated bool                 // more messages were in the window than a dry run examines
}

// DryRun validates a rule and evaluates it, without acting, on the
// workspace's inbound messages of the last 30 days (at most 5,000, the
// newest first).
func (s *Service) DryRun(ctx context.Context, a model.Actor, workspaceID string, r model.Rule) (DryRunResult, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxRules); err != nil {
		return DryRunResult{}, err
	}
	q := s.Store.Read()
	if err := validateRule(ctx, q, workspaceID, &r); err != nil {
		return DryRunResult{}, err
	}
	r.Enabled, r.Stop = true, false
	env, err := loadEnv(ctx, q, workspaceID, []model.Rule{r}, s.log())
	if err != nil {
		return DryRunResult{}, err
	} else if len(env.rules) != 1 {
		return DryRunResult{}, model.Invalid("conditions", "this rule cannot be evaluated")
	}
	if env.networks, err = channelNetworks(ctx, q, workspaceID); err != nil {
		return DryRunResult{}, err
	}
	var res DryRunResult
	var afterAt time.Time
	var afterID string
	since := s.now().AddDate(0, 0, -dryRunDays)
	for res.Examined < dryRunMax {
		page, err := q.RecentInbound(ctx, workspaceID, since, afterAt, afterID, min(dryRunPage, dryRunMax-res.Examined+1))
		if err != nil {
			return res, err
		}
		if len(page) > dryRunMax-res.Examined {
			page, res.Truncated = page[:dryRunMax-res.Examined], true
		}
		if err := env.loadContacts(ctx, q, page); err != nil {
			return res, err
		}
		for i := range page {
			m := &page[i]
			res.Examined++
			if !rulesApply(m) || !env.rules[0].match(env.view(m)) {
				continue
			}
			if res.Matched++; len(res.Messages) < dryRunShow {
				res.Messages = append(res.Messages, *m)
			}
		}
		if len(page) < dryRunPage || res.Truncated {
			break
		}
		afterAt, afterID = page[len(page)-1].ReceivedAt, page[len(page)-1].ID
	}
	return res, nil
}

func channelNetworks(ctx context.Context, q *store.Queries, workspaceID string) (map[string]string, error) {
	chs, err := q.ListChannels(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(chs))
	for _, c := range chs {
		out[c.ID] = c.Network
	}
	return out, nil
}

// rulesApply says whether rules look at a message: words from someone,
// still on the network.
func rulesApply(m *model.InboxMessage) bool {
	return m.Direction == "in" && m.DeletedAt.IsZero() && m.Kind != model.MsgLike && m.Kind != model.MsgRepost && m.Kind != model.MsgReaction
}

var (
	ruleKinds  = []string{model.MsgComment, model.MsgReply, model.MsgMention, model.MsgMessage, model.MsgReview}
	sentiments = []string{"positive", "neutral", "negative"}
)

// validateRule checks and tidies a rule before it is saved or tried; each
// refusal names the field at fault.
func validateRule(ctx context.Context, q *store.Queries, workspaceID string, r *model.Rule) error {
	r.Name = strings.TrimSpace(r.Name)
	if n := utf8.RuneCountInString(r.Name); n == 0 || n > 100 {
		return model.Invalid("name", "give the rule a name (1 to 100 characters)")
	}
	switch {
	case len(r.Conditions) == 0:
		return model.Invalid("conditions", "give the rule at least one condition")
	case len(r.Conditions) > model.MaxRuleConditions:
		return model.Invalid("conditions", "a rule has at most %d conditions", model.MaxRuleConditions)
	case len(r.Actions) == 0:
		return model.Invalid("actions", "give the rule at least one action")
	case len(r.Actions) > model.MaxRuleActions:
		return model.Invalid("actions", "a rule has at most %d actions", model.MaxRuleActions)
	}
	for i := range r.Conditions {
		if err := checkCondition(ctx, q, workspaceID, "conditions."+strconv.Itoa(i)+".", &r.Conditions[i]); err != nil {
			return err
		}
	}
	members, err := memberSet(ctx, q, workspaceID)
	if err != nil {
		return err
	}
	for i := range r.Actions {
		if err := checkAction(ctx, q, workspaceID, members, "actions."+strconv.Itoa(i)+".", &r.Actions[i]); err != nil {
			return err
		}
	}
	return nil
}

func checkCondition(ctx context.Context, q *store.Queries, workspaceID, f string, c *model.RuleCondition) error {
	switch c.Type {
	case model.CondKeywords:
		c.Words = tidy(c.Words)
		if len(c.Words) == 0 || len(c.Words) > 200 {
			return model.Invalid(f+"words", "give 1 to 200 keywords or phrases")
		}
	case model.CondRegexp:
		if c.Pattern == "" || len(c.Pattern) > 1000 {
			return model.Invalid(f+"pattern", "give a regular expression of 1 to 1,000 characters")
		}
		if _, err := regexp.Compile(c.Pattern); err != nil {
			return patternError(f+"pattern", c.Pattern, err)
		}
	case model.CondKind:
		return checkValues(f, c, ruleKinds)
	case model.CondSentiment:
		if err := checkScore(f+"below", c.Below, -1); err != nil {
			return err
		}
		if err := checkScore(f+"above", c.Above, -1); err != nil {
			return err
		}
		if len(c.Values) > 0 || (c.Below == nil && c.Above == nil) {
			return checkValues(f, c, sentiments)
		}
	case model.CondSpam, model.CondAbuse:
		return checkScore(f+"score", &c.Score, 0)
	case model.CondChannel:
		if c.Values = tidy(c.Values); len(c.Values) == 0 {
			return model.Invalid(f+"values", "choose at least one channel")
		}
		for _, id := range c.Values {
			if _, err := q.ChannelByID(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
				return model.Invalid(f+"values", "no channel %q in this workspace", id)
			} else if err != nil {
				return err
			}
		}
	case model.CondNetwork, model.CondLanguage:
		c.Values = tidy(c.Values)
		for i, v := range c.Values {
			c.Values[i] = strings.ToLower(v)
		}
		if len(c.Values) == 0 || len(c.Values) > 50 {
			return model.Invalid(f+"values", "give 1 to 50 values")
		}
	case model.CondFollowers:
		if c.Count < 0 {
			return model.Invalid(f+"count", "a follower count is 0 or more")
		}
	case model.CondVIP, model.CondLink, model.CondEmail, model.CondPhone, model.CondOnlyEmoji, model.CondQuestion, model.CondHours:
	default:
		return model.Invalid(f+"type", "unknown condition type %q", c.Type)
	}
	return nil
}

func checkValues(f string, c *model.RuleCondition, allowed []string) error {
	if c.Values = tidy(c.Values); len(c.Values) == 0 {
		return model.Invalid(f+"values", "choose at least one of %s", strings.Join(allowed, ", "))
	}
	for _, v := range c.Values {
		if !slices.Contains(allowed, v) {
			return model.Invalid(f+"values", "%q is not one of %s", v, strings.Join(allowed, ", "))
		}
	}
	return nil
}

func checkScore(f string, v *float64, lo float64) error {
	if v != nil && (math.IsNaN(*v) || *v < lo || *v > 1) {
		return model.Invalid(f, "a score is between %g and 1", lo)
	}
	return nil
}

func checkAction(ctx context.Context, q *store.Queries, workspaceID string, members map[string]bool, f string, a *model.RuleAction) error {
	a.Rule, a.Note = "", ""
	switch a.Type {
	case model.RuleTag:
		if a.Tags = tidy(a.Tags); len(a.Tags) == 0 || len(a.Tags) > 20 {
			return model.Invalid(f+"tags", "give 1 to 20 tags")
		}
		for _, t := range a.Tags {
			if utf8.RuneCountInString(t) > 50 {
				return model.Invalid(f+"tags", "a tag has at most 50 characters")
			}
		}
	case model.RuleAssign:
		if !members[a.UserID] {
			return model.Invalid(f+"user_id", "%q is not a member of this workspace", a.UserID)
		}
	case model.RulePriority:
		if a.Priority < 0 || a.Priority > 2 {
			return model.Invalid(f+"priority", "the priority is 0 (normal), 1 (high) or 2 (urgent)")
		}
	case model.RuleAutoReply:
		if _, err := q.RuleSavedReply(ctx, workspaceID, a.ReplyID); errors.Is(err, store.ErrNotFound) {
			return model.Invalid(f+"reply_id", "no saved reply with that ID in this workspace")
		} else if err != nil {
			return err
		}
	case model.RuleNotify:
		if a.UserIDs = tidy(a.UserIDs); len(a.UserIDs) == 0 {
			return model.Invalid(f+"user_ids", "choose at least one member to notify")
		}
		for _, id := range a.UserIDs {
			if !members[id] {
				return model.Invalid(f+"user_ids", "%q is not a member of this workspace", id)
			}
		}
	case model.RuleEscalate:
		return checkEscalate(f, a)
	case model.RuleHide, model.RuleDelete, model.RuleDone:
	default:
		return model.Invalid(f+"type", "unknown action type %q", a.Type)
	}
	return nil
}

func checkEscalate(f string, a *model.RuleAction) error {
	// Without an address of its own, the action escalates to the
	// workspace's (inbox settings).
	a.Email, a.Webhook = strings.TrimSpace(a.Email), strings.TrimSpace(a.Webhook)
	if a.Email != "" {
		if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Name != "" || addr.Address != a.Email {
			return model.Invalid(f+"email", "%q is not an e-mail address", a.Email)
		}
	}
	if a.Webhook != "" {
		u, err := url.Parse(a.Webhook)
		ok := err == nil && u.User == nil && len(a.Webhook) <= 2000 &&
			((u.Scheme == "https" && u.Hostname() != "") || (u.Scheme == "http" && u.Hostname() == "127.0.0.1"))
		if !ok {
			return model.Invalid(f+"webhook", "the webhook must be an https:// URL")
		}
	}
	return nil
}

func memberSet(ctx context.Context, q *store.Queries, workspaceID string) (map[string]bool, error) {
	ms, err := q.ListMembers(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ms))
	for _, m := range ms {
		out[m.UserID] = true
	}
	return out, nil
}

// tidy trims values and drops empty and repeated ones.
func tidy(vals []string) []string {
	out := vals[:0]
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
