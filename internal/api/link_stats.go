package api

// linkStats summarises a link's clicks over the last 90 days.
func (s *server) linkStats(c *call) (reply, error) {
	ws, id, err := linkPath(c)
	if err != nil {
		return reply{}, err
	}
	st, err := s.d.Links.Stats(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewLinkStats(st)), nil
}
