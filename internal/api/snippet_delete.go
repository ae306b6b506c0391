package api

// snippetDelete removes a template or hashtag group.
func (s *server) snippetDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("snippet")
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Compose.DeleteSnippet(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
