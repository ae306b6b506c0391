package app

import (
	"context"

	"herald/internal/compose"
	"herald/internal/links"
	"herald/internal/model"
)

// composeLinks adapts tracked links to what the compose service asks of
// them, so neither domain imports the other.
type composeLinks struct{ s *links.Service }

var _ compose.LinkTracker = composeLinks{}

// Track makes (or finds) the target's short link as the system: the post's
// author was authorised when the post was written.
func (c composeLinks) Track(ctx context.Context, workspaceID string, r compose.TrackRequest) (string, error) {
	l, err := c.s.Track(ctx, nil, workspaceID, links.TrackInput{URL: r.URL, PostID: r.PostID, ChannelID: r.ChannelID,
		Network: r.Network, Campaign: r.Campaign, Pillar: r.Pillar})
	if err != nil {
		return "", err
	}
	return c.s.ShortURL(l), nil
}

// ShortPrefix is a short URL without its code.
func (c composeLinks) ShortPrefix() string { return c.s.ShortURL(model.Link{}) }

// CodeLength is the length of every short code.
func (c composeLinks) CodeLength() int { return links.CodeLength }
