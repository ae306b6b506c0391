package publish

import (
	"context"
	"fmt"
	"time"

	"herald/internal/model"
)

// QuotaWarnings says, before a schedule is saved, where it would take a
// channel over a network's known cap on posts per account (Mastodon's 300
// per 3 hours, Bluesky's hourly and daily points): the network would refuse
// the surplus at publishing time, so the user hears it now.
func (s *Service) QuotaWarnings(ctx context.Context, a model.Actor, workspaceID, postID string, r Request) ([]string, error) {
	p, err := s.Compose.Get(ctx, a, workspaceID, postID)
	if err != nil {
		return nil, err
	}
	targets, err := pick(p, r.Channels)
	if err != nil {
		return nil, err
	}
	chans, err := s.Channels.List(ctx, a, workspaceID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	at, err := s.when(r, now)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range targets {
		c := channelByID(chans, t.ChannelID)
		due := at
		if r.Mode == ModeQueue {
			if due, err = s.NextSlot(ctx, c, now); err != nil {
				return nil, err
			}
		}
		_, limits, err := s.Channels.Limits(c)
		if err != nil {
			return nil, err
		}
		for _, q := range limits.Quotas {
			// Any window holding due: check the one ending and the one
			// starting at due, the busiest candidates.
			for _, w := range [][2]time.Time{{due.Add(-q.Window), due}, {due, due.Add(q.Window)}} {
				n, err := s.Store.Read().ChannelPostsBetween(ctx, c.ID, w[0], w[1], []string{t.ID})
				if err != nil {
					return nil, err
				}
				if n+1 > q.Max {
					out = append(out, fmt.Sprintf("%s would have %d posts between %s and %s; %s. The network will refuse the extra ones: spread them out.",
						c.Name, n+1, w[0].Format("2 Jan 15:04 MST"), w[1].Format("2 Jan 15:04 MST"), q.Source))
					break
				}
			}
		}
	}
	return out, nil
}
