package store

import (
	"context"
	"strings"
	"time"

	"herald/internal/model"
)

// ReportSettings returns a workspace's report branding, or ErrNotFound
// when it has none yet.
func (q *Queries) ReportSettings(ctx context.Context, workspaceID string) (model.ReportSettings, error) {
	s := model.ReportSettings{WorkspaceID: workspaceID}
	err := q.q.QueryRowContext(ctx, `SELECT brand_color, logo_id, updated_at FROM report_settings WHERE workspace_id = $1`, workspaceID).
		Scan(&s.BrandColor, &s.LogoID, tm(&s.UpdatedAt))
	return s, wrap("report settings", err)
}

// PutReportSettings stores a workspace's report branding.
func (q *Queries) PutReportSettings(ctx context.Context, s model.ReportSettings) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO report_settings (workspace_id, brand_color, logo_id, updated_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (workspace_id) DO UPDATE SET brand_color = excluded.brand_color, logo_id = excluded.logo_id, updated_at = excluded.updated_at`,
		s.WorkspaceID, s.BrandColor, s.LogoID, ts(s.UpdatedAt))
	return wrap("put report settings", err)
}

const reportScheduleCols = `id, workspace_id, name, frequency, weekday, month_day, hour, zone, recipients, paused, next_at, last_period,
	sent_to, last_sent_at, last_error, last_error_at, created_by, created_at, updated_at`

func scanReportSchedule(row interface{ Scan(...any) error }) (model.ReportSchedule, error) {
	var s model.ReportSchedule
	var weekday, paused int
	var recipients, sentTo string
	err := row.Scan(&s.ID, &s.WorkspaceID, &s.Name, &s.Frequency, &weekday, &s.MonthDay, &s.Hour, &s.Zone, &recipients, &paused,
		tm(&s.NextAt), &s.LastPeriod, &sentTo, tm(&s.LastSentAt), &s.LastError, tm(&s.LastErrorAt), &s.CreatedBy, tm(&s.CreatedAt), tm(&s.UpdatedAt))
	s.Weekday, s.Paused = time.Weekday(weekday), paused != 0
	s.Recipients, s.SentTo = splitLines(recipients), splitLines(sentTo)
	return s, err
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// CreateReportSchedule stores a new schedule.
func (q *Queries) CreateReportSchedule(ctx context.Context, s model.ReportSchedule) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO report_schedules (id, workspace_id, name, frequency, weekday, month_day, hour, zone, recipients,
		paused, next_at, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		s.ID, s.WorkspaceID, s.Name, s.Frequency, int(s.Weekday), s.MonthDay, s.Hour, s.Zone, strings.Join(s.Recipients, "\n"), b2i(s.Paused),
		ts(s.NextAt), s.CreatedBy, ts(s.CreatedAt), ts(s.UpdatedAt))
	return wrap("create report schedule", err)
}

// UpdateReportSchedule changes a schedule's definition, pause and next
// due time; what was sent stays.
func (q *Queries) UpdateReportSchedule(ctx context.Context, s model.ReportSchedule) error {
	return q.execOne(ctx, "update report schedule", `UPDATE report_schedules SET name = $1, frequency = $2, weekday = $3, month_day = $4,
		hour = $5, zone = $6, recipients = $7, paused = $8, next_at = $9, updated_at = $10 WHERE workspace_id = $11 AND id = $12`,
		s.Name, s.Frequency, int(s.Weekday), s.MonthDay, s.Hour, s.Zone, strings.Join(s.Recipients, "\n"), b2i(s.Paused), ts(s.NextAt),
		ts(s.UpdatedAt), s.WorkspaceID, s.ID)
}

// DeleteReportSchedule removes a workspace's schedule.
func (q *Queries) DeleteReportSchedule(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete report schedule", `DELETE FROM report_schedules WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// ReportSchedule finds a schedule by ID; workspaceID "" finds it in any
// workspace (for the job that sends it).
func (q *Queries) ReportSchedule(ctx context.Context, workspaceID, id string) (model.ReportSchedule, error) {
	s, err := scanReportSchedule(q.q.QueryRowContext(ctx, `SELECT `+reportScheduleCols+` FROM report_schedules WHERE id = $1
		AND ($2 = '' OR workspace_id = $2)`, id, workspaceID))
	return s, wrap("report schedule", err)
}

// ReportSchedules lists a workspace's schedules by name.
func (q *Queries) ReportSchedules(ctx context.Context, workspaceID string) ([]model.ReportSchedule, error) {
	return q.reportSchedules(ctx, "report schedules", `SELECT `+reportScheduleCols+` FROM report_schedules WHERE workspace_id = $1
		ORDER BY name, id`, workspaceID)
}

// DueReportSchedules lists schedules not paused whose next time has come,
// oldest first, at most limit.
func (q *Queries) DueReportSchedules(ctx context.Context, now time.Time, limit int) ([]model.ReportSchedule, error) {
	return q.reportSchedules(ctx, "due report schedules", `SELECT `+reportScheduleCols+` FROM report_schedules WHERE paused = 0
		AND next_at <= $1 ORDER BY next_at, id LIMIT $2`, ts(now), limit)
}

func (q *Queries) reportSchedules(ctx context.Context, op, query string, args ...any) ([]model.ReportSchedule, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	var out []model.ReportSchedule
	for rows.Next() {
		s, err := scanReportSchedule(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, s)
	}
	return out, wrap(op, rows.Err())
}

// ClaimReportSchedule moves a due schedule on to next and makes period the
// one being sent, only if its next time is still wasNext and it is not
// paused: of two runs that read the same row, one claims it (ErrNotFound
// for the other). Who has a period's report is forgotten only when the
// period changes.
func (q *Queries) ClaimReportSchedule(ctx context.Context, id string, wasNext, next time.Time, period string) error {
	return q.execOne(ctx, "claim report schedule", `UPDATE report_schedules SET next_at = $1, last_period = $2,
		sent_to = CASE WHEN last_period = $2 THEN sent_to ELSE '' END WHERE id = $3 AND next_at = $4 AND paused = 0`,
		ts(next), period, id, ts(wasNext))
}

// ReportDelivered records who has period's report; done marks the period
// sent to everyone. Nothing changes (ErrNotFound) when the schedule moved
// on to another period meanwhile.
func (q *Queries) ReportDelivered(ctx context.Context, id, period string, sentTo []string, done bool, now time.Time) error {
	set := `sent_to = $1`
	if done {
		set += `, last_sent_at = $4, last_error = ''`
	}
	args := []any{strings.Join(sentTo, "\n"), id, period}
	if done {
		args = append(args, ts(now))
	}
	return q.execOne(ctx, "report delivered", `UPDATE report_schedules SET `+set+` WHERE id = $2 AND last_period = $3`, args...)
}

// ReportFailed records why sending a schedule's report failed.
func (q *Queries) ReportFailed(ctx context.Context, id, msg string, now time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE report_schedules SET last_error = $1, last_error_at = $2 WHERE id = $3`, msg, ts(now), id)
	return wrap("report failed", err)
}

// ReportSentNow records a report sent on request ("send now"): the
// outcome shows on the schedule; its periods are untouched.
func (q *Queries) ReportSentNow(ctx context.Context, id string, now time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE report_schedules SET last_sent_at = $1, last_error = '' WHERE id = $2`, ts(now), id)
	return wrap("report sent now", err)
}

const reportShareCols = `id, workspace_id, name, period_from, period_to, rolling_days, created_by, created_at, expires_at, revoked_at`

func scanReportShare(row interface{ Scan(...any) error }) (model.ReportShare, error) {
	var s model.ReportShare
	err := row.Scan(&s.ID, &s.WorkspaceID, &s.Name, &s.From, &s.To, &s.RollingDays, &s.CreatedBy, tm(&s.CreatedAt), tm(&s.ExpiresAt), tm(&s.RevokedAt))
	return s, err
}

// CreateReportShare stores a report link with its token's hash.
func (q *Queries) CreateReportShare(ctx context.Context, s model.ReportShare, tokenHash string) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO report_shares (id, workspace_id, name, token_hash, period_from, period_to, rolling_days,
		created_by, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, s.ID, s.WorkspaceID, s.Name, tokenHash, s.From, s.To,
		s.RollingDays, s.CreatedBy, ts(s.CreatedAt), ts(s.ExpiresAt))
	return wrap("create report share", err)
}

// ReportShares lists a workspace's report links, newest first.
func (q *Queries) ReportShares(ctx context.Context, workspaceID string) ([]model.ReportShare, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+reportShareCols+` FROM report_shares WHERE workspace_id = $1 ORDER BY id DESC`, workspaceID)
	if err != nil {
		return nil, wrap("report shares", err)
	}
	defer rows.Close()
	var out []model.ReportShare
	for rows.Next() {
		s, err := scanReportShare(rows)
		if err != nil {
			return nil, wrap("report shares", err)
		}
		out = append(out, s)
	}
	return out, wrap("report shares", rows.Err())
}

// LiveReportShare finds a report link by its token's hash that is neither
// revoked nor expired at now.
func (q *Queries) LiveReportShare(ctx context.Context, hash string, now time.Time) (model.ReportShare, error) {
	s, err := scanReportShare(q.q.QueryRowContext(ctx, `SELECT `+reportShareCols+` FROM report_shares WHERE token_hash = $1
		AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`, hash, ts(now)))
	return s, wrap("live report share", err)
}

// RevokeReportShare revokes a workspace's live report link.
func (q *Queries) RevokeReportShare(ctx context.Context, workspaceID, id string, now time.Time) error {
	return q.execOne(ctx, "revoke report share", `UPDATE report_shares SET revoked_at = $1 WHERE workspace_id = $2 AND id = $3
		AND revoked_at IS NULL`, ts(now), workspaceID, id)
}
