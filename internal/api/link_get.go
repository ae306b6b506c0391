package api

// linkGet returns one tracked link.
func (s *server) linkGet(c *call) (reply, error) {
	ws, id, err := linkPath(c)
	if err != nil {
		return reply{}, err
	}
	l, err := s.d.Links.Get(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(s.viewLink(l)), nil
}

// linkPath reads the workspace and link IDs from the path.
func linkPath(c *call) (string, string, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return "", "", err
	}
	id, err := c.id("id", "link")
	return ws, id, err
}
