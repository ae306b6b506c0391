package api

// memberList lists a workspace's members, ordered by user ID.
func (s *server) memberList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	p, err := c.pageParams()
	if err != nil {
		return reply{}, err
	}
	ms, err := s.d.Workspaces.Members(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	views := make([]memberView, len(ms))
	for i, m := range ms {
		views[i] = viewMember(m)
	}
	return ok(paginate(views, func(v memberView) string { return v.UserID }, p)), nil
}
