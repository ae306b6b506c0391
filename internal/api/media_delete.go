package api

// mediaDelete removes an asset and its files. An asset that posts use is
// kept and answered 409 with the domain's explanation.
func (s *server) mediaDelete(c *call) (reply, error) {
	ws, id, err := mediaPath(c)
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Media.Delete(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
