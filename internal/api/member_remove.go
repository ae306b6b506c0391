package api

// memberRemove takes a member out of the workspace; members may also remove
// themselves (leave), which the domain allows with any role.
func (s *server) memberRemove(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	user, err := c.id("user", "member")
	if err != nil {
		return reply{}, err
	}
	if err := s.d.Workspaces.RemoveMember(c.ctx(), c.actor, ws, user); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
