package api

// uploadCancel abandons a resumable upload and deletes what arrived.
func (s *server) uploadCancel(c *call) (reply, error) {
	ws, id, err := uploadPath(c)
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Media.Cancel(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
