package api

// channelLinkStats summarises the clicks of every tracked link published on
// one channel over the last 90 days. An unknown channel is a 404.
func (s *server) channelLinkStats(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	id, err := c.id("id", "channel")
	if err != nil {
		return reply{}, err
	}
	if _, err := s.d.Channels.Get(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	st, err := s.d.Links.ChannelStats(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewLinkStats(st)), nil
}
