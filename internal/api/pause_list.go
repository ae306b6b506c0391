package api

// pauseList returns the workspace's pauses: the whole workspace
// (channel_id null) and single channels.
func (s *server) pauseList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	list, err := s.d.Publish.Pauses(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	return ok(viewPauses(list)), nil
}
