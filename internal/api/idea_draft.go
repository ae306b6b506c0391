package api

// ideaDraft turns an idea into a draft post for the given channels in one
// step and answers the new post.
func (s *server) ideaDraft(c *call) (reply, error) {
	ws, id, err := c.wsAnd("idea")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Channels []string `json:"channels"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	p, err := s.d.Compose.IdeaToDraft(c.ctx(), c.actor, ws, id, in.Channels)
	if err != nil {
		return reply{}, err
	}
	return reply{status: 201, body: viewPost(p), location: "/api/v1/workspaces/" + ws + "/posts/" + p.ID}, nil
}
