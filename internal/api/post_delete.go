package api

// postDelete removes a post that has not gone out.
func (s *server) postDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Compose.Delete(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
