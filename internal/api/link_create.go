package api

import "herald/internal/links"

// linkCreate makes a tracked link by hand; UTM defaults and presets are
// applied to the target as for links made by the composer.
func (s *server) linkCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		URL       string `json:"url"`
		ChannelID string `json:"channel_id"`
		Campaign  string `json:"campaign"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	l, err := s.d.Links.Create(c.ctx(), c.actor, ws, links.NewLink{URL: in.URL, ChannelID: in.ChannelID, Campaign: in.Campaign})
	if err != nil {
		return reply{}, err
	}
	return created(c, l.ID, s.viewLink(l)), nil
}
