package compose

import (
	"context"
	"strings"

	"herald/internal/model"
	"herald/internal/provider/count"
)

// TrackRequest asks for the short link of one URL in one post on one
// channel.
type TrackRequest struct {
	URL, PostID, ChannelID, Network, Campaign, Pillar string
}

// LinkTracker turns URLs into Herald's short links with UTM parameters.
type LinkTracker interface {
	// Track returns the short URL for the request, making the link on first
	// use and returning the same one afterwards.
	Track(ctx context.Context, workspaceID string, r TrackRequest) (string, error)
	// ShortPrefix is what every short URL starts with; the code after it
	// has CodeLength characters.
	ShortPrefix() string
	CodeLength() int
}

// trackingOn reports whether a post's links are replaced by tracked short
// links when published (the "track_links" option).
func trackingOn(c model.Content) bool { return c.Options["track_links"] == "on" }

// mapURLs replaces every URL in the content's texts with f(url).
func mapURLs(c model.Content, f func(u string) (string, error)) (model.Content, error) {
	repl := func(text string) (string, error) {
		spans := count.URLs(text)
		if len(spans) == 0 {
			return text, nil
		}
		var b strings.Builder
		at := 0
		for _, sp := range spans {
			b.WriteString(text[at:sp.Start])
			u, err := f(text[sp.Start:sp.End])
			if err != nil {
				return "", err
			}
			b.WriteString(u)
			at = sp.End
		}
		b.WriteString(text[at:])
		return b.String(), nil
	}
	var err error
	if c.Text, err = repl(c.Text); err != nil {
		return c, err
	}
	thread := make([]model.Segment, len(c.Thread))
	for i, seg := range c.Thread {
		if seg.Text, err = repl(seg.Text); err != nil {
			return c, err
		}
		thread[i] = seg
	}
	if len(thread) > 0 {
		c.Thread = thread
	}
	if c.FirstComment, err = repl(c.FirstComment); err != nil {
		return c, err
	}
	return c, nil
}

// withStandIns shows content as it will be published with link tracking
// on: each URL that is not Herald's already becomes a short URL of the
// exact length the real one will have, so counting is right before the
// links exist.
func (s *Service) withStandIns(c model.Content) model.Content {
	if s.Links == nil || !trackingOn(c) {
		return c
	}
	standIn := s.Links.ShortPrefix() + strings.Repeat("x", s.Links.CodeLength())
	out, _ := mapURLs(c, func(u string) (string, error) {
		if s.tracked(u) {
			return u, nil
		}
		return standIn, nil
	})
	return out
}

// TrackLinks returns what a target publishes with link tracking applied:
// every URL becomes the target's own short link (UTM source = the
// channel's network, campaign = the post's campaign or pillar). Content
// without the option comes back unchanged. The publisher calls it just
// before publishing; the links are the same on every retry.
func (s *Service) TrackLinks(ctx context.Context, p model.Post, t model.Target, ch model.Channel, c model.Content) (model.Content, error) {
	if s.Links == nil || !trackingOn(c) {
		return c, nil
	}
	pillar := ""
	if p.PillarID != "" {
		pillars, err := s.Store.Read().ListPillars(ctx, p.WorkspaceID)
		if err != nil {
			return c, err
		}
		for _, pl := range pillars {
			if pl.ID == p.PillarID {
				pillar = pl.Name
			}
		}
	}
	return mapURLs(c, func(u string) (string, error) {
		if s.tracked(u) {
			return u, nil
		}
		if !strings.Contains(u, "://") {
			u = "https://" + u
		}
		return s.Links.Track(ctx, p.WorkspaceID, TrackRequest{URL: u, PostID: p.ID, ChannelID: ch.ID, Network: ch.Network,
			Campaign: p.CampaignID, Pillar: pillar})
	})
}
