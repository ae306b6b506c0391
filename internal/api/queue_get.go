package api

// queueGet returns a channel's slots and its queued posts in order.
func (s *server) queueGet(c *call) (reply, error) {
	ws, id, err := c.wsAnd("channel")
	if err != nil {
		return reply{}, err
	}
	qu, err := s.d.Publish.ChannelQueue(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewQueue(qu)), nil
}
