package api

// workspaceGet shows one workspace the caller belongs to.
func (s *server) workspaceGet(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	m, err := s.d.Workspaces.Get(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	return ok(viewWorkspace(m)), nil
}
