package api

// postHistory lists a post's saved versions, newest first, each with the
// base text's diff from the version before.
func (s *server) postHistory(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	vs, err := s.d.Compose.History(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	out := struct {
		Data []versionView `json:"data"`
	}{Data: make([]versionView, len(vs))}
	for i, v := range vs {
		out.Data[i] = viewVersion(v)
	}
	return ok(out), nil
}
