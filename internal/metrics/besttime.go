package metrics

import (
	"context"
	"errors"
	"time"

	"herald/internal/besttime"
	"herald/internal/model"
	"herald/internal/schedule"
	"herald/internal/store"
)

// historyWindow is how far back best times look.
const historyWindow = 365 * 24 * time.Hour

// BestTimes computes a channel's weekday × hour heatmap from its own
// published posts' engagement, in the channel's time zone, with the
// network's typical hours where history is thin.
func (s *Service) BestTimes(ctx context.Context, a model.Actor, workspaceID, channelID string) (besttime.Result, model.Channel, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return besttime.Result{}, model.Channel{}, err
	}
	q := s.Store.Read()
	ch, err := q.ChannelByID(ctx, workspaceID, channelID)
	if errors.Is(err, store.ErrNotFound) {
		return besttime.Result{}, ch, model.NotFound("no channel with that ID in this workspace")
	} else if err != nil {
		return besttime.Result{}, ch, err
	}
	rolled, err := s.rolled(ctx, q, workspaceID)
	if err != nil {
		return besttime.Result{}, ch, err
	}
	pubs, latest, err := q.ChannelHistory(ctx, channelID, s.now().Add(-historyWindow), rolled)
	if err != nil {
		return besttime.Result{}, ch, err
	}
	var posts []besttime.Post
	for _, p := range pubs {
		snap, ok := latest[p.TargetID]
		if !ok {
			continue
		}
		n, ok := snap.Engagements()
		if !ok {
			continue
		}
		reach := 0.0
		if snap.Views.Known && snap.Views.Value > 0 {
			reach = float64(snap.Views.Value)
		}
		posts = append(posts, besttime.Post{PublishedAt: p.PublishedAt, Engagement: float64(n), Reach: reach})
	}
	loc, err := schedule.LoadZone(ch.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return besttime.Compute(posts, loc, ch.Network, besttime.Options{Now: s.now()}), ch, nil
}
