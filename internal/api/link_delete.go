package api

// linkDelete removes a link and its clicks; its short URL answers 404.
func (s *server) linkDelete(c *call) (reply, error) {
	ws, id, err := linkPath(c)
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Links.Delete(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
