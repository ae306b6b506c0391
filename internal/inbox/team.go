package inbox

import (
	"context"
	"errors"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/schedule"
	"herald/internal/store"
)

// SavedReplies lists the workspace's saved replies.
func (s *Service) SavedReplies(ctx context.Context, a model.Actor, workspaceID string) ([]model.SavedReply, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return nil, err
	}
	return s.Store.Read().SavedReplies(ctx, workspaceID)
}

// SaveReply creates (ID "") or changes a saved reply.
func (s *Service) SaveReply(ctx context.Context, a model.Actor, workspaceID string, r model.SavedReply) (model.SavedReply, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxManage); err != nil {
		return r, err
	}
	r.Name, r.Body = strings.TrimSpace(r.Name), strings.TrimSpace(r.Body)
	switch {
	case r.Name == "" || utf8.RuneCountInString(r.Name) > 80:
		return r, model.Invalid("name", "name the saved reply (1 to 80 characters)")
	case r.Body == "" || utf8.RuneCountInString(r.Body) > maxReply:
		return r, model.Invalid("body", "a saved reply is 1 to %d characters", maxReply)
	}
	if bad := unknownVariable(r.Body); bad != "" {
		return r, model.Invalid("body", "{{%s}} is not a variable; use {{name}}, {{channel}}, {{workspace}} or {{agent}}", bad)
	}
	now := s.now()
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if r.ID == "" {
			r.ID, r.CreatedBy, r.CreatedAt = ids.New(), a.UserID, now
		} else {
			old, err := tx.RuleSavedReply(ctx, workspaceID, r.ID)
			if errors.Is(err, store.ErrNotFound) {
				return model.NotFound("no saved reply with that ID in this workspace")
			} else if err != nil {
				return err
			}
			r.CreatedBy, r.CreatedAt = old.CreatedBy, old.CreatedAt
		}
		r.WorkspaceID, r.UpdatedAt = workspaceID, now
		if err := tx.PutSavedReply(ctx, r); errors.Is(err, store.ErrConflict) {
			return model.Conflict("name", "a saved reply named %q exists already", r.Name)
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "inbox.saved_reply.save", "saved_reply", r.ID, workspaceID, map[string]any{"name": r.Name})
	})
	return r, err
}

// DeleteReply removes a saved reply.
func (s *Service) DeleteReply(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxManage); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSavedReply(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no saved reply with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "inbox.saved_reply.delete", "saved_reply", id, workspaceID, nil)
	})
}

var replyVariables = []string{"name", "channel", "workspace", "agent"}

// unknownVariable names the first {{…}} in body that is not a variable.
func unknownVariable(body string) string {
	for rest := body; ; {
		i := strings.Index(rest, "{{")
		if i < 0 {
			return ""
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return ""
		}
		name := strings.TrimSpace(rest[i+2 : i+j])
		if !slices.Contains(replyVariables, name) {
			return name
		}
		rest = rest[i+j+2:]
	}
}

// Expand fills a saved reply's variables.
func Expand(body string, vars map[string]string) string {
	for _, v := range replyVariables {
		body = strings.ReplaceAll(body, "{{"+v+"}}", vars[v])
		body = strings.ReplaceAll(body, "{{ "+v+" }}", vars[v])
	}
	return body
}

// Views lists the caller's saved views of the list.
func (s *Service) Views(ctx context.Context, a model.Actor, workspaceID string) ([]model.InboxView, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return nil, err
	}
	return s.Store.Read().InboxViews(ctx, workspaceID, a.UserID)
}

// SaveView keeps the list's current filter (its query string) by name.
func (s *Service) SaveView(ctx context.Context, a model.Actor, workspaceID, name, query string) (model.InboxView, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return model.InboxView{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return model.InboxView{}, model.Invalid("name", "name the view (1 to 60 characters)")
	}
	if _, err := url.ParseQuery(query); err != nil || len(query) > 2000 {
		return model.InboxView{}, model.Invalid("query", "the view's filter is not a valid query string")
	}
	v := model.InboxView{ID: ids.New(), WorkspaceID: workspaceID, UserID: a.UserID, Name: name, Query: query, CreatedAt: s.now()}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		v.ID, err = tx.PutInboxView(ctx, v)
		return err
	})
	return v, err
}

// DeleteView removes one of the caller's views.
func (s *Service) DeleteView(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteInboxView(ctx, workspaceID, a.UserID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no saved view with that ID")
		} else {
			return err
		}
	})
}

// Settings reads the workspace's business hours, service levels and reply
// approval.
func (s *Service) Settings(ctx context.Context, a model.Actor, workspaceID string) (model.InboxSettings, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return model.InboxSettings{}, err
	}
	return s.Store.Read().InboxSettings(ctx, workspaceID)
}

// SaveSettings checks and saves the workspace's inbox settings.
func (s *Service) SaveSettings(ctx context.Context, a model.Actor, workspaceID string, st model.InboxSettings) (model.InboxSettings, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxSettings); err != nil {
		return st, err
	}
	if err := checkSettings(&st); err != nil {
		return st, err
	}
	st.WorkspaceID, st.UpdatedAt = workspaceID, s.now()
	return st, s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.PutInboxSettings(ctx, st); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "inbox.settings", "workspace", workspaceID, workspaceID, map[string]any{
			"first_response_mins": st.FirstResponseMins, "resolution_mins": st.ResolutionMins, "hours": len(st.Hours)})
	})
}

func checkSettings(st *model.InboxSettings) error {
	if st.Zone == "" {
		st.Zone = "UTC"
	}
	if _, err := schedule.LoadZone(st.Zone); err != nil {
		return model.Invalid("zone", "%q is not a time zone; use a name such as Europe/Paris", st.Zone)
	}
	for i, h := range st.Hours {
		if h.Weekday < 0 || h.Weekday > 6 || h.From < 0 || h.To > 24*60 || h.From >= h.To {
			return model.Invalid("hours", "opening hours %d: a weekday 0–6 (Sunday is 0) and from before to, within the day", i+1)
		}
	}
	for _, v := range []struct {
		n     int
		field string
	}{{st.FirstResponseMins, "first_response_mins"}, {st.ResolutionMins, "resolution_mins"}, {st.WarnBeforeMins, "warn_before_mins"}} {
		if v.n < 0 || v.n > 60*24*30 {
			return model.Invalid(v.field, "give minutes from 0 (none) to 43,200 (30 days)")
		}
	}
	for _, r := range st.ReplyApprovalRoles {
		if !r.Valid() {
			return model.Invalid("reply_approval_roles", "%q is not a role", r)
		}
	}
	if st.EscalateEmail != "" {
		if addr, err := mail.ParseAddress(st.EscalateEmail); err != nil || addr.Name != "" {
			return model.Invalid("escalate_email", "%q is not an e-mail address", st.EscalateEmail)
		}
	}
	if st.EscalateWebhook != "" {
		if u, err := url.Parse(st.EscalateWebhook); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return model.Invalid("escalate_webhook", "give an https:// address")
		}
	}
	return nil
}

// Report is the team's service-level report over a period.
type Report struct {
	From, To                       time.Time
	Conversations, Messages        int
	Answered, Resolved, Breached   int
	MedianFirstResponse, MedianRes time.Duration
	ByPerson, ByChannel            []ReportLine
}

// ReportLine is one person's or channel's share of the report.
type ReportLine struct {
	Key                         string // user ID or channel ID ("" for unassigned)
	Conversations, Messages     int
	Answered, Resolved          int
	MedianFirstResponse, Median time.Duration
}

// TeamReport computes volume, response and resolution times, per person
// and per channel, over [from, to).
func (s *Service) TeamReport(ctx context.Context, a model.Actor, workspaceID string, from, to time.Time) (Report, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActInboxView); err != nil {
		return Report{}, err
	}
	if !from.Before(to) || to.Sub(from) > 366*24*time.Hour {
		return Report{}, model.Invalid("from", "choose a period of up to a year, its start before its end")
	}
	st, err := s.Store.Read().InboxSettings(ctx, workspaceID)
	if err != nil {
		return Report{}, err
	}
	rows, err := s.Store.Read().ReportRows(ctx, workspaceID, from, to)
	if err != nil {
		return Report{}, err
	}
	return buildReport(rows, st, openingHours(st, s.log()), from, to, s.now()), nil
}
