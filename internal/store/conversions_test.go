package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// ConversionsInPeriod keeps one workspace's conversions that occurred in
// [from, to), ordered by when they occurred (then ID), at most limit.
func TestConversionsInPeriod(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 0, 7)
		ws, other := ids.New(), ids.New()
		conv := func(w, event string, at time.Time) model.Conversion {
			return model.Conversion{ID: ids.New(), WorkspaceID: w, EventID: event, Name: "purchase", OccurredAt: at, ReceivedAt: to.AddDate(0, 0, 1),
				Source: model.ConversionViaAPI, Attribution: model.Unattributed, Reason: "no click ID"}
		}
		tx(t, s, func(tx *Tx) error {
			for _, w := range []string{ws, other} {
				if err := tx.CreateWorkspace(ctx, model.Workspace{ID: w, Name: "W", CreatedBy: "u", CreatedAt: from}); err != nil {
					return err
				}
			}
			for _, c := range []model.Conversion{
				conv(ws, "last", to.Add(-time.Second)),
				conv(ws, "first", from),
				conv(ws, "before", from.Add(-time.Second)),
				conv(ws, "at-end", to),
				conv(ws, "middle", from.Add(36*time.Hour)),
				conv(other, "foreign", from.Add(time.Hour)),
			} {
				if _, err := tx.InsertConversion(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		events := func(limit int) string {
			t.Helper()
			list, err := s.Read().ConversionsInPeriod(ctx, ws, from, to, limit)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range list {
				out = append(out, c.EventID)
			}
			return strings.Join(out, " ")
		}
		if got := events(10); got != "first middle last" {
			t.Errorf("in period: %q", got)
		}
		if got := events(2); got != "first middle" {
			t.Errorf("limit 2: %q", got)
		}
	})
}
