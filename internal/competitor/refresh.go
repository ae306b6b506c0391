package competitor

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// Timing of reads.
const (
	readEvery   = 24 * time.Hour      // each competitor is read daily
	retryAfter  = time.Hour           // after a failure the network did not time
	firstWindow = 30 * 24 * time.Hour // the first read goes back this far
	// rereadWindow: later reads take posts from a week before the last
	// read, so young posts' counters keep growing in the snapshots.
	rereadWindow = 7 * 24 * time.Hour
	// perNetwork is the call budget of one round per network: a round never
	// sends a network more reads than this, and none after it said to wait.
	perNetwork = 20
)

// RefreshArgs is the periodic job that reads due competitors.
type RefreshArgs struct{}

// Kind implements river.JobArgs.
func (RefreshArgs) Kind() string { return "competitor.refresh" }

// InsertOpts keeps one round at a time.
func (RefreshArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 5 * time.Minute}}
}

// RefreshWorker runs RefreshArgs jobs.
type RefreshWorker struct {
	river.WorkerDefaults[RefreshArgs]
	Service *Service
}

// Work reads what is due.
func (w *RefreshWorker) Work(ctx context.Context, _ *river.Job[RefreshArgs]) error {
	_, err := w.Service.Collect(ctx)
	return err
}

// Timeout bounds a round.
func (w *RefreshWorker) Timeout(*river.Job[RefreshArgs]) time.Duration { return 10 * time.Minute }

// RefreshPeriodic starts a round every five minutes; each competitor is
// due once a day (new ones at once), so most rounds read nothing.
func RefreshPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(5*time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return RefreshArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
}

// Collect reads every due competitor within each network's call budget
// and reports how many it read. After a network says to wait, its other
// due competitors wait as long without being asked.
func (s *Service) Collect(ctx context.Context) (int, error) {
	now := s.now()
	due, err := s.Store.Read().DueCompetitors(ctx, now, 500)
	if err != nil {
		return 0, err
	}
	budget := map[string]int{}
	limited := map[string]error{} // networks that said to wait, with their answer
	read := 0
	for _, c := range due {
		if cause, ok := limited[c.Network]; ok {
			// Asking again before the network's wait is over would only
			// prolong it: the account waits as long.
			if err := s.postpone(ctx, c, now, cause); err != nil {
				return read, err
			}
			continue
		}
		if _, seen := budget[c.Network]; !seen {
			budget[c.Network] = perNetwork
		}
		if budget[c.Network] <= 0 {
			continue // the next round reads it
		}
		ok, err := s.read(ctx, c, now, budget)
		if provider.TraitOf(err) == provider.RateLimited {
			limited[c.Network] = err
		}
		if err != nil {
			s.log().Warn("read competitor", "competitor", c.ID, "network", c.Network, "err", err)
		}
		if ok {
			read++
		}
	}
	return read, nil
}

// read reads one competitor, spending one call of its network's budget;
// a rate limit empties the budget for the rest of the round. The outcome
// is stored either way: a snapshot and the next read a day later, or the
// error and a retry after the network's Retry-After (an hour otherwise).
func (s *Service) read(ctx context.Context, c model.Competitor, now time.Time, budget map[string]int) (bool, error) {
	budget[c.Network]--
	r, err := s.reader(c.Network)
	if err != nil {
		return false, s.failed(ctx, c, now, err)
	}
	since := now.Add(-firstWindow)
	if !c.RefreshedAt.IsZero() {
		since = c.RefreshedAt.Add(-rereadWindow)
	}
	var got provider.PublicRead
	err = s.withVia(ctx, c.WorkspaceID, c.Network, func(via provider.Account) (err error) {
		got, err = r.ReadPublicAccount(ctx, via, c.RemoteID, since)
		return err
	})
	if err != nil {
		if provider.TraitOf(err) == provider.RateLimited {
			budget[c.Network] = 0
		}
		return false, s.failed(ctx, c, now, err)
	}
	snap, posts := snapshot(c, got, now)
	c.Handle, c.Name, c.Avatar, c.URL = orKeep(got.Account.Handle, c.Handle), got.Account.Name, got.Account.Avatar, orKeep(got.Account.URL, c.URL)
	c.NextAt, c.LastError, c.Notes = now.Add(readEvery), "", got.Notes
	return true, s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddCompetitorSnapshot(ctx, snap, posts); err != nil {
			return err
		}
		return tx.MarkCompetitorRead(ctx, c, now)
	})
}

func orKeep(v, old string) string {
	if v == "" {
		return old
	}
	return v
}

// failed keeps a failed read's error, puts the next read off and returns
// the cause (or the store's error).
func (s *Service) failed(ctx context.Context, c model.Competitor, now time.Time, cause error) error {
	if err := s.postpone(ctx, c, now, cause); err != nil {
		return err
	}
	return cause
}

// postpone records why c was not read and when to try again: after the
// network's Retry-After when it gave one, a day after a refusal, else an
// hour.
func (s *Service) postpone(ctx context.Context, c model.Competitor, now time.Time, cause error) error {
	next := now.Add(retryAfter)
	if pe := provider.AsError(cause); pe != nil && pe.Trait == provider.RateLimited && pe.RetryAfter > 0 {
		next = now.Add(pe.RetryAfter)
	} else if pe != nil && pe.Trait == provider.Permanent {
		next = now.Add(readEvery)
	}
	c.NextAt, c.LastError = next, describe(cause)
	return s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.MarkCompetitorRead(ctx, c, time.Time{}) })
}

// snapshot maps a read to stored rows: counters the network does not give
// stay unknown; negative or impossible ones are kept, flagged.
func snapshot(c model.Competitor, got provider.PublicRead, now time.Time) (model.CompetitorSnapshot, []model.CompetitorPost) {
	snap := model.CompetitorSnapshot{ID: ids.New(), WorkspaceID: c.WorkspaceID, CompetitorID: c.ID, TakenAt: now, Source: got.Source,
		FollowersLower: got.FollowersLowerBound}
	snap.Followers = count(got.Followers, &snap.Flags)
	snap.Following = count(got.Following, &snap.Flags)
	snap.Posts = count(got.Posts, &snap.Flags)
	posts := make([]model.CompetitorPost, 0, len(got.Recent))
	seen := map[string]bool{}
	for _, pp := range got.Recent {
		if seen[pp.ID] || pp.ID == "" || pp.CreatedAt.IsZero() {
			continue
		}
		seen[pp.ID] = true
		p := model.CompetitorPost{ID: ids.New(), CompetitorID: c.ID, SnapshotID: snap.ID, RemoteID: pp.ID, URL: pp.URL, Text: clip(pp.Text, 500),
			PostedAt: pp.CreatedAt.UTC(), TakenAt: now}
		p.Likes, p.Reposts = count(pp.Likes, &p.Flags), count(pp.Reposts, &p.Flags)
		p.Replies, p.Quotes = count(pp.Replies, &p.Flags), count(pp.Quotes, &p.Flags)
		posts = append(posts, p)
	}
	return snap, posts
}

// count keeps a counter as received, flagging values that cannot be right.
func count(pc provider.PublicCount, flags *[]string) model.Count {
	if !pc.Known {
		return model.Count{}
	}
	flag := ""
	switch {
	case pc.Value < 0:
		flag = model.MetricNegative
	case pc.Value > model.MaxCount:
		flag = model.MetricImpossible
	}
	if flag != "" {
		dup := false
		for _, f := range *flags {
			dup = dup || f == flag
		}
		if !dup {
			*flags = append(*flags, flag)
		}
	}
	return model.Count{Value: pc.Value, Known: true}
}

// clip keeps a post's text short: the comparison shows a glimpse of it.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
