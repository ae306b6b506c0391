package store

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// BenchmarkConversationList reads the first page of a workspace's
// conversation list, by status, among 100,000 conversations of which
// 95,000 are done, after ANALYZE (docs/BENCHMARKS.md, "Inbox ingest"):
//
//	go test ./internal/store -run '^$' -bench ConversationList
func BenchmarkConversationList(b *testing.B) {
	ctx := context.Background()
	s, err := OpenSQLite(ctx, filepath.Join(b.TempDir(), "herald.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	migrate(b, s)
	at := time.Now().UTC()
	ws, chans, _ := metricFixture(b, s, at, 0)
	const n = 100_000
	convs := make([]model.Conversation, n)
	for i := range convs {
		status := model.ConvDone
		if i%20 == 0 {
			status = model.ConvOpen
		}
		convs[i] = model.Conversation{ID: ids.New(), WorkspaceID: ws, ChannelID: chans[0], Kind: model.ConvComments,
			RootRemoteID: "post-" + strconv.Itoa(i), RootText: "Our post number " + strconv.Itoa(i) + ", about as long as a post's opening",
			Status: status, LastMessageAt: at.Add(-time.Duration((i*7919)%n) * time.Minute), CreatedAt: at, UpdatedAt: at}
	}
	tx(b, s, func(tx *Tx) error { _, err := tx.InsertConversations(ctx, convs); return err })
	if _, err := s.writer.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	for _, status := range []string{model.ConvOpen, model.ConvDone, "all"} {
		b.Run(status, func(b *testing.B) {
			for b.Loop() {
				got, err := s.Read().ListConversations(ctx, InboxFilter{WorkspaceID: ws, Status: status, Limit: 50, Now: at})
				if err != nil || len(got) != 50 {
					b.Fatal(len(got), err)
				}
			}
		})
	}
}
