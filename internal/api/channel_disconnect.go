package api

// channelDisconnect removes a channel and its credentials.
func (s *server) channelDisconnect(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	id, err := c.id("id", "channel")
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Channels.Disconnect(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
