package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// dumpRollups lists every rollup row as text, in a stable order.
func dumpRollups(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT ` + latestCols + ` FROM post_metric_latest ORDER BY target_id`,
		`SELECT channel_id, day, workspace_id, first_at, first_id, first_followers, last_at, last_id, last_followers, last_reach,
			last_impressions FROM channel_metric_daily ORDER BY channel_id, day`,
	} {
		rows, err := s.reader.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%v", vals))
		}
		rows.Close()
	}
	return out
}

// rebuildAll runs a rebuild to its end, limit targets a batch.
func rebuildAll(t *testing.T, s *Store, r RollupRebuild, limit int) {
	t.Helper()
	tx(t, s, func(tx *Tx) error { return tx.AddRollupRebuild(context.Background(), r) })
	for i := 0; r.Phase != RebuildDone; i++ {
		if i > 1000 {
			t.Fatal("the rebuild does not end")
		}
		tx(t, s, func(tx *Tx) (err error) {
			r, err = tx.RebuildRollupBatch(context.Background(), r, limit)
			return err
		})
	}
}

// The rollups kept in step as snapshots are added (late, out of order,
// flagged) are what a rebuild computes from the raw rows; a rebuild
// repairs damaged rollups, only within its period, and running it again
// changes nothing; bulk-loaded history gets rollups from a rebuild only.
func TestRollupsRebuildFromRaw(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		ws, chans, posts := metricFixture(t, s, day, 6)
		var snaps []model.PostMetricSnapshot
		for i, p := range posts {
			for k := 0; k < 4; k++ {
				v := int64(10*k + i)
				snap := model.PostMetricSnapshot{ID: ids.New(), WorkspaceID: ws, ChannelID: p.Targets[0].ChannelID, PostID: p.ID,
					TargetID: p.Targets[0].ID, TakenAt: day.Add(time.Duration(3-k) * 5 * time.Hour), Source: "test",
					Likes: model.Count{Value: v, Known: true}, Views: model.Count{Value: v * 10, Known: true}}
				if i%3 != 0 { // reach and saves where "the network" reports them
					snap.Reach, snap.Saves = model.Count{Value: v * 4, Known: true}, model.Count{Value: v / 2, Known: true}
				}
				if k == 0 && i%2 == 0 {
					snap.Likes, snap.Flags = model.Count{Value: -7, Known: true}, []string{model.MetricNegative}
				}
				snaps = append(snaps, snap) // newest first: each later one is older
			}
		}
		tx(t, s, func(tx *Tx) error { return tx.AddPostMetrics(ctx, snaps) })
		for d := 0; d < 5; d++ {
			for k, h := range []int{20, 3, 11} {
				a := model.AccountMetricSnapshot{ID: ids.New(), WorkspaceID: ws, ChannelID: chans[d%2], TakenAt: day.AddDate(0, 0, d).Add(time.Duration(h) * time.Hour),
					Source: "test", Followers: model.Count{Value: int64(100*d + k), Known: true}}
				if d%2 == 0 {
					a.Reach, a.Impressions = model.Count{Value: int64(10*d + h), Known: true}, model.Count{Value: int64(30*d + h), Known: true}
				}
				if k == 2 && d == 1 {
					a.Followers, a.Flags = model.Count{Value: -1, Known: true}, []string{model.MetricNegative}
				}
				tx(t, s, func(tx *Tx) error { return tx.AddAccountMetrics(ctx, a) })
			}
		}
		kept := dumpRollups(t, s)
		if len(kept) != len(posts)+5 || !strings.Contains(kept[0], " <nil> ") {
			t.Fatalf("rollups kept in step: %q", kept)
		}

		damage := []string{`UPDATE post_metric_latest SET likes = 999999`, `DELETE FROM post_metric_latest WHERE target_id = '` + posts[0].Targets[0].ID + `'`,
			`DELETE FROM channel_metric_daily WHERE day = '2026-05-02'`,
			`INSERT INTO channel_metric_daily VALUES ('` + chans[0] + `', '2026-05-09', '` + ws + `', 'x', 'x', 5, 'x', 'x', 5, 5, 5)`,
			`INSERT INTO channel_metric_daily VALUES ('` + chans[0] + `', '2026-04-20', '` + ws + `', 'x', 'x', 5, 'x', 'x', 5, NULL, NULL)`}
		for _, q := range damage {
			if _, err := s.writer.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		rebuildAll(t, s, RollupRebuild{ID: ids.New(), WorkspaceID: ws, From: day.Add(-time.Hour), To: day.AddDate(0, 0, 10), Phase: RebuildPosts}, 1)
		got := dumpRollups(t, s)
		if len(got) != len(kept)+1 || !reflect.DeepEqual(got[:len(posts)], kept[:len(posts)]) || !reflect.DeepEqual(got[len(posts)+1:], kept[len(posts):]) {
			t.Fatalf("a rebuild of 30 April–10 May left %q, want %q and the damage of 20 April", got, kept)
		}
		rebuildAll(t, s, RollupRebuild{ID: ids.New(), Phase: RebuildPosts}, 1)
		rebuildAll(t, s, RollupRebuild{ID: ids.New(), Phase: RebuildPosts}, 500)
		if got := dumpRollups(t, s); !reflect.DeepEqual(got, kept) {
			t.Fatalf("after full rebuilds:\n%q\nwant\n%q", got, kept)
		}

		// Bulk-loaded history has no rollups until a rebuild makes them.
		ws2, chans2, posts2 := metricFixture(t, s, day, 3)
		var bulk []model.PostMetricSnapshot
		for _, p := range posts2 {
			bulk = append(bulk, model.PostMetricSnapshot{ID: ids.New(), WorkspaceID: ws2, ChannelID: p.Targets[0].ChannelID, PostID: p.ID,
				TargetID: p.Targets[0].ID, TakenAt: day.Add(time.Hour), Source: "bench", Likes: model.Count{Value: 3, Known: true}})
		}
		acct := model.AccountMetricSnapshot{ID: ids.New(), WorkspaceID: ws2, ChannelID: chans2[0], TakenAt: day, Source: "bench",
			Followers: model.Count{Value: 9, Known: true}}
		if err := s.BulkPostMetrics(ctx, bulk); err != nil {
			t.Fatal(err)
		}
		if err := s.BulkAccountMetrics(ctx, []model.AccountMetricSnapshot{acct}); err != nil {
			t.Fatal(err)
		}
		if n := len(dumpRollups(t, s)); n != len(kept) {
			t.Fatalf("bulk loading wrote rollups: %d rows", n)
		}
		rebuildAll(t, s, RollupRebuild{ID: ids.New(), WorkspaceID: ws2, Phase: RebuildPosts}, 2)
		pubs, latest, err := s.Read().PublishedWithLatest(ctx, ws2, day.Add(-time.Hour), day.Add(3*time.Hour))
		if err != nil || len(pubs) != 3 || len(latest) != 3 || latest[posts2[1].Targets[0].ID].Likes.Value != 3 {
			t.Fatalf("bulk-loaded history after a rebuild: %d published, %+v, %v", len(pubs), latest, err)
		}
		if busy, err := s.Read().RollupsRebuilding(ctx, ws2); busy || err != nil {
			t.Fatalf("rebuilding after every rebuild finished: %v %v", busy, err)
		}
	})
}

// metricFixture makes a workspace with two channels and n posts published
// an hour apart from at, by bulk loading, returning the IDs and posts.
func metricFixture(t testing.TB, s *Store, at time.Time, n int) (string, []string, []model.Post) {
	t.Helper()
	ctx := context.Background()
	ws := ids.New()
	chans := []string{ids.New(), ids.New()}
	tx(t, s, func(tx *Tx) error {
		if err := tx.CreateWorkspace(ctx, model.Workspace{ID: ws, Name: "W", CreatedBy: "u", CreatedAt: at}); err != nil {
			return err
		}
		for i, id := range chans {
			c := model.Channel{ID: id, WorkspaceID: ws, Network: "fake", Name: "C", RemoteID: fmt.Sprint("r", i), Handle: "c",
				Status: model.ChannelActive, CreatedBy: "u", CreatedAt: at, UpdatedAt: at}
			if err := tx.CreateChannel(ctx, c, ""); err != nil {
				return err
			}
		}
		return nil
	})
	var posts []model.Post
	for i := 0; i < n; i++ {
		pub := at.Add(time.Duration(i) * time.Hour)
		p := model.Post{ID: ids.New(), WorkspaceID: ws, Base: model.Content{Text: "hi"}, AuthorID: "u", CreatedAt: pub, UpdatedAt: pub}
		p.Targets = []model.Target{{ID: ids.New(), PostID: p.ID, ChannelID: chans[i%2], Status: model.TargetPublished, PublishedAt: pub, UpdatedAt: pub}}
		posts = append(posts, p)
	}
	if err := s.BulkPosts(ctx, posts); err != nil {
		t.Fatal(err)
	}
	return ws, chans, posts
}

// An installation with snapshots from before migration 0021 gets a
// rebuild of everything recorded by it, and the rebuild fills the
// rollups as adding the snapshots would have.
func TestMigrationRecordsRollupBackfill(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		ws, chans, posts := metricFixture(t, s, day, 3)
		tx(t, s, func(tx *Tx) error {
			for i, p := range posts {
				if err := tx.AddPostMetrics(ctx, []model.PostMetricSnapshot{{ID: ids.New(), WorkspaceID: ws, ChannelID: p.Targets[0].ChannelID,
					PostID: p.ID, TargetID: p.Targets[0].ID, TakenAt: day.Add(time.Hour), Source: "test", Likes: model.Count{Value: int64(i), Known: true}}}); err != nil {
					return err
				}
			}
			return tx.AddAccountMetrics(ctx, model.AccountMetricSnapshot{ID: ids.New(), WorkspaceID: ws, ChannelID: chans[0], TakenAt: day,
				Source: "test", Followers: model.Count{Value: 9, Known: true}})
		})
		kept := dumpRollups(t, s)
		if busy, _ := s.Read().RollupsRebuilding(ctx, ws); busy {
			t.Fatal("a new installation waits for a rebuild")
		}
		// Back to the schema before 0021 (and so before 0025), with the
		// snapshots in place.
		for _, q := range []string{`ALTER TABLE post_metric_snapshots DROP COLUMN reach`, `ALTER TABLE post_metric_snapshots DROP COLUMN saves`,
			`ALTER TABLE account_metric_snapshots DROP COLUMN reach`, `ALTER TABLE account_metric_snapshots DROP COLUMN impressions`,
			`DELETE FROM schema_migrations WHERE version = 25`, `DROP TABLE post_metric_latest`, `DROP TABLE channel_metric_daily`, `DROP TABLE metric_rollup_rebuilds`,
			`DROP INDEX post_targets_published`, `DROP INDEX posts_grouping`, `DROP INDEX account_metric_snapshots_workspace`,
			`DELETE FROM schema_migrations WHERE version = 21`} {
			if _, err := s.writer.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		migrate(t, s)
		if busy, err := s.Read().RollupsRebuilding(ctx, ws); !busy || err != nil || len(dumpRollups(t, s)) != 0 {
			t.Fatalf("after migrating: rebuilding %v (%v)", busy, err)
		}
		open, err := s.Read().OpenRollupRebuilds(ctx)
		if err != nil || len(open) != 1 {
			t.Fatalf("open rebuilds %+v %v", open, err)
		}
		r := open[0]
		for r.Phase != RebuildDone {
			tx(t, s, func(tx *Tx) (err error) {
				r, err = tx.RebuildRollupBatch(ctx, r, 2000)
				return err
			})
		}
		if got := dumpRollups(t, s); !reflect.DeepEqual(got, kept) {
			t.Fatalf("backfilled rollups %q, want %q", got, kept)
		}
		if busy, _ := s.Read().RollupsRebuilding(ctx, ws); busy {
			t.Fatal("still rebuilding after the backfill")
		}
	})
}

// A period's posts come with their pillar and labels, and their latest
// reads, also for a target published again after its last read (its
// rollup row still has the old time, so it is looked up by ID) and one
// never read; the period it left no longer lists it.
func TestPublishedWithLatestRanges(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		ws, _, posts := metricFixture(t, s, day, 4)
		var snaps []model.PostMetricSnapshot
		for i, p := range posts[:3] {
			snaps = append(snaps, model.PostMetricSnapshot{ID: ids.New(), WorkspaceID: ws, ChannelID: p.Targets[0].ChannelID, PostID: p.ID,
				TargetID: p.Targets[0].ID, TakenAt: day.Add(20 * time.Hour), Source: "test", Likes: model.Count{Value: int64(i + 1), Known: true}})
		}
		tx(t, s, func(tx *Tx) error { return tx.AddPostMetrics(ctx, snaps) })
		tx(t, s, func(tx *Tx) error {
			if _, err := tx.q.ExecContext(ctx, `UPDATE posts SET pillar_id = 'pl', labels = '["launch","sale"]' WHERE id = $1`, posts[1].ID); err != nil {
				return err
			}
			_, err := tx.q.ExecContext(ctx, `UPDATE post_targets SET published_at = $1 WHERE id = $2`, ts(day.AddDate(0, 0, 2)), posts[2].Targets[0].ID)
			return err
		})
		pubs, latest, err := s.Read().PublishedWithLatest(ctx, ws, day, day.AddDate(0, 0, 1))
		if err != nil || len(pubs) != 3 || len(latest) != 2 {
			t.Fatalf("first day: %+v %+v %v", pubs, latest, err)
		}
		if p := pubs[1]; p.PillarID != "pl" || !reflect.DeepEqual(p.Labels, []string{"launch", "sale"}) || latest[p.TargetID].Likes.Value != 2 {
			t.Fatalf("post with pillar and labels: %+v %+v", p, latest[p.TargetID])
		}
		if p := pubs[2]; p.TargetID != posts[3].Targets[0].ID || p.PillarID != "" || len(p.Labels) != 0 || p.Labels == nil {
			t.Fatalf("post never read: %+v", p)
		}
		pubs, latest, err = s.Read().PublishedWithLatest(ctx, ws, day.AddDate(0, 0, 2), day.AddDate(0, 0, 3))
		if err != nil || len(pubs) != 1 || latest[posts[2].Targets[0].ID].Likes.Value != 3 || latest[posts[2].Targets[0].ID].PostID != posts[2].ID {
			t.Fatalf("published again: %+v %+v %v", pubs, latest, err)
		}
	})
}
