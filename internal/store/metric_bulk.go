package store

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"herald/internal/model"
)

// Bulk loading writes generated history straight into the raw tables, the
// fastest way each database has: on SQLite multi-row inserts in one
// transaction per call, on PostgreSQL COPY. It is for the benchmarks
// (bench/metrics) that need millions of rows; it skips the rollups, which
// a rebuild then fills from the raw rows.

// BulkPosts stores published posts with their targets (base text,
// pillar, labels; targets' channel, status and publication time).
func (s *Store) BulkPosts(ctx context.Context, ps []model.Post) error {
	var posts, targets [][]any
	for _, p := range ps {
		posts = append(posts, []any{p.ID, p.WorkspaceID, jsonText(p.Base), p.PillarID, labelsJSON(p.Labels), p.AuthorID, ts(p.CreatedAt),
			ts(p.UpdatedAt)})
		for _, t := range p.Targets {
			targets = append(targets, []any{t.ID, p.ID, p.WorkspaceID, t.ChannelID, string(t.Status), t.RemoteID, ts(t.PublishedAt),
				ts(t.UpdatedAt)})
		}
	}
	if err := s.bulk(ctx, "posts", []string{"id", "workspace_id", "base", "pillar_id", "labels", "author_id", "created_at", "updated_at"},
		posts); err != nil {
		return err
	}
	return s.bulk(ctx, "post_targets", []string{"id", "post_id", "workspace_id", "channel_id", "status", "remote_id", "published_at",
		"updated_at"}, targets)
}

// BulkPostMetrics stores post snapshots without touching the rollups.
func (s *Store) BulkPostMetrics(ctx context.Context, ss []model.PostMetricSnapshot) error {
	rows := make([][]any, len(ss))
	for i := range ss {
		rows[i] = postMetricRow(&ss[i])
	}
	return s.bulk(ctx, "post_metric_snapshots", strings.Split(postMetricCols, ", "), rows)
}

// BulkAccountMetrics stores account snapshots without touching the
// rollups.
func (s *Store) BulkAccountMetrics(ctx context.Context, ss []model.AccountMetricSnapshot) error {
	rows := make([][]any, len(ss))
	for i := range ss {
		rows[i] = accountMetricRow(&ss[i])
	}
	return s.bulk(ctx, "account_metric_snapshots", strings.Split(accountMetricCols, ", "), rows)
}

// bulk writes rows into table's columns.
func (s *Store) bulk(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if s.dialect == Postgres {
		_, err := s.pgPool.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return wrap("bulk "+table, err)
	}
	// Rows of up to 32,766 parameters, SQLite's limit.
	per := max(1, 32000/len(cols))
	return s.InTx(ctx, func(tx *Tx) error {
		for start := 0; start < len(rows); start += per {
			var b strings.Builder
			var args []any
			for _, r := range rows[start:min(start+per, len(rows))] {
				addRow(&b, &args, r...)
			}
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES `+b.String(), args...); err != nil {
				return wrap("bulk "+table, err)
			}
		}
		return nil
	})
}

// Analyze brings the database to the state a long-running installation
// is in after a bulk load: the query planner's statistics refreshed and,
// on PostgreSQL, the tables vacuumed as autovacuum would have, so index-only
// scans need not visit the table for rows just written. On SQLite it
// samples (a limit of rows per index) so it takes seconds, not minutes.
func (s *Store) Analyze(ctx context.Context) error {
	stmt := `VACUUM (ANALYZE)`
	if s.dialect == SQLite {
		if _, err := s.writer.ExecContext(ctx, `PRAGMA analysis_limit = 1000`); err != nil {
			return wrap("analyze", err)
		}
		stmt = `ANALYZE`
	}
	_, err := s.writer.ExecContext(ctx, stmt)
	return wrap("analyze", err)
}
