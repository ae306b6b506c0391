package api

// ideaDelete removes an idea.
func (s *server) ideaDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("idea")
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Compose.DeleteIdea(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
