package api

// tokenRevoke revokes one of the caller's tokens, possibly the one in use.
func (s *server) tokenRevoke(c *call) (reply, error) {
	id, err := c.id("id", "token")
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Accounts.RevokeToken(c.ctx(), c.actor, id); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
