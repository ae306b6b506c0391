package api

// channelGet shows one channel.
func (s *server) channelGet(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	id, err := c.id("id", "channel")
	if err != nil {
		return reply{}, err
	}
	ch, err := s.d.Channels.Get(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewChannel(ch)), nil
}
