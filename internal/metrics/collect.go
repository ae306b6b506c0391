// Package metrics collects what the networks say about published posts and
// accounts: post counters at decaying intervals after publishing (1 h,
// 6 h, 24 h, 3 d, 7 d, 30 d, then monthly up to six months) and account
// counters daily, as raw snapshots with their source, through each
// connector's metric readers, in jobs that wait out rate limits. A counter
// a network does not report is stored as "not available", never 0; values
// that cannot be right are kept with a flag and left out of totals.
package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"herald/internal/channel"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// Channels is what collection needs of the channel service.
type Channels interface {
	Accounts(ctx context.Context, ids []string) (map[string]channel.AccountRead, error)
	Provider(network string) (provider.Provider, error)
}

// Service collects metrics.
type Service struct {
	Store      *store.Store
	Channels   Channels
	Workspaces Authorizer
	Logger     *slog.Logger
	Now        func() time.Time
	// RawOnly computes every figure from the raw snapshots, never the
	// rollups: the reference the rollups must match, for tests and
	// bench/metrics.
	RawOnly    bool
	maxBatches int // stop a rebuild run after this many batches (0: none), to test resuming
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Intervals are the ages at which a published post is read.
var Intervals = []time.Duration{time.Hour, 6 * time.Hour, 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour,
	30 * 24 * time.Hour, 60 * 24 * time.Hour, 90 * 24 * time.Hour, 120 * 24 * time.Hour, 150 * 24 * time.Hour, 180 * 24 * time.Hour}

// accountEvery is how often a channel's account counters are read.
const accountEvery = 24 * time.Hour

// impossible bounds a counter: no post or account has more.
const impossible = model.MaxCount

// CollectArgs is the periodic job that reads what is due.
type CollectArgs struct{}

// Kind implements river.JobArgs.
func (CollectArgs) Kind() string { return "metrics.collect" }

// InsertOpts keeps one round at a time.
func (CollectArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

// CollectWorker runs CollectArgs jobs.
type CollectWorker struct {
	river.WorkerDefaults[CollectArgs]
	Service *Service
}

// Work collects what is due.
func (w *CollectWorker) Work(ctx context.Context, _ *river.Job[CollectArgs]) error {
	_, err := w.Service.Collect(ctx)
	return err
}

// Timeout bounds a round.
func (w *CollectWorker) Timeout(*river.Job[CollectArgs]) time.Duration { return 5 * time.Minute }

// CollectPeriodic starts a round every minute.
func CollectPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return CollectArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
}

// Collect reads every due post and account, one network call per channel
// for its posts, and reports how many snapshots it stored.
func (s *Service) Collect(ctx context.Context) (int, error) {
	now := s.now()
	if err := s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.SeedMetricSchedule(ctx, now) }); err != nil {
		return 0, err
	}
	due, err := s.Store.Read().DueMetrics(ctx, now, 2000)
	if err != nil {
		return 0, err
	}
	byChannel := map[string][]store.MetricDue{}
	var order []string
	for _, d := range due {
		if _, ok := byChannel[d.ChannelID]; !ok {
			order = append(order, d.ChannelID)
		}
		byChannel[d.ChannelID] = append(byChannel[d.ChannelID], d)
	}
	stored := 0
	for _, ch := range order {
		n, err := s.collectChannel(ctx, ch, byChannel[ch], now)
		if err != nil {
			s.log().Warn("collect metrics", "channel", ch, "err", err)
		}
		stored += n
	}
	return stored, nil
}

// collectChannel reads one channel's due posts and account.
func (s *Service) collectChannel(ctx context.Context, channelID string, due []store.MetricDue, now time.Time) (int, error) {
	accts, err := s.Channels.Accounts(ctx, []string{channelID})
	if err != nil {
		return 0, err
	}
	ar := accts[channelID]
	var posts []store.MetricDue
	n := 0
	for _, d := range due {
		if d.TargetID == "" {
			ok, err := s.account(ctx, ar, d, now)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
			continue
		}
		if wait := d.PublishedAt.Add(Intervals[min(d.Step, len(Intervals)-1)]); wait.After(now) && d.Step == 0 {
			// Not old enough for its first read yet.
			if err := s.move(ctx, d, wait, 0, false, ""); err != nil {
				return n, err
			}
			continue
		}
		posts = append(posts, d)
	}
	if len(posts) == 0 {
		return n, nil
	}
	m, err := s.posts(ctx, ar, posts, now)
	return n + m, err
}

// posts reads the due targets of one channel in one call.
func (s *Service) posts(ctx context.Context, ar channel.AccountRead, due []store.MetricDue, now time.Time) (int, error) {
	p, reader, err := s.reader(ar)
	if err != nil {
		return 0, s.failAll(ctx, due, now, err)
	}
	remote := make([]provider.RemotePost, 0, len(due))
	for _, d := range due {
		remote = append(remote, firstSegment(d))
	}
	var got map[string]provider.PostMetrics
	if reader != nil {
		if got, err = reader.PostMetrics(ctx, ar.Account, remote); err != nil {
			return 0, s.failAll(ctx, due, now, err)
		}
	}
	pairs := map[string][2]string{}
	for _, d := range due {
		pairs[d.TargetID] = [2]string{d.PostID, d.ChannelID}
	}
	clicks, err := s.Store.Read().TargetClicks(ctx, pairs)
	if err != nil {
		return 0, err
	}
	fields := map[string]bool{}
	for _, f := range p.Info().PostMetricFields {
		fields[f] = true
	}
	var snaps []model.PostMetricSnapshot
	for i, d := range due {
		pm, ok := got[remote[i].ID]
		snap := snapshot(d, pm, ok && reader != nil, fields, now)
		snap.Source = string(p.Info().Network) + ":post_metrics"
		if c, ok := clicks[d.TargetID]; ok && !snap.Clicks.Known {
			// Herald counts the clicks on its own tracked links.
			snap.Clicks, snap.Source = model.Count{Value: c, Known: true}, snap.Source+"+herald:links"
		}
		snaps = append(snaps, snap)
	}
	return len(snaps), s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := s.markDecreases(ctx, tx, snaps); err != nil {
			return err
		}
		if err := tx.AddPostMetrics(ctx, snaps); err != nil {
			return err
		}
		for _, d := range due {
			if err := s.advance(ctx, tx, d, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// reader is the channel's connector and its post metric reader (nil
// when the network has none: clicks still count).
func (s *Service) reader(ar channel.AccountRead) (provider.Provider, provider.PostMetricsReader, error) {
	if ar.Err != nil {
		return nil, nil, ar.Err
	}
	p, err := s.Channels.Provider(ar.Channel.Network)
	if err != nil {
		return nil, nil, err
	}
	r, _ := p.(provider.PostMetricsReader)
	return p, r, nil
}

func firstSegment(d store.MetricDue) provider.RemotePost {
	var segs []model.RemotePost
	_ = json.Unmarshal([]byte(d.Done), &segs) // stored by Herald; a bad value reads as none
	if len(segs) > 0 {
		return provider.RemotePost{ID: segs[0].ID, URL: segs[0].URL, Extra: segs[0].Extra, PublishedAt: segs[0].PublishedAt}
	}
	return provider.RemotePost{ID: d.RemoteID, PublishedAt: d.PublishedAt}
}

// snapshot maps a network's counters: unreported ones stay unknown;
// negative or impossible ones are kept flagged.
func snapshot(d store.MetricDue, pm provider.PostMetrics, read bool, fields map[string]bool, now time.Time) model.PostMetricSnapshot {
	s := model.PostMetricSnapshot{ID: ids.New(), WorkspaceID: d.WorkspaceID, ChannelID: d.ChannelID, PostID: d.PostID, TargetID: d.TargetID,
		TakenAt: now}
	if !read {
		return s
	}
	set := func(field string, v int64, c *model.Count) {
		if !fields[field] {
			return
		}
		*c = model.Count{Value: v, Known: true}
		switch {
		case v < 0:
			s.Flags = appendOnce(s.Flags, model.MetricNegative)
		case v > impossible:
			s.Flags = appendOnce(s.Flags, model.MetricImpossible)
		}
	}
	set(provider.MetricLikes, pm.Likes, &s.Likes)
	set(provider.MetricReposts, pm.Reposts, &s.Reposts)
	set(provider.MetricReplies, pm.Replies, &s.Replies)
	set(provider.MetricQuotes, pm.Quotes, &s.Quotes)
	set(provider.MetricViews, pm.Views, &s.Views)
	set(provider.MetricClicks, pm.Clicks, &s.Clicks)
	set(provider.MetricReach, pm.Reach, &s.Reach)
	set(provider.MetricSaves, pm.Saves, &s.Saves)
	return s
}

// accountSnapshot maps a network's account counters: reach and
// impressions stay unknown unless the network reports them; negative or
// impossible values are kept flagged.
func accountSnapshot(d store.MetricDue, info provider.Info, am provider.AccountMetrics, now time.Time) model.AccountMetricSnapshot {
	snap := model.AccountMetricSnapshot{ID: ids.New(), WorkspaceID: d.WorkspaceID, ChannelID: d.ChannelID, TakenAt: now,
		Source: fmt.Sprintf("%s:account_metrics", info.Network)}
	set := func(v int64, c *model.Count) {
		*c = model.Count{Value: v, Known: true}
		if v < 0 {
			snap.Flags = appendOnce(snap.Flags, model.MetricNegative)
		} else if v > impossible {
			snap.Flags = appendOnce(snap.Flags, model.MetricImpossible)
		}
	}
	set(am.Followers, &snap.Followers)
	set(am.Following, &snap.Following)
	set(am.Posts, &snap.Posts)
	for _, f := range info.AccountMetricFields {
		switch f {
		case provider.MetricReach:
			set(am.Reach, &snap.Reach)
		case provider.MetricImpressions:
			set(am.Impressions, &snap.Impressions)
		}
	}
	return snap
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// markDecreases flags snapshots whose counters went down since the
// target's previous read (unlikes, deleted replies): real, and kept.
func (s *Service) markDecreases(ctx context.Context, tx *store.Tx, snaps []model.PostMetricSnapshot) error {
	var targets []string
	for _, sn := range snaps {
		targets = append(targets, sn.TargetID)
	}
	prev, err := tx.LatestPostMetrics(ctx, targets)
	if err != nil {
		return err
	}
	for i := range snaps {
		p, ok := prev[snaps[i].TargetID]
		if !ok {
			continue
		}
		before, now := p.Counters(), snaps[i].Counters()
		for j := range now {
			if before[j].Known && now[j].Known && now[j].Value < before[j].Value {
				snaps[i].Flags = appendOnce(snaps[i].Flags, model.MetricDecreased)
			}
		}
	}
	return nil
}

// advance moves a target past its read: to the next interval after its
// age (a target first read late skips the ages already behind it), or
// done after the last.
func (s *Service) advance(ctx context.Context, tx *store.Tx, d store.MetricDue, now time.Time) error {
	age := now.Sub(d.PublishedAt)
	step := d.Step + 1
	for step < len(Intervals) && Intervals[step] <= age {
		step++
	}
	if step >= len(Intervals) {
		return tx.MoveMetricSchedule(ctx, d.ChannelID, d.TargetID, now, step, true, "")
	}
	return tx.MoveMetricSchedule(ctx, d.ChannelID, d.TargetID, d.PublishedAt.Add(Intervals[step]), step, false, "")
}

func (s *Service) move(ctx context.Context, d store.MetricDue, next time.Time, step int, done bool, lastError string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		return tx.MoveMetricSchedule(ctx, d.ChannelID, d.TargetID, next, step, done, lastError)
	})
}

// failAll puts a failed channel's reads off: after the network's
// Retry-After when rate limited, else an hour; the error is kept.
func (s *Service) failAll(ctx context.Context, due []store.MetricDue, now time.Time, err error) error {
	wait, msg := time.Hour, "Herald could not read this channel's metrics; the error was logged"
	if pe := provider.AsError(err); pe != nil {
		msg = pe.Trait.String()
		if pe.Message != "" {
			msg += ": " + pe.Message
		}
		if pe.Trait == provider.RateLimited && pe.RetryAfter > 0 {
			wait = pe.RetryAfter
		}
	}
	for _, d := range due {
		if merr := s.move(ctx, d, now.Add(wait), d.Step, false, msg); merr != nil {
			return merr
		}
	}
	return err
}

// account reads a channel's account counters when the network has them.
func (s *Service) account(ctx context.Context, ar channel.AccountRead, d store.MetricDue, now time.Time) (bool, error) {
	if ar.Err != nil {
		return false, s.move(ctx, d, now.Add(time.Hour), 0, false, "the channel's account could not be read")
	}
	p, err := s.Channels.Provider(ar.Channel.Network)
	if err != nil {
		return false, err
	}
	r, ok := p.(provider.AccountMetricsReader)
	if !ok {
		// Nothing to read, ever: stop asking.
		return false, s.move(ctx, d, now, 0, true, "")
	}
	am, err := r.AccountMetrics(ctx, ar.Account)
	if err != nil {
		return false, s.failAll(ctx, []store.MetricDue{d}, now, err)
	}
	snap := accountSnapshot(d, p.Info(), am, now)
	return true, s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddAccountMetrics(ctx, snap); err != nil {
			return err
		}
		return tx.MoveMetricSchedule(ctx, d.ChannelID, "", now.Add(accountEvery), d.Step+1, false, "")
	})
}
