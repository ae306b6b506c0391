package api

// presetGet returns the workspace's UTM presets.
func (s *server) presetGet(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	list, err := s.d.Links.Presets(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	return ok(viewPresets(list)), nil
}
