package api

// pillarDelete removes a pillar; its posts keep their content without it.
func (s *server) pillarDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("pillar")
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Compose.DeletePillar(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
