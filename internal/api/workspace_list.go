package api

// workspaceList lists the caller's workspaces, with the caller's role in each.
func (s *server) workspaceList(c *call) (reply, error) {
	p, err := c.pageParams()
	if err != nil {
		return reply{}, err
	}
	ms, err := s.d.Workspaces.List(c.ctx(), c.actor)
	if err != nil {
		return reply{}, err
	}
	views := make([]workspaceView, len(ms))
	for i, m := range ms {
		views[i] = viewWorkspace(m)
	}
	return ok(paginate(views, func(v workspaceView) string { return v.ID }, p)), nil
}
