package api

// invitationList lists a workspace's pending invitations, ordered by ID
// (oldest first).
func (s *server) invitationList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	p, err := c.pageParams()
	if err != nil {
		return reply{}, err
	}
	invs, err := s.d.Workspaces.Invitations(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	views := make([]invitationView, len(invs))
	for i, inv := range invs {
		views[i] = viewInvitation(inv)
	}
	return ok(paginate(views, func(v invitationView) string { return v.ID }, p)), nil
}
