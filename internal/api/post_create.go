package api

// postCreate saves a new draft post for the picked channels.
func (s *server) postCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in draftInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	p, err := s.d.Compose.Create(c.ctx(), c.actor, ws, in.draft())
	if err != nil {
		return reply{}, err
	}
	return created(c, p.ID, viewPost(p)), nil
}
