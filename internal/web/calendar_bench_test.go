package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/store"
)

// BenchmarkCalendarMonth renders the month view of a workspace with 2,000
// targets that month on 10 channels, through the real handler and
// templates over loopback HTTP (docs/BENCHMARKS.md).
func BenchmarkCalendarMonth(b *testing.B) {
	e := newEnv(b)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	ctx, owner := context.Background(), e.actor("owner@example.test")
	var chans []string
	for i := range 10 {
		ch, err := e.a.Channels.Connect(ctx, owner, w.ID, "fake", map[string]string{"handle": fmt.Sprint("acme", i)})
		if err != nil {
			b.Fatal(err)
		}
		chans = append(chans, ch.ID)
	}
	const n = 2000
	month := time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		p, err := e.a.Compose.Create(ctx, owner, w.ID, compose.Draft{Base: model.Content{Text: fmt.Sprintf("Post %d for the month view benchmark", i)},
			Channels: []string{chans[i%len(chans)]}})
		if err != nil {
			b.Fatal(err)
		}
		at := month.Add(time.Duration(i) * (31 * 24 * time.Hour / n))
		if _, err := e.a.Store.DB().ExecContext(ctx, `UPDATE post_targets SET status = 'scheduled', scheduled_at = $1, generation = 1 WHERE post_id = $2`,
			at.Format(store.TimeLayout), p.ID); err != nil {
			b.Fatal(err)
		}
	}
	url := "/w/" + w.ID + "/calendar?date=2027-05-01"
	if p := c.open(url); p.status != http.StatusOK {
		b.Fatalf("status %d", p.status)
	}
	b.ResetTimer()
	for b.Loop() {
		if p := c.open(url); p.status != http.StatusOK {
			b.Fatalf("status %d", p.status)
		}
	}
}
