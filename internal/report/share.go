package report

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// ErrNoShare answers a report link that does not work (unknown, changed,
// expired or revoked), saying nothing more.
var ErrNoShare = errors.New("report: no such shared report")

// ShareInput is a report link as a person asks for it: a fixed period
// (From and To, inclusive YYYY-MM-DD) or the last RollingDays days, valid
// for Days days (0: until revoked).
type ShareInput struct {
	Name        string
	From, To    string
	RollingDays int
	Days        int
}

// CreateShare makes a read-only link to the workspace's report and returns
// its token, shown this once.
func (s *Service) CreateShare(ctx context.Context, a model.Actor, workspaceID string, in ShareInput) (model.ReportShare, string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportManage); err != nil {
		return model.ReportShare{}, "", err
	}
	sh := model.ReportShare{Name: strings.TrimSpace(in.Name)}
	if n := utf8.RuneCountInString(sh.Name); n == 0 || n > 60 {
		return sh, "", model.Invalid("name", "name the link (1 to 60 characters), e.g. the client it is for")
	}
	if in.RollingDays != 0 {
		if in.RollingDays < 1 || in.RollingDays > 366 {
			return sh, "", model.Invalid("rolling_days", "a rolling period is 1 to 366 days")
		}
		sh.RollingDays = in.RollingDays
	} else {
		from, err := time.Parse(time.DateOnly, in.From)
		if err != nil {
			return sh, "", model.Invalid("from", "give the first day as YYYY-MM-DD, or choose a rolling period")
		}
		to, err := time.Parse(time.DateOnly, in.To)
		if err != nil || to.Before(from) || to.Sub(from) > 365*24*time.Hour {
			return sh, "", model.Invalid("to", "give the last day as YYYY-MM-DD, on or after the first and within a year of it")
		}
		sh.From, sh.To = in.From, in.To
	}
	if in.Days < 0 || in.Days > 365 {
		return sh, "", model.Invalid("days", "a link lasts 1 to 365 days, or 0 for until it is revoked")
	}
	now := s.now()
	sh.ID, sh.WorkspaceID, sh.CreatedBy, sh.CreatedAt = ids.New(), workspaceID, a.UserID, now
	if in.Days > 0 {
		sh.ExpiresAt = now.AddDate(0, 0, in.Days)
	}
	token := secret.Token()
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateReportShare(ctx, sh, secret.Hash(token)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "report.share.create", "report_share", sh.ID, workspaceID,
			map[string]any{"name": sh.Name, "from": sh.From, "to": sh.To, "rolling_days": sh.RollingDays, "days": in.Days})
	})
	return sh, token, err
}

// Shares lists the workspace's report links.
func (s *Service) Shares(ctx context.Context, a model.Actor, workspaceID string) ([]model.ReportShare, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportManage); err != nil {
		return nil, err
	}
	return s.Store.Read().ReportShares(ctx, workspaceID)
}

// RevokeShare ends a report link now.
func (s *Service) RevokeShare(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportManage); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeReportShare(ctx, workspaceID, id, s.now()); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no live report link with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "report.share.revoke", "report_share", id, workspaceID, nil)
	})
}

// Shared is the report a link shows (in UTC, like the analytics page), or
// ErrNoShare.
func (s *Service) Shared(ctx context.Context, token string) (Report, model.ReportShare, error) {
	if len(token) < 20 || len(token) > 100 {
		return Report{}, model.ReportShare{}, ErrNoShare
	}
	now := s.now()
	sh, err := s.Store.Read().LiveReportShare(ctx, secret.Hash(token), now)
	if errors.Is(err, store.ErrNotFound) {
		return Report{}, sh, ErrNoShare
	} else if err != nil {
		return Report{}, sh, err
	}
	from, to := SharePeriod(sh, now)
	r, err := s.build(ctx, sh.WorkspaceID, from, to, time.UTC)
	return r, sh, err
}

// SharedPDF is the PDF of the report a link shows.
func (s *Service) SharedPDF(ctx context.Context, token string) ([]byte, Report, error) {
	r, _, err := s.Shared(ctx, token)
	if err != nil {
		return nil, r, err
	}
	doc, err := Render(r)
	return doc, r, err
}

// SharePeriod is the [from, to) a link shows at now: its fixed days, or
// the last RollingDays days up to and including today (UTC), as the
// analytics page counts them.
func SharePeriod(sh model.ReportShare, now time.Time) (time.Time, time.Time) {
	if sh.RollingDays > 0 {
		to := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
		return to.AddDate(0, 0, -sh.RollingDays), to
	}
	from, _ := time.Parse(time.DateOnly, sh.From)
	to, _ := time.Parse(time.DateOnly, sh.To)
	return from, to.AddDate(0, 0, 1)
}
