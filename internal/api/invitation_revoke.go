package api

// invitationRevoke cancels a pending invitation.
func (s *server) invitationRevoke(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	id, err := c.id("id", "invitation")
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Workspaces.RevokeInvitation(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
